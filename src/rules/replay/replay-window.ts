import type { DetectEvent } from '../../events/detect-event';
import { answersNeed, selectHistory } from '../engine/evaluate';
import type { HistoryNeed } from '../engine/evaluation';

/** A replay's window would hold more events than it may keep. */
export class ReplayWindowFull extends Error {
  constructor(readonly limit: number) {
    super(`the rule's look-back window holds more than ${limit} of its events at once`);
  }
}

/**
 * The stored events a replay keeps behind its current page, for the rule's longest look-back:
 * only those a later page can be judged with, indexed by the field and key they answer.
 *
 * An event is kept when it answers its own page's history need: every event that counts for
 * the rule names a key there, and evaluators read only counting events from the history, so
 * an event that answers no need of its own page changes no later judgement. But for the events
 * at the latest time read: an event of a later page at that same time may look forward to them
 * (a suspension at the very time of the export before it, stored first), so those are offered
 * too until a page moves past that time.
 */
export class ReplayWindow {
  /** Kept events in page order (event time, then id), with the index entries of each. */
  private readonly kept: Array<{ event: DetectEvent; entries: string[] }> = [];
  private head = 0;
  /** field \0 key → kept events answering it, in page order. */
  private readonly byKey = new Map<string, DetectEvent[]>();
  /** Every event read at `tiedAt`, the latest event time read. */
  private tied: DetectEvent[] = [];
  private tiedAt = -Infinity;

  constructor(
    private readonly retainMs: number,
    private readonly maxEvents: number,
  ) {}

  get size(): number {
    return this.kept.length - this.head + this.tied.length;
  }

  /** The kept events and the page's own answering the needs, by event time then id. */
  history(needs: readonly HistoryNeed[], page: readonly DetectEvent[]): DetectEvent[] {
    if (needs.length === 0) return [];
    const candidates: DetectEvent[] = [];
    for (const need of needs) {
      for (const key of need.keys) {
        const events = this.byKey.get(entryOf(need.field, key));
        if (events) candidates.push(...events);
      }
    }
    candidates.push(...this.tied, ...page);
    return selectHistory(needs, candidates);
  }

  /** Keeps the page's events its own needs ask for, then forgets those out of the look-back. */
  advance(page: readonly DetectEvent[], needs: readonly HistoryNeed[]): void {
    if (page.length === 0) return;
    const lastAt = page[page.length - 1].eventTime.getTime();
    const atLast = page.filter((event) => event.eventTime.getTime() === lastAt);
    if (lastAt === this.tiedAt) this.tied.push(...atLast);
    else this.tied = atLast;
    this.tiedAt = lastAt;
    if (this.retainMs > 0) {
      for (const event of page) {
        const entries = [
          ...new Set(needs.filter((need) => answersNeed(need, event)).map(entryFor(event))),
        ];
        if (entries.length === 0) continue;
        this.kept.push({ event, entries });
        for (const entry of entries) {
          const events = this.byKey.get(entry);
          if (events) events.push(event);
          else this.byKey.set(entry, [event]);
        }
      }
    }
    this.forgetBefore(page[page.length - 1].eventTime.getTime() - this.retainMs);
    if (this.size > this.maxEvents) throw new ReplayWindowFull(this.maxEvents);
  }

  /** Kept events are in page order, so the oldest are at the front of every index list. */
  private forgetBefore(cutoff: number): void {
    const dropped = new Map<string, number>();
    while (this.head < this.kept.length) {
      const { event, entries } = this.kept[this.head];
      if (event.eventTime.getTime() >= cutoff) break;
      for (const entry of entries) dropped.set(entry, (dropped.get(entry) ?? 0) + 1);
      this.head++;
    }
    for (const [entry, count] of dropped) {
      const events = this.byKey.get(entry)!;
      if (count >= events.length) this.byKey.delete(entry);
      else events.splice(0, count);
    }
    if (this.head > 1024 && this.head * 2 > this.kept.length) {
      this.kept.splice(0, this.head);
      this.head = 0;
    }
  }
}

const entryOf = (field: string, key: string): string => `${field}\u0000${key}`;

const entryFor =
  (event: DetectEvent) =>
  (need: HistoryNeed): string => {
    const value = event[need.field];
    return entryOf(need.field, typeof value === 'string' ? value : String(value));
  };
