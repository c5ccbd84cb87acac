import type {
  BaselineDimension,
  EntityBaseline,
  SeenValue,
} from '../../../src/baselines/baseline-snapshot';
import type { BaselineSpec } from '../../../src/rules/templates/fixture-data';

export { hourlyRows } from '../../../src/rules/templates/fixture-data';

type Time = string | number;

/** A baseline from its data form (tests, template fixtures). */
const date = (t: Time): Date => new Date(t);

export function entityBaseline(spec: BaselineSpec): EntityBaseline {
  const seen = new Map<BaselineDimension, Map<string, SeenValue>>();
  for (const [dimension, values] of Object.entries(spec.seen ?? {}) as Array<
    [BaselineDimension, Record<string, { firstSeen: Time; lastSeen: Time; count?: number }>]
  >) {
    seen.set(
      dimension,
      new Map(
        Object.entries(values).map(([value, s]) => [
          value,
          { firstSeen: date(s.firstSeen), lastSeen: date(s.lastSeen), count: s.count ?? 1 },
        ]),
      ),
    );
  }
  const hourly = new Map<string, Map<number, number>>();
  for (const [action, rows] of Object.entries(spec.hourly ?? {})) {
    hourly.set(action, new Map(rows.map(([h, c]) => [date(h).getTime(), c])));
  }
  return {
    entityType: spec.entityType ?? 'user',
    accountId: spec.accountId ?? '',
    entityId: spec.entityId,
    firstEventAt: date(spec.firstEventAt),
    lastEventAt: date(spec.lastEventAt ?? spec.firstEventAt),
    activeDays: spec.activeDays ?? 1,
    seen,
    hourly,
    lastLocation: null,
  };
}
