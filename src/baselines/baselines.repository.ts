import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { type BatchAggregate, type EntityKey, HOUR_MS, type SeenKey } from './baseline-aggregate';
import type { BaselineDimension, EntityBaseline, EntityType, SeenValue } from './baseline-snapshot';
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

export interface SeenRow extends SeenValue {
  dimension: BaselineDimension;
  value: string;
  /** Values of this dimension stored for the entity (the answer may hold fewer). */
  total: number;
}

export interface DeletedBaseline {
  profile: number;
  activeDays: number;
  hourlyCounts: number;
  seenValues: number;
}

export interface ForgetCounts {
  hourlyCounts: number;
  seenValues: number;
}

interface ProfileRecord {
  entity_type: EntityType;
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

const PROFILE_COLUMNS = `e.entity_type, e.entity_id, e.label, e.first_event_at, e.last_event_at,
  e.active_days, e.event_count, e.successful_signins, e.last_location_at, e.last_latitude,
  e.last_longitude, e.last_country, e.last_city`;

const toProfile = (row: ProfileRecord): BaselineProfile => ({
  entityType: row.entity_type,
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

// Rows arrive sorted by key (aggregateBatch); `ord` keeps that order through the statement,
// so two workers upserting overlapping batches lock rows in the same order.
const UPSERT_PROFILES = `
  WITH new_days AS (
    INSERT INTO baseline_active_days (entity_type, entity_id, day)
    SELECT d.entity_type, d.entity_id, d.day
    FROM jsonb_to_recordset($1::jsonb) AS d(ord integer, entity_type text, entity_id text, day date)
    ORDER BY d.ord
    ON CONFLICT (entity_type, entity_id, day) DO NOTHING
    RETURNING entity_type, entity_id
  ), added AS (
    SELECT entity_type, entity_id, count(*)::integer AS days
    FROM new_days GROUP BY entity_type, entity_id
  )
  INSERT INTO baseline_entities AS t (
    entity_type, entity_id, label, label_at, first_event_at, last_event_at, active_days,
    event_count, successful_signins, last_location_at, last_latitude, last_longitude,
    last_country, last_city)
  SELECT p.entity_type, p.entity_id, p.label, p.label_at, p.first_event_at, p.last_event_at,
    coalesce(a.days, 0), p.event_count, p.successful_signins, p.location_at, p.latitude,
    p.longitude, p.country, p.city
  FROM jsonb_to_recordset($2::jsonb) AS p(
    ord integer, entity_type text, entity_id text, label text, label_at timestamptz,
    first_event_at timestamptz, last_event_at timestamptz, event_count bigint,
    successful_signins bigint, location_at timestamptz, latitude double precision,
    longitude double precision, country text, city text)
  LEFT JOIN added a ON a.entity_type = p.entity_type AND a.entity_id = p.entity_id
  ORDER BY p.ord
  ON CONFLICT (entity_type, entity_id) DO UPDATE SET
    label = CASE WHEN excluded.label_at >= t.label_at OR t.label_at IS NULL
      THEN coalesce(excluded.label, t.label) ELSE t.label END,
    label_at = CASE WHEN excluded.label_at >= t.label_at OR t.label_at IS NULL
      THEN coalesce(excluded.label_at, t.label_at) ELSE t.label_at END,
    first_event_at = LEAST(t.first_event_at, excluded.first_event_at),
    last_event_at = GREATEST(t.last_event_at, excluded.last_event_at),
    active_days = t.active_days + excluded.active_days,
    event_count = t.event_count + excluded.event_count,
    successful_signins = t.successful_signins + excluded.successful_signins,
    last_location_at = CASE WHEN excluded.last_location_at > t.last_location_at
      OR t.last_location_at IS NULL
      THEN coalesce(excluded.last_location_at, t.last_location_at) ELSE t.last_location_at END,
    last_latitude = CASE WHEN excluded.last_location_at > t.last_location_at
      OR (t.last_location_at IS NULL AND excluded.last_location_at IS NOT NULL)
      THEN excluded.last_latitude ELSE t.last_latitude END,
    last_longitude = CASE WHEN excluded.last_location_at > t.last_location_at
      OR (t.last_location_at IS NULL AND excluded.last_location_at IS NOT NULL)
      THEN excluded.last_longitude ELSE t.last_longitude END,
    last_country = CASE WHEN excluded.last_location_at > t.last_location_at
      OR (t.last_location_at IS NULL AND excluded.last_location_at IS NOT NULL)
      THEN excluded.last_country ELSE t.last_country END,
    last_city = CASE WHEN excluded.last_location_at > t.last_location_at
      OR (t.last_location_at IS NULL AND excluded.last_location_at IS NOT NULL)
      THEN excluded.last_city ELSE t.last_city END,
    updated_at = now()`;

const UPSERT_HOURLY = `
  INSERT INTO baseline_hourly_counts AS t (entity_type, entity_id, action, hour_start, count)
  SELECT h.entity_type, h.entity_id, h.action, h.hour_start, h.count
  FROM jsonb_to_recordset($1::jsonb) AS h(
    ord integer, entity_type text, entity_id text, action text, hour_start timestamptz,
    count integer)
  ORDER BY h.ord
  ON CONFLICT (entity_type, entity_id, action, hour_start)
  DO UPDATE SET count = t.count + excluded.count`;

const UPSERT_SEEN = `
  INSERT INTO baseline_seen_values AS t (
    entity_type, entity_id, dimension, value, first_seen, last_seen, count)
  SELECT s.entity_type, s.entity_id, s.dimension, s.value, s.first_seen, s.last_seen, s.count
  FROM jsonb_to_recordset($1::jsonb) AS s(
    ord integer, entity_type text, entity_id text, dimension text, value text,
    first_seen timestamptz, last_seen timestamptz, count bigint)
  ORDER BY s.ord
  ON CONFLICT (entity_type, entity_id, dimension, value) DO UPDATE SET
    first_seen = LEAST(t.first_seen, excluded.first_seen),
    last_seen = GREATEST(t.last_seen, excluded.last_seen),
    count = t.count + excluded.count
  RETURNING entity_type, entity_id, dimension, (xmax = 0) AS inserted`;

// Past the cap, the least recently seen values of an (entity, dimension) go. Rows another
// worker holds are skipped (kept), so two workers never wait on each other here; the next
// batch trims what was left.
const EVICT_SEEN = `
  DELETE FROM baseline_seen_values t USING (
    SELECT old.entity_type, old.entity_id, old.dimension, old.value
    FROM unnest($1::text[], $2::text[], $3::text[]) AS p(entity_type, entity_id, dimension)
    CROSS JOIN LATERAL (
      SELECT s.entity_type, s.entity_id, s.dimension, s.value FROM baseline_seen_values s
      WHERE s.entity_type = p.entity_type AND s.entity_id = p.entity_id
        AND s.dimension = p.dimension
      ORDER BY s.last_seen DESC, s.first_seen DESC, s.value
      OFFSET $4
      FOR UPDATE SKIP LOCKED
    ) old
  ) old
  WHERE t.entity_type = old.entity_type AND t.entity_id = old.entity_id
    AND t.dimension = old.dimension AND t.value = old.value`;

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/** Owns baseline_entities, baseline_active_days, baseline_hourly_counts, baseline_seen_values. */
@Injectable()
export class BaselinesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * One upsert per table, with atomic increments; then, where the batch added values, those
   * past `seenPerDimension` for the entity and dimension are evicted.
   */
  async applyAggregate(
    manager: EntityManager,
    aggregate: BatchAggregate,
    seenPerDimension: number,
  ): Promise<void> {
    if (aggregate.profiles.length === 0) return;
    const days = aggregate.activeDays.map((row, ord) => ({
      ord,
      entity_type: row.entityType,
      entity_id: row.entityId,
      day: row.day,
    }));
    const profiles = aggregate.profiles.map((row, ord) => ({
      ord,
      entity_type: row.entityType,
      entity_id: row.entityId,
      label: row.label,
      label_at: iso(row.labelAt),
      first_event_at: row.firstEventAt.toISOString(),
      last_event_at: row.lastEventAt.toISOString(),
      event_count: row.eventCount,
      successful_signins: row.successfulSignins,
      location_at: iso(row.location?.at ?? null),
      latitude: row.location?.latitude ?? null,
      longitude: row.location?.longitude ?? null,
      country: row.location?.country ?? null,
      city: row.location?.city ?? null,
    }));
    await manager.query(UPSERT_PROFILES, [JSON.stringify(days), JSON.stringify(profiles)]);

    if (aggregate.hourly.length > 0) {
      const hourly = aggregate.hourly.map((row, ord) => ({
        ord,
        entity_type: row.entityType,
        entity_id: row.entityId,
        action: row.action,
        hour_start: row.hourStart.toISOString(),
        count: row.count,
      }));
      await manager.query(UPSERT_HOURLY, [JSON.stringify(hourly)]);
    }

    if (aggregate.seen.length > 0) {
      const seen = aggregate.seen.map((row, ord) => ({
        ord,
        entity_type: row.entityType,
        entity_id: row.entityId,
        dimension: row.dimension,
        value: row.value,
        first_seen: row.firstSeen.toISOString(),
        last_seen: row.lastSeen.toISOString(),
        count: row.count,
      }));
      const upserted: Array<{
        entity_type: string;
        entity_id: string;
        dimension: string;
        inserted: boolean;
      }> = await manager.query(UPSERT_SEEN, [JSON.stringify(seen)]);
      await this.evictSeen(manager, upserted, seenPerDimension);
    }
  }

  /** Only (entity, dimension) pairs that got a new value can have grown past the cap. */
  private async evictSeen(
    manager: EntityManager,
    upserted: ReadonlyArray<{
      entity_type: string;
      entity_id: string;
      dimension: string;
      inserted: boolean;
    }>,
    cap: number,
  ): Promise<void> {
    const grown = new Map<string, { entityType: string; entityId: string; dimension: string }>();
    for (const row of upserted) {
      if (!row.inserted) continue;
      grown.set(`${row.entity_type}\u0000${row.entity_id}\u0000${row.dimension}`, {
        entityType: row.entity_type,
        entityId: row.entity_id,
        dimension: row.dimension,
      });
    }
    if (grown.size === 0) return;
    const pairs = [...grown.values()];
    await manager.query(EVICT_SEEN, [
      pairs.map((pair) => pair.entityType),
      pairs.map((pair) => pair.entityId),
      pairs.map((pair) => pair.dimension),
      cap,
    ]);
  }

  /** Profiles of the given entities: one query. */
  async profilesOf(keys: EntityKey[], manager?: EntityManager): Promise<BaselineProfile[]> {
    const rows: ProfileRecord[] = await (manager ?? this.dataSource).query(
      `SELECT ${PROFILE_COLUMNS}
       FROM unnest($1::text[], $2::text[]) AS k(entity_type, entity_id)
       JOIN baseline_entities e ON e.entity_type = k.entity_type AND e.entity_id = k.entity_id`,
      [keys.map((key) => key.entityType), keys.map((key) => key.entityId)],
    );
    return rows.map(toProfile);
  }

  /**
   * Hourly counts of the given entities in [since, until]: one query, one row per entity and
   * action carrying two aligned arrays (90 days of a busy entity are thousands of hours: as
   * arrays they cost a fraction of what as many rows cost to parse).
   */
  async hourlyOf(
    keys: EntityKey[],
    since: Date,
    manager?: EntityManager,
    until?: Date,
  ): Promise<EntityHourlySeries[]> {
    const rows: Array<{
      entity_type: EntityType;
      entity_id: string;
      action: string;
      hours: number[];
      counts: number[];
    }> = await (manager ?? this.dataSource).query(
      // Per entity, its index range is read in (action, hour) order: grouped without a sort.
      `SELECT k.entity_type, k.entity_id, x.action, x.hours, x.counts
       FROM unnest($1::text[], $2::text[]) AS k(entity_type, entity_id)
       CROSS JOIN LATERAL (
         SELECT h.action,
           array_agg((date_part('epoch', h.hour_start) / 3600)::integer) AS hours,
           array_agg(h.count) AS counts
         FROM baseline_hourly_counts h
         WHERE h.entity_type = k.entity_type AND h.entity_id = k.entity_id
           AND h.hour_start >= $3 AND h.hour_start <= $4
         GROUP BY h.action
       ) x`,
      [
        keys.map((key) => key.entityType),
        keys.map((key) => key.entityId),
        since.toISOString(),
        until ? until.toISOString() : 'infinity',
      ],
    );
    return rows.map((row) => ({
      entityType: row.entity_type,
      entityId: row.entity_id,
      action: row.action,
      hourStarts: row.hours.map((hour) => hour * HOUR_MS),
      counts: row.counts,
    }));
  }

  /**
   * The seen values a batch asks about, plus the `mostFrequent` most frequent values of each
   * entity and dimension asked about (what explanations cite as usual): one query, whose
   * answer is bounded by the batch, never by how many values an entity has.
   */
  async seenFor(
    keys: readonly SeenKey[],
    mostFrequent: number,
    manager?: EntityManager,
  ): Promise<Array<SeenValue & SeenKey>> {
    const rows: Array<{
      entity_type: EntityType;
      entity_id: string;
      dimension: BaselineDimension;
      value: string;
      first_seen: Date;
      last_seen: Date;
      count: string;
    }> = await (manager ?? this.dataSource).query(
      `WITH k AS (
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
           AS k(entity_type, entity_id, dimension, value)
       )
       SELECT s.entity_type, s.entity_id, s.dimension, s.value, s.first_seen, s.last_seen, s.count
       FROM k JOIN baseline_seen_values s ON s.entity_type = k.entity_type
         AND s.entity_id = k.entity_id AND s.dimension = k.dimension AND s.value = k.value
       UNION
       SELECT s.entity_type, s.entity_id, s.dimension, s.value, s.first_seen, s.last_seen, s.count
       FROM (SELECT DISTINCT entity_type, entity_id, dimension FROM k) d
       CROSS JOIN LATERAL (
         SELECT * FROM baseline_seen_values s
         WHERE s.entity_type = d.entity_type AND s.entity_id = d.entity_id
           AND s.dimension = d.dimension
         ORDER BY s.count DESC, s.value
         LIMIT $5
       ) s`,
      [
        keys.map((key) => key.entityType),
        keys.map((key) => key.entityId),
        keys.map((key) => key.dimension),
        keys.map((key) => key.value),
        mostFrequent,
      ],
    );
    return rows.map((row) => ({
      entityType: row.entity_type,
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
      params.push(options.after.lastEventAt, options.after.entityType, options.after.entityId);
      const n = params.length;
      where.push(
        `(e.last_event_at, e.entity_type, e.entity_id) < ($${n - 2}::timestamptz, $${n - 1}::text, $${n}::text)`,
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
         ORDER BY e.last_event_at DESC, e.entity_type DESC, e.entity_id DESC
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
             AND s.dimension = 'country'
           ORDER BY count DESC, value LIMIT 3
         ) s
       ) c ON true
       ORDER BY e.last_event_at DESC, e.entity_type DESC, e.entity_id DESC`,
      params,
    );
    return rows.map((row) => ({
      ...toProfile(row),
      position: {
        lastEventAt: row.last_event_at_text,
        entityType: row.entity_type,
        entityId: row.entity_id,
      },
      topCountries: row.top_countries,
    }));
  }

  /** Profiles whose id is `actor`, case-insensitively (a few at most: one per entity type). */
  async findByActor(actor: string, entityType?: EntityType): Promise<BaselineProfile[]> {
    const rows: ProfileRecord[] = await this.dataSource.query(
      `SELECT ${PROFILE_COLUMNS} FROM baseline_entities e
       WHERE lower(e.entity_id) = lower($1) AND ($2::text IS NULL OR e.entity_type = $2)
       ORDER BY e.entity_type, e.entity_id`,
      [actor, entityType ?? null],
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
         FROM baseline_seen_values s WHERE s.entity_type = $1 AND s.entity_id = $2
       ) x
       WHERE rank <= $3
       ORDER BY dimension, rank`,
      [key.entityType, key.entityId, perDimension],
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

  /** Forgets one entity. Tables in the order applyAggregate writes them (no lock cycles). */
  deleteEntity(key: EntityKey): Promise<DeletedBaseline> {
    const params = [key.entityType, key.entityId];
    const remove = async (manager: EntityManager, table: string): Promise<number> => {
      const [, affected]: [unknown, number] = await manager.query(
        `DELETE FROM ${table} WHERE entity_type = $1 AND entity_id = $2`,
        params,
      );
      return affected;
    };
    return this.dataSource.transaction(async (manager) => {
      const activeDays = await remove(manager, 'baseline_active_days');
      const profile = await remove(manager, 'baseline_entities');
      const hourlyCounts = await remove(manager, 'baseline_hourly_counts');
      const seenValues = await remove(manager, 'baseline_seen_values');
      return { profile, activeDays, hourlyCounts, seenValues };
    });
  }

  /**
   * Deletes hourly counts of hours before `hourlyBefore` and seen values last seen before
   * `seenBefore`, in chunks that skip rows a detection worker holds (no waiting, no
   * deadlock; what is skipped goes next time). Only one process runs it at a time: null when
   * another holds the lock.
   */
  async forget(hourlyBefore: Date, seenBefore: Date, chunk: number): Promise<ForgetCounts | null> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query(
        `SELECT pg_try_advisory_lock(hashtext('vaultwatch.baselines'), hashtext('forget')) AS locked`,
      )) as Array<{ locked: boolean }>;
      if (!locked) return null;
      try {
        const deleteChunks = async (sql: string, before: Date): Promise<number> => {
          let total = 0;
          for (;;) {
            const [, affected] = (await runner.query(sql, [before.toISOString(), chunk])) as [
              unknown,
              number,
            ];
            total += affected;
            if (affected < chunk) return total;
          }
        };
        const hourlyCounts = await deleteChunks(
          `DELETE FROM baseline_hourly_counts t USING (
             SELECT entity_type, entity_id, action, hour_start FROM baseline_hourly_counts
             WHERE hour_start < $1 LIMIT $2 FOR UPDATE SKIP LOCKED
           ) old
           WHERE t.entity_type = old.entity_type AND t.entity_id = old.entity_id
             AND t.action = old.action AND t.hour_start = old.hour_start`,
          hourlyBefore,
        );
        const seenValues = await deleteChunks(
          `DELETE FROM baseline_seen_values t USING (
             SELECT entity_type, entity_id, dimension, value FROM baseline_seen_values
             WHERE last_seen < $1 LIMIT $2 FOR UPDATE SKIP LOCKED
           ) old
           WHERE t.entity_type = old.entity_type AND t.entity_id = old.entity_id
             AND t.dimension = old.dimension AND t.value = old.value`,
          seenBefore,
        );
        return { hourlyCounts, seenValues };
      } finally {
        await runner.query(
          `SELECT pg_advisory_unlock(hashtext('vaultwatch.baselines'), hashtext('forget'))`,
        );
      }
    } finally {
      await runner.release();
    }
  }
}
