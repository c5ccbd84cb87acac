import type { DetectEvent, EventField } from '../../events/detect-event';
import type { AlertCandidate, ListSnapshot } from './evaluation';
import { compileAllowLists, compileFilter, readField, type EventPredicate } from './filter';
import { SEVERITIES, type Filter, type Rule, type Severity } from './rule-definition';
import type { Stream } from '../../events/normalize/normalized-event';

/** At most this many evidence event ids per alert. */
export const MAX_EVIDENCE = 100;

/** A rule with its filters compiled against the lists of one batch. */
export interface CompiledRule {
  readonly rule: Rule;
  /** The event counts for the rule: its stream is read, it passes the filter, not allow-listed. */
  counts(e: DetectEvent): boolean;
  /**
   * The group-by values joined with '|', then the event's account when it names one (see
   * withAccount): what evaluators group by. Null when one of the values is null (the event
   * does not count).
   */
  groupKey(e: DetectEvent): string | null;
  /** The rule's severity raised by the first escalation that applies. */
  severity(trigger: DetectEvent, count: number): Severity;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/** Every condition stated and not filtered out: stream, accounts, filter, allow-lists. */
export function compileCounting(
  streams: readonly Stream[],
  filter: Filter | undefined,
  allowListed: EventPredicate,
  lists: ListSnapshot,
  accounts: readonly string[] = [],
): EventPredicate {
  const streamSet = new Set<string>(streams);
  const passes = compileFilter(filter, lists);
  const inScope = compileAccounts(accounts);
  return (e) => streamSet.has(e.stream) && inScope(e) && passes(e) && !allowListed(e);
}

/** A rule scoped to accounts judges only their events; unscoped, every event. */
function compileAccounts(accounts: readonly string[]): EventPredicate {
  if (accounts.length === 0) return () => true;
  const scope = new Set(accounts);
  return (e) => e.accountId !== null && scope.has(e.accountId);
}

/**
 * A grouping value made account-specific: the same user uuid (or token id) in two accounts is
 * two actors, so every group, and the incident it leads to, is per account. Events that name
 * no account keep the plain value, as before accounts were recorded.
 */
export function withAccount(key: string, e: Pick<DetectEvent, 'accountId'>): string {
  if (e.accountId === null || e.accountId === '') return key;
  return key === '' ? e.accountId : `${key}|${e.accountId}`;
}

/** The grouping value without the account withAccount added (alerts carry the account apart). */
export function withoutAccount(key: string, e: Pick<DetectEvent, 'accountId'>): string {
  if (e.accountId === null || e.accountId === '') return key;
  if (key === e.accountId) return '';
  const suffix = `|${e.accountId}`;
  return key.endsWith(suffix) ? key.slice(0, -suffix.length) : key;
}

export function compileGroupKey(fields: readonly EventField[]): (e: DetectEvent) => string | null {
  const plain = compilePlainGroupKey(fields);
  return (e) => {
    const key = plain(e);
    return key === null ? null : withAccount(key, e);
  };
}

function compilePlainGroupKey(fields: readonly EventField[]): (e: DetectEvent) => string | null {
  if (fields.length === 0) return () => '';
  if (fields.length === 1) {
    const [field] = fields;
    return (e) => {
      const value = readField(e, field);
      return value === null ? null : String(value);
    };
  }
  return (e) => {
    const parts: string[] = [];
    for (const field of fields) {
      const value = readField(e, field);
      if (value === null) return null;
      parts.push(String(value));
    }
    return parts.join('|');
  };
}

const compiledCache = new WeakMap<Rule, { lists: ListSnapshot; compiled: CompiledRule }>();

/** Compiles once per (rule object, lists object): the need and the evaluation share it. */
export function compileRule(rule: Rule, lists: ListSnapshot): CompiledRule {
  const cached = compiledCache.get(rule);
  if (cached?.lists === lists) return cached.compiled;
  const allowListed = compileAllowLists(rule.allowLists, lists);
  const counts = compileCounting(rule.streams, rule.filter, allowListed, lists, rule.accounts);
  const escalations = rule.escalations.map((esc) => ({
    matches: esc.filter === undefined ? null : compileFilter(esc.filter, lists),
    countGte: esc.countGte ?? null,
    severity: esc.severity,
  }));
  const compiled: CompiledRule = {
    rule,
    counts,
    groupKey: compileGroupKey(rule.groupBy),
    severity(trigger, count) {
      for (const esc of escalations) {
        // An escalation applies when every condition it states holds.
        if (esc.matches === null && esc.countGte === null) continue;
        if (esc.matches !== null && !esc.matches(trigger)) continue;
        if (esc.countGte !== null && count < esc.countGte) continue;
        return maxSeverity(rule.severity, esc.severity);
      }
      return rule.severity;
    },
  };
  compiledCache.set(rule, { lists, compiled });
  return compiled;
}

export interface AlertParts {
  fingerprint: string;
  groupKey: string;
  trigger: DetectEvent;
  /** Evidence events (or ids), capped at MAX_EVIDENCE keeping the trigger. */
  evidence: ReadonlyArray<DetectEvent | string>;
  explanation: string;
  figures: Record<string, unknown>;
  /** The figure escalations compare with countGte. */
  count: number;
  actorId?: string | null;
}

export function makeAlert(rule: CompiledRule, parts: AlertParts): AlertCandidate {
  const ids = parts.evidence.map((x) => (typeof x === 'string' ? x : x.id));
  return {
    ruleId: rule.rule.id,
    ruleVersion: rule.rule.version,
    fingerprint: parts.fingerprint,
    // The account is a field of its own: the group key is what the rule's groupBy names.
    groupKey: withoutAccount(parts.groupKey, parts.trigger),
    severity: rule.severity(parts.trigger, parts.count),
    eventTime: parts.trigger.eventTime,
    actorId: parts.actorId !== undefined ? parts.actorId : parts.trigger.actorId,
    accountId: parts.trigger.accountId,
    evidenceEventIds: capEvidence(ids, parts.trigger.id),
    explanation: parts.explanation,
    figures: { count: parts.count, ...parts.figures },
  };
}

/** The first and last ids of a long list, always keeping the trigger. */
function capEvidence(ids: string[], triggerId: string): string[] {
  if (ids.length <= MAX_EVIDENCE) return ids;
  const head = ids.slice(0, MAX_EVIDENCE / 2);
  const tail = ids.slice(ids.length - MAX_EVIDENCE / 2);
  const kept = [...head, ...tail];
  if (!kept.includes(triggerId)) kept[kept.length - 1] = triggerId;
  return kept;
}
