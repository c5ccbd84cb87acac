import type { Stream } from '../../events/normalize/normalized-event';
import type { EventField } from '../../events/detect-event';
import type { RuleKind, RuleParamsByKind } from '../kinds/registry';

export type { RuleKind, RuleParamsByKind } from '../kinds/registry';

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
  /**
   * The 1Password accounts whose events the rule judges (account ids, upper-case); absent:
   * every account, and events that name none.
   */
  accounts?: string[];
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
