import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { alertingConfig, AlertingConfig } from '../config/app.config';
import type { AlertCandidate } from '../rules/engine/evaluation';
import { maxSeverity } from '../rules/engine/compiled-rule';
import type { Rule } from '../rules/engine/rule-definition';
import { type AlertFiling, AlertsRepository } from './alerts.repository';
import { type ChangeToRecord, IncidentsRepository, type KeyToFile } from './incidents.repository';
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
 * are returned, to be routed once the transaction commits. However many alerts a pass finds,
 * filing them takes five statements: an alert storm must not stall detection.
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
    const byKey = alertsByKey(alerts);
    const incidents = await this.incidents.fileAlerts(manager, [...byKey].map(keyToFile));
    // Each key's alerts, in their order, as if filed one by one: the first may open the
    // incident; each that notifies holds back the next for UPDATE_INTERVAL_MS.
    const filings: AlertFiling[] = [];
    const changes: ChangeToRecord[] = [];
    const notified: string[] = [];
    [...byKey.values()].forEach((own, k) => {
      const incident = incidents[k];
      let lastNotifiedAt = incident.lastNotifiedAt;
      own.forEach((alert, i) => {
        const opened = i === 0 && incident.opened;
        const muted = this.mutedReason(alert, silences);
        const reason =
          muted ?? (opened ? suppressed(alert.rule, incident.previousNotifiedAt, now) : null);
        const notify =
          reason === null &&
          (opened ||
            (incident.status !== 'snoozed' &&
              (lastNotifiedAt === null ||
                now.getTime() - lastNotifiedAt.getTime() >= UPDATE_INTERVAL_MS)));
        if (notify) lastNotifiedAt = now;
        filings.push({ alertId: alert.alertId, incidentId: incident.id, mutedReason: reason });
        changes.push({
          incidentId: incident.id,
          kind: opened ? 'opened' : 'updated',
          by: 'vaultwatch',
          details: { alertId: alert.alertId, explanation: alert.candidate.explanation },
          notify,
          mutedReason: reason,
        });
      });
      if (lastNotifiedAt !== incident.lastNotifiedAt) notified.push(incident.id);
    });
    await this.alerts.fileInto(manager, filings);
    const changeIds = await this.incidents.recordChanges(manager, changes);
    await this.incidents.markNotified(manager, notified, now);
    return changeIds.filter((_, i) => changes[i].notify);
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
}

/**
 * The alerts of each incident key in the order they came, keys sorted, so that concurrent
 * workers lock incidents in the same order.
 */
function alertsByKey(alerts: NewAlert[]): Map<string, NewAlert[]> {
  const byKey = new Map<string, NewAlert[]>();
  for (const alert of alerts) {
    const key = dedupKey(alert);
    const own = byKey.get(key);
    if (own) own.push(alert);
    else byKey.set(key, [alert]);
  }
  return new Map([...byKey].sort(([a], [b]) => a.localeCompare(b)));
}

/** What the key's incident records of its alerts. */
function keyToFile([key, alerts]: [string, NewAlert[]]): KeyToFile {
  const { candidate, rule, actorLabel } = alerts[0];
  const times = alerts.map((alert) => alert.candidate.eventTime.getTime());
  return {
    dedupKey: key,
    ruleId: rule.id,
    groupKey: candidate.groupKey,
    accountId: candidate.accountId,
    actorId: candidate.actorId,
    actorLabel: alerts.find((alert) => alert.actorLabel !== null)?.actorLabel ?? null,
    title: incidentTitle(rule.name, actorLabel ?? candidate.groupKey),
    tags: rule.tags,
    severity: alerts.map((alert) => alert.candidate.severity).reduce(maxSeverity),
    alertCount: alerts.length,
    // Reduced, not spread: an alert storm may file more alerts than a call takes arguments.
    firstAlertAt: new Date(times.reduce((a, b) => Math.min(a, b))),
    lastAlertAt: new Date(times.reduce((a, b) => Math.max(a, b))),
  };
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
