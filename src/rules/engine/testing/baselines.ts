import type {
  BaselineDimension,
  EntityBaseline,
  EntityType,
  SeenValue,
} from '../../../baselines/baseline-snapshot';

type Time = string | number;

/** A baseline written as data (tests, template fixtures). Times are ISO text or epoch ms. */
export interface BaselineSpec {
  entityType?: EntityType;
  entityId: string;
  firstEventAt: Time;
  lastEventAt?: Time;
  activeDays?: number;
  /** dimension → value → first and last seen (count defaults to 1). */
  seen?: Partial<
    Record<BaselineDimension, Record<string, { firstSeen: Time; lastSeen: Time; count?: number }>>
  >;
  /** action (hourly key) → [hour start, count] pairs. */
  hourly?: Record<string, Array<[Time, number]>>;
}

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
    entityId: spec.entityId,
    firstEventAt: date(spec.firstEventAt),
    lastEventAt: date(spec.lastEventAt ?? spec.firstEventAt),
    activeDays: spec.activeDays ?? 1,
    seen,
    hourly,
    lastLocation: null,
  };
}

/** [hour, count] rows for every hour in [from, to) where count(hourIndex) is not 0. */
export function hourlyRows(
  from: Time,
  to: Time,
  count: (hourIndex: number, hourStart: number) => number,
): Array<[number, number]> {
  const rows: Array<[number, number]> = [];
  const start = Math.floor(date(from).getTime() / 3_600_000) * 3_600_000;
  const end = date(to).getTime();
  for (let h = start, i = 0; h < end; h += 3_600_000, i++) {
    const c = count(i, h);
    if (c > 0) rows.push([h, c]);
  }
  return rows;
}
