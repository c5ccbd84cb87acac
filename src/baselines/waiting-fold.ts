import type { DetectEvent } from '../events/detect-event';
import {
  aggregateBatch,
  type EntityKey,
  entityKeyOf,
  mergeSeen,
  type SeenKey,
} from './baseline-aggregate';
import type { BaselineSnapshot, EntityBaseline, EntityType, HourlyKey } from './baseline-snapshot';

/** The entities whose waiting events are found by their actor id (see findWaitingOf). */
export const FOLDED_ENTITY_TYPES: ReadonlySet<EntityType> = new Set(['user', 'connect_token']);

/** What the rules asked of the baselines: the hourly counts since `since`, the seen values. */
export interface BaselineAsk {
  since: Date;
  hourlyKeys: readonly HourlyKey[];
  seenKeys: readonly SeenKey[];
}

const SEP = '\u0000';

/**
 * The baselines a live batch will find in its turn, while batches stored before it still wait
 * for detection: `stored` (loaded for what was asked) with the waiting events of the batch's
 * users and Connect tokens folded in, as learning will fold them. Only what rules read is
 * folded: each entity's first and last event, the hourly counts asked, the seen values asked or
 * already loaded. Seen values are not evicted here: past the per-dimension cap the database may
 * forget a value that this still remembers, so a rule judged on this can miss what it finds in
 * its turn, never find more. Mutates the baselines `stored` returns (loaded for this call).
 */
export function foldWaiting(
  stored: BaselineSnapshot,
  waiting: readonly DetectEvent[],
  ask: BaselineAsk,
  now: Date,
): BaselineSnapshot {
  const aggregate = aggregateBatch(waiting, now);
  const created = new Map<string, EntityBaseline>();
  const baselineOf = (key: EntityKey): EntityBaseline | undefined =>
    created.get(entityKeyOf(key)) ?? stored.get(key.entityType, key.accountId, key.entityId);

  for (const delta of aggregate.profiles) {
    if (!FOLDED_ENTITY_TYPES.has(delta.entityType)) continue;
    const baseline = baselineOf(delta);
    if (!baseline) {
      created.set(entityKeyOf(delta), {
        entityType: delta.entityType,
        accountId: delta.accountId,
        entityId: delta.entityId,
        firstEventAt: delta.firstEventAt,
        lastEventAt: delta.lastEventAt,
        activeDays: 0,
        seen: new Map(),
        hourly: new Map(),
        lastLocation: null,
        eventCount: delta.eventCount,
      });
      continue;
    }
    if (delta.firstEventAt < baseline.firstEventAt) baseline.firstEventAt = delta.firstEventAt;
    if (delta.lastEventAt > baseline.lastEventAt) baseline.lastEventAt = delta.lastEventAt;
    baseline.eventCount = (baseline.eventCount ?? 0) + delta.eventCount;
  }

  const askedHours = new Set(ask.hourlyKeys.map((key) => `${entityKeyOf(key)}${SEP}${key.action}`));
  for (const row of aggregate.hourly) {
    if (!FOLDED_ENTITY_TYPES.has(row.entityType) || row.hourStart < ask.since) continue;
    const baseline = baselineOf(row);
    if (!baseline || !askedHours.has(`${entityKeyOf(row)}${SEP}${row.action}`)) continue;
    const hours = baseline.hourly.get(row.action) ?? new Map<number, number>();
    baseline.hourly.set(row.action, hours);
    const at = row.hourStart.getTime();
    hours.set(at, (hours.get(at) ?? 0) + row.count);
  }

  const askedValues = new Set(
    ask.seenKeys.map((key) => `${entityKeyOf(key)}${SEP}${key.dimension}${SEP}${key.value}`),
  );
  for (const row of aggregate.seen) {
    if (!FOLDED_ENTITY_TYPES.has(row.entityType)) continue;
    const baseline = baselineOf(row);
    if (!baseline) continue;
    const values = baseline.seen.get(row.dimension);
    const known = values?.get(row.value);
    if (!known && !askedValues.has(`${entityKeyOf(row)}${SEP}${row.dimension}${SEP}${row.value}`)) {
      continue;
    }
    const merged = mergeSeen(known, row);
    if (values) values.set(row.value, merged);
    else baseline.seen.set(row.dimension, new Map([[row.value, merged]]));
  }

  return {
    get: (entityType, accountId, entityId) => baselineOf({ entityType, accountId, entityId }),
  };
}
