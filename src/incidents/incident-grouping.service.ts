import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { alertingConfig, AlertingConfig } from '../config/app.config';
import type { AlertCandidate } from '../rules/engine/evaluation';
import { SEVERITIES, type Rule } from '../rules/engine/rule-definition';
import { silenceMatches, type SilenceMatchers } from './silence-matcher';

/** Updates of an open incident reach people at most this often (Alertmanager's group_interval). */
export const UPDATE_INTERVAL_MS = 5 * 60_000;

export interface NewAlert {
  alertId: string;
  candidate: AlertCandidate;
  rule: Rule;
  /** When the triggering event was ingested: older activity than the horizon notifies nobody. */
  ingestedAt: Date;
  actorLabel: string | null;
}

type MutedReason = 'shadow' | 'horizon' | 'silenced' | 'suppressed';

/**
 * Puts new alerts into incidents inside the detection transaction: an alert joins the open
 * incident of its rule and group key, or opens one (linked to the last resolved one). Each
 * opening or update is a change in the incident's timeline; those that should reach people
 * are returned, to be routed once the transaction commits.
 */
@Injectable()
export class IncidentGroupingService {
  constructor(@Inject(alertingConfig.KEY) private readonly config: AlertingConfig) {}

  async group(manager: EntityManager, alerts: NewAlert[], now: Date): Promise<string[]> {
    if (alerts.length === 0) return [];
    const silences: Array<{ matchers: SilenceMatchers }> = await manager.query(
      `SELECT matchers FROM silences
       WHERE starts_at <= $1 AND ends_at > $1 AND expired_at IS NULL`,
      [now],
    );
    const toRoute: string[] = [];
    // Sorted by key, so that concurrent workers lock incidents in the same order.
    const ordered = [...alerts].sort((a, b) => dedupKey(a).localeCompare(dedupKey(b)));
    for (const alert of ordered) {
      const muted = this.mutedReason(alert, silences);
      const changeId = await this.attach(manager, alert, muted, now);
      if (changeId) toRoute.push(changeId);
    }
    return toRoute;
  }

  private mutedReason(
    alert: NewAlert,
    silences: Array<{ matchers: SilenceMatchers }>,
  ): MutedReason | null {
    const { candidate, rule } = alert;
    if (rule.mode === 'shadow') return 'shadow';
    if (alert.ingestedAt.getTime() - candidate.eventTime.getTime() > this.config.horizonMs) {
      return 'horizon';
    }
    const target = {
      ruleId: rule.id,
      ruleName: rule.name,
      severity: candidate.severity,
      actorId: candidate.actorId,
      actorLabel: alert.actorLabel,
      tags: rule.tags,
    };
    if (silences.some((silence) => silenceMatches(silence.matchers, target))) return 'silenced';
    return null;
  }

  /** Returns the id of a change to notify, if any. */
  private async attach(
    manager: EntityManager,
    alert: NewAlert,
    muted: MutedReason | null,
    now: Date,
  ): Promise<string | null> {
    const { candidate, rule } = alert;
    const [incident]: Array<{
      id: string;
      opened: boolean;
      status: string;
      last_notified_at: Date | null;
      previous_notified_at: Date | null;
    }> = await manager.query(
      `INSERT INTO incidents (dedup_key, rule_id, group_key, actor_id, actor_label, title, severity,
         alert_count, first_alert_at, last_alert_at, tags, previous_incident_id)
       VALUES ($1, $2, $3, $4, $10, $5, $6, 1, $7, $7, $8,
         (SELECT id FROM incidents WHERE dedup_key = $1 AND status = 'resolved' ORDER BY id DESC LIMIT 1))
       ON CONFLICT (dedup_key) WHERE status <> 'resolved' DO UPDATE SET
         alert_count = incidents.alert_count + 1,
         last_alert_at = GREATEST(incidents.last_alert_at, excluded.last_alert_at),
         first_alert_at = LEAST(incidents.first_alert_at, excluded.first_alert_at),
         severity = CASE
           WHEN array_position($9::text[], excluded.severity) > array_position($9::text[], incidents.severity)
           THEN excluded.severity ELSE incidents.severity END,
         actor_label = COALESCE(incidents.actor_label, excluded.actor_label),
         updated_at = now()
       RETURNING id, (xmax = 0) AS opened, status, last_notified_at,
         (SELECT last_notified_at FROM incidents p WHERE p.id = incidents.previous_incident_id) AS previous_notified_at`,
      [
        dedupKey(alert),
        rule.id,
        candidate.groupKey,
        candidate.actorId,
        `${rule.name}: ${alert.actorLabel ?? candidate.groupKey}`,
        candidate.severity,
        candidate.eventTime,
        rule.tags,
        SEVERITIES,
        alert.actorLabel,
      ],
    );
    const reason =
      muted ?? (incident.opened ? suppressed(rule, incident.previous_notified_at, now) : null);
    await manager.query(`UPDATE alerts SET incident_id = $1, muted_reason = $2 WHERE id = $3`, [
      incident.id,
      reason,
      alert.alertId,
    ]);

    const notify =
      reason === null &&
      (incident.opened ||
        (incident.status !== 'snoozed' &&
          (incident.last_notified_at === null ||
            now.getTime() - incident.last_notified_at.getTime() >= UPDATE_INTERVAL_MS)));
    const [change]: Array<{ id: string }> = await manager.query(
      `INSERT INTO incident_changes (incident_id, kind, by, details, notify, muted_reason)
       VALUES ($1, $2, 'vaultwatch', $3, $4, $5) RETURNING id`,
      [
        incident.id,
        incident.opened ? 'opened' : 'updated',
        { alertId: alert.alertId, explanation: candidate.explanation },
        notify,
        reason,
      ],
    );
    if (!notify) return null;
    await manager.query(`UPDATE incidents SET last_notified_at = $2 WHERE id = $1`, [
      incident.id,
      now,
    ]);
    return change.id;
  }
}

const dedupKey = (alert: NewAlert) => `${alert.rule.id}|${alert.candidate.groupKey}`;

/** A new incident soon after the last one for the same key was notified stays quiet. */
function suppressed(rule: Rule, previousNotifiedAt: Date | null, now: Date): 'suppressed' | null {
  if (rule.suppressSeconds <= 0 || previousNotifiedAt === null) return null;
  return now.getTime() - previousNotifiedAt.getTime() < rule.suppressSeconds * 1000
    ? 'suppressed'
    : null;
}
