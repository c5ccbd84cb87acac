import type { DetectEvent } from '../../events/detect-event';
import { kindModule } from '../kinds/registry';
import { inStoredOrder, knowArrivals } from './event-order';
import type { Rule } from './rule-definition';

/**
 * A batch's events cut by the streams rules read, each cut once and kept in the batch's order.
 * A rule counts no event of a stream it does not name (compileCounting), so most kinds judge
 * their rule's streams' events as they would judge them all, and a sign-in rule walks the few
 * sign-ins of a pass rather than every Connect request in it. A kind that learns from every
 * stream (readsEveryStream) is given the whole batch. Each cut comes with its order of storage
 * (arrivalsOf), cut from the batch's: one sort of the pass rather than one per cut.
 */
export class StreamSlices {
  private readonly slices = new Map<string, readonly DetectEvent[]>();
  private stored: readonly DetectEvent[] | undefined;

  constructor(private readonly events: readonly DetectEvent[]) {}

  of(rule: Pick<Rule, 'kind' | 'streams'>): readonly DetectEvent[] {
    const kind = kindModule(rule.kind);
    if (kind.judges === 'events' && kind.readsEveryStream) {
      this.storedOrder();
      return this.events;
    }
    const key = [...rule.streams].sort().join(',');
    let slice = this.slices.get(key);
    if (slice === undefined) {
      const streams = new Set<string>(rule.streams);
      const ofStreams = (event: DetectEvent) => streams.has(event.stream);
      slice = this.events.filter(ofStreams);
      knowArrivals(slice, this.storedOrder().filter(ofStreams));
      this.slices.set(key, slice);
    }
    return slice;
  }

  private storedOrder(): readonly DetectEvent[] {
    if (this.stored === undefined) {
      this.stored = inStoredOrder(this.events);
      knowArrivals(this.events, this.stored);
    }
    return this.stored;
  }
}
