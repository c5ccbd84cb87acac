import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DataSource, EntityManager } from 'typeorm';
import { copyTextChunks } from './copy-text';
import type { EventField } from './detect-event';
import { DETECTION_COLUMNS, EVENT_COLUMNS, EVIDENCE_COLUMNS, KEY_COLUMNS } from './event-columns';
import { EVENT_ORDER_SQL } from './event-order';
import type { HistoryRange, NeighbourSide } from './history-range';
import type { NormalizedEvent, Stream } from './normalize/normalized-event';
import { REJECTED_RAW_LIMITS, toStorableJson } from './normalize/storable-json';

export interface Rejection {
  stream: Stream | null;
  externalId: string | null;
  reason: string;
  raw: unknown;
  /** Position of the object in its page or request body (0-based), when known. */
  index?: number;
}

export interface InsertedEvents {
  /** The batch id the events name (see insertBatch); null when there were none to store. */
  batchId: string | null;
  /** Ids of the rows written by this call; duplicates of stored events are not among them. */
  ids: string[];
  /** Per stream: [inserted, duplicates]. */
  perStream: Map<Stream, { inserted: number; duplicates: number }>;
  newestEventTime: Date | null;
  /** Events PostgreSQL refused even so, each with the reason; the others are stored. */
  unstorable: Array<{ event: NormalizedEvent; reason: string }>;
  /**
   * When COPY wrote the batch straight in: the events exactly as written, under `ids`, and
   * the transaction's time (their `ingested_at`). Null when it went through staging.
   */
  copied: CopiedEvents | null;
}

export interface CopiedEvents {
  events: readonly NormalizedEvent[];
  ids: readonly string[];
  storedAt: Date;
}

export interface BatchRecord {
  id: string;
  detected: boolean;
}

export interface UndetectedBatch {
  id: string;
  /** How many events it holds. */
  events: number;
}

// Events are written with COPY, PostgreSQL's cheapest way in. A batch goes straight into
// `events` under ids drawn beforehand, in the batch's order; should one of them be stored
// already (a page served again), COPY fails on the unique key and the batch goes through a
// staging table of the session instead (made by the first batch a connection stages, emptied
// at every commit), moved into `events` by one statement that drops the duplicates.
const COLUMN_LIST = EVENT_COLUMNS.map(({ column }) => column).join(', ');
// One text of them all: a row per id cost more to send and parse than the ids themselves.
// The sequence is looked up once (a sub-select): in the call, the catalog was searched per id.
const DRAW_IDS = `
  SELECT string_agg(n::text, ',' ORDER BY n) AS ids, now() AS stored_at FROM (
    SELECT nextval((SELECT pg_get_serial_sequence('events', 'id')::regclass)) AS n
    FROM generate_series(1, $1)
  ) AS drawn`;
const COPY_TO_EVENTS = `COPY events (id, source_id, batch_id, ${COLUMN_LIST}) FROM STDIN`;
const CREATE_STAGING = `
  CREATE TEMPORARY TABLE IF NOT EXISTS event_staging (
    position integer, ${EVENT_COLUMNS.map(({ column, type }) => `${column} ${type}`).join(', ')}
  ) ON COMMIT DELETE ROWS`;
const COPY_TO_STAGING = `COPY event_staging (position, ${COLUMN_LIST}) FROM STDIN`;
const MOVE_STAGED = `
  WITH staged AS (DELETE FROM event_staging RETURNING *)
  INSERT INTO events (source_id, batch_id, ${COLUMN_LIST})
  SELECT $1, $2, ${COLUMN_LIST} FROM staged ORDER BY position
  ON CONFLICT (stream, external_id) DO NOTHING
  RETURNING id, stream`;

/**
 * Not an event of the batches in the parameter: a few batch ids where the events' own ids
 * would be thousands. Events stored before batches were recorded on them have none, and belong
 * to no batch being judged.
 */
const NOT_JUDGED = (batchIds: string): string =>
  `(batch_id IS NULL OR batch_id <> ALL(${batchIds}::bigint[]))`;

/** Undetected batches on one side of $1 (a batch id), oldest first, up to $2. */
const UNDETECTED = (side: '<' | '>='): string =>
  `SELECT id, cardinality(event_ids) AS events FROM ingest_batches
   WHERE detected_at IS NULL AND id ${side} $1 ORDER BY id LIMIT $2`;

/**
 * Times as a PostgreSQL array literal. ISO 8601 needs no quoting; the driver would write each
 * as a local-time string and escape it, three times the work for the tens of thousands of
 * times a pass's history reads send.
 */
const timestampArray = (dates: readonly Date[]): string =>
  `{${dates.map((date) => date.toISOString()).join(',')}}`;

/** Each event as a staging row: its position in the batch, then its columns. */
function* stagingRows(events: readonly NormalizedEvent[]): Generator<unknown[]> {
  for (let position = 0; position < events.length; position++) {
    yield rowOf(events[position], [position]);
  }
}

/** `leading` followed by the event's columns: the row COPY writes of it, as one array. */
function rowOf(event: NormalizedEvent, leading: unknown[]): unknown[] {
  for (const { field } of EVENT_COLUMNS) leading.push(event[field]);
  return leading;
}

/** Each event as a row of `events`: its id, source and batch, then its columns. */
function* eventRows(
  events: readonly NormalizedEvent[],
  ids: readonly string[],
  sourceId: string,
  batchId: string,
): Generator<unknown[]> {
  for (let position = 0; position < events.length; position++) {
    yield rowOf(events[position], [ids[position], sourceId, batchId]);
  }
}

/** The first of the batch's events with each key: the one ON CONFLICT DO NOTHING would keep. */
function firstOfEachKey(events: readonly NormalizedEvent[]): NormalizedEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => {
    const key = `${event.stream}\u0000${event.externalId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Writes the events into `events` by COPY; fails with 23505 if one is stored already. */
async function copyStraightIn(
  manager: EntityManager,
  client: PoolClient,
  sourceId: string,
  batchId: string,
  events: readonly NormalizedEvent[],
): Promise<CopiedEvents> {
  const unique = firstOfEachKey(events);
  const [drawn]: Array<{ ids: string; stored_at: Date }> = await manager.query(DRAW_IDS, [
    unique.length,
  ]);
  const ids = drawn.ids.split(',');
  await pipeline(
    Readable.from(copyTextChunks(eventRows(unique, ids, sourceId, batchId))),
    client.query(copyFrom(COPY_TO_EVENTS)),
  );
  return { events: unique, ids, storedAt: drawn.stored_at };
}

/** The connection of the caller's transaction, which COPY is written to. */
async function clientOf(manager: EntityManager): Promise<PoolClient> {
  if (!manager.queryRunner) throw new Error('Events are stored in a transaction');
  return (await manager.queryRunner.connect()) as PoolClient;
}

// The same object served again is kept once: unique per source and hash of the stored copy.
const INSERT_REJECTIONS = `
  INSERT INTO rejected_events (source_id, stream, external_id, reason, position, raw, raw_hash)
  SELECT $1, x.stream, x.external_id, x.reason, x.position, r.raw,
    sha256(convert_to(r.raw::text, 'UTF8'))
  FROM jsonb_to_recordset($2::jsonb)
    AS x(stream text, external_id text, reason text, position integer, raw jsonb)
  CROSS JOIN LATERAL (SELECT COALESCE(x.raw, 'null'::jsonb) AS raw) AS r
  ON CONFLICT DO NOTHING`;

const DATA_ERROR = /^(22|54)/;
/** A data error, or a key stored already (23505). */
const DATA_ERROR_OR_DUPLICATE = /^(22|54|23505$)/;

/**
 * Runs `work` under a savepoint. A data error (SQLSTATE class 22: bad text, bad value;
 * 54: a value too large for an index) rolls back to it and is returned, leaving the
 * transaction usable; any other error is thrown.
 */
async function withSavepoint<T>(
  manager: EntityManager,
  work: () => Promise<T>,
  caught = DATA_ERROR,
): Promise<T | Error> {
  await manager.query('SAVEPOINT storing');
  try {
    const result = await work();
    await manager.query('RELEASE SAVEPOINT storing');
    return result;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !caught.test(code)) throw error;
    await manager.query('ROLLBACK TO SAVEPOINT storing');
    return error as Error;
  }
}

/** The SQLSTATE alone: PostgreSQL's message may quote a value of the event. */
function storageErrorText(error: Error): string {
  return `SQLSTATE ${String((error as { code?: unknown }).code)}`;
}

/** Owns the events, rejected_events and ingest_batches tables. */
@Injectable()
export class EventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * The id the next batch will be stored under (see insertBatch), taken before its events are
   * written so that each names its batch. A batch that stores no event leaves a gap.
   */
  private async reserveBatchId(manager: EntityManager): Promise<string> {
    const [row]: Array<{ id: string }> = await manager.query(
      `SELECT nextval(pg_get_serial_sequence('ingest_batches', 'id')) AS id`,
    );
    return row.id;
  }

  /** Stores the events under a batch id of their own; a page with none reserves no id. */
  async insertEvents(
    manager: EntityManager,
    sourceId: string,
    events: NormalizedEvent[],
  ): Promise<InsertedEvents> {
    const perStream = new Map<Stream, { inserted: number; duplicates: number }>();
    let newestEventTime: Date | null = null;
    for (const event of events) {
      const counts = perStream.get(event.stream) ?? { inserted: 0, duplicates: 0 };
      counts.duplicates += 1; // corrected below for each row actually written
      perStream.set(event.stream, counts);
      if (!newestEventTime || event.eventTime.getTime() > newestEventTime.getTime()) {
        newestEventTime = event.eventTime;
      }
    }
    const unstorable: InsertedEvents['unstorable'] = [];
    const counted = (
      batchId: string | null,
      rows: Array<{ id: string; stream: Stream }>,
      copied: CopiedEvents | null = null,
    ): InsertedEvents => {
      for (const row of rows) {
        const counts = perStream.get(row.stream)!;
        counts.inserted += 1;
        counts.duplicates -= 1;
      }
      const ids = rows.map((row) => row.id);
      return { batchId, ids, perStream, newestEventTime, unstorable, copied };
    };
    if (events.length === 0) return counted(null, []);
    const batchId = await this.reserveBatchId(manager);

    const client = await clientOf(manager);
    const direct = await withSavepoint(
      manager,
      () => copyStraightIn(manager, client, sourceId, batchId, events),
      DATA_ERROR_OR_DUPLICATE,
    );
    if (!(direct instanceof Error)) {
      const rows = direct.events.map(({ stream }, i) => ({ id: direct.ids[i], stream }));
      return counted(batchId, rows, direct);
    }

    await manager.query(CREATE_STAGING);
    const insert = async (
      some: NormalizedEvent[],
    ): Promise<Array<{ id: string; stream: Stream }>> => {
      await pipeline(
        Readable.from(copyTextChunks(stagingRows(some))),
        client.query(copyFrom(COPY_TO_STAGING)),
      );
      return manager.query(MOVE_STAGED, [sourceId, batchId]);
    };
    let rows = await withSavepoint(manager, () => insert(events));
    if (rows instanceof Error) {
      // Normalization makes events storable; should PostgreSQL still refuse one, it alone is
      // set aside and the rest of the batch is stored.
      rows = [];
      for (const event of events) {
        const one = await withSavepoint(manager, () => insert([event]));
        if (one instanceof Error) {
          unstorable.push({ event, reason: `event: not storable (${storageErrorText(one)})` });
          const counts = perStream.get(event.stream)!;
          counts.duplicates -= 1;
        } else rows.push(...one);
      }
    }
    return counted(batchId, rows);
  }

  async insertRejections(
    manager: EntityManager,
    sourceId: string,
    rejections: Rejection[],
  ): Promise<void> {
    if (rejections.length === 0) return;
    const records = rejections.map((r) => ({
      stream: r.stream,
      external_id: r.externalId,
      reason: r.reason,
      position: r.index ?? null,
      raw: toStorableJson(r.raw ?? null, REJECTED_RAW_LIMITS).value,
    }));
    const insert = (some: typeof records): Promise<unknown> =>
      manager.query(INSERT_REJECTIONS, [sourceId, JSON.stringify(some)]);
    if (!((await withSavepoint(manager, () => insert(records))) instanceof Error)) return;
    for (const record of records) {
      const stored = await withSavepoint(manager, () => insert([record]));
      // The reason is what matters; a copy PostgreSQL refuses is replaced by a note.
      if (stored instanceof Error) {
        await insert([{ ...record, raw: `[not storable: ${storageErrorText(stored)}]` }]);
      }
    }
  }

  /** Deletes rejected objects received before `before`, a bounded chunk per statement. */
  async pruneRejections(before: Date, chunk: number): Promise<number> {
    let total = 0;
    for (;;) {
      const rows: Array<{ id: string }> = await this.dataSource.query(
        `DELETE FROM rejected_events WHERE id IN (
           SELECT id FROM rejected_events WHERE received_at < $1 LIMIT $2)
         RETURNING id`,
        [before, chunk],
      );
      total += rows.length;
      if (rows.length < chunk) return total;
    }
  }

  /** The outbox row of a batch whose id reserveBatchId gave. */
  async insertBatch(
    manager: EntityManager,
    batchId: string,
    sourceId: string,
    eventIds: string[],
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ingest_batches (id, source_id, event_ids) OVERRIDING SYSTEM VALUE
       VALUES ($1, $2, $3::bigint[])`,
      [batchId, sourceId, eventIds],
    );
  }

  /**
   * Takes batches for detection, in id order (so two workers taking overlapping sets wait for
   * each other instead of deadlocking): the row locks make a second worker running the same
   * batch wait, then find it done. A batch that does not exist is left out.
   */
  lockBatches(manager: EntityManager, batchIds: string[]): Promise<BatchRecord[]> {
    return this.findBatches(manager, batchIds, 'FOR UPDATE');
  }

  /** The same without a lock: for judging a batch without learning from it or marking it. */
  readBatches(manager: EntityManager, batchIds: string[]): Promise<BatchRecord[]> {
    return this.findBatches(manager, batchIds, '');
  }

  private async findBatches(
    manager: EntityManager,
    batchIds: string[],
    lock: 'FOR UPDATE' | '',
  ): Promise<BatchRecord[]> {
    const rows: Array<{ id: string; detected_at: Date | null }> = await manager.query(
      `SELECT id, detected_at FROM ingest_batches
       WHERE id = ANY($1::bigint[]) ORDER BY id ${lock}`,
      [batchIds],
    );
    return rows.map((row) => ({ id: row.id, detected: row.detected_at !== null }));
  }

  async markBatchesDetected(manager: EntityManager, batchIds: string[]): Promise<void> {
    await manager.query(
      `UPDATE ingest_batches SET detected_at = now() WHERE id = ANY($1::bigint[])`,
      [batchIds],
    );
  }

  /** Batches stored before `batchId` that detection has not finished, oldest first. */
  findUndetectedBefore(batchId: string, limit: number): Promise<UndetectedBatch[]> {
    return this.dataSource.query(UNDETECTED('<'), [batchId, limit]);
  }

  /**
   * Undetected batches on either side of `batchId`, read together: up to `limit` stored
   * before it and up to `limit` from it on (itself first, when undetected), oldest first.
   */
  async findUndetectedAround(
    batchId: string,
    limit: number,
  ): Promise<{ earlier: UndetectedBatch[]; fromOwn: UndetectedBatch[] }> {
    const rows: Array<UndetectedBatch & { earlier: boolean }> = await this.dataSource.query(
      `SELECT *, true AS earlier FROM (${UNDETECTED('<')}) AS b
       UNION ALL
       SELECT *, false AS earlier FROM (${UNDETECTED('>=')}) AS b
       ORDER BY id`,
      [batchId, limit],
    );
    const batch = ({ id, events }: UndetectedBatch): UndetectedBatch => ({ id, events });
    return {
      earlier: rows.filter((row) => row.earlier).map(batch),
      fromOwn: rows.filter((row) => !row.earlier).map(batch),
    };
  }

  /** Batches committed more than `olderThanMs` ago that detection has not finished. */
  async findUndetectedBatches(olderThanMs: number, limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM ingest_batches
       WHERE detected_at IS NULL AND created_at < now() - make_interval(secs => $1)
       ORDER BY created_at LIMIT $2`,
      [olderThanMs / 1000, limit],
    );
    return rows.map((row) => row.id);
  }

  /**
   * The events of these batches without their raw copy (what detection reads), each with its
   * batch. Ids are drawn in storage order, so they are one range of the primary key (which
   * batches stored meanwhile may share): cheaper to walk than each id looked up.
   */
  async findForDetection(
    manager: EntityManager,
    batchIds: string[],
  ): Promise<Array<EventRow & { batch_id: string }>> {
    if (batchIds.length === 0) return [];
    return manager.query(
      `WITH held AS (
         SELECT x AS id FROM ingest_batches, unnest(event_ids) AS x WHERE id = ANY($1::bigint[])
       )
       SELECT batch_id, ${DETECTION_COLUMNS} FROM events
       WHERE id BETWEEN (SELECT min(id) FROM held) AND (SELECT max(id) FROM held)
         AND batch_id = ANY($1::bigint[])`,
      [batchIds],
    );
  }

  /**
   * The events of the given actors that batches stored before `batchId` hold and detection has
   * not judged yet. Null when the actors have more than `scanLimit` events in all: their own
   * index is read whole, and past that the answer would come later than the batch's turn.
   */
  async findWaitingOf(
    manager: EntityManager,
    actorIds: string[],
    batchId: string,
    scanLimit: number,
  ): Promise<EventRow[] | null> {
    if (actorIds.length === 0) return [];
    const [{ events }]: Array<{ events: number }> = await manager.query(
      `SELECT count(*)::integer AS events FROM (
         SELECT 1 FROM events WHERE actor_id = ANY($1::text[]) LIMIT $2) AS scanned`,
      [actorIds, scanLimit + 1],
    );
    if (events > scanLimit) return null;
    return manager.query(
      `SELECT ${DETECTION_COLUMNS} FROM events
       WHERE actor_id = ANY($1::text[]) AND batch_id IN (
         SELECT id FROM ingest_batches WHERE detected_at IS NULL AND id < $2)`,
      [actorIds, batchId],
    );
  }

  /** Events shown as an alert's evidence: what detection read, and the field issues. */
  async findEvidence(ids: string[]): Promise<EventRow[]> {
    if (ids.length === 0) return [];
    return this.dataSource.query(
      `SELECT ${EVIDENCE_COLUMNS} FROM events WHERE id = ANY($1::bigint[])`,
      [ids],
    );
  }

  /** Which of these external ids of a stream are stored already. */
  async knownExternalIds(stream: Stream, externalIds: string[]): Promise<Set<string>> {
    if (externalIds.length === 0) return new Set();
    const rows: Array<{ external_id: string }> = await this.dataSource.query(
      `SELECT external_id FROM events WHERE stream = $1 AND external_id = ANY($2::text[])`,
      [stream, externalIds],
    );
    return new Set(rows.map((row) => row.external_id));
  }

  /** Stored events in event-time order (then id), a page at a time after `after`. */
  async scanForDetection(
    from: Date,
    to: Date,
    after: { time: Date; id: string } | null,
    limit: number,
  ): Promise<EventRow[]> {
    return this.dataSource.query(
      `SELECT ${DETECTION_COLUMNS} FROM events
       WHERE event_time >= $1 AND event_time <= $2
         AND ($3::timestamptz IS NULL OR (${EVENT_ORDER_SQL}) > ($3::timestamptz, $4::bigint))
       ORDER BY ${EVENT_ORDER_SQL} LIMIT $5`,
      [from, to, after?.time ?? null, after?.id ?? null, limit],
    );
  }

  async countInRange(from: Date, to: Date): Promise<number> {
    const [row]: Array<{ n: string }> = await this.dataSource.query(
      `SELECT count(*) AS n FROM events WHERE event_time >= $1 AND event_time <= $2`,
      [from, to],
    );
    return Number(row.n);
  }

  /**
   * For each side of a point, the stored events of the same key nearest to it in time (up to
   * `perSide`, between the point and its bound, with coordinates when `located`), stored up to
   * `maxId`, but for those of `excludeBatchIds` (the batches being judged, whose events the
   * caller holds already) and the `excludeIds` (read already). One index probe per side
   * instead of every event of the span. Each row names its side (`ordinal`, from 1); an event
   * near two sides comes once for each.
   */
  async findNeighbours(
    manager: EntityManager,
    query: {
      field: EventField;
      sides: NeighbourSide[];
      streams: Stream[];
      perSide: number;
      located: boolean;
      maxId: string;
      excludeBatchIds: readonly string[];
      excludeIds: readonly string[];
    },
  ): Promise<Array<EventRow & { ordinal: string }>> {
    const column = KEY_COLUMNS.get(query.field);
    if (query.sides.length === 0 || !column) return [];
    const located = query.located ? 'AND latitude IS NOT NULL AND longitude IS NOT NULL' : '';
    // The other side is left out before any row is read (a filter on the side alone).
    const read = (side: NeighbourSide['side'], from: string, to: string, order: string) =>
      `(SELECT ${DETECTION_COLUMNS} FROM events
        WHERE p.side = '${side}'
          AND ${column} = p.key AND stream = ANY($3::text[]) ${located} AND id <= $5
          AND ${NOT_JUDGED('$6')} AND id <> ALL($9::bigint[])
          AND event_time BETWEEN ${from} AND ${to}
        ORDER BY event_time ${order} LIMIT $4)`;
    return manager.query(
      `SELECT p.ordinal, n.*
       FROM unnest($1::text[], $2::timestamptz[], $7::text[], $8::timestamptz[])
         WITH ORDINALITY AS p(key, at, side, bound, ordinal)
       CROSS JOIN LATERAL (
         ${read('before', 'p.bound', 'p.at', 'DESC')}
         UNION ALL
         ${read('after', 'p.at', 'p.bound', 'ASC')}
       ) AS n`,
      [
        query.sides.map((side) => side.key),
        timestampArray(query.sides.map((side) => side.at)),
        query.streams,
        query.perSide,
        query.maxId,
        query.excludeBatchIds,
        query.sides.map((side) => side.side),
        timestampArray(query.sides.map((side) => side.bound)),
        query.excludeIds,
      ],
    );
  }

  /**
   * Stored events in any of the ranges (by the text field `field`), stored up to `maxId`, but
   * for those of `excludeBatchIds` (the batches being judged, whose events the caller holds
   * already). Each range is read on its own, in event-time order: one range scan of the (key,
   * event time) index per range, the plan PostgreSQL picks for it even when the table's
   * statistics are missing or stale (as a join, it may match the stream on the (stream,
   * external id) key).
   */
  async findHistory(manager: EntityManager, query: HistoryQuery): Promise<EventRow[]> {
    const column = KEY_COLUMNS.get(query.field);
    if (query.ranges.length === 0 || !column) return [];
    return manager.query(
      `SELECT e.* FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[])
         AS r(range_key, range_stream, range_from, range_to)
       CROSS JOIN LATERAL (
         SELECT ${DETECTION_COLUMNS} FROM events
         WHERE ${column} = r.range_key AND stream = r.range_stream
           AND event_time BETWEEN r.range_from AND r.range_to AND id <= $5
           AND ${NOT_JUDGED('$6')}
         ORDER BY event_time
       ) AS e`,
      [
        query.ranges.map((range) => range.key),
        query.ranges.map((range) => range.stream),
        timestampArray(query.ranges.map((range) => range.from)),
        timestampArray(query.ranges.map((range) => range.to)),
        query.maxId,
        query.excludeBatchIds,
      ],
    );
  }
}

export interface HistoryQuery {
  field: EventField;
  /** Disjoint per key and stream, so that no event is returned twice. */
  ranges: readonly HistoryRange[];
  maxId: string;
  excludeBatchIds: readonly string[];
}

/** An events row as PostgreSQL returns it (snake_case). */
export type EventRow = Record<string, unknown> & { id: string; stream: Stream };
