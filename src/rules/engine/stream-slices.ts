import type { DetectEvent } from '../../events/detect-event';
import { kindModule } from '../kinds/registry';
import type { Rule } from './rule-definition';

/**
 * A batch's events cut by the streams rules read, each cut once and kept in the batch's order.
 * A rule counts no event of a stream it does not name (compileCounting), so most kinds judge
 * their rule's streams' events as they would judge them all, and a sign-in rule walks the few
 * sign-ins of a pass rather than every Connect request in it. A kind that learns from every
 * stream (readsEveryStream) is given the whole batch.
 */
export class StreamSlices {
  private readonly slices = new Map<string, readonly DetectEvent[]>();

  constructor(private readonly events: readonly DetectEvent[]) {}

  of(rule: Pick<Rule, 'kind' | 'streams'>): readonly DetectEvent[] {
    const kind = kindModule(rule.kind);
    if (kind.judges === 'events' && kind.readsEveryStream) return this.events;
    const key = [...rule.streams].sort().join(',');
    let slice = this.slices.get(key);
    if (slice === undefined) {
      const streams = new Set<string>(rule.streams);
      slice = this.events.filter((event) => streams.has(event.stream));
      this.slices.set(key, slice);
    }
    return slice;
  }
}
