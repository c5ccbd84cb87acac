import type { EntityBaseline } from '../../../src/baselines/baseline-snapshot';
import { InMemoryBaselines } from '../../../src/rules/replay/in-memory-baselines';
import type { DetectEvent } from '../../../src/events/detect-event';
import { evaluate, historyNeed, selectHistory } from '../../../src/rules/engine/evaluate';
import type { AlertCandidate, ListSnapshot } from '../../../src/rules/engine/evaluation';
import { PER_KEY } from '../../../src/rules/engine/key-times';
import type { Rule } from '../../../src/rules/engine/rule-definition';
import { StreamSlices } from '../../../src/rules/engine/stream-slices';

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
    /**
     * Select each batch's history as detection does: each key around its own events, and
     * only what the baselines from before the batch leave the rule to read.
     */
    perKey?: boolean;
    /** Give the rule only its own streams' events of each batch, as detection does. */
    ruleStreamsOnly?: boolean;
    /** Select the history from the events stored before the batch only, as detection does. */
    historyBeforeBatch?: boolean;
  } = {},
): BatchRun {
  const lists = options.lists ?? new Map<string, readonly string[]>();
  const last = stream.reduce((m, e) => Math.max(m, e.eventTime.getTime()), 0);
  const now = options.now ?? new Date(last + 3_600_000);
  const baselines = new InMemoryBaselines();
  const stored: DetectEvent[] = [...(options.before ?? [])];
  baselines.learn(stored, now);
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
    const judged = options.ruleStreamsOnly ? new StreamSlices(batch).of(rule) : batch;
    const history = selectHistory(
      options.perKey
        ? historyNeed(rule, judged, lists, PER_KEY, baselines)
        : historyNeed(rule, judged, lists),
      options.historyBeforeBatch ? stored.slice(0, stored.length - batch.length) : stored,
    );
    const sortedBatch = [...judged].sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime());
    for (const alert of evaluate({
      rule,
      batch: sortedBatch,
      history,
      baselines,
      lists,
      now,
    })) {
      if (fingerprints.has(alert.fingerprint)) continue;
      fingerprints.add(alert.fingerprint);
      alerts.push(alert);
    }
    baselines.learn(batch, now);
  }
  return { alerts, fingerprints };
}

/** Cut points for a stream of n events: each gap cut with probability p. */
export function randomCuts(n: number, p: number, next: () => number): number[] {
  const cuts: number[] = [];
  for (let i = 1; i < n; i++) if (next() < p) cuts.push(i);
  return cuts;
}
