import type { EntityManager } from 'typeorm';
import type { EventsService } from '../events/events.service';
import type { DetectEvent, EventField } from '../events/detect-event';
import type { NeighbourPoint, NeighbourSide } from '../events/history-range';
import type { HistoryNeed } from '../rules/engine/evaluation';
import { answersNeed } from '../rules/engine/evaluate';
import { toDetectEvent } from '../events/detect-event.mapper';
import { compareIds, sortByEventTime } from '../events/event-order';
import { historyRanges } from './history-ranges';

/**
 * Answers every rule's history needs with as few queries as possible: one query per field
 * reads the union of the needs on it (see historyRanges), whose answer each rule then narrows
 * to its own needs. Rules judge a batch against what was stored up to it: events stored after
 * the batch (by id) are left out, and judged with their own batch. The judged events (all
 * those of the judged batches) are left out too: each rule is given them as its batch, and a
 * history need not hold the batch (see evaluate).
 */
export async function loadHistories(
  manager: EntityManager,
  events: EventsService,
  needsByRule: ReadonlyArray<readonly HistoryNeed[]>,
  judged: { events: readonly DetectEvent[]; batchIds: readonly string[] },
  /** Between one field's or rule's work and the next (see DetectionService). */
  pause: () => Promise<void>,
): Promise<DetectEvent[][]> {
  const maxId = judged.events.reduce((max, { id }) => (compareIds(id, max) > 0 ? id : max), '0');
  const excludeBatchIds = judged.batchIds;
  const ranges = historyRanges(
    needsByRule.flat().filter((need) => need.keys.length > 0 && !need.neighbours),
  );
  /** Per field, the stored events read for it, by their value of the field. */
  const byField = new Map<EventField, Map<string, DetectEvent[]>>();
  for (const [field, fieldRanges] of ranges) {
    const rows = await events.findHistory(manager, {
      field,
      ranges: fieldRanges,
      maxId,
      excludeBatchIds,
    });
    await pause();
    const byKey = new Map<string, DetectEvent[]>();
    for (const event of rows.map(toDetectEvent)) {
      const value = event[field];
      if (value === null) continue;
      const key = typeof value === 'string' ? value : String(value);
      const keyed = byKey.get(key);
      if (keyed) keyed.push(event);
      else byKey.set(key, [event]);
    }
    byField.set(field, byKey);
  }
  const answers: DetectEvent[][] = [];
  for (const needs of needsByRule) {
    await pause();
    const answer = new Map<string, DetectEvent>();
    for (const need of needs) {
      const candidates = need.neighbours
        ? await readNeighbours(manager, events, need, need.neighbours, { maxId, excludeBatchIds })
        : need.keys.flatMap((key) => byField.get(need.field)?.get(key) ?? []);
      for (const event of candidates) {
        if (answersNeed(need, event)) answer.set(event.id, event);
      }
    }
    answers.push(sortByEventTime([...answer.values()]));
  }
  return answers;
}

type Neighbours = NonNullable<HistoryNeed['neighbours']>;

/**
 * The stored events nearest to the need's points, each side read on its own. A side whose
 * nearest events all fail to count (an attacker's failed sign-ins before their sign-in) is read
 * on past them, four times as many each round, until one counts or its window ends: otherwise
 * they would hide the event the arrival is to be paired with.
 */
async function readNeighbours(
  manager: EntityManager,
  events: EventsService,
  need: HistoryNeed,
  { perSide, withinMs, located, counts, points }: Neighbours,
  { maxId, excludeBatchIds }: { maxId: string; excludeBatchIds: readonly string[] },
): Promise<DetectEvent[]> {
  const read = new Map<string, DetectEvent>();
  let sides = points.flatMap((point) => sidesOf(point, withinMs));
  for (let limit = perSide; sides.length > 0; limit *= 4) {
    const rows = await events.findNeighbours(manager, {
      field: need.field,
      sides,
      streams: need.streams,
      perSide: limit,
      located,
      maxId,
      excludeBatchIds,
      excludeIds: [...read.keys()],
    });
    const found = sides.map((): DetectEvent[] => []);
    for (const row of rows) {
      const event = read.get(row.id) ?? toDetectEvent(row);
      read.set(event.id, event);
      found[Number(row.ordinal) - 1].push(event);
    }
    sides = sides.flatMap((side, i) => {
      const near = found[i];
      if (near.length < limit || near.some(counts)) return [];
      const times = near.map((event) => event.eventTime.getTime());
      const farthest = side.side === 'before' ? Math.min(...times) : Math.max(...times);
      return [{ ...side, at: new Date(farthest) }];
    });
  }
  return [...read.values()];
}

/** A point as its two sides, or its one, each bounded by the far end of its window. */
function sidesOf(point: NeighbourPoint, withinMs: number): NeighbourSide[] {
  const t = point.at.getTime();
  const bound = point.bound?.getTime();
  const sides: Array<'before' | 'after'> = point.side ? [point.side] : ['before', 'after'];
  return sides.map((side) => ({
    key: point.key,
    at: point.at,
    side,
    bound: new Date(
      side === 'before'
        ? Math.max(t - withinMs, bound ?? -Infinity)
        : Math.min(t + withinMs, bound ?? Infinity),
    ),
  }));
}
