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
  /** Stream → its events in the batch's order (cut in one walk, as most rules read one stream). */
  private byStream: Map<string, DetectEvent[]> | undefined;

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
      slice = rule.streams.length === 1 ? this.ofStream(rule.streams[0]) : this.ofStreams(key);
      this.slices.set(key, slice);
    }
    return slice;
  }

  private ofStreams(key: string): DetectEvent[] {
    const streams = new Set<string>(key.split(','));
    const ofStreams = (event: DetectEvent) => streams.has(event.stream);
    const slice = this.events.filter(ofStreams);
    knowArrivals(slice, this.storedOrder().filter(ofStreams));
    return slice;
  }

  private ofStream(stream: string): readonly DetectEvent[] {
    if (this.byStream === undefined) {
      const cut = (events: readonly DetectEvent[]) => {
        const byStream = new Map<string, DetectEvent[]>();
        for (const event of events) {
          const slice = byStream.get(event.stream);
          if (slice) slice.push(event);
          else byStream.set(event.stream, [event]);
        }
        return byStream;
      };
      this.byStream = cut(this.events);
      for (const [name, stored] of cut(this.storedOrder())) {
        knowArrivals(this.byStream.get(name)!, stored);
      }
    }
    return this.byStream.get(stream) ?? [];
  }

  private storedOrder(): readonly DetectEvent[] {
    if (this.stored === undefined) {
      this.stored = inStoredOrder(this.events);
      knowArrivals(this.events, this.stored);
    }
    return this.stored;
  }
}
