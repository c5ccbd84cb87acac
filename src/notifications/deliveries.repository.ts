import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Rule } from '../rules/engine/rule-definition';
import type { IncidentChangeKind, IncidentStatus } from '../incidents/incident-status';
import type { DeliveryThread, IncidentMessage } from './channels/channel';

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

  /** The change to route, with what routing needs; null when it does not exist. */
  async changeToRoute(changeId: string): Promise<{
    incidentId: string;
    severity: Rule['severity'];
    ruleId: string;
    rule: Rule;
  } | null> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT c.incident_id, i.severity, i.rule_id, r.definition, r.version, r.template_id
       FROM incident_changes c JOIN incidents i ON i.id = c.incident_id JOIN rules r ON r.id = i.rule_id
       WHERE c.id = $1`,
      [changeId],
    );
    const row = rows.at(0);
    if (!row) return null;
    return {
      incidentId: String(row.incident_id),
      severity: row.severity as Rule['severity'],
      ruleId: String(row.rule_id),
      rule: { ...(row.definition as Rule), id: String(row.rule_id) },
    };
  }

  /** One delivery per channel (created once), and the change marked routed. */
  async createDeliveries(
    changeId: string,
    incidentId: string,
    channelIds: string[],
  ): Promise<DeliveryRow[]> {
    return this.dataSource.transaction(async (manager) => {
      if (channelIds.length) {
        await manager.query(
          `INSERT INTO deliveries (change_id, channel_id, incident_id)
           SELECT $1, unnest($2::uuid[]), $3
           ON CONFLICT (change_id, channel_id) DO NOTHING`,
          [changeId, channelIds, incidentId],
        );
      }
      await manager.query(`UPDATE incident_changes SET routed_at = now() WHERE id = $1`, [
        changeId,
      ]);
      return manager.query(`SELECT * FROM deliveries WHERE change_id = $1 ORDER BY id`, [changeId]);
    });
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

  async message(changeId: string, publicUrl: string): Promise<IncidentMessage> {
    const [row]: Row[] = await this.dataSource.query(
      `SELECT c.id AS change_id, c.kind, c.by, c.note, i.*, r.definition,
         (SELECT explanation FROM alerts a WHERE a.incident_id = i.id ORDER BY a.id DESC LIMIT 1)
           AS explanation
       FROM incident_changes c JOIN incidents i ON i.id = c.incident_id JOIN rules r ON r.id = i.rule_id
       WHERE c.id = $1`,
      [changeId],
    );
    const rule = row.definition as Rule;
    const incidentId = String(row.id);
    return {
      incidentId,
      changeId: String(row.change_id),
      change: row.kind as IncidentChangeKind,
      status: row.status as IncidentStatus,
      severity: row.severity as Rule['severity'],
      title: String(row.title),
      ruleId: String(row.rule_id),
      ruleName: rule.name,
      actor: row.actor_id
        ? { id: row.actor_id as string, label: (row.actor_label as string | null) ?? null }
        : null,
      explanation: typeof row.explanation === 'string' ? row.explanation : '',
      alertCount: Number(row.alert_count),
      firstSeenAt: row.first_alert_at as Date,
      lastSeenAt: row.last_alert_at as Date,
      url: `${publicUrl}/incidents/${incidentId}`,
      by:
        row.kind === 'opened' || row.kind === 'updated'
          ? null
          : ((row.by as string | null) ?? null),
      note: (row.note as string | null) ?? null,
      snoozedUntil: (row.snoozed_until as Date | null) ?? null,
      runbook: rule.runbook,
      tags: rule.tags,
    };
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

  /** Changes committed but never routed (a crash between commit and enqueue). */
  async unroutedChanges(olderThanMs: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM incident_changes WHERE notify AND routed_at IS NULL
         AND created_at < now() - make_interval(secs => $1) ORDER BY id LIMIT 500`,
      [olderThanMs / 1000],
    );
    return rows.map((row) => row.id);
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

  async log(incidentId: string | undefined, limit: number): Promise<Row[]> {
    return this.dataSource.query(
      `SELECT d.*, c.kind AS change_kind, ch.name AS channel_name, ch.type AS channel_type
       FROM deliveries d JOIN incident_changes c ON c.id = d.change_id
       JOIN channels ch ON ch.id = d.channel_id
       WHERE ($1::bigint IS NULL OR d.incident_id = $1) ORDER BY d.id DESC LIMIT $2`,
      [incidentId ?? null, limit],
    );
  }
}
