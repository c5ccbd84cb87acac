import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Severity } from '../rules/engine/rule-definition';
import type { ChangeToRoute, IncidentChangeView } from './incident-change';
import type { IncidentChangeKind, IncidentStatus } from './incident-status';

/** A row of incidents, alerts or incident_changes as PostgreSQL returns it (snake_case). */
export type Row = Record<string, unknown>;

export interface IncidentFilter {
  status?: string;
  /** Severities to include. */
  severities?: readonly Severity[];
  actor?: string;
  /** A 1Password account id (upper-case). */
  accountId?: string;
  ruleId?: string;
  since?: Date;
  /** Keyset: only incidents with a lower id. */
  beforeId?: string;
  limit: number;
}

/** Owns the reads of incidents, incident_changes and alerts: the API's and notifications'. */
@Injectable()
export class IncidentsQueryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Newest first (ids grow with creation, so keysets on the id are exact). */
  list(filter: IncidentFilter): Promise<Row[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (clause: (n: string) => string, value: unknown) => {
      params.push(value);
      where.push(clause(`$${params.length}`));
    };
    if (filter.status) add((p) => `i.status = ${p}`, filter.status);
    if (filter.severities) add((p) => `i.severity = ANY(${p}::text[])`, filter.severities);
    if (filter.actor) add((p) => `lower(i.actor_id) = lower(${p})`, filter.actor);
    if (filter.accountId) add((p) => `i.account_id = ${p}`, filter.accountId);
    if (filter.ruleId) add((p) => `i.rule_id = ${p}`, filter.ruleId);
    if (filter.since) add((p) => `i.created_at >= ${p}`, filter.since);
    if (filter.beforeId) add((p) => `i.id < ${p}::bigint`, filter.beforeId);
    params.push(filter.limit);
    return this.dataSource.query(
      `SELECT i.* FROM incidents i
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY i.id DESC LIMIT $${params.length}`,
      params,
    );
  }

  /** The accounts incidents were opened for, in id order (events naming none are left out). */
  async accounts(): Promise<string[]> {
    const rows: Array<{ account_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT account_id FROM incidents WHERE account_id IS NOT NULL ORDER BY account_id`,
    );
    return rows.map((row) => row.account_id);
  }

  async find(id: string): Promise<Row | null> {
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM incidents WHERE id = $1`, [id]);
    return rows.at(0) ?? null;
  }

  /** The incident's latest alerts, newest first. */
  latestAlerts(incidentId: string, limit: number): Promise<Row[]> {
    return this.dataSource.query(
      `SELECT * FROM alerts WHERE incident_id = $1 ORDER BY id DESC LIMIT $2`,
      [incidentId, limit],
    );
  }

  timeline(incidentId: string): Promise<Row[]> {
    return this.dataSource.query(
      `SELECT * FROM incident_changes WHERE incident_id = $1 ORDER BY id`,
      [incidentId],
    );
  }

  async changeToRoute(changeId: string): Promise<ChangeToRoute | null> {
    const rows: Array<{ incident_id: string; severity: Severity; rule_id: string }> =
      await this.dataSource.query(
        `SELECT c.incident_id, i.severity, i.rule_id
         FROM incident_changes c JOIN incidents i ON i.id = c.incident_id
         WHERE c.id = $1`,
        [changeId],
      );
    const row = rows.at(0);
    if (!row) return null;
    return {
      changeId,
      incidentId: row.incident_id,
      severity: row.severity,
      ruleId: row.rule_id,
    };
  }

  async describeChange(changeId: string): Promise<IncidentChangeView | null> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT c.id AS change_id, c.kind, c.by, c.note, i.*,
         (SELECT explanation FROM alerts a WHERE a.incident_id = i.id ORDER BY a.id DESC LIMIT 1)
           AS explanation
       FROM incident_changes c JOIN incidents i ON i.id = c.incident_id
       WHERE c.id = $1`,
      [changeId],
    );
    const row = rows.at(0);
    if (!row) return null;
    return {
      changeId: String(row.change_id),
      kind: row.kind as IncidentChangeKind,
      by: (row.by as string | null) ?? null,
      note: (row.note as string | null) ?? null,
      incidentId: String(row.id),
      status: row.status as IncidentStatus,
      severity: row.severity as Severity,
      title: String(row.title),
      ruleId: String(row.rule_id),
      accountId: (row.account_id as string | null) ?? null,
      actorId: (row.actor_id as string | null) ?? null,
      actorLabel: (row.actor_label as string | null) ?? null,
      alertCount: Number(row.alert_count),
      firstAlertAt: row.first_alert_at as Date,
      lastAlertAt: row.last_alert_at as Date,
      snoozedUntil: (row.snoozed_until as Date | null) ?? null,
      explanation: typeof row.explanation === 'string' ? row.explanation : '',
    };
  }

  /** The kind of each change: one query. */
  async changeKinds(changeIds: readonly string[]): Promise<Map<string, IncidentChangeKind>> {
    if (changeIds.length === 0) return new Map();
    const rows: Array<{ id: string; kind: IncidentChangeKind }> = await this.dataSource.query(
      `SELECT id, kind FROM incident_changes WHERE id = ANY($1::bigint[])`,
      [changeIds],
    );
    return new Map(rows.map((row) => [row.id, row.kind]));
  }

  /** Changes to notify, committed more than `olderThanMs` ago and never routed. */
  async unroutedChanges(olderThanMs: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM incident_changes WHERE notify AND routed_at IS NULL
         AND created_at < now() - make_interval(secs => $1) ORDER BY id LIMIT 500`,
      [olderThanMs / 1000],
    );
    return rows.map((row) => row.id);
  }
}
