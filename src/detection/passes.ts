import type { UndetectedBatch } from '../events/events.repository';

/**
 * Events judged together at most when a backlog of batches waits: one pass reads each key's
 * history, the baselines and the rules once for all of them, where batch by batch every one of
 * them reread what the last one read. It bounds the memory one pass holds.
 */
export const PASS_EVENT_LIMIT = 20_000;

/**
 * Batches cut into passes of consecutive ones, each up to PASS_EVENT_LIMIT events (a batch
 * larger than that is a pass of its own), in the order they were stored.
 */
export function passesOf(batches: readonly UndetectedBatch[]): string[][] {
  const passes: string[][] = [];
  let size = Infinity;
  for (const batch of batches) {
    if (size + batch.events > PASS_EVENT_LIMIT) {
      passes.push([]);
      size = 0;
    }
    passes.at(-1)!.push(batch.id);
    size += batch.events;
  }
  return passes;
}
