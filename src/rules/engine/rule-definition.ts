import type { Stream } from '../../events/normalize/normalized-event';
import type { EntityType, BaselineDimension } from '../../baselines/baseline-snapshot';
import type { EventField } from '../../events/detect-event';

export const RULE_KINDS = [
  'match',
  'threshold',
  'new_value',
  'rate_anomaly',
  'geo_velocity',
  'sequence',
  'heartbeat',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const FILTER_OPS = ['eq', 'neq', 'in', 'regex', 'cidr', 'exists', 'eqField'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

/**
 * A filter over normalized fields. A string value starting with `@` names a list
 * (`{ field: 'ip', op: 'cidr', value: '@corporateEgress' }`; `in` and `cidr` take lists).
 * `eqField` compares two fields of the same event (`{ field: 'actorId', op: 'eqField',
 * value: 'auxId' }`: the actor acted on themself); both must be non-null and equal.
 */
export type Filter =
  | { all: Filter[] }
  | { any: Filter[] }
  | { not: Filter }
  | { field: EventField; op: 'eq' | 'neq'; value: string | number | boolean | null }
  | { field: EventField; op: 'in'; value: Array<string | number> | string }
  | { field: EventField; op: 'regex'; value: string; flags?: string }
  | { field: EventField; op: 'cidr'; value: string[] | string }
  | { field: EventField; op: 'exists'; value?: boolean }
  | { field: EventField; op: 'eqField'; value: EventField };

export type MatchParams = Record<string, never>;

export interface ThresholdParams {
  windowSeconds: number;
  /** Fires when the count (or the distinct count of `distinctField`) reaches this. */
  threshold: number;
  distinctField?: EventField;
  /** Judge a burst against the entity's own routine of bursts (see routine.ts). */
  routine?: RoutineParams;
}

/**
 * A burst the entity makes routinely (a deploy job's daily read of its secrets) raises the
 * threshold in the hours of day it happens: to `factor` × its usual burst size.
 */
export interface RoutineParams {
  entity: EntityType;
  /** Days of hourly history the routine is learned from. */
  baselineDays: number;
  /** Bursts (hours reaching the rule's threshold) on at least this many days make a routine. */
  minDays: number;
  /** A burst fires in a routine hour only when it reaches factor × the usual burst. */
  factor: number;
}

export interface NewValueParams {
  entity: EntityType;
  field: BaselineDimension;
  /** No alert until the entity's first event is at least this old. */
  learningDays: number;
  /** A value unseen for this long counts as new again. */
  forgetAfterDays: number;
  /**
   * A value first seen less than this long before the event, and not yet used by an event the
   * rule itself counts, is still new: a sign-in from a new country teaches the baseline the
   * country, and the reveals that follow it from there must still fire.
   */
  newForHours?: number;
  /** Field ip: an address is known when another known address shares its network. */
  network?: NetworkParams;
}

export interface NetworkParams {
  ipv4Prefix: number;
  ipv6Prefix: number;
  /** Only private addresses are judged by network; a public one must be known itself. */
  privateOnly: boolean;
}

export interface RateAnomalyParams {
  entity: EntityType;
  /** Upper-tail Poisson probability below which the hour is anomalous. */
  pValue: number;
  minCount: number;
  /** The count must also be at least this multiple of the expected count. */
  minRatio: number;
  /** How many days of hourly history the expected rate is learned from. */
  baselineDays: number;
}

export interface GeoVelocityParams {
  maxSpeedKmh: number;
  minDistanceKm: number;
  /** Gaps shorter than this are treated as this long (clock skew, VPN hops). */
  minGapMinutes: number;
}

export interface SequenceStage {
  name: string;
  streams: Stream[];
  filter?: Filter;
  /** The field whose value joins the stages (e.g. actorId of an export, objectId of a suspend). */
  key: EventField;
  /** Stage A only: at least this many A events within the window before B (default 1). */
  minCount?: number;
}

export interface SequenceParams {
  /** Stage A then stage B, in event time, within the window. */
  stages: [SequenceStage, SequenceStage];
  withinSeconds: number;
  /** forward: judged when B arrives after A; retro: B arrives and looks back for A. */
  mode: 'forward' | 'retro';
}

export interface HeartbeatParams {
  /** Source ids (`events:item_usage`, `connect:activity`); empty = every enabled source. */
  sources: string[];
  /** No successful poll for this long fires. */
  maxSilenceSeconds: number;
}

export interface RuleParamsByKind {
  match: MatchParams;
  threshold: ThresholdParams;
  new_value: NewValueParams;
  rate_anomaly: RateAnomalyParams;
  geo_velocity: GeoVelocityParams;
  sequence: SequenceParams;
  heartbeat: HeartbeatParams;
}

export interface Escalation {
  /** Events matching this filter, or an alert whose count reaches countGte, escalate. */
  filter?: Filter;
  countGte?: number;
  severity: Severity;
}

export interface AllowList {
  field: EventField;
  /** A list name, with its leading `@`: events whose field is in the list are ignored. */
  list: string;
}

/** A rule as authored over REST and stored (without its id and version). */
export interface RuleDefinition<K extends RuleKind = RuleKind> {
  name: string;
  description: string;
  kind: K;
  enabled: boolean;
  mode: 'active' | 'shadow';
  severity: Severity;
  escalations: Escalation[];
  streams: Stream[];
  filter?: Filter;
  /** The alert's group key; default the actor. */
  groupBy: EventField[];
  params: RuleParamsByKind[K];
  dedupSeconds: number;
  suppressSeconds: number;
  allowLists: AllowList[];
  tags: string[];
  runbook: string;
  channels: string[];
  /** Notification repeat interval for its incidents; null = the service default. */
  repeatIntervalSeconds?: number | null;
}

/** A stored rule: its definition plus identity. */
export interface Rule extends RuleDefinition {
  id: string;
  version: number;
  templateId: string | null;
}
