import type { DetectEvent } from './detect-event';

/**
 * The events of batches this process stored lately, as detection reads them, until detection
 * takes them: a process that both stores and detects (APP_ROLE=all) need not read back the
 * rows it has just written. Only a cache of what PostgreSQL holds: a batch missing from it
 * (stored by another process or through staging, pushed out, or from before a restart) is
 * read from PostgreSQL. Bounded by events; the oldest batches go first, so one detected
 * elsewhere cannot stay.
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
    if (events.length > this.capacity) return;
    this.batches.set(batchId, events);
    this.events += events.length;
    for (const [oldest, held] of this.batches) {
      if (this.events <= this.capacity) break;
      this.batches.delete(oldest);
      this.events -= held.length;
    }
  }

  /** The batch's events if held, still held after. */
  peek(batchId: string): readonly DetectEvent[] | undefined {
    return this.batches.get(batchId);
  }

  /** The batch's events if held, forgotten: a pass that fails reads them back. */
  take(batchId: string): readonly DetectEvent[] | undefined {
    const events = this.batches.get(batchId);
    if (events !== undefined) {
      this.batches.delete(batchId);
      this.events -= events.length;
    }
    return events;
  }
}
