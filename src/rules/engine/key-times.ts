import type { NeighbourPoint } from '../../events/history-range';
import type { HistoryNeed } from './evaluation';

/** How detailed a history need is: see HistoryNeed.spans. */
export interface NeedShape {
  perKey: boolean;
}

export const WHOLE_RANGE: NeedShape = { perKey: false };
/** Each key only around its own events (HistoryNeed.spans): what detection and replay ask. */
export const PER_KEY: NeedShape = { perKey: true };

/**
 * The event times of a batch's events by the key a rule judges them under, and the stored
 * events needed around them: every key over [earliest − margin, latest + margin], and with
 * `perKey` each key around its own events only.
 */
export class KeyTimes {
  private readonly byKey = new Map<string, { min: number; max: number }>();

  add(key: string, t: number): void {
    const span = this.byKey.get(key);
    if (!span) this.byKey.set(key, { min: t, max: t });
    else {
      if (t < span.min) span.min = t;
      if (t > span.max) span.max = t;
    }
  }

  /** Null when no event had a key. `afterMs`: a margin after the events other than before. */
  around(
    marginMs: number,
    shape: NeedShape,
    afterMs = marginMs,
  ): Pick<HistoryNeed, 'keys' | 'from' | 'to' | 'spans'> | null {
    if (this.byKey.size === 0) return null;
    let min = Infinity;
    let max = -Infinity;
    for (const span of this.byKey.values()) {
      if (span.min < min) min = span.min;
      if (span.max > max) max = span.max;
    }
    const range = {
      keys: [...this.byKey.keys()].sort(),
      from: new Date(min - marginMs),
      to: new Date(max + afterMs),
    };
    if (!shape.perKey) return range;
    const spans = new Map<string, { from: Date; to: Date }>();
    for (const [key, span] of this.byKey) {
      spans.set(key, { from: new Date(span.min - marginMs), to: new Date(span.max + afterMs) });
    }
    return { ...range, spans };
  }

  /** The keys whose events lie further apart than `ms`. */
  keysWiderThan(ms: number): Set<string> {
    const wide = new Set<string>();
    for (const [key, { min, max }] of this.byKey) if (max - min > ms) wide.add(key);
    return wide;
  }

  /**
   * Each key's earliest event, with what comes before it, and latest, with what comes after
   * it (one point, both sides, when they are the same).
   */
  ends(): NeighbourPoint[] {
    const points: NeighbourPoint[] = [];
    for (const [key, { min, max }] of this.byKey) {
      if (max === min) points.push({ key, at: new Date(min) });
      else {
        points.push({ key, at: new Date(min), side: 'before' });
        points.push({ key, at: new Date(max), side: 'after' });
      }
    }
    return points;
  }
}
