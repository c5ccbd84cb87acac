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

/** A batch in the order it was stored, and its ids: the same for every rule judging it. */
const arrivalsOf = new WeakMap<
  readonly DetectEvent[],
  { ids: ReadonlySet<string>; arrivals: readonly DetectEvent[] }
>();

/**
 * Splits what a rule sees into what was stored before the batch and the batch itself in the
 * order it was stored (by id). History normally holds the batch too (it is stored before
 * detection); events are deduplicated by id, and a batch event missing from the history is
 * still judged. The batch's part is worked out once per batch array, as every rule asks.
 */
export function splitArrivals(
  history: readonly DetectEvent[],
  batch: readonly DetectEvent[],
): { before: DetectEvent[]; arrivals: readonly DetectEvent[] } {
  let split = arrivalsOf.get(batch);
  if (!split) {
    const ids = new Set<string>();
    const arrivals: DetectEvent[] = [];
    for (const e of batch) {
      if (ids.has(e.id)) continue;
      ids.add(e.id);
      arrivals.push(e);
    }
    arrivals.sort((a, b) => compareIds(a.id, b.id));
    split = { ids, arrivals };
    arrivalsOf.set(batch, split);
  }
  const seen = new Set<string>();
  const before: DetectEvent[] = [];
  for (const e of history) {
    if (split.ids.has(e.id) || seen.has(e.id)) continue;
    seen.add(e.id);
    before.push(e);
  }
  return { before, arrivals: split.arrivals };
}

/** The events with duplicate ids dropped (first kept), as a new array. */
export function uniqueById(events: readonly DetectEvent[]): DetectEvent[] {
  const seen = new Set<string>();
  const out: DetectEvent[] = [];
  for (const e of events) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    out.push(e);
  }
  return out;
}
