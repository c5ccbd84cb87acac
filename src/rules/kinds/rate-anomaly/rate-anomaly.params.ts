import { DEFAULT_BASELINE_DAYS } from '../../../baselines/baseline-horizon';
import { ENTITY_TYPES, type EntityType } from '../../../baselines/baseline-snapshot';
import { LIMITS } from '../../engine/rule-limits';
import type { ParamsSchema } from '../kind-module';

export interface RateAnomalyParams {
  entity: EntityType;
  /** Upper-tail Poisson probability below which the hour is anomalous. */
  pValue: number;
  minCount: number;
  /** The count must also be at least this multiple of the expected count. */
  minRatio: number;
  /** How many days of hourly history the expected rate is learned from. */
  baselineDays: number;
}

export const rateAnomalyParamsSchema: ParamsSchema<RateAnomalyParams> = {
  keys: ['entity', 'pValue', 'minCount', 'minRatio', 'baselineDays'],
  read(c, obj, path) {
    const entity = c.oneOf(obj, 'entity', path, ENTITY_TYPES, 'entity') ?? 'user';
    const pValue = c.number(obj, 'pValue', path, { above: 0, below: 1 }) ?? 1e-6;
    const minCount =
      c.number(obj, 'minCount', path, { integer: true, min: 1, max: LIMITS.maxCount }) ?? 10;
    const minRatio = c.number(obj, 'minRatio', path, { min: 0, max: LIMITS.maxCount }) ?? 4;
    const baselineDays = c.hourlyDays(obj, 'baselineDays', path) ?? DEFAULT_BASELINE_DAYS;
    return { entity, pValue, minCount, minRatio, baselineDays };
  },
};
