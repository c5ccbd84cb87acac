import type { DetectEvent } from './detect-event';

/**
 * Event ids are `events.id` bigints as decimal strings: longer is larger, then lexicographic.
 * Ids grow in the order events were stored, which is the order detection judges them in.
 */
export function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Event time, then id: the order detection reads events in (`EVENT_ORDER_SQL`) and every
 * evaluator expects. Times are epoch milliseconds, so callers that keep them as numbers
 * compare without building Dates.
 */
export function compareEventOrder(aTime: number, aId: string, bTime: number, bId: string): number {
  return aTime !== bTime ? aTime - bTime : compareIds(aId, bId);
}

/** The same order in SQL, for ORDER BY and keyset pagination over `events`. */
export const EVENT_ORDER_SQL = 'event_time, id';

/** Event time, then id, for sorting events. */
export const byEventTime = (a: DetectEvent, b: DetectEvent): number =>
  compareEventOrder(a.eventTime.getTime(), a.id, b.eventTime.getTime(), b.id);

/**
 * Sorts events by event time, then id, in place; each time is read once, which matters for
 * the thousands of events a detection pass sorts for every rule.
 */
export function sortByEventTime<T extends DetectEvent>(events: T[]): T[] {
  const keyed = events.map((e) => ({ t: e.eventTime.getTime(), e }));
  keyed.sort((a, b) => compareEventOrder(a.t, a.e.id, b.t, b.e.id));
  for (let i = 0; i < keyed.length; i++) events[i] = keyed[i].e;
  return events;
}
