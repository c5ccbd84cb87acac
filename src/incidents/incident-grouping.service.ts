import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { alertingConfig, AlertingConfig } from '../config/app.config';
import type { AlertCandidate } from '../rules/engine/evaluation';
import type { Rule } from '../rules/engine/rule-definition';
import { AlertsRepository } from './alerts.repository';
import { IncidentsRepository } from './incidents.repository';
import { incidentTitle } from './incident-title';
import { silenceMatches, type SilenceMatchers } from './silence-matcher';
import { SilencesRepository } from './silences.repository';

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
  constructor(
    @Inject(alertingConfig.KEY) private readonly config: AlertingConfig,
    private readonly incidents: IncidentsRepository,
    private readonly alerts: AlertsRepository,
    private readonly silences: SilencesRepository,
  ) {}

  async group(manager: EntityManager, alerts: NewAlert[], now: Date): Promise<string[]> {
    if (alerts.length === 0) return [];
    const silences = await this.silences.matchersInForce(manager, now);
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

  private mutedReason(alert: NewAlert, silences: SilenceMatchers[]): MutedReason | null {
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
      accountId: candidate.accountId,
      tags: rule.tags,
    };
    if (silences.some((matchers) => silenceMatches(matchers, target))) return 'silenced';
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
    const incident = await this.incidents.fileAlert(manager, {
      dedupKey: dedupKey(alert),
      ruleId: rule.id,
      groupKey: candidate.groupKey,
      accountId: candidate.accountId,
      actorId: candidate.actorId,
      actorLabel: alert.actorLabel,
      title: incidentTitle(rule.name, alert.actorLabel ?? candidate.groupKey),
      severity: candidate.severity,
      eventTime: candidate.eventTime,
      tags: rule.tags,
    });
    const reason =
      muted ?? (incident.opened ? suppressed(rule, incident.previousNotifiedAt, now) : null);
    await this.alerts.fileInto(manager, alert.alertId, incident.id, reason);

    const notify =
      reason === null &&
      (incident.opened ||
        (incident.status !== 'snoozed' &&
          (incident.lastNotifiedAt === null ||
            now.getTime() - incident.lastNotifiedAt.getTime() >= UPDATE_INTERVAL_MS)));
    const changeId = await this.incidents.recordChange(manager, {
      incidentId: incident.id,
      kind: incident.opened ? 'opened' : 'updated',
      by: 'vaultwatch',
      details: { alertId: alert.alertId, explanation: candidate.explanation },
      notify,
      mutedReason: reason,
    });
    if (!notify) return null;
    await this.incidents.markNotified(manager, incident.id, now);
    return changeId;
  }
}

/**
 * An incident gathers the alerts of one rule, group key and account. Alerts of events that
 * name no account keep the key they had before accounts were recorded.
 */
function dedupKey({ rule, candidate }: NewAlert): string {
  const key = `${rule.id}|${candidate.groupKey}`;
  return candidate.accountId ? `${key}|account:${candidate.accountId}` : key;
}

/** A new incident soon after the last one for the same key was notified stays quiet. */
function suppressed(rule: Rule, previousNotifiedAt: Date | null, now: Date): 'suppressed' | null {
  if (rule.suppressSeconds <= 0 || previousNotifiedAt === null) return null;
  return now.getTime() - previousNotifiedAt.getTime() < rule.suppressSeconds * 1000
    ? 'suppressed'
    : null;
}
