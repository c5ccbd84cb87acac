import type { EventKindModule } from '../kind-module';
import { evaluateGeoVelocity, geoVelocityHistoryNeed } from './geo-velocity.evaluator';
import { geoVelocityParamsSchema, type GeoVelocityParams } from './geo-velocity.params';

const DAY_MS = 86_400_000;

/** Two located events of a group farther apart than anyone could travel in the time between. */
export const geoVelocityKind: EventKindModule<GeoVelocityParams> = {
  judges: 'events',
  params: geoVelocityParamsSchema,
  streamsRequired: true,
  groupByRequired: true,
  impliedStreams: () => [],
  evaluate: evaluateGeoVelocity,
  lookBack: {
    historyNeed: geoVelocityHistoryNeed,
    hourlyDays: () => 0,
    hourlyKeys: () => [],
    seenDimensions: () => [],
    baselineEntity: () => null,
    warmupDays: () => 0,
    retainMs: () => 2 * DAY_MS,
  },
};
