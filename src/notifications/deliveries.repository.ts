import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { DeliveryThread } from './channels/channel';

export interface DeliveryRow {
  id: string;
  change_id: string;
  channel_id: string;
  incident_id: string;
  status: 'queued' | 'sent' | 'failed';
  attempts: number;
}

/** The outcome of asking for a delivery's lease. */
export type DeliveryClaim =
  | { kind: 'claimed'; delivery: DeliveryRow; unfinishedAttemptAt: Date | null }
  | { kind: 'done' }
  | { kind: 'busy'; retryInMs: number };

type Row = Record<string, unknown>;

/** Owns deliveries and the per-channel threads of incidents. */
@Injectable()
export class DeliveriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** One delivery per channel, created once; returns every delivery of the change. */
  async createForChange(
    manager: EntityManager,
    changeId: string,
    incidentId: string,
    channelIds: string[],
  ): Promise<DeliveryRow[]> {
    if (channelIds.length) {
      await manager.query(
        `INSERT INTO deliveries (change_id, channel_id, incident_id)
         SELECT $1, unnest($2::uuid[]), $3
         ON CONFLICT (change_id, channel_id) DO NOTHING`,
        [changeId, channelIds, incidentId],
      );
    }
    return manager.query(`SELECT * FROM deliveries WHERE change_id = $1 ORDER BY id`, [changeId]);
  }

  /**
   * Takes the delivery for one attempt, for `leaseMs`. `unfinishedAttemptAt` is when an
   * earlier attempt started that never recorded its outcome (its process died): it may have
   * sent.
   */
  async claim(deliveryId: string, leaseMs: number): Promise<DeliveryClaim> {
    return this.dataSource.transaction(async (manager) => {
      const rows: Array<DeliveryRow & { attempt_started_at: Date | null; lease_left_ms: number }> =
        await manager.query(
          `SELECT *, GREATEST(0, EXTRACT(EPOCH FROM (attempt_started_at
               + make_interval(secs => $2) - now())) * 1000)::float8 AS lease_left_ms
           FROM deliveries WHERE id = $1 FOR UPDATE`,
          [deliveryId, leaseMs / 1000],
        );
      const row = rows.at(0);
      if (!row || row.status !== 'queued') return { kind: 'done' };
      if (row.attempt_started_at && row.lease_left_ms > 0)
        return { kind: 'busy', retryInMs: Math.ceil(row.lease_left_ms) };
      await manager.query(
        `UPDATE deliveries SET attempt_started_at = now(), updated_at = now() WHERE id = $1`,
        [deliveryId],
      );
      return { kind: 'claimed', delivery: row, unfinishedAttemptAt: row.attempt_started_at };
    });
  }

  async thread(incidentId: string, channelId: string): Promise<DeliveryThread | null> {
    const rows: Array<{ thread: DeliveryThread }> = await this.dataSource.query(
      `SELECT thread FROM incident_threads WHERE incident_id = $1 AND channel_id = $2`,
      [incidentId, channelId],
    );
    return rows.at(0)?.thread ?? null;
  }

  async markSent(
    delivery: DeliveryRow,
    providerRef: string,
    thread: DeliveryThread,
  ): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        `UPDATE deliveries SET status = 'sent', provider_ref = $2, attempts = attempts + 1,
           sent_at = now(), updated_at = now(), last_error = NULL, attempt_started_at = NULL
         WHERE id = $1`,
        [delivery.id, providerRef],
      );
      await manager.query(
        `INSERT INTO incident_threads (incident_id, channel_id, thread) VALUES ($1, $2, $3)
         ON CONFLICT (incident_id, channel_id) DO UPDATE SET thread = excluded.thread`,
        [delivery.incident_id, delivery.channel_id, thread],
      );
    });
  }

  async markAttempt(deliveryId: string, error: string, failed: boolean): Promise<void> {
    await this.dataSource.query(
      `UPDATE deliveries SET attempts = attempts + 1, last_error = $2, updated_at = now(),
         attempt_started_at = NULL, status = CASE WHEN $3 THEN 'failed' ELSE status END
       WHERE id = $1`,
      [deliveryId, error.slice(0, 1000), failed],
    );
  }

  /**
   * Ends an attempt that did not try (the channel had no slot): no attempt is spent, and the
   * claim goes back to what it was, an earlier unfinished attempt's start or none.
   */
  async defer(deliveryId: string, reason: string, attemptStartedAt: Date | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE deliveries SET last_error = $2, updated_at = now(), attempt_started_at = $3
       WHERE id = $1 AND status = 'queued'`,
      [deliveryId, reason.slice(0, 1000), attemptStartedAt],
    );
  }

  /** Deliveries still queued long after their last attempt. */
  async staleDeliveries(olderThanMs: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM deliveries WHERE status = 'queued'
         AND updated_at < now() - make_interval(secs => $1) ORDER BY id LIMIT 500`,
      [olderThanMs / 1000],
    );
    return rows.map((row) => row.id);
  }

  /** Deliveries newest first, with their channel's name and type. */
  async log(incidentId: string | undefined, limit: number): Promise<Row[]> {
    return this.dataSource.query(
      `SELECT d.*, ch.name AS channel_name, ch.type AS channel_type
       FROM deliveries d JOIN channels ch ON ch.id = d.channel_id
       WHERE ($1::bigint IS NULL OR d.incident_id = $1) ORDER BY d.id DESC LIMIT $2`,
      [incidentId ?? null, limit],
    );
  }
}
