import type { DetectEvent } from '../../events/detect-event';
import { compareEventOrder, compareIds } from '../../events/event-order';

/** An event with its time as a number, the unit every evaluator sorts and windows on. */
export interface Timed {
  readonly e: DetectEvent;
  readonly t: number;
}

export function timed(e: DetectEvent): Timed {
  return { e, t: e.eventTime.getTime() };
}

/** Event-time order, ties by id (events' order, on times read once). */
export function compareTimed(a: Timed, b: Timed): number {
  return compareEventOrder(a.t, a.e.id, b.t, b.e.id);
}

/** First index whose element is not before `x` (in event-time order, ties by id). */
export function insertionIndex(sorted: readonly Timed[], x: Timed): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareTimed(sorted[mid], x) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose time is > t (strictly after). */
export function firstAfter(sorted: readonly Timed[], t: number, from = 0): number {
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid].t <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose time is >= t. */
export function firstAtOrAfter(sorted: readonly Timed[], t: number, from = 0): number {
  let lo = from;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid].t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Each batch array in the order it was stored: the same for every rule judging it. */
const arrivalsByBatch = new WeakMap<readonly DetectEvent[], readonly DetectEvent[]>();

/**
 * The batch in the order it was stored (by id), duplicates dropped: worked out once per batch
 * array, as every rule judging it asks.
 */
export function arrivalsOf(batch: readonly DetectEvent[]): readonly DetectEvent[] {
  let arrivals = arrivalsByBatch.get(batch);
  if (!arrivals) {
    arrivals = inStoredOrder(batch);
    arrivalsByBatch.set(batch, arrivals);
  }
  return arrivals;
}

/** The events in the order they were stored (by id), duplicates dropped, as a new array. */
export function inStoredOrder(events: readonly DetectEvent[]): DetectEvent[] {
  // The sort is stable: of events with one id the first comes first, and is the one kept.
  const sorted = [...events].sort((a, b) => compareIds(a.id, b.id));
  return sorted.filter((e, i) => i === 0 || sorted[i - 1].id !== e.id);
}

/**
 * Tells arrivalsOf what it would work out, `arrivals` being `batch` in stored order with each
 * id once: slices of one pass are cut from the pass in that order, one sort serving them all.
 */
export function knowArrivals(
  batch: readonly DetectEvent[],
  arrivals: readonly DetectEvent[],
): void {
  arrivalsByBatch.set(batch, arrivals);
}

/** Whether events in stored order hold the id (a binary search: no set of ids to build). */
function holdsId(arrivals: readonly DetectEvent[], id: string): boolean {
  let lo = 0;
  let hi = arrivals.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const order = compareIds(arrivals[mid].id, id);
    if (order === 0) return true;
    if (order < 0) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

/**
 * Splits what a rule sees into what was stored before the batch and the batch itself in the
 * order it was stored (arrivalsOf). History may hold the batch too (a rule test's does;
 * detection's does not); events are deduplicated by id, and a batch event missing from the
 * history is still judged.
 */
export function splitArrivals(
  history: readonly DetectEvent[],
  batch: readonly DetectEvent[],
): { before: DetectEvent[]; arrivals: readonly DetectEvent[] } {
  const arrivals = arrivalsOf(batch);
  const seen = new Set<string>();
  const before: DetectEvent[] = [];
  for (const e of history) {
    if (seen.has(e.id) || holdsId(arrivals, e.id)) continue;
    seen.add(e.id);
    before.push(e);
  }
  return { before, arrivals };
}
