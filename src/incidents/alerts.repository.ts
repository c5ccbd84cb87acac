import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AlertCandidate } from '../rules/engine/evaluation';

export interface AlertToRecord extends AlertCandidate {
  mode: 'active' | 'shadow';
  batchId: string | null;
}

export interface RecordedAlert {
  id: string;
  ruleId: string;
  fingerprint: string;
}

export interface AlertFiling {
  alertId: string;
  incidentId: string;
  mutedReason: string | null;
}

/** Writes the alerts table. An alert is recorded once per (rule, fingerprint). */
@Injectable()
export class AlertsRepository {
  /** Returns the alerts that are new; re-recording the same finding is a no-op. */
  async record(manager: EntityManager, alerts: AlertToRecord[]): Promise<RecordedAlert[]> {
    if (alerts.length === 0) return [];
    const rows: Array<{ id: string; rule_id: string; fingerprint: string }> = await manager.query(
      `INSERT INTO alerts (rule_id, rule_version, fingerprint, group_key, severity, mode, actor_id,
         event_time, batch_id, evidence_event_ids, explanation, figures)
       SELECT x.rule_id, x.rule_version, x.fingerprint, x.group_key, x.severity, x.mode, x.actor_id,
         x.event_time, x.batch_id, ARRAY(SELECT jsonb_array_elements_text(x.evidence)::bigint),
         x.explanation, x.figures
       FROM jsonb_to_recordset($1::jsonb) AS x(rule_id uuid, rule_version integer, fingerprint text,
         group_key text, severity text, mode text, actor_id text, event_time timestamptz,
         batch_id bigint, evidence jsonb, explanation text, figures jsonb)
       ORDER BY x.rule_id, x.fingerprint
       ON CONFLICT (rule_id, fingerprint) DO NOTHING
       RETURNING id, rule_id, fingerprint`,
      [
        JSON.stringify(
          alerts.map((alert) => ({
            rule_id: alert.ruleId,
            rule_version: alert.ruleVersion,
            fingerprint: alert.fingerprint,
            group_key: alert.groupKey,
            severity: alert.severity,
            mode: alert.mode,
            actor_id: alert.actorId,
            event_time: alert.eventTime.toISOString(),
            batch_id: alert.batchId,
            evidence: alert.evidenceEventIds,
            explanation: alert.explanation,
            figures: alert.figures,
          })),
        ),
      ],
    );
    return rows.map((row) => ({ id: row.id, ruleId: row.rule_id, fingerprint: row.fingerprint }));
  }

  /** Files alerts into their incidents, each with why it reaches nobody (null when it may). */
  async fileInto(manager: EntityManager, filings: AlertFiling[]): Promise<void> {
    if (filings.length === 0) return;
    await manager.query(
      `UPDATE alerts a SET incident_id = x.incident_id, muted_reason = x.muted_reason
       FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, incident_id bigint, muted_reason text)
       WHERE a.id = x.id`,
      [
        JSON.stringify(
          filings.map((filing) => ({
            id: filing.alertId,
            incident_id: filing.incidentId,
            muted_reason: filing.mutedReason,
          })),
        ),
      ],
    );
  }
}
