import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyTextChunks } from '../../src/events/copy-text';
import type { NormalizedEvent } from '../../src/events/normalize/normalized-event';

export interface StorageLimit {
  events: number;
  seconds: number;
  eventsPerSecond: number;
}

const SCRATCH = 'bench_storage_limit';

/**
 * What this database can store at best: COPY of the same normalized events into a scratch copy
 * of the events table (same columns, identity, unique key and indexes), one transaction, the
 * encoding included (COPY's text format, as the service writes it). Columns are read from the
 * events table itself, so the scratch rows stay what the service writes. The pipeline's
 * throughput is reported as a share of this.
 */
export async function measureStorageLimit(
  db: Client,
  events: ReadonlyArray<{ sourceId: string; event: NormalizedEvent }>,
): Promise<StorageLimit> {
  await db.query(`DROP TABLE IF EXISTS ${SCRATCH}`);
  await db.query(`CREATE TABLE ${SCRATCH} (LIKE events INCLUDING ALL)`);
  const columns = await writtenColumns(db);
  const started = process.hrtime.bigint();
  await db.query('BEGIN');
  await pipeline(
    Readable.from(copyTextChunks(rowsOf(events, columns))),
    db.query(copyFrom(`COPY ${SCRATCH} (${columns.join(', ')}) FROM STDIN`)),
  );
  await db.query('COMMIT');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await db.query(`DROP TABLE ${SCRATCH}`);
  return {
    events: events.length,
    seconds: Number(seconds.toFixed(2)),
    eventsPerSecond: Math.round(events.length / seconds),
  };
}

/** Every column the service writes: all but those PostgreSQL fills in (id, ingested_at). */
async function writtenColumns(db: Client): Promise<string[]> {
  const { rows } = await db.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = 'events'
       AND column_default IS NULL AND is_identity = 'NO'
     ORDER BY ordinal_position`,
  );
  return rows.map((row) => row.column_name);
}

/** Each event as a row of the written columns, its source's id among them. */
function* rowsOf(
  events: ReadonlyArray<{ sourceId: string; event: NormalizedEvent }>,
  columns: readonly string[],
): Generator<unknown[]> {
  const fields = columns.map(camelCase);
  for (const { sourceId, event } of events) {
    const record: Record<string, unknown> = { ...event, sourceId };
    yield fields.map((field) => record[field]);
  }
}

const camelCase = (column: string): string =>
  column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
