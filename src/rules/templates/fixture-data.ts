import type { BaselineDimension, EntityType } from '../../baselines/baseline-snapshot';
import type { DetectEvent } from '../../events/detect-event';

/**
 * How a template's fixtures write events and baselines as data: they are shown by
 * `GET /api/v1/rule-templates`, and the template spec turns them into real events and
 * baselines (test/support/rule-engine).
 */

type Time = string | number;

/** An event from the few fields a case cares about, every other field null. */
export type EventSpec = Partial<Omit<DetectEvent, 'eventTime' | 'ingestedAt' | 'raw'>> & {
  /** Event time: ISO text or epoch ms. */
  at: Time;
};

/** A baseline written as data. Times are ISO text or epoch ms. */
export interface BaselineSpec {
  entityType?: EntityType;
  /** The account (default none: events that name no account). */
  accountId?: string;
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

/** [hour, count] rows for every hour in [from, to) where count(hourIndex) is not 0. */
export function hourlyRows(
  from: Time,
  to: Time,
  count: (hourIndex: number, hourStart: number) => number,
): Array<[number, number]> {
  const rows: Array<[number, number]> = [];
  const start = Math.floor(new Date(from).getTime() / 3_600_000) * 3_600_000;
  const end = new Date(to).getTime();
  for (let h = start, i = 0; h < end; h += 3_600_000, i++) {
    const c = count(i, h);
    if (c > 0) rows.push([h, c]);
  }
  return rows;
}
