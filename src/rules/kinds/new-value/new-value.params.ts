import {
  BASELINE_DIMENSIONS,
  DIMENSIONS_BY_ENTITY,
  ENTITY_TYPES,
  type BaselineDimension,
  type EntityType,
} from '../../../baselines/baseline-snapshot';
import { LIMITS } from '../../engine/rule-limits';
import { at, isObject, typeName } from '../../engine/validation/checker';
import type { RuleChecker } from '../../engine/validation/rule-checker';
import type { ParamsSchema } from '../kind-module';

export interface NewValueParams {
  entity: EntityType;
  field: BaselineDimension;
  /** No alert until the entity's first event is at least this old. */
  learningDays: number;
  /** A value unseen for this long counts as new again. */
  forgetAfterDays: number;
  /**
   * A value first seen less than this long before the event, and not yet used by an event the
   * rule itself counts, is still new: a sign-in from a new country teaches the baseline the
   * country, and the reveals that follow it from there must still fire.
   */
  newForHours?: number;
  /** Field ip: an address is known when another known address shares its network. */
  network?: NetworkParams;
}

export interface NetworkParams {
  ipv4Prefix: number;
  ipv6Prefix: number;
  /** Only private addresses are judged by network; a public one must be known itself. */
  privateOnly: boolean;
}

export const newValueParamsSchema: ParamsSchema<NewValueParams> = {
  keys: ['entity', 'field', 'learningDays', 'forgetAfterDays', 'newForHours', 'network'],
  read(c, obj, path) {
    const entity = c.oneOf(obj, 'entity', path, ENTITY_TYPES, 'entity') ?? 'user';
    const field = c.oneOf(obj, 'field', path, BASELINE_DIMENSIONS, 'baseline dimension', true);
    if (field !== null && !DIMENSIONS_BY_ENTITY[entity].includes(field)) {
      c.fail(
        at(path, 'field'),
        `'${field}' is not remembered for ${entity} baselines (remembered: ${DIMENSIONS_BY_ENTITY[entity].join(', ')})`,
      );
    }
    const learningDays = c.number(obj, 'learningDays', path, { min: 0, max: LIMITS.maxDays }) ?? 14;
    const forgetAfterDays =
      c.number(obj, 'forgetAfterDays', path, { above: 0, max: LIMITS.maxDays }) ?? 90;
    const newForHours =
      c.number(obj, 'newForHours', path, {
        min: 0,
        max: 168,
        what: '(a week of stored events is read back)',
      }) ?? 24;
    let network: NetworkParams | null = null;
    if (obj.network !== undefined) {
      if (field !== null && field !== 'ip') c.fail(at(path, 'network'), 'applies to field ip only');
      network = readNetwork(c, obj.network, at(path, 'network'));
    }
    if (field === null) return null;
    return {
      entity,
      field,
      learningDays,
      forgetAfterDays,
      newForHours,
      ...(network === null ? {} : { network }),
    };
  },
};

function readNetwork(c: RuleChecker, raw: unknown, path: string): NetworkParams | null {
  if (!isObject(raw)) return c.fail(path, `must be an object, not ${typeName(raw)}`);
  c.noUnknown(raw, ['ipv4Prefix', 'ipv6Prefix', 'privateOnly'], path);
  const before = c.errors.length;
  const ipv4Prefix = c.number(raw, 'ipv4Prefix', path, { integer: true, min: 8, max: 32 }) ?? 24;
  const ipv6Prefix = c.number(raw, 'ipv6Prefix', path, { integer: true, min: 16, max: 128 }) ?? 64;
  const privateOnly = c.boolean(raw, 'privateOnly', path) ?? true;
  return c.errors.length === before ? { ipv4Prefix, ipv6Prefix, privateOnly } : null;
}
