import type { EntityManager } from 'typeorm';
import type { EventsService } from '../events/events.service';
import type { DetectEvent } from '../events/detect-event';
import type { HistoryNeed } from '../rules/engine/evaluation';
import { answersNeed } from '../rules/engine/evaluate';
import { toDetectEvent } from '../events/detect-event.mapper';
import { byEventTime } from '../events/event-order';

/**
 * Answers every rule's history needs with as few queries as possible: needs on the same
 * field are merged into one query, whose answer each rule then narrows to its own needs.
 * Rules judge a batch against what was stored up to it: events stored after the batch (by
 * id) are left out, and judged with their own batch.
 */
export async function loadHistories(
  manager: EntityManager,
  events: EventsService,
  needsByRule: ReadonlyArray<readonly HistoryNeed[]>,
  lastBatchId: bigint,
): Promise<DetectEvent[][]> {
  const merged = new Map<string, HistoryNeed>();
  for (const need of needsByRule.flat()) {
    if (need.keys.length === 0 || need.neighbours) continue;
    const current = merged.get(need.field);
    merged.set(
      need.field,
      current
        ? {
            field: need.field,
            keys: [...new Set([...current.keys, ...need.keys])],
            from: need.from < current.from ? need.from : current.from,
            to: need.to > current.to ? need.to : current.to,
            streams: [...new Set([...current.streams, ...need.streams])],
          }
        : need,
    );
  }
  const byField = new Map<string, DetectEvent[]>();
  for (const need of merged.values()) {
    const rows = await events.findHistory(manager, need);
    byField.set(
      need.field,
      rows.map(toDetectEvent).filter((event) => BigInt(event.id) <= lastBatchId),
    );
  }
  const answers: DetectEvent[][] = [];
  for (const needs of needsByRule) {
    const answer = new Map<string, DetectEvent>();
    for (const need of needs) {
      const candidates = need.neighbours
        ? (
            await events.findNeighbours(manager, {
              field: need.field,
              points: need.neighbours.points,
              streams: need.streams,
              spanMs: Math.max(0, need.to.getTime() - need.from.getTime()),
              perSide: need.neighbours.perSide,
              located: need.neighbours.located,
              maxId: lastBatchId.toString(),
            })
          ).map(toDetectEvent)
        : (byField.get(need.field) ?? []);
      for (const event of candidates) {
        if (answersNeed(need, event)) answer.set(event.id, event);
      }
    }
    answers.push([...answer.values()].sort(byEventTime));
  }
  return answers;
}
