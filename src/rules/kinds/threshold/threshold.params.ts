import { DEFAULT_BASELINE_DAYS, HOURLY_RETENTION_DAYS } from '../../../baselines/baseline-horizon';
import { ENTITY_TYPES, type EntityType } from '../../../baselines/baseline-snapshot';
import type { EventField } from '../../../events/detect-event';
import { LIMITS } from '../../engine/rule-limits';
import { at, isObject, typeName } from '../../engine/validation/checker';
import type { RuleChecker } from '../../engine/validation/rule-checker';
import type { ParamsSchema } from '../kind-module';

export interface ThresholdParams {
  windowSeconds: number;
  /** Fires when the count (or the distinct count of `distinctField`) reaches this. */
  threshold: number;
  distinctField?: EventField;
  /** Judge a burst against the entity's own routine of bursts (see routine.ts). */
  routine?: RoutineParams;
}

/**
 * A burst the entity makes routinely (a deploy job's daily read of its secrets) raises the
 * threshold in the hours of day it happens: to `factor` × its usual burst size.
 */
export interface RoutineParams {
  entity: EntityType;
  /** Days of hourly history the routine is learned from. */
  baselineDays: number;
  /** Bursts (hours reaching the rule's threshold) on at least this many days make a routine. */
  minDays: number;
  /** A burst fires in a routine hour only when it reaches factor × the usual burst. */
  factor: number;
}

export const thresholdParamsSchema: ParamsSchema<ThresholdParams> = {
  keys: ['windowSeconds', 'threshold', 'distinctField', 'routine'],
  read(c, obj, path) {
    const windowSeconds = c.number(obj, 'windowSeconds', path, {
      required: true,
      above: 0,
      max: LIMITS.maxWindowSeconds,
    });
    const threshold = c.number(obj, 'threshold', path, {
      required: true,
      integer: true,
      min: 1,
      max: LIMITS.maxCount,
    });
    const distinctField =
      obj.distinctField === undefined
        ? null
        : c.eventField(obj.distinctField, at(path, 'distinctField'));
    const routine = obj.routine === undefined ? null : readRoutine(c, obj.routine, path);
    if (windowSeconds === null || threshold === null) return null;
    return {
      windowSeconds,
      threshold,
      ...(distinctField === null ? {} : { distinctField }),
      ...(routine === null ? {} : { routine }),
    };
  },
};

function readRoutine(c: RuleChecker, raw: unknown, params: string): RoutineParams | null {
  const path = at(params, 'routine');
  if (!isObject(raw)) return c.fail(path, `must be an object, not ${typeName(raw)}`);
  c.noUnknown(raw, ['entity', 'baselineDays', 'minDays', 'factor'], path);
  const before = c.errors.length;
  const entity = c.oneOf(raw, 'entity', path, ENTITY_TYPES, 'entity') ?? 'connect_token';
  const baselineDays = c.hourlyDays(raw, 'baselineDays', path) ?? DEFAULT_BASELINE_DAYS;
  const minDays =
    c.number(raw, 'minDays', path, { integer: true, min: 1, max: HOURLY_RETENTION_DAYS }) ?? 3;
  const factor = c.number(raw, 'factor', path, { min: 1, max: 100 }) ?? 2;
  if (minDays > baselineDays) c.fail(at(path, 'minDays'), 'must be at most baselineDays');
  return c.errors.length === before ? { entity, baselineDays, minDays, factor } : null;
}
