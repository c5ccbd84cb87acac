export * from './types';
export { CITIES, cityByName, distanceKm, type City } from './cities';
export { formatTimestamp } from './event-factory';
export {
  createScenarioPlan,
  DEFAULT_SCENARIO_START,
  generateScenario,
  scenarioCounts,
  servedCount,
  type ScenarioCounts,
  type ScenarioPlan,
} from './generate-scenario';
export { LEARNING_DAYS } from './population';
