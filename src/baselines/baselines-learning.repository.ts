import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { BatchAggregate } from './baseline-aggregate';
import type { EntityDimension } from './baseline-cache';
import type { BaselineDimension, EntityType } from './baseline-snapshot';

// Rows arrive sorted by key (aggregateBatch); `ord` keeps that order through the statement,
// so two workers upserting overlapping batches lock rows in the same order. They come as
// json, not jsonb: read once, it is parsed in a single pass (a third cheaper for megabytes).
const UPSERT_PROFILES = `
  WITH new_days AS (
    INSERT INTO baseline_active_days (entity_type, entity_id, account_id, day)
    SELECT d.entity_type, d.entity_id, d.account_id, d.day
    FROM json_to_recordset($1::json)
      AS d(ord integer, entity_type text, entity_id text, account_id text, day date)
    ORDER BY d.ord
    ON CONFLICT (entity_type, entity_id, account_id, day) DO NOTHING
    RETURNING entity_type, entity_id, account_id
  ), added AS (
    SELECT entity_type, entity_id, account_id, count(*)::integer AS days
    FROM new_days GROUP BY entity_type, entity_id, account_id
  )
  INSERT INTO baseline_entities AS t (
    entity_type, entity_id, account_id, label, label_at, first_event_at, last_event_at,
    active_days, event_count, successful_signins, last_location_at, last_latitude,
    last_longitude, last_country, last_city)
  SELECT p.entity_type, p.entity_id, p.account_id, p.label, p.label_at, p.first_event_at,
    p.last_event_at, coalesce(a.days, 0), p.event_count, p.successful_signins, p.location_at,
    p.latitude, p.longitude, p.country, p.city
  FROM json_to_recordset($2::json) AS p(
    ord integer, entity_type text, entity_id text, account_id text, label text,
    label_at timestamptz, first_event_at timestamptz, last_event_at timestamptz,
    event_count bigint, successful_signins bigint, location_at timestamptz,
    latitude double precision, longitude double precision, country text, city text)
  LEFT JOIN added a ON a.entity_type = p.entity_type AND a.entity_id = p.entity_id
    AND a.account_id = p.account_id
  ORDER BY p.ord
  ON CONFLICT (entity_type, entity_id, account_id) DO UPDATE SET
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
  INSERT INTO baseline_hourly_counts AS t (
    entity_type, entity_id, account_id, action, hour_start, count)
  SELECT h.entity_type, h.entity_id, h.account_id, h.action, h.hour_start, h.count
  FROM json_to_recordset($1::json) AS h(
    ord integer, entity_type text, entity_id text, account_id text, action text,
    hour_start timestamptz, count integer)
  ORDER BY h.ord
  ON CONFLICT (entity_type, entity_id, account_id, action, hour_start)
  DO UPDATE SET count = t.count + excluded.count`;

// Returns each (entity, dimension) that got a new value, once: only those can have grown past
// the cap, and a row per value would be parsed for nothing.
const UPSERT_SEEN = `
  WITH upserted AS (
    INSERT INTO baseline_seen_values AS t (
      entity_type, entity_id, account_id, dimension, value, first_seen, last_seen, count)
    SELECT s.entity_type, s.entity_id, s.account_id, s.dimension, s.value, s.first_seen,
      s.last_seen, s.count
    FROM json_to_recordset($1::json) AS s(
      ord integer, entity_type text, entity_id text, account_id text, dimension text,
      value text, first_seen timestamptz, last_seen timestamptz, count bigint)
    ORDER BY s.ord
    ON CONFLICT (entity_type, entity_id, account_id, dimension, value) DO UPDATE SET
      first_seen = LEAST(t.first_seen, excluded.first_seen),
      last_seen = GREATEST(t.last_seen, excluded.last_seen),
      count = t.count + excluded.count
    RETURNING entity_type, entity_id, account_id, dimension, (xmax = 0) AS inserted)
  SELECT DISTINCT entity_type, entity_id, account_id, dimension FROM upserted WHERE inserted
  ORDER BY entity_type, entity_id, account_id, dimension`;

// Past the cap, the least recently seen values of an (entity, dimension) go. Rows another
// worker holds are skipped (kept), so two workers never wait on each other here; the next
// batch trims what was left. Returns each (entity, dimension) that lost values, once.
const EVICT_SEEN = `
  WITH evicted AS (
    DELETE FROM baseline_seen_values t USING (
      SELECT old.entity_type, old.entity_id, old.account_id, old.dimension, old.value
      FROM unnest($1::text[], $2::text[], $5::text[], $3::text[])
        AS p(entity_type, entity_id, account_id, dimension)
      CROSS JOIN LATERAL (
        SELECT s.entity_type, s.entity_id, s.account_id, s.dimension, s.value
        FROM baseline_seen_values s
        WHERE s.entity_type = p.entity_type AND s.entity_id = p.entity_id
          AND s.account_id = p.account_id AND s.dimension = p.dimension
        ORDER BY s.last_seen DESC, s.first_seen DESC, s.value
        OFFSET $4
        FOR UPDATE SKIP LOCKED
      ) old
    ) old
    WHERE t.entity_type = old.entity_type AND t.entity_id = old.entity_id
      AND t.account_id = old.account_id AND t.dimension = old.dimension AND t.value = old.value
    RETURNING t.entity_type, t.entity_id, t.account_id, t.dimension
  )
  SELECT DISTINCT entity_type, entity_id, account_id, dimension FROM evicted`;

/** An entity's dimension, as UPSERT_SEEN and EVICT_SEEN return them. */
interface SeenPair {
  entity_type: EntityType;
  entity_id: string;
  account_id: string;
  dimension: BaselineDimension;
}

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

/**
 * What a detection batch teaches the baselines, written in the detection transaction: owns
 * the writes of baseline_entities, baseline_active_days, baseline_hourly_counts and
 * baseline_seen_values.
 */
@Injectable()
export class BaselinesLearningRepository {
  /**
   * One upsert per table, with atomic increments; then, where the batch added values, those
   * past `seenPerDimension` for the entity and dimension are evicted. Returns the entities'
   * dimensions that lost values so.
   */
  async applyAggregate(
    manager: EntityManager,
    aggregate: BatchAggregate,
    seenPerDimension: number,
  ): Promise<EntityDimension[]> {
    if (aggregate.profiles.length === 0) return [];
    const days = aggregate.activeDays.map((row, ord) => ({
      ord,
      entity_type: row.entityType,
      entity_id: row.entityId,
      account_id: row.accountId,
      day: row.day,
    }));
    const profiles = aggregate.profiles.map((row, ord) => ({
      ord,
      entity_type: row.entityType,
      entity_id: row.entityId,
      account_id: row.accountId,
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
        account_id: row.accountId,
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
        account_id: row.accountId,
        dimension: row.dimension,
        value: row.value,
        first_seen: row.firstSeen.toISOString(),
        last_seen: row.lastSeen.toISOString(),
        count: row.count,
      }));
      const grown: SeenPair[] = await manager.query(UPSERT_SEEN, [JSON.stringify(seen)]);
      return this.evictSeen(manager, grown, seenPerDimension);
    }
    return [];
  }

  /** Only (entity, dimension) pairs that got a new value can have grown past the cap. */
  private async evictSeen(
    manager: EntityManager,
    grown: readonly SeenPair[],
    cap: number,
  ): Promise<EntityDimension[]> {
    if (grown.length === 0) return [];
    const evicted: SeenPair[] = await manager.query(EVICT_SEEN, [
      grown.map((pair) => pair.entity_type),
      grown.map((pair) => pair.entity_id),
      grown.map((pair) => pair.dimension),
      cap,
      grown.map((pair) => pair.account_id),
    ]);
    return evicted.map((pair) => ({
      entityType: pair.entity_type,
      entityId: pair.entity_id,
      accountId: pair.account_id,
      dimension: pair.dimension,
    }));
  }
}
