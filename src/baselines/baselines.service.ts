import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DetectEvent } from '../events/detect-event';
import {
  aggregateBatch,
  DAY_MS,
  type EntityKey,
  entityKeyOf,
  floorToHour,
  type SeenKey,
} from './baseline-aggregate';
import { HOURLY_RETENTION_DAYS } from './baseline-horizon';
import {
  type BaselineDimension,
  type BaselineSnapshot,
  DIMENSIONS_BY_ENTITY,
  type EntityBaseline,
  type EntityType,
  type HourlyKey,
  type SeenValue,
  snapshotOf,
} from './baseline-snapshot';
import {
  type ActionRate,
  hourOfWeekRates,
  type Maturity,
  maturityOf,
  rateWindow,
  type RateWindow,
} from './baseline-statistics';
import { decodeCursor, encodeCursor, type ListPosition } from './baselines-cursor';
import { BASELINES_OPTIONS, type BaselinesOptions } from './baselines.options';
import { BaselinesLearningRepository } from './baselines-learning.repository';
import {
  type BaselineProfile,
  BaselinesQueryRepository,
  type EntityHourlySeries,
  type ListedProfile,
  type SeenRow,
} from './baselines-query.repository';
import {
  BaselinesRetentionRepository,
  type DeletedBaseline,
} from './baselines-retention.repository';

/** Hourly counts of some entities and actions only, since a time. */
export interface HourlyRequest {
  since: Date;
  keys: readonly HourlyKey[];
}

/** Seen values shown per dimension in one actor's answer (the most frequent first). */
export const SEEN_VALUES_SHOWN = 200;
/** The most frequent values loaded for detection besides those a batch asks about (explanations cite them). */
export const SEEN_VALUES_CITED = 20;

export class InvalidCursorError extends Error {
  constructor() {
    super('cursor: not a cursor this API returned');
    this.name = 'InvalidCursorError';
  }
}

export interface BaselinePage {
  items: Array<ListedProfile & { maturity: Maturity }>;
  nextCursor: string | null;
}

export interface SeenDimension {
  dimension: BaselineDimension;
  total: number;
  values: SeenRow[];
}

export interface BaselineDetail {
  profile: BaselineProfile;
  maturity: Maturity;
  window: RateWindow;
  rates: ActionRate[];
  seen: SeenDimension[];
}

export interface ForgetResult {
  /** False when another process was running retention already. */
  ran: boolean;
  hourlyCounts: number;
  seenValues: number;
}

/**
 * What vaultwatch learned per user, Connect token and Connect server: written once per
 * detection batch, read once per batch as a snapshot, reviewed and reset over REST.
 */
@Injectable()
export class BaselinesService {
  private readonly logger = new Logger(BaselinesService.name);

  constructor(
    private readonly learning: BaselinesLearningRepository,
    private readonly query: BaselinesQueryRepository,
    private readonly retention: BaselinesRetentionRepository,
    @Inject(BASELINES_OPTIONS) private readonly options: BaselinesOptions,
  ) {}

  /**
   * The baselines of a batch's entities as they are now (call before applyBatch): one query
   * per table. Of the seen values, only those asked about (`seenKeysOf` the batch) and the
   * most frequent of each entity and dimension asked about are loaded. Pass the detection
   * transaction's manager to read inside it. Hourly counts are read since `hourly` for every
   * action of every entity, or, given keys, only those of the keys (what the rules read).
   */
  async loadSnapshot(
    entities: EntityKey[],
    hourly: Date | HourlyRequest,
    seenKeys: readonly SeenKey[],
    manager?: EntityManager,
  ): Promise<BaselineSnapshot> {
    const keys = uniqueKeys(entities);
    if (keys.length === 0) return snapshotOf([]);
    const profiles = await this.query.profilesOf(keys, manager);
    if (profiles.length === 0) return snapshotOf([]);
    const known = profiles.map(({ entityType, accountId, entityId }) => ({
      entityType,
      accountId,
      entityId,
    }));
    const knownKeys = new Set(known.map(entityKeyOf));
    const asked = seenKeys.filter((key) => knownKeys.has(entityKeyOf(key)));
    const [series, seen] = await Promise.all([
      this.hourlyOf(known, knownKeys, hourly, manager),
      asked.length > 0
        ? this.query.seenFor(asked, SEEN_VALUES_CITED, manager)
        : Promise.resolve([]),
    ]);

    const byKey = new Map<string, EntityBaseline>();
    for (const profile of profiles) {
      byKey.set(entityKeyOf(profile), {
        entityType: profile.entityType,
        accountId: profile.accountId,
        entityId: profile.entityId,
        firstEventAt: profile.firstEventAt,
        lastEventAt: profile.lastEventAt,
        activeDays: profile.activeDays,
        seen: new Map(),
        hourly: new Map(),
        lastLocation: profile.lastLocation,
        label: profile.label,
        eventCount: profile.eventCount,
        successfulSignins: profile.successfulSignins,
      });
    }
    for (const one of series) {
      const baseline = byKey.get(entityKeyOf(one));
      if (!baseline) continue;
      const hours = new Map<number, number>();
      one.hourStarts.forEach((hourStart, i) => hours.set(hourStart, one.counts[i]));
      baseline.hourly.set(one.action, hours);
    }
    for (const row of seen) {
      const baseline = byKey.get(entityKeyOf(row));
      if (!baseline) continue;
      let values = baseline.seen.get(row.dimension);
      if (!values) {
        values = new Map<string, SeenValue>();
        baseline.seen.set(row.dimension, values);
      }
      values.set(row.value, { firstSeen: row.firstSeen, lastSeen: row.lastSeen, count: row.count });
    }
    return snapshotOf(byKey.values());
  }

  /** The hourly counts a snapshot holds: of the keys asked, of entities that have a baseline. */
  private async hourlyOf(
    known: EntityKey[],
    knownKeys: ReadonlySet<string>,
    hourly: Date | HourlyRequest,
    manager?: EntityManager,
  ): Promise<EntityHourlySeries[]> {
    if (hourly instanceof Date) return this.query.hourlyOf(known, hourly, manager);
    const asked = new Map<string, HourlyKey>();
    for (const key of hourly.keys) {
      const entity = entityKeyOf(key);
      if (knownKeys.has(entity)) asked.set(`${entity}\u0000${key.action}`, key);
    }
    return asked.size > 0 ? this.query.hourlyFor([...asked.values()], hourly.since, manager) : [];
  }

  /**
   * Learns a batch inside the caller's transaction: aggregated in memory, then one upsert per
   * table with atomic increments. Not idempotent by itself: the caller commits it together
   * with the mark that the batch was detected.
   */
  async applyBatch(
    manager: EntityManager,
    events: readonly DetectEvent[],
    now: Date = new Date(),
  ): Promise<void> {
    if (events.length === 0) return;
    await this.learning.applyAggregate(
      manager,
      aggregateBatch(events, now),
      this.options.seenValuesPerDimension,
    );
  }

  /**
   * Retention: hourly counts older than 90 days, seen values unseen for longer than the
   * configured maximum (default 180 days).
   */
  async forget(now: Date): Promise<ForgetResult> {
    const hourlyBefore = new Date(floorToHour(now.getTime() - HOURLY_RETENTION_DAYS * DAY_MS));
    const seenBefore = new Date(now.getTime() - this.options.seenValueMaxAgeDays * DAY_MS);
    const counts = await this.retention.forget(
      hourlyBefore,
      seenBefore,
      this.options.retentionChunk,
    );
    if (counts === null) return { ran: false, hourlyCounts: 0, seenValues: 0 };
    if (counts.hourlyCounts > 0 || counts.seenValues > 0) {
      this.logger.log(
        `Retention deleted ${counts.hourlyCounts} hourly count(s) and ${counts.seenValues} seen value(s)`,
      );
    }
    return { ran: true, ...counts };
  }

  /** Entities, newest activity first. Throws InvalidCursorError for a cursor not ours. */
  async list(
    query: { actor?: string; cursor?: string; limit: number },
    now: Date = new Date(),
  ): Promise<BaselinePage> {
    let after: ListPosition | undefined;
    if (query.cursor !== undefined) {
      const position = decodeCursor(query.cursor);
      if (position === null) throw new InvalidCursorError();
      after = position;
    }
    const prefix = query.actor?.trim();
    const rows = await this.query.list({
      prefix: prefix ? prefix : undefined,
      after,
      limit: query.limit + 1,
    });
    const items = rows.slice(0, query.limit).map((row) => ({
      ...row,
      maturity: maturityOf(row, now),
    }));
    const last = items.at(-1);
    return {
      items,
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.position) : null,
    };
  }

  /** Entities whose id is `actor` (any case), of `entityType` and `accountId` when given. */
  findActor(
    actor: string,
    entityType?: EntityType,
    accountId?: string,
  ): Promise<BaselineProfile[]> {
    return this.query.findByActor(actor, entityType, accountId);
  }

  /** One entity's baseline: hour-of-week rates per action, seen values, maturity. */
  async describe(profile: BaselineProfile, now: Date = new Date()): Promise<BaselineDetail> {
    const window = rateWindow(profile.firstEventAt, profile.lastEventAt, now);
    const [hourly, seen] = await Promise.all([
      this.query.hourlyOfEntity(profile, new Date(window.from), new Date(window.to)),
      this.query.seenValuesOf(profile, SEEN_VALUES_SHOWN),
    ]);
    const byDimension = new Map<BaselineDimension, SeenDimension>();
    for (const dimension of DIMENSIONS_BY_ENTITY[profile.entityType]) {
      byDimension.set(dimension, { dimension, total: 0, values: [] });
    }
    for (const row of seen) {
      let entry = byDimension.get(row.dimension);
      if (!entry) {
        entry = { dimension: row.dimension, total: 0, values: [] };
        byDimension.set(row.dimension, entry);
      }
      entry.total = row.total;
      entry.values.push(row);
    }
    return {
      profile,
      maturity: maturityOf(profile, now),
      window,
      rates: hourOfWeekRates(hourly, window),
      seen: [...byDimension.values()],
    };
  }

  /** Forgets everything learned about one entity. */
  async forgetEntity(key: EntityKey): Promise<DeletedBaseline> {
    const deleted = await this.retention.deleteEntity(key);
    this.logger.log(
      `Forgot baseline of ${key.entityType} ${key.entityId}${key.accountId ? ` of account ${key.accountId}` : ''}: ${deleted.hourlyCounts} hourly count(s), ${deleted.seenValues} seen value(s)`,
    );
    return deleted;
  }
}

function uniqueKeys(entities: EntityKey[]): EntityKey[] {
  const unique = new Map<string, EntityKey>();
  for (const { entityType, accountId, entityId } of entities) {
    unique.set(entityKeyOf({ entityType, accountId, entityId }), {
      entityType,
      accountId,
      entityId,
    });
  }
  return [...unique.values()];
}
