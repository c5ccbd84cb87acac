import type { BaselineDimension, EntityType, HourlyKey } from '../../baselines/baseline-snapshot';
import type { DetectEvent } from '../../events/detect-event';
import type { ListSnapshot } from '../engine/evaluation';
import type { Rule } from '../engine/rule-definition';
import type { LookBack } from './kind-module';
import { kindModule, type RuleParamsByKind, type RuleKind } from './registry';

type KindAndParams = Pick<Rule, 'kind' | 'params'>;

/** The look-back of a rule's kind; null for kinds that judge no events (heartbeat). */
function lookBackOf(rule: KindAndParams): LookBack<RuleParamsByKind[RuleKind]> | null {
  const kind = kindModule(rule.kind);
  return kind.judges === 'events' ? kind.lookBack : null;
}

/** Days of hourly counts a rule reads from the baselines (0: none). */
export function hourlyDaysOf(rule: KindAndParams): number {
  return lookBackOf(rule)?.hourlyDays(rule.params) ?? 0;
}

/** The hourly counts a rule reads to judge these events (the batch and its history). */
export function hourlyKeysOf(
  rule: Rule,
  events: readonly DetectEvent[],
  lists: ListSnapshot,
): HourlyKey[] {
  return lookBackOf(rule)?.hourlyKeys(rule, events, lists) ?? [];
}

/** The remembered values the rules read, each (entity type, dimension) once. */
export function seenDimensionsOf(
  rules: readonly KindAndParams[],
): Array<{ entityType: EntityType; dimension: BaselineDimension }> {
  const wanted = new Map<string, { entityType: EntityType; dimension: BaselineDimension }>();
  for (const rule of rules) {
    for (const seen of lookBackOf(rule)?.seenDimensions(rule.params) ?? []) {
      wanted.set(`${seen.entityType}:${seen.dimension}`, seen);
    }
  }
  return [...wanted.values()];
}

/**
 * Does the rule read what baselines learned (hourly counts, remembered values)? A rule that
 * does not judges a batch the same whatever was learned before it.
 */
export function readsBaselines(rule: KindAndParams): boolean {
  return hourlyDaysOf(rule) > 0 || seenDimensionsOf([rule]).length > 0;
}

/** The type of entity whose baselines a rule reads; null when it reads none. */
export function baselineEntityOf(rule: KindAndParams): EntityType | null {
  return lookBackOf(rule)?.baselineEntity(rule.params) ?? null;
}

/** Replay: days of events before the range that the rule's baselines learn from. */
export function warmupDaysOf(rule: KindAndParams): number {
  return lookBackOf(rule)?.warmupDays(rule.params) ?? 0;
}

/** Replay: how long events stay in the window buffer, the rule's longest look-back (ms). */
export function retainMsOf(rule: KindAndParams): number {
  return lookBackOf(rule)?.retainMs(rule.params) ?? 0;
}
