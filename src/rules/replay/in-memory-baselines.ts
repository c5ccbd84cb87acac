import {
  aggregateBatch,
  entityKeyOf,
  evictLeastRecent,
  type EntityKey,
  mergeSeen,
} from '../../baselines/baseline-aggregate';
import type {
  BaselineSnapshot,
  EntityBaseline,
  EntityType,
  SeenValue,
} from '../../baselines/baseline-snapshot';
import { DEFAULT_BASELINES_OPTIONS } from '../../baselines/baselines.options';
import type { DetectEvent } from '../../events/detect-event';

/** What the judged rules read of the baselines besides each entity's profile. */
export interface BaselineReads {
  hourly: boolean;
  /** `seenKeyOf(entityType, dimension)` of each remembered dimension read. */
  seen: ReadonlySet<string>;
}

export const seenKeyOf = (entityType: EntityType, dimension: string): string =>
  `${entityType}:${dimension}`;

/**
 * Baselines learned in memory while a rule test replays stored events, so that each event
 * is judged against what was known just before it, as the live worker would have judged it.
 * Folds batches with the same aggregation the database upserts use.
 */
export class InMemoryBaselines implements BaselineSnapshot {
  private readonly entities = new Map<string, EntityBaseline>();
  private readonly days = new Map<string, Set<string>>();

  /**
   * `seenPerDimension`: values kept per entity and dimension, as the database keeps them.
   * `reads`: what the rules judged read (all when omitted); hourly counts and remembered
   * values no rule reads are not learned, which a long replay would otherwise fill memory with.
   */
  constructor(
    private readonly seenPerDimension = DEFAULT_BASELINES_OPTIONS.seenValuesPerDimension,
    private readonly reads: BaselineReads | null = null,
  ) {}

  get(entityType: EntityType, accountId: string, entityId: string): EntityBaseline | undefined {
    return this.entities.get(entityKeyOf({ entityType, accountId, entityId }));
  }

  /** Adds a baseline given as data (test fixtures), replacing any for the same entity. */
  put(baseline: EntityBaseline): void {
    this.entities.set(entityKeyOf(baseline), baseline);
  }

  learn(events: readonly DetectEvent[], now: Date): void {
    const aggregate = aggregateBatch(events, now);
    for (const delta of aggregate.profiles) {
      const baseline = this.entity(delta, delta.firstEventAt);
      if (delta.firstEventAt < baseline.firstEventAt) baseline.firstEventAt = delta.firstEventAt;
      if (delta.lastEventAt > baseline.lastEventAt) baseline.lastEventAt = delta.lastEventAt;
      baseline.eventCount = (baseline.eventCount ?? 0) + delta.eventCount;
      baseline.successfulSignins = (baseline.successfulSignins ?? 0) + delta.successfulSignins;
      if (delta.label) baseline.label = delta.label;
      if (
        delta.location &&
        (!baseline.lastLocation || delta.location.at > baseline.lastLocation.at)
      ) {
        baseline.lastLocation = { ...delta.location };
      }
    }
    for (const row of aggregate.activeDays) {
      const key = entityKeyOf(row);
      const days = this.days.get(key) ?? new Set<string>();
      days.add(row.day);
      this.days.set(key, days);
      this.entities.get(key)!.activeDays = days.size;
    }
    for (const row of this.reads?.hourly === false ? [] : aggregate.hourly) {
      const hours = this.hourly(row, row.action);
      const at = row.hourStart.getTime();
      hours.set(at, (hours.get(at) ?? 0) + row.count);
    }
    const grown = new Set<Map<string, SeenValue>>();
    for (const row of aggregate.seen) {
      if (this.reads && !this.reads.seen.has(seenKeyOf(row.entityType, row.dimension))) continue;
      const baseline = this.entities.get(entityKeyOf(row))!;
      const values = baseline.seen.get(row.dimension) ?? new Map<string, SeenValue>();
      baseline.seen.set(row.dimension, values);
      const known = values.get(row.value);
      if (!known) grown.add(values);
      values.set(row.value, mergeSeen(known, row));
    }
    for (const values of grown) evictLeastRecent(values, this.seenPerDimension);
  }

  private entity(entity: EntityKey, at: Date): EntityBaseline {
    const key = entityKeyOf(entity);
    let baseline = this.entities.get(key);
    if (!baseline) {
      baseline = {
        entityType: entity.entityType,
        accountId: entity.accountId,
        entityId: entity.entityId,
        firstEventAt: at,
        lastEventAt: at,
        activeDays: 0,
        seen: new Map(),
        hourly: new Map(),
        lastLocation: null,
      };
      this.entities.set(key, baseline);
    }
    return baseline;
  }

  private hourly(entity: EntityKey, action: string): Map<number, number> {
    const baseline = this.entities.get(entityKeyOf(entity))!;
    const hours = baseline.hourly.get(action) ?? new Map<number, number>();
    baseline.hourly.set(action, hours);
    return hours;
  }
}
