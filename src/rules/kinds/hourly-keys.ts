import {
  accountOf,
  entityOf,
  hourlyActionOf,
  type EntityType,
  type HourlyKey,
} from '../../baselines/baseline-snapshot';
import type { DetectEvent } from '../../events/detect-event';
import type { CompiledRule } from '../engine/compiled-rule';

/**
 * The hourly counts a rule reads when it judges events against their entity's hours: those
 * of each counted event's entity and action. Any event the rule counts may be judged, so
 * every one names its key; the others are never looked up.
 */
export function countedHourlyKeys(
  rule: CompiledRule,
  entityType: EntityType,
  events: readonly DetectEvent[],
): HourlyKey[] {
  const keys = new Map<string, HourlyKey>();
  for (const e of events) {
    const entityId = entityOf(e, entityType);
    const action = hourlyActionOf(e);
    if (!entityId || action === null || !rule.counts(e) || rule.groupKey(e) === null) continue;
    const accountId = accountOf(e);
    keys.set(`${accountId}\u0000${entityId}\u0000${action}`, {
      entityType,
      accountId,
      entityId,
      action,
    });
  }
  return [...keys.values()];
}
