import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SEVERITIES, type Severity } from '../rules/engine/rule-definition';
import type { IncidentChangeKind, IncidentStatus } from './incident-status';
import type { LifecycleAction } from './incident-transitions';

/** The incident an alert was filed into, as the upsert left it. */
export interface FiledIncident {
  id: string;
  /** True when the alert opened it. */
  opened: boolean;
  status: IncidentStatus;
  lastNotifiedAt: Date | null;
  /** When the resolved incident of the same key it follows was last notified. */
  previousNotifiedAt: Date | null;
}

/**
 * The alerts of one incident key, summed up as filing them one by one would leave the
 * incident: what opens it comes from the first alert; the label is the first one known.
 */
export interface KeyToFile {
  dedupKey: string;
  ruleId: string;
  groupKey: string;
  /** The 1Password account of the alerts, when their events name one. */
  accountId: string | null;
  actorId: string | null;
  actorLabel: string | null;
  title: string;
  tags: string[];
  /** The highest of the alerts'. */
  severity: Severity;
  alertCount: number;
  firstAlertAt: Date;
  lastAlertAt: Date;
}

/** One entry of an incident's timeline. */
export interface ChangeToRecord {
  incidentId: string;
  kind: IncidentChangeKind;
  by: string;
  byKeyId?: string | null;
  note?: string | null;
  details: Record<string, unknown>;
  notify: boolean;
  mutedReason: string | null;
}

export interface LockedIncident {
  status: IncidentStatus;
  dedupKey: string;
  lastNotifiedAt: Date | null;
}

export interface Transition {
  action: LifecycleAction;
  to: IncidentStatus;
  at: Date;
  by: string;
  snoozedUntil: Date | null;
}

/** Owns the writes of incidents and incident_changes: filing, lifecycle, timers, routing. */
@Injectable()
export class IncidentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Files alerts by incident key, one entry per key: each joins the open incident of its key,
   * or opens one linked to the last resolved incident of that key. Returns the incidents as
   * the upsert left them, in the order of `keys` (sorted by the caller, so that concurrent
   * workers lock incidents in the same order).
   */
  async fileAlerts(manager: EntityManager, keys: KeyToFile[]): Promise<FiledIncident[]> {
    if (keys.length === 0) return [];
    const rows: Array<{
      id: string;
      dedup_key: string;
      opened: boolean;
      status: IncidentStatus;
      last_notified_at: Date | null;
      previous_notified_at: Date | null;
    }> = await manager.query(
      `INSERT INTO incidents AS i (dedup_key, rule_id, group_key, actor_id, actor_label, title,
         severity, alert_count, first_alert_at, last_alert_at, tags, previous_incident_id,
         account_id)
       SELECT x.dedup_key, x.rule_id, x.group_key, x.actor_id, x.actor_label, x.title, x.severity,
         x.alert_count, x.first_alert_at, x.last_alert_at,
         ARRAY(SELECT jsonb_array_elements_text(x.tags)),
         (SELECT id FROM incidents r WHERE r.dedup_key = x.dedup_key AND r.status = 'resolved'
          ORDER BY r.id DESC LIMIT 1),
         x.account_id
       FROM jsonb_to_recordset($1::jsonb) AS x(dedup_key text, rule_id uuid,
         group_key text, actor_id text, actor_label text, title text, severity text,
         alert_count integer, first_alert_at timestamptz, last_alert_at timestamptz, tags jsonb,
         account_id text, ord bigint)
       ORDER BY x.ord
       ON CONFLICT (dedup_key) WHERE status <> 'resolved' DO UPDATE SET
         alert_count = i.alert_count + excluded.alert_count,
         last_alert_at = GREATEST(i.last_alert_at, excluded.last_alert_at),
         first_alert_at = LEAST(i.first_alert_at, excluded.first_alert_at),
         severity = CASE
           WHEN array_position($2::text[], excluded.severity) > array_position($2::text[], i.severity)
           THEN excluded.severity ELSE i.severity END,
         actor_label = COALESCE(i.actor_label, excluded.actor_label),
         updated_at = now()
       RETURNING id, dedup_key, (xmax = 0) AS opened, status, last_notified_at,
         (SELECT last_notified_at FROM incidents p WHERE p.id = i.previous_incident_id) AS previous_notified_at`,
      [
        JSON.stringify(
          keys.map((key, ord) => ({
            ord,
            dedup_key: key.dedupKey,
            rule_id: key.ruleId,
            group_key: key.groupKey,
            actor_id: key.actorId,
            actor_label: key.actorLabel,
            title: key.title,
            severity: key.severity,
            alert_count: key.alertCount,
            first_alert_at: key.firstAlertAt.toISOString(),
            last_alert_at: key.lastAlertAt.toISOString(),
            tags: key.tags,
            account_id: key.accountId,
          })),
        ),
        SEVERITIES,
      ],
    );
    const byKey = new Map(rows.map((row) => [row.dedup_key, row]));
    return keys.map(({ dedupKey }) => {
      const row = byKey.get(dedupKey)!;
      return {
        id: row.id,
        opened: row.opened,
        status: row.status,
        lastNotifiedAt: row.last_notified_at,
        previousNotifiedAt: row.previous_notified_at,
      };
    });
  }

  async markNotified(manager: EntityManager, incidentIds: string[], at: Date): Promise<void> {
    if (incidentIds.length === 0) return;
    await manager.query(`UPDATE incidents SET last_notified_at = $2 WHERE id = ANY($1::bigint[])`, [
      incidentIds,
      at,
    ]);
  }

  /** Returns the change's id. */
  async recordChange(manager: EntityManager, change: ChangeToRecord): Promise<string> {
    const [id] = await this.recordChanges(manager, [change]);
    return id;
  }

  /**
   * Returns the changes' ids, in the order given: rows are inserted in that order, so their
   * identities rise with it, and a timeline reads by id. A person's note and name go as text
   * arrays, not json: PostgreSQL's json refuses a lone surrogate where text takes U+FFFD.
   */
  async recordChanges(manager: EntityManager, changes: ChangeToRecord[]): Promise<string[]> {
    if (changes.length === 0) return [];
    const rows: Array<{ id: string }> = await manager.query(
      `WITH inserted AS (
         INSERT INTO incident_changes
           (incident_id, kind, by, by_key_id, note, details, notify, muted_reason)
         SELECT incident_id, kind, by, by_key_id, note, details, notify, muted_reason
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::jsonb[],
           $7::boolean[], $8::text[]) WITH ORDINALITY
           AS x(incident_id, kind, by, by_key_id, note, details, notify, muted_reason, ord)
         ORDER BY ord
         RETURNING id
       )
       SELECT id FROM inserted ORDER BY id`,
      [
        changes.map((change) => change.incidentId),
        changes.map((change) => change.kind),
        changes.map((change) => change.by),
        changes.map((change) => change.byKeyId ?? null),
        changes.map((change) => change.note ?? null),
        changes.map((change) => change.details),
        changes.map((change) => change.notify),
        changes.map((change) => change.mutedReason),
      ],
    );
    return rows.map((row) => row.id);
  }

  /** Locks the incident for a lifecycle change; null when it does not exist. */
  async lock(manager: EntityManager, id: string): Promise<LockedIncident | null> {
    const rows: Array<{
      status: IncidentStatus;
      dedup_key: string;
      last_notified_at: Date | null;
    }> = await manager.query(
      `SELECT status, dedup_key, last_notified_at FROM incidents WHERE id = $1 FOR UPDATE`,
      [id],
    );
    const row = rows.at(0);
    return row
      ? { status: row.status, dedupKey: row.dedup_key, lastNotifiedAt: row.last_notified_at }
      : null;
  }

  /** The incident not yet resolved for this rule and key, if any. */
  async findOpenIdByKey(manager: EntityManager, dedupKey: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await manager.query(
      `SELECT id FROM incidents WHERE dedup_key = $1 AND status <> 'resolved'`,
      [dedupKey],
    );
    return rows.at(0)?.id ?? null;
  }

  async applyTransition(manager: EntityManager, id: string, change: Transition): Promise<void> {
    await manager.query(
      `UPDATE incidents SET status = $2, updated_at = $3,
         acknowledged_by = CASE WHEN $4 = 'acknowledge' THEN $5 ELSE acknowledged_by END,
         acknowledged_at = CASE WHEN $4 = 'acknowledge' THEN $3 ELSE acknowledged_at END,
         resolved_by = CASE WHEN $4 = 'resolve' THEN $5 WHEN $4 = 'reopen' THEN NULL ELSE resolved_by END,
         resolved_at = CASE WHEN $4 = 'resolve' THEN $3 WHEN $4 = 'reopen' THEN NULL ELSE resolved_at END,
         snoozed_until = $6,
         last_notified_at = CASE WHEN last_notified_at IS NULL THEN NULL ELSE $3 END
       WHERE id = $1`,
      [id, change.to, change.at, change.action, change.by, change.snoozedUntil],
    );
  }

  /** Snoozes that ran out go back to triggered, each with its change; one statement. */
  async wakeSnoozed(now: Date): Promise<Array<{ changeId: string; notify: boolean }>> {
    const rows: Array<{ id: string; notify: boolean }> = await this.dataSource.query(
      `WITH woken AS (
         UPDATE incidents SET status = 'triggered', snoozed_until = NULL, updated_at = $1,
           last_notified_at = CASE WHEN last_notified_at IS NULL THEN NULL ELSE $1 END
         WHERE status = 'snoozed' AND snoozed_until <= $1
         RETURNING id, last_notified_at IS NOT NULL AS notify)
       INSERT INTO incident_changes (incident_id, kind, by, details, notify)
       SELECT id, 'unsnoozed', 'vaultwatch', '{}', notify FROM woken
       RETURNING id, notify`,
      [now],
    );
    return rows.map((row) => ({ changeId: row.id, notify: row.notify }));
  }

  /** Rules of the incidents that are triggered and were notified: those a reminder may be due for. */
  async rulesAwaitingReminder(): Promise<string[]> {
    const rows: Array<{ rule_id: string }> = await this.dataSource.query(
      `SELECT DISTINCT rule_id FROM incidents
       WHERE status = 'triggered' AND last_notified_at IS NOT NULL`,
    );
    return rows.map((row) => row.rule_id);
  }

  /**
   * Claims the reminders due at `now`, each rule's incidents after its own interval (in
   * seconds), and records them; one statement, so two workers never remind twice. Incidents
   * of rules not in `intervals` wait for a later call.
   */
  async claimReminders(now: Date, intervals: ReadonlyMap<string, number>): Promise<string[]> {
    if (intervals.size === 0) return [];
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `WITH due AS (
         UPDATE incidents i SET last_notified_at = $1
         FROM unnest($2::uuid[], $3::int[]) AS r(id, secs)
         WHERE r.id = i.rule_id AND i.status = 'triggered' AND i.last_notified_at IS NOT NULL
           AND i.last_notified_at <= $1::timestamptz - make_interval(secs => r.secs)
         RETURNING i.id)
       INSERT INTO incident_changes (incident_id, kind, by, details, notify)
       SELECT id, 'reminder', 'vaultwatch', '{}', true FROM due
       RETURNING id`,
      [now, [...intervals.keys()], [...intervals.values()]],
    );
    return rows.map((row) => row.id);
  }

  /** In the caller's transaction: the change has its deliveries. */
  async markRouted(manager: EntityManager, changeId: string): Promise<void> {
    await manager.query(`UPDATE incident_changes SET routed_at = now() WHERE id = $1`, [changeId]);
  }
}
