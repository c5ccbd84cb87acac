import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { DetectEvent } from '../events/detect-event';
import {
  aggregateBatch,
  DAY_MS,
  type EntityKey,
  entityKeyFields,
  entityKeyOf,
  floorToHour,
  type SeenKey,
} from './baseline-aggregate';
import { BaselineCache, type PassChange, type SeenOfDimension } from './baseline-cache';
import { bumpBaselineVersion, readBaselineVersion } from './baseline-changes';
import { HOURLY_RETENTION_DAYS } from './baseline-horizon';
import {
  type BaselineDimension,
  type BaselineSnapshot,
  DIMENSIONS_BY_ENTITY,
  type EntityBaseline,
  type EntityType,
  type HourlyKey,
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
  type StoredSeen,
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

/**
 * A detection pass's baselines, begun in its transaction: read through this process's cache,
 * learned in the transaction, and held in the cache once it committed.
 */
export interface PassBaselines {
  /** As loadSnapshot, read outside the transaction (nothing of the pass is written yet). */
  snapshot(
    entities: EntityKey[],
    hourly: HourlyRequest,
    seenKeys: readonly SeenKey[],
  ): Promise<BaselineSnapshot>;
  /** As applyBatch, in the pass's transaction. */
  learn(events: readonly DetectEvent[]): Promise<void>;
  /** Call once the pass's transaction committed. */
  committed(): void;
}

/** How a snapshot's hourly counts and seen values are read. */
interface SnapshotReads {
  hourlyFor(keys: HourlyKey[], since: Date): Promise<EntityHourlySeries[]>;
  seenFor(keys: SeenKey[]): Promise<SeenOfDimension[]>;
  manager?: EntityManager;
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
  private readonly cache: BaselineCache;

  constructor(
    private readonly learning: BaselinesLearningRepository,
    private readonly query: BaselinesQueryRepository,
    private readonly retention: BaselinesRetentionRepository,
    @Inject(BASELINES_OPTIONS) private readonly options: BaselinesOptions,
  ) {
    this.cache = new BaselineCache(SEEN_VALUES_CITED, options.cachedPerProcess);
  }

  /**
   * The baselines of a batch's entities as they are now (call before applyBatch): one query
   * per table. Of the seen values, only those asked about (`seenKeysOf` the batch) and the
   * most frequent of each entity and dimension asked about are loaded. Pass the detection
   * transaction's manager to read inside it. Hourly counts are read since `hourly` for every
   * action of every entity, or, given keys, only those of the keys (what the rules read).
   */
  loadSnapshot(
    entities: EntityKey[],
    hourly: Date | HourlyRequest,
    seenKeys: readonly SeenKey[],
    manager?: EntityManager,
  ): Promise<BaselineSnapshot> {
    return this.readSnapshot(entities, hourly, seenKeys, {
      hourlyFor: (keys, since) => this.query.hourlyFor(keys, since, manager),
      seenFor: async (keys) =>
        seenByDimension(await this.query.seenFor(keys, SEEN_VALUES_CITED, manager)),
      manager,
    });
  }

  /**
   * A detection pass begins, in its transaction: what this process holds of the baselines is
   * kept only if no other process changed them since its last pass (BaselineCache).
   */
  async beginPass(manager: EntityManager): Promise<PassBaselines> {
    const pass = this.cache.begin(await readBaselineVersion(manager));
    const reads: SnapshotReads = {
      hourlyFor: async (keys, since) => {
        const { series, unknown } = this.cache.hourly(keys, since.getTime());
        if (unknown.length === 0) return series;
        const read = await this.query.hourlyFor(unknown, since);
        this.cache.holdHourly(unknown, since.getTime(), read);
        return [...series, ...read];
      },
      seenFor: async (keys) => {
        const { answers, unknown } = this.cache.seen(keys);
        if (unknown.length === 0) return answers;
        const read = await this.query.seenFor(unknown, SEEN_VALUES_CITED);
        this.cache.holdSeen(unknown, read);
        return [...answers, ...seenByDimension(read)];
      },
    };
    let change: PassChange | null = null;
    return {
      snapshot: (entities, hourly, seenKeys) =>
        this.readSnapshot(entities, hourly, seenKeys, reads),
      learn: async (events) => {
        change = await this.learn(manager, events, new Date());
      },
      committed: () => {
        if (change) this.cache.committed(pass, change);
      },
    };
  }

  private async readSnapshot(
    entities: EntityKey[],
    hourly: Date | HourlyRequest,
    seenKeys: readonly SeenKey[],
    reads: SnapshotReads,
  ): Promise<BaselineSnapshot> {
    const { manager } = reads;
    const keys = uniqueKeys(entities);
    if (keys.length === 0) return snapshotOf([]);
    const profiles = await this.query.profilesOf(keys, manager);
    if (profiles.length === 0) return snapshotOf([]);
    const known = profiles.map(entityKeyFields);
    const knownKeys = new Set(known.map(entityKeyOf));
    const asked = seenKeys.filter((key) => knownKeys.has(entityKeyOf(key)));
    const [series, seen] = await Promise.all([
      this.hourlyOf(known, knownKeys, hourly, reads),
      asked.length > 0 ? reads.seenFor(asked) : Promise.resolve([]),
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
    for (const { dimension, values, ...entity } of seen) {
      byKey.get(entityKeyOf(entity))?.seen.set(dimension, values);
    }
    return snapshotOf(byKey.values());
  }

  /** The hourly counts a snapshot holds: of the keys asked, of entities that have a baseline. */
  private async hourlyOf(
    known: EntityKey[],
    knownKeys: ReadonlySet<string>,
    hourly: Date | HourlyRequest,
    reads: SnapshotReads,
  ): Promise<EntityHourlySeries[]> {
    if (hourly instanceof Date) return this.query.hourlyOf(known, hourly, reads.manager);
    const asked = new Map<string, HourlyKey>();
    for (const key of hourly.keys) {
      const entity = entityKeyOf(key);
      if (knownKeys.has(entity)) asked.set(`${entity}\u0000${key.action}`, key);
    }
    return asked.size > 0 ? reads.hourlyFor([...asked.values()], hourly.since) : [];
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
    await this.learn(manager, events, now);
  }

  /** What applyBatch does, and the change it leaves (none for no event). */
  private async learn(
    manager: EntityManager,
    events: readonly DetectEvent[],
    now: Date,
  ): Promise<PassChange | null> {
    if (events.length === 0) return null;
    const aggregate = aggregateBatch(events, now);
    const evicted = await this.learning.applyAggregate(
      manager,
      aggregate,
      this.options.seenValuesPerDimension,
    );
    return { to: await bumpBaselineVersion(manager), aggregate, evicted };
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

/** Seen values as a snapshot holds them: per entity and dimension. */
function seenByDimension(rows: readonly StoredSeen[]): SeenOfDimension[] {
  const byDimension = new Map<string, SeenOfDimension>();
  for (const { entityType, accountId, entityId, dimension, value, ...seen } of rows) {
    const key = `${entityKeyOf({ entityType, accountId, entityId })}\u0000${dimension}`;
    let one = byDimension.get(key);
    if (!one) {
      one = { entityType, accountId, entityId, dimension, values: new Map() };
      byDimension.set(key, one);
    }
    one.values.set(value, seen);
  }
  return [...byDimension.values()];
}

function uniqueKeys(entities: EntityKey[]): EntityKey[] {
  const unique = new Map<string, EntityKey>();
  for (const entity of entities) unique.set(entityKeyOf(entity), entityKeyFields(entity));
  return [...unique.values()];
}
