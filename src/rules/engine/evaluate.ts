import type { BaselineSnapshot } from '../../baselines/baseline-snapshot';
import { sortByEventTime } from '../../events/event-order';
import type { DetectEvent } from '../../events/detect-event';
import { kindModule } from '../kinds/registry';
import type {
  AlertCandidate,
  EvaluationInput,
  HistoryNeed,
  ListSnapshot,
  SourceHealth,
} from './evaluation';
import { type NeedShape, WHOLE_RANGE } from './key-times';
import type { Rule } from './rule-definition';

/**
 * Judges one batch for one rule. Pure: the same input gives the same candidates.
 *
 * Order: batch events are judged in the order they were stored, i.e. by id (decimal bigint
 * strings, compared numerically), each against everything stored before it: the history
 * minus the batch (history may or may not contain the batch; duplicates by id are dropped),
 * plus the batch events with smaller ids. So the set of fingerprints a stream produces
 * depends only on the order its events were stored, never on how that order was cut into
 * batches, and a late event never retracts what another batching would have raised (it can
 * add: a late event that completes a window makes a stored event a crossing).
 *
 * Counting: an event counts for a rule when its stream is one of the rule's streams, it passes
 * the filter, it is not allow-listed, and none of its group-by fields is null.
 *
 * Rules of kinds that judge sources (heartbeat) are not judged per batch (see evaluateSources):
 * they return nothing here.
 */
export function evaluate(input: EvaluationInput): AlertCandidate[] {
  const kind = kindModule(input.rule.kind);
  return kind.judges === 'events' ? kind.evaluate(input) : [];
}

/** The same as `evaluate` (the name the rule-test replay uses). */
export const evaluateRule = evaluate;

/**
 * The stored events a rule needs to judge this batch, besides the batch itself; empty when it
 * needs none. Several needs (a sequence's two stages may join on different fields) are
 * answered together: the history is every stored event answering any of them, deduplicated,
 * sorted by event time then id. With `perKey`, each key is needed only around the batch's own
 * events of that key (HistoryNeed.spans), a subset that judges the batch the same. Given the
 * baselines from before the batch, a rule whose need they narrow (narrowsWithBaselines) needs
 * only what judging can still read.
 */
export function historyNeed(
  rule: Rule,
  batch: readonly DetectEvent[],
  lists: ListSnapshot,
  shape: NeedShape = WHOLE_RANGE,
  baselines?: BaselineSnapshot,
): HistoryNeed[] {
  const kind = kindModule(rule.kind);
  if (kind.judges !== 'events') return [];
  const { lookBack } = kind;
  return baselines && lookBack.historyNeedKnowing
    ? lookBack.historyNeedKnowing(rule, batch, lists, shape, baselines)
    : lookBack.historyNeed(rule, batch, lists, shape);
}

/** Is the rule's history need narrower once the baselines from before the batch are known? */
export function narrowsWithBaselines(rule: Rule): boolean {
  const kind = kindModule(rule.kind);
  return kind.judges === 'events' && kind.lookBack.historyNeedKnowing !== undefined;
}

/** Does the rule's kind judge the sources' polling health rather than events (heartbeat)? */
export function judgesSources(rule: Rule): boolean {
  return kindModule(rule.kind).judges === 'sources';
}

/** Judges the sources for a rule of a kind that judges them; nothing for the others. */
export function evaluateSources(
  rule: Rule,
  sources: readonly SourceHealth[],
  now: Date,
): AlertCandidate[] {
  const kind = kindModule(rule.kind);
  return kind.judges === 'sources' ? kind.evaluate(rule, sources, now) : [];
}

const needKeys = new WeakMap<
  HistoryNeed,
  { keys: ReadonlySet<string>; streams: ReadonlySet<string> }
>();

/**
 * Does a stored event answer a need? (For in-memory callers and tests: the worker queries.)
 * The need's keys and streams are indexed once per need object, so checking many events
 * against a need with many keys stays cheap.
 */
export function answersNeed(need: HistoryNeed, e: DetectEvent): boolean {
  let index = needKeys.get(need);
  if (!index) {
    index = { keys: new Set(need.keys), streams: new Set(need.streams) };
    needKeys.set(need, index);
  }
  if (!index.streams.has(e.stream)) return false;
  const t = e.eventTime.getTime();
  if (t < need.from.getTime() || t > need.to.getTime()) return false;
  const value = e[need.field];
  if (value === null) return false;
  const key = typeof value === 'string' ? value : String(value);
  if (!index.keys.has(key)) return false;
  const span = need.spans?.get(key);
  return !span || (t >= span.from.getTime() && t <= span.to.getTime());
}

/** The events answering any of the needs, deduplicated, by event time then id. */
export function selectHistory(
  needs: readonly HistoryNeed[],
  stored: Iterable<DetectEvent>,
): DetectEvent[] {
  if (needs.length === 0) return [];
  const out: DetectEvent[] = [];
  const seen = new Set<string>();
  for (const e of stored) {
    if (seen.has(e.id) || !needs.some((need) => answersNeed(need, e))) continue;
    seen.add(e.id);
    out.push(e);
  }
  return sortByEventTime(out);
}
