import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { type EntityKey, HOUR_MS, type SeenKey } from './baseline-aggregate';
import type {
  BaselineDimension,
  EntityBaseline,
  EntityType,
  HourlyKey,
  SeenValue,
} from './baseline-snapshot';
import type { ListPosition } from './baselines-cursor';

/** An entity's profile row, in domain terms. */
export interface BaselineProfile extends EntityKey {
  label: string | null;
  firstEventAt: Date;
  lastEventAt: Date;
  activeDays: number;
  eventCount: number;
  successfulSignins: number;
  lastLocation: EntityBaseline['lastLocation'];
}

export interface ListedProfile extends BaselineProfile {
  /** Keyset position of this row. */
  position: ListPosition;
  topCountries: Array<{ value: string; count: number }>;
}

/** One entity's counts of one action: hour starts (epoch ms) and counts, aligned. */
export interface EntityHourlySeries extends EntityKey {
  action: string;
  hourStarts: number[];
  counts: number[];
}

/** A seen value of one entity, as the snapshot query answers it. */
export type StoredSeen = SeenValue & SeenKey;

export interface SeenRow extends SeenValue {
  dimension: BaselineDimension;
  value: string;
  /** Values of this dimension stored for the entity (the answer may hold fewer). */
  total: number;
}

interface ProfileRecord {
  entity_type: EntityType;
  account_id: string;
  entity_id: string;
  label: string | null;
  first_event_at: Date;
  last_event_at: Date;
  active_days: number;
  event_count: string;
  successful_signins: string;
  last_location_at: Date | null;
  last_latitude: number | null;
  last_longitude: number | null;
  last_country: string | null;
  last_city: string | null;
}

const PROFILE_COLUMNS = `e.entity_type, e.account_id, e.entity_id, e.label, e.first_event_at, e.last_event_at,
  e.active_days, e.event_count, e.successful_signins, e.last_location_at, e.last_latitude,
  e.last_longitude, e.last_country, e.last_city`;

const toProfile = (row: ProfileRecord): BaselineProfile => ({
  entityType: row.entity_type,
  accountId: row.account_id,
  entityId: row.entity_id,
  label: row.label,
  firstEventAt: row.first_event_at,
  lastEventAt: row.last_event_at,
  activeDays: row.active_days,
  eventCount: Number(row.event_count),
  successfulSignins: Number(row.successful_signins),
  lastLocation:
    row.last_location_at !== null && row.last_latitude !== null && row.last_longitude !== null
      ? {
          at: row.last_location_at,
          latitude: row.last_latitude,
          longitude: row.last_longitude,
          country: row.last_country,
          city: row.last_city,
        }
      : null,
});

/**
 * A key's hours (since the epoch) and counts, aligned, as comma-separated text: the driver
 * parses an integer array character by character, which cost more than the query itself for
 * the thousands of hours of one entity's 90 days.
 */
const HOURS_AGG = `string_agg(((date_part('epoch', h.hour_start) / 3600)::integer)::text, ',')`;
const COUNTS_AGG = `string_agg(h.count::text, ',')`;

interface HourlyRecord {
  entity_type: EntityType;
  account_id: string;
  entity_id: string;
  action: string;
  hours: string;
  counts: string;
}

const numbers = (list: string): number[] => list.split(',').map(Number);

const toSeries = (row: HourlyRecord): EntityHourlySeries => ({
  entityType: row.entity_type,
  accountId: row.account_id,
  entityId: row.entity_id,
  action: row.action,
  hourStarts: numbers(row.hours).map((hour) => hour * HOUR_MS),
  counts: numbers(row.counts),
});

/**
 * Reads the baselines: the snapshot a detection batch is judged against (in its
 * transaction when given one) and what the REST API shows.
 */
@Injectable()
export class BaselinesQueryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Profiles of the given entities: one query. */
  async profilesOf(keys: EntityKey[], manager?: EntityManager): Promise<BaselineProfile[]> {
    const rows: ProfileRecord[] = await (manager ?? this.dataSource).query(
      `SELECT ${PROFILE_COLUMNS}
       FROM unnest($1::text[], $2::text[], $3::text[]) AS k(entity_type, account_id, entity_id)
       JOIN baseline_entities e ON e.entity_type = k.entity_type AND e.entity_id = k.entity_id
         AND e.account_id = k.account_id`,
      [
        keys.map((key) => key.entityType),
        keys.map((key) => key.accountId),
        keys.map((key) => key.entityId),
      ],
    );
    return rows.map(toProfile);
  }

  /**
   * Hourly counts of the given entities since `since`: one query, one row per entity and
   * action carrying two aligned arrays (90 days of a busy entity are thousands of hours: as
   * arrays they cost a fraction of what as many rows cost to parse).
   */
  async hourlyOf(
    keys: EntityKey[],
    since: Date,
    manager?: EntityManager,
  ): Promise<EntityHourlySeries[]> {
    const rows: HourlyRecord[] = await (manager ?? this.dataSource).query(
      // Per entity, its index range is read in (action, hour) order: grouped without a sort.
      `SELECT k.entity_type, k.account_id, k.entity_id, x.action, x.hours, x.counts
       FROM unnest($1::text[], $2::text[], $4::text[]) AS k(entity_type, entity_id, account_id)
       CROSS JOIN LATERAL (
         SELECT h.action,
           ${HOURS_AGG} AS hours,
           ${COUNTS_AGG} AS counts
         FROM baseline_hourly_counts h
         WHERE h.entity_type = k.entity_type AND h.entity_id = k.entity_id
           AND h.account_id = k.account_id AND h.hour_start >= $3
         GROUP BY h.action
       ) x`,
      [
        keys.map((key) => key.entityType),
        keys.map((key) => key.entityId),
        since.toISOString(),
        keys.map((key) => key.accountId),
      ],
    );
    return rows.map(toSeries);
  }

  /**
   * One entity's hourly counts in [since, until], as hourlyOf: what the API shows of one
   * baseline. A query of its own, as PostgreSQL plans it in a tenth of the time the unnest of
   * hourlyOf takes, which is most of what the request costs.
   */
  async hourlyOfEntity(key: EntityKey, since: Date, until: Date): Promise<EntityHourlySeries[]> {
    const rows: Array<Pick<HourlyRecord, 'action' | 'hours' | 'counts'>> =
      await this.dataSource.query(
        `SELECT h.action,
           ${HOURS_AGG} AS hours,
           ${COUNTS_AGG} AS counts
         FROM baseline_hourly_counts h
         WHERE h.entity_type = $1 AND h.entity_id = $2 AND h.account_id = $3
           AND h.hour_start BETWEEN $4 AND $5
         GROUP BY h.action`,
        [key.entityType, key.entityId, key.accountId, since.toISOString(), until.toISOString()],
      );
    return rows.map((row) =>
      toSeries({
        ...row,
        entity_type: key.entityType,
        account_id: key.accountId,
        entity_id: key.entityId,
      }),
    );
  }

  /**
   * The hourly counts of the given entities and actions since `since`: one query, one row per
   * key that has counts, its hours and counts as aligned arrays (see hourlyOf).
   */
  async hourlyFor(
    keys: readonly HourlyKey[],
    since: Date,
    manager?: EntityManager,
  ): Promise<EntityHourlySeries[]> {
    const rows: HourlyRecord[] = await (manager ?? this.dataSource).query(
      // Each key is one range of the primary key, read in hour order.
      `SELECT k.entity_type, k.account_id, k.entity_id, k.action, x.hours, x.counts
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
         AS k(entity_type, entity_id, account_id, action)
       CROSS JOIN LATERAL (
         SELECT ${HOURS_AGG} AS hours,
           ${COUNTS_AGG} AS counts
         FROM baseline_hourly_counts h
         WHERE h.entity_type = k.entity_type AND h.entity_id = k.entity_id
           AND h.account_id = k.account_id AND h.action = k.action AND h.hour_start >= $5
       ) x
       WHERE x.hours IS NOT NULL`,
      [
        keys.map((key) => key.entityType),
        keys.map((key) => key.entityId),
        keys.map((key) => key.accountId),
        keys.map((key) => key.action),
        since.toISOString(),
      ],
    );
    return rows.map(toSeries);
  }

  /**
   * The seen values a batch asks about, plus the `mostFrequent` most frequent values of each
   * entity and dimension asked about (what explanations cite as usual), ties by value in byte
   * order (as BaselineCache keeps them): one query, whose answer is bounded by the batch, never
   * by how many values an entity has.
   */
  async seenFor(
    keys: readonly SeenKey[],
    mostFrequent: number,
    manager?: EntityManager,
  ): Promise<StoredSeen[]> {
    const rows: Array<{
      entity_type: EntityType;
      account_id: string;
      entity_id: string;
      dimension: BaselineDimension;
      value: string;
      first_seen: Date;
      last_seen: Date;
      count: string;
    }> = await (manager ?? this.dataSource).query(
      `WITH k AS (
         SELECT * FROM unnest($1::text[], $2::text[], $6::text[], $3::text[], $4::text[])
           AS k(entity_type, entity_id, account_id, dimension, value)
       )
       SELECT s.entity_type, s.account_id, s.entity_id, s.dimension, s.value, s.first_seen,
         s.last_seen, s.count
       FROM k JOIN baseline_seen_values s ON s.entity_type = k.entity_type
         AND s.entity_id = k.entity_id AND s.account_id = k.account_id
         AND s.dimension = k.dimension AND s.value = k.value
       UNION
       SELECT s.entity_type, s.account_id, s.entity_id, s.dimension, s.value, s.first_seen,
         s.last_seen, s.count
       FROM (SELECT DISTINCT entity_type, entity_id, account_id, dimension FROM k) d
       CROSS JOIN LATERAL (
         SELECT * FROM baseline_seen_values s
         WHERE s.entity_type = d.entity_type AND s.entity_id = d.entity_id
           AND s.account_id = d.account_id AND s.dimension = d.dimension
         ORDER BY s.count DESC, s.value COLLATE "C"
         LIMIT $5
       ) s`,
      [
        keys.map((key) => key.entityType),
        keys.map((key) => key.entityId),
        keys.map((key) => key.dimension),
        keys.map((key) => key.value),
        mostFrequent,
        keys.map((key) => key.accountId),
      ],
    );
    return rows.map((row) => ({
      entityType: row.entity_type,
      accountId: row.account_id,
      entityId: row.entity_id,
      dimension: row.dimension,
      value: row.value,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      count: Number(row.count),
    }));
  }

  /**
   * Entities by newest activity, after a keyset position, optionally those whose id or label
   * starts with `prefix` (case-insensitive); each with its three most frequent countries.
   */
  async list(options: {
    prefix?: string;
    after?: ListPosition;
    limit: number;
  }): Promise<ListedProfile[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (options.prefix !== undefined) {
      params.push(`${options.prefix.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`);
      const n = params.length;
      where.push(`(lower(e.entity_id) LIKE $${n} OR lower(e.label) LIKE $${n})`);
    }
    if (options.after) {
      const { lastEventAt, entityType, entityId, accountId } = options.after;
      params.push(lastEventAt, entityType, entityId, accountId);
      const n = params.length;
      where.push(
        `(e.last_event_at, e.entity_type, e.entity_id, e.account_id) < ($${n - 3}::timestamptz, $${n - 2}::text, $${n - 1}::text, $${n}::text)`,
      );
    }
    params.push(options.limit);
    const rows: Array<
      ProfileRecord & {
        last_event_at_text: string;
        top_countries: Array<{ value: string; count: number }>;
      }
    > = await this.dataSource.query(
      `WITH page AS (
         SELECT ${PROFILE_COLUMNS} FROM baseline_entities e
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY e.last_event_at DESC, e.entity_type DESC, e.entity_id DESC, e.account_id DESC
         LIMIT $${params.length}
       )
       SELECT e.*,
         to_char(e.last_event_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
           AS last_event_at_text,
         coalesce(c.countries, '[]'::jsonb) AS top_countries
       FROM page e
       LEFT JOIN LATERAL (
         SELECT jsonb_agg(jsonb_build_object('value', s.value, 'count', s.count)
                          ORDER BY s.count DESC, s.value) AS countries
         FROM (
           SELECT value, count FROM baseline_seen_values s
           WHERE s.entity_type = e.entity_type AND s.entity_id = e.entity_id
             AND s.account_id = e.account_id AND s.dimension = 'country'
           ORDER BY count DESC, value LIMIT 3
         ) s
       ) c ON true
       ORDER BY e.last_event_at DESC, e.entity_type DESC, e.entity_id DESC, e.account_id DESC`,
      params,
    );
    return rows.map((row) => ({
      ...toProfile(row),
      position: {
        lastEventAt: row.last_event_at_text,
        entityType: row.entity_type,
        entityId: row.entity_id,
        accountId: row.account_id,
      },
      topCountries: row.top_countries,
    }));
  }

  /**
   * Profiles whose id is `actor`, case-insensitively (a few at most: one per entity type and
   * account), of the given type and account when given (NO_ACCOUNT: events naming none).
   */
  async findByActor(
    actor: string,
    entityType?: EntityType,
    accountId?: string,
  ): Promise<BaselineProfile[]> {
    const rows: ProfileRecord[] = await this.dataSource.query(
      `SELECT ${PROFILE_COLUMNS} FROM baseline_entities e
       WHERE lower(e.entity_id) = lower($1) AND ($2::text IS NULL OR e.entity_type = $2)
         AND ($3::text IS NULL OR e.account_id = upper($3))
       ORDER BY e.entity_type, e.entity_id, e.account_id`,
      [actor, entityType ?? null, accountId ?? null],
    );
    return rows.map(toProfile);
  }

  /**
   * One entity's seen values, the `perDimension` most frequent of each dimension, each row
   * with the number of values its dimension holds.
   */
  async seenValuesOf(key: EntityKey, perDimension: number): Promise<SeenRow[]> {
    const rows: Array<{
      dimension: BaselineDimension;
      value: string;
      first_seen: Date;
      last_seen: Date;
      count: string;
      total: string;
    }> = await this.dataSource.query(
      `SELECT dimension, value, first_seen, last_seen, count, total FROM (
         SELECT s.dimension, s.value, s.first_seen, s.last_seen, s.count,
           row_number() OVER (PARTITION BY s.dimension
                              ORDER BY s.count DESC, s.last_seen DESC, s.value) AS rank,
           count(*) OVER (PARTITION BY s.dimension) AS total
         FROM baseline_seen_values s
         WHERE s.entity_type = $1 AND s.entity_id = $2 AND s.account_id = $4
       ) x
       WHERE rank <= $3
       ORDER BY dimension, rank`,
      [key.entityType, key.entityId, perDimension, key.accountId],
    );
    return rows.map((row) => ({
      dimension: row.dimension,
      value: row.value,
      firstSeen: row.first_seen,
      lastSeen: row.last_seen,
      count: Number(row.count),
      total: Number(row.total),
    }));
  }
}
