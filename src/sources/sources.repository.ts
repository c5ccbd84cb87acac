import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import type { Stream } from '../events/normalize/normalized-event';
import { SourceEntity, SourceKind, SourcePosition, SourceState } from './source.entity';

/** Another process advanced the cursor first: this page's transaction must not commit. */
export class CursorMovedError extends Error {
  constructor(sourceId: string) {
    super(`Source ${sourceId}: cursor moved under this poller; its page is discarded`);
    this.name = 'CursorMovedError';
  }
}

/** One stream of a named source, as its row is first written. */
export interface StreamOf {
  id: string;
  sourceName: string;
  kind: SourceKind;
  stream: Stream;
  endpoint: string;
}

export interface Advance {
  expectedVersion: string;
  cursor: string | null;
  position: SourcePosition;
  accepted: number;
  newestEventTime: Date | null;
}

@Injectable()
export class SourcesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Creates the source once; a restart keeps its cursor and counters. */
  async ensure(stream: StreamOf): Promise<SourceEntity> {
    await this.dataSource.query(
      `INSERT INTO sources (id, source_name, kind, stream, endpoint) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET endpoint = excluded.endpoint, updated_at = now()`,
      [stream.id, stream.sourceName, stream.kind, stream.stream, stream.endpoint],
    );
    return (await this.find(stream.id))!;
  }

  /** Records the account a source's streams read (upper-case, as events carry it). */
  async setAccount(ids: string[], accountId: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE sources SET account_id = $2, updated_at = now() WHERE id = ANY($1)`,
      [ids, accountId],
    );
  }

  /** The streams of the named sources given, by name. */
  async listBySourceName(names: string[]): Promise<Map<string, SourceEntity[]>> {
    const rows = await this.dataSource
      .getRepository(SourceEntity)
      .find({ where: { sourceName: In(names) }, order: { id: 'ASC' } });
    const byName = new Map<string, SourceEntity[]>();
    for (const row of rows)
      byName.set(row.sourceName, [...(byName.get(row.sourceName) ?? []), row]);
    return byName;
  }

  find(id: string): Promise<SourceEntity | null> {
    return this.dataSource.getRepository(SourceEntity).findOneBy({ id });
  }

  list(): Promise<SourceEntity[]> {
    return this.dataSource.getRepository(SourceEntity).find({ order: { id: 'ASC' } });
  }

  /**
   * Runs `work` only if no other process is polling this source. The lock is a session
   * advisory lock, so a crashed process frees it at once.
   */
  async withPollLock<T>(id: string, work: () => Promise<T>): Promise<{ ran: boolean; result?: T }> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ locked }] = (await runner.query(
        `SELECT pg_try_advisory_lock(hashtext('vaultwatch.source'), hashtext($1)) AS locked`,
        [id],
      )) as Array<{ locked: boolean }>;
      if (!locked) return { ran: false };
      try {
        return { ran: true, result: await work() };
      } finally {
        await runner
          .query(`SELECT pg_advisory_unlock(hashtext('vaultwatch.source'), hashtext($1))`, [id])
          .catch(() => undefined);
      }
    } finally {
      await runner.release();
    }
  }

  /**
   * Saves the position reached by a stored page, inside the page's transaction. The
   * version check fences off a second poller that lost its lock without knowing.
   */
  async advance(manager: EntityManager, id: string, advance: Advance): Promise<string> {
    const rows: Array<{ cursor_version: string }> = await manager.query(
      `WITH updated AS (
         UPDATE sources SET
           cursor = $3,
           cursor_version = cursor_version + 1,
           position = position || $4::jsonb,
           events_stored = events_stored + $5,
           newest_event_at = GREATEST(newest_event_at, $6::timestamptz),
           last_success_at = now(),
           consecutive_failures = 0,
           updated_at = now()
         WHERE id = $1 AND cursor_version = $2
         RETURNING cursor_version)
       SELECT cursor_version FROM updated`,
      [
        id,
        advance.expectedVersion,
        advance.cursor,
        JSON.stringify(advance.position),
        advance.accepted,
        advance.newestEventTime,
      ],
    );
    if (rows.length === 0) throw new CursorMovedError(id);
    return rows[0].cursor_version;
  }

  async markPolling(id: string): Promise<void> {
    await this.update(id, `state = 'polling', last_poll_at = now()`, []);
  }

  async markIdle(id: string, nextPollAt: Date): Promise<void> {
    await this.update(id, `state = 'idle', next_poll_at = $2, consecutive_failures = 0`, [
      nextPollAt,
    ]);
  }

  /** Records a failed poll; returns how many polls in a row have now failed. */
  async markFailed(id: string, state: SourceState, error: string): Promise<number> {
    const rows: Array<{ consecutive_failures: number }> = await this.dataSource.query(
      `WITH updated AS (
         UPDATE sources SET state = $2, last_error = $3, last_error_at = now(),
           consecutive_failures = consecutive_failures + 1, updated_at = now()
         WHERE id = $1 RETURNING consecutive_failures)
       SELECT consecutive_failures FROM updated`,
      [id, state, error],
    );
    return rows[0]?.consecutive_failures ?? 1;
  }

  /** Counts a request sent again after a passing failure; the source's state is unchanged. */
  async recordRetry(id: string, error: string): Promise<void> {
    await this.update(id, `retries = retries + 1, last_retry_at = now(), last_retry_error = $2`, [
      error,
    ]);
  }

  async scheduleNext(id: string, nextPollAt: Date): Promise<void> {
    await this.update(id, `next_poll_at = $2`, [nextPollAt]);
  }

  async markDisabled(id: string, reason: string): Promise<void> {
    await this.update(id, `state = 'disabled', last_error = $2, last_error_at = now()`, [reason]);
  }

  async mergePosition(id: string, position: SourcePosition, cursor?: null): Promise<void> {
    const clearCursor =
      cursor === null ? ', cursor = NULL, cursor_version = cursor_version + 1' : '';
    await this.update(id, `position = position || $2::jsonb${clearCursor}`, [
      JSON.stringify(position),
    ]);
  }

  private async update(id: string, assignments: string, params: unknown[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE sources SET ${assignments}, updated_at = now() WHERE id = $1`,
      [id, ...params],
    );
  }
}
