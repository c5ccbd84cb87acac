import type { BaselineSnapshot } from '../../baselines/baseline-snapshot';
import type { Stream } from '../../events/normalize/normalized-event';
import type { DetectEvent, EventField } from '../../events/detect-event';
import type { NeighbourPoint } from '../../events/history-range';
import type { Rule, Severity } from './rule-definition';

/** Named lists as they are now: name (with `@`) → items. */
export type ListSnapshot = ReadonlyMap<string, readonly string[]>;

/**
 * Stored events a rule needs besides the batch: every event of `streams` whose `field` is
 * one of `keys`, with event time in [from, to]. The detection worker merges the needs of all
 * rules into a few queries; the answer includes the batch's own events (already stored).
 */
export interface HistoryNeed {
  field: EventField;
  keys: string[];
  from: Date;
  to: Date;
  streams: Stream[];
  /**
   * Only the stored events nearest to these points are needed (up to `perSide` before and
   * after each, no further than `withinMs` from it, located ones when `located`), not every
   * event in [from, to]: a batch spread over weeks (a sign-in backfill) would otherwise read
   * every event of its users. A side whose nearest events all fail `counts` (failed sign-ins
   * before a sign-in) is read on past them, so that they never hide the one that counts.
   */
  neighbours?: {
    points: NeighbourPoint[];
    perSide: number;
    withinMs: number;
    located: boolean;
    counts: (event: DetectEvent) => boolean;
  };
  /**
   * Per key, the part of [from, to] needed, when asked for (NeedShape.perKey): a key's stored
   * events are judged only with that key's batch events, so they are needed only around
   * those. Otherwise a batch whose events spread over a day reads a day of every key in it.
   */
  spans?: ReadonlyMap<string, { from: Date; to: Date }>;
}

export interface EvaluationInput {
  rule: Rule;
  /** The events being judged, sorted by event time (then id). */
  batch: readonly DetectEvent[];
  /** Stored events answering the rule's history need, sorted by event time (then id). */
  history: readonly DetectEvent[];
  /** Baselines as they were before this batch. */
  baselines: BaselineSnapshot;
  lists: ListSnapshot;
  now: Date;
}

/** What a rule found: recorded as an alert, once (unique per rule and fingerprint). */
export interface AlertCandidate {
  ruleId: string;
  ruleVersion: number;
  /** Identity of this finding within the rule, stable however the stream was batched. */
  fingerprint: string;
  /** The rule's group-by values joined, e.g. the user uuid, or user|country. */
  groupKey: string;
  severity: Severity;
  /** Event time of the event that made it fire. */
  eventTime: Date;
  /** The actor the alert is about, when there is one. */
  actorId: string | null;
  /**
   * The 1Password account of the event that made it fire, when the event names one. Every
   * event behind an alert is of that account: rules group per account.
   */
  accountId: string | null;
  evidenceEventIds: string[];
  /** A sentence for humans, with the baseline figures behind it. */
  explanation: string;
  /** The figures in machine form (counts, means, p-values, distances…). */
  figures: Record<string, unknown>;
}

/** A source's polling health, as kinds judging sources (heartbeat) read it. */
export interface SourceHealth {
  id: string;
  /** The source's state (`idle`, `polling`, `backoff`, `failing`, `down`, `disabled`). */
  state: string;
  lastSuccessAt: Date | null;
  createdAt: Date;
}
