import type { DetectEvent } from './detect-event';
import { compareIds } from './event-order';

/**
 * The events of batches this process stored lately, as detection reads them, until detection
 * takes them: a process that both stores and detects (APP_ROLE=all) need not read back the
 * rows it has just written. Only a cache of what PostgreSQL holds: a batch missing from it
 * (stored by another process or through staging, stored while it was full, or before a
 * restart) is read from PostgreSQL.
 *
 * Bounded by events. When full it keeps what it holds: batches are judged in the order they
 * were stored, so behind a backlog the oldest held are the next judged, where the newest would
 * push each other out before their turn. Taking a batch lets go of those stored before it: they
 * were judged already, by another process.
 */
export class RecentBatches {
  private readonly batches = new Map<string, readonly DetectEvent[]>();
  private events = 0;

  /** `capacity` events at most; 0 in a process that does not detect. */
  constructor(private readonly capacity: number) {}

  /** Whether batches are kept at all (not in a process that does not detect). */
  get keeps(): boolean {
    return this.capacity > 0;
  }

  /** After its transaction committed: the batch's events, exactly as they were stored. */
  remember(batchId: string, events: readonly DetectEvent[]): void {
    if (this.events + events.length > this.capacity) return;
    this.batches.set(batchId, events);
    this.events += events.length;
  }

  /** The batch's events if held, still held after (a look ahead of its turn). */
  peek(batchId: string): readonly DetectEvent[] | undefined {
    return this.batches.get(batchId);
  }

  /** The batch's events if held, let go of with every batch stored before it (its turn). */
  take(batchId: string): readonly DetectEvent[] | undefined {
    const events = this.batches.get(batchId);
    for (const [id, held] of this.batches) {
      if (compareIds(id, batchId) > 0) continue;
      this.batches.delete(id);
      this.events -= held.length;
    }
    return events;
  }
}
