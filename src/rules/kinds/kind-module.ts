import type {
  BaselineDimension,
  BaselineSnapshot,
  EntityType,
  HourlyKey,
} from '../../baselines/baseline-snapshot';
import type { DetectEvent } from '../../events/detect-event';
import type { Stream } from '../../events/normalize/normalized-event';
import type {
  AlertCandidate,
  EvaluationInput,
  HistoryNeed,
  ListSnapshot,
  SourceHealth,
} from '../engine/evaluation';
import type { NeedShape } from '../engine/key-times';
import type { Rule } from '../engine/rule-definition';
import type { Obj } from '../engine/validation/checker';
import type { RuleChecker } from '../engine/validation/rule-checker';

/**
 * Everything the service knows about one rule kind, `P` being its parameters. A kind is one
 * folder exporting one of these, named in registry.ts; nothing else lists kinds.
 */
export type RuleKindModule<P> = EventKindModule<P> | SourceKindModule<P>;

/** A kind judging batches of stored events (every kind but heartbeat). */
export interface EventKindModule<P> extends KindBasics<P> {
  judges: 'events';
  /** Pure: the same input gives the same candidates (see engine/evaluate.ts for the order). */
  evaluate(input: EvaluationInput): AlertCandidate[];
  lookBack: LookBack<P>;
  /**
   * Set when the kind reads batch events of every stream, not only of its rule's (new_value
   * learns from each as the baselines do); other kinds are given only their rule's streams.
   */
  readsEveryStream?: true;
}

/** A kind judging the sources' polling health, once a minute, instead of events. */
export interface SourceKindModule<P> extends KindBasics<P> {
  judges: 'sources';
  evaluate(rule: Rule, sources: readonly SourceHealth[], now: Date): AlertCandidate[];
}

interface KindBasics<P> {
  params: ParamsSchema<P>;
  /** The rule's own streams must be named (false: it reads none, or its params name them). */
  streamsRequired: boolean;
  /** An empty groupBy is refused: the kind counts per group. */
  groupByRequired: boolean;
  /** The streams a rule that names none watches. */
  impliedStreams(params: P): Stream[];
}

/** How the kind's `params` are read from a rule as authored (REST body, template). */
export interface ParamsSchema<P> {
  /** The properties `params` may hold; any other is refused. */
  keys: ReadonlyArray<keyof P & string>;
  /**
   * Reads them, filling the defaults of omitted ones; records every error on the checker.
   * `ruleStreams`: the rule's streams as given (null when absent or refused).
   */
  read(c: RuleChecker, params: Obj, path: string, ruleStreams: Stream[] | null): P | null;
}

/** What must be loaded before a batch is judged: by the detection worker and the replay. */
export interface LookBack<P> {
  /** Stored events needed besides the batch; empty when none. */
  historyNeed(
    rule: Rule,
    batch: readonly DetectEvent[],
    lists: ListSnapshot,
    shape: NeedShape,
  ): HistoryNeed[];
  /**
   * Optional: the need once the baselines from before the batch are known, when they make it
   * smaller (a subset of historyNeed's that judges the batch the same). Detection then reads
   * the rule's history after the baselines, so a kind that has it reads no hourly counts.
   */
  historyNeedKnowing?(
    rule: Rule,
    batch: readonly DetectEvent[],
    lists: ListSnapshot,
    shape: NeedShape,
    baselines: BaselineSnapshot,
  ): HistoryNeed[];
  /** Days of hourly baseline counts read before the batch (0: none). */
  hourlyDays(params: P): number;
  /**
   * The hourly counts read (of hourlyDays) when judging these events, the batch and its
   * history: each entity and action once; empty when the rule reads none.
   */
  hourlyKeys(rule: Rule, events: readonly DetectEvent[], lists: ListSnapshot): HourlyKey[];
  /** Remembered values read from the baselines. */
  seenDimensions(params: P): Array<{ entityType: EntityType; dimension: BaselineDimension }>;
  /** Whose baselines it reads (hourly counts, remembered values, first event): null for none. */
  baselineEntity(params: P): EntityType | null;
  /** Replay: days of events before the range its baselines learn from. */
  warmupDays(params: P): number;
  /** Replay: how long events stay in the window buffer (its longest look-back), in ms. */
  retainMs(params: P): number;
}
