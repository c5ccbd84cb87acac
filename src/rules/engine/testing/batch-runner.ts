import { aggregateBatch } from '../../../baselines/baseline-aggregate';
import {
  snapshotOf,
  type BaselineSnapshot,
  type EntityBaseline,
  type SeenValue,
} from '../../../baselines/baseline-snapshot';
import type { DetectEvent } from '../detect-event';
import { evaluate, historyNeed, selectHistory } from '../evaluate';
import type { AlertCandidate, ListSnapshot } from '../evaluation';
import type { Rule } from '../rule-definition';

/**
 * Baselines folded in memory from batches with the baseline module's own aggregation, so that
 * tests judge events against exactly what the live baselines would hold.
 */
export class FoldedBaselines {
  private readonly entities = new Map<string, EntityBaseline>();
  private readonly days = new Map<string, Set<string>>();

  constructor(private readonly now: Date) {}

  snapshot(): BaselineSnapshot {
    return snapshotOf(this.entities.values());
  }

  /** Adds baselines given as data (fixtures), replacing any for the same entity. */
  put(baseline: EntityBaseline): void {
    this.entities.set(`${baseline.entityType}\u0000${baseline.entityId}`, baseline);
  }

  learn(events: readonly DetectEvent[]): void {
    const aggregate = aggregateBatch(events, this.now);
    for (const p of aggregate.profiles) {
      const b = this.entity(p.entityType, p.entityId, p.firstEventAt);
      if (p.firstEventAt < b.firstEventAt) b.firstEventAt = p.firstEventAt;
      if (p.lastEventAt > b.lastEventAt) b.lastEventAt = p.lastEventAt;
      if (p.location && (!b.lastLocation || p.location.at > b.lastLocation.at)) {
        b.lastLocation = { ...p.location };
      }
    }
    for (const row of aggregate.activeDays) {
      const key = `${row.entityType}\u0000${row.entityId}`;
      const days = this.days.get(key) ?? new Set<string>();
      days.add(row.day);
      this.days.set(key, days);
      const b = this.entities.get(key);
      if (b) b.activeDays = days.size;
    }
    for (const row of aggregate.hourly) {
      const b = this.entity(row.entityType, row.entityId, row.hourStart);
      const hours = b.hourly.get(row.action) ?? new Map<number, number>();
      b.hourly.set(row.action, hours);
      const h = row.hourStart.getTime();
      hours.set(h, (hours.get(h) ?? 0) + row.count);
    }
    for (const row of aggregate.seen) {
      const b = this.entity(row.entityType, row.entityId, row.firstSeen);
      const values = b.seen.get(row.dimension) ?? new Map<string, SeenValue>();
      b.seen.set(row.dimension, values);
      const known = values.get(row.value);
      values.set(
        row.value,
        known
          ? {
              firstSeen: row.firstSeen < known.firstSeen ? row.firstSeen : known.firstSeen,
              lastSeen: row.lastSeen > known.lastSeen ? row.lastSeen : known.lastSeen,
              count: known.count + row.count,
            }
          : { firstSeen: row.firstSeen, lastSeen: row.lastSeen, count: row.count },
      );
    }
  }

  private entity(
    entityType: EntityBaseline['entityType'],
    entityId: string,
    at: Date,
  ): EntityBaseline {
    const key = `${entityType}\u0000${entityId}`;
    let b = this.entities.get(key);
    if (!b) {
      b = {
        entityType,
        entityId,
        firstEventAt: at,
        lastEventAt: at,
        activeDays: 0,
        seen: new Map(),
        hourly: new Map(),
        lastLocation: null,
      };
      this.entities.set(key, b);
    }
    return b;
  }
}

export interface BatchRun {
  alerts: AlertCandidate[];
  fingerprints: Set<string>;
}

/**
 * Runs a rule over a stream as the detection worker would: the stream (in storage order) is
 * cut before each index of `cuts`; for each batch, the stored events are everything up to and
 * including the batch, the history is what the rule's needs select from them, and the
 * baselines are folded from the events stored before the batch.
 */
export function runInBatches(
  rule: Rule,
  stream: readonly DetectEvent[],
  cuts: readonly number[],
  options: {
    lists?: ListSnapshot;
    now?: Date;
    before?: readonly DetectEvent[];
    baselines?: EntityBaseline[];
  } = {},
): BatchRun {
  const lists = options.lists ?? new Map<string, readonly string[]>();
  const last = stream.reduce((m, e) => Math.max(m, e.eventTime.getTime()), 0);
  const now = options.now ?? new Date(last + 3_600_000);
  const baselines = new FoldedBaselines(now);
  const stored: DetectEvent[] = [...(options.before ?? [])];
  baselines.learn(stored);
  for (const b of options.baselines ?? []) baselines.put(b);
  const bounds = [
    ...new Set([0, ...cuts.filter((c) => c > 0 && c < stream.length), stream.length]),
  ].sort((a, b) => a - b);
  const alerts: AlertCandidate[] = [];
  const fingerprints = new Set<string>();
  for (let i = 0; i + 1 < bounds.length; i++) {
    const batch = stream.slice(bounds[i], bounds[i + 1]);
    if (batch.length === 0) continue;
    stored.push(...batch);
    const history = selectHistory(historyNeed(rule, batch, lists), stored);
    const sortedBatch = [...batch].sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime());
    for (const alert of evaluate({
      rule,
      batch: sortedBatch,
      history,
      baselines: baselines.snapshot(),
      lists,
      now,
    })) {
      if (fingerprints.has(alert.fingerprint)) continue;
      fingerprints.add(alert.fingerprint);
      alerts.push(alert);
    }
    baselines.learn(batch);
  }
  return { alerts, fingerprints };
}

/** Cut points for a stream of n events: each gap cut with probability p. */
export function randomCuts(n: number, p: number, next: () => number): number[] {
  const cuts: number[] = [];
  for (let i = 1; i < n; i++) if (next() < p) cuts.push(i);
  return cuts;
}
