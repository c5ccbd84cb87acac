import type { IncidentChangeView } from '../incidents/incident-change';
import type { Rule } from '../rules/engine/rule-definition';
import type { IncidentMessage } from './channels/channel';

/** What channels are told of an incident change, linking to its console page. */
export function toIncidentMessage(
  change: IncidentChangeView,
  rule: Rule,
  publicUrl: string,
): IncidentMessage {
  return {
    incidentId: change.incidentId,
    changeId: change.changeId,
    change: change.kind,
    status: change.status,
    severity: change.severity,
    title: change.title,
    ruleId: change.ruleId,
    ruleName: rule.name,
    account: change.accountId,
    actor: change.actorId ? { id: change.actorId, label: change.actorLabel } : null,
    explanation: change.explanation,
    alertCount: change.alertCount,
    firstSeenAt: change.firstAlertAt,
    lastSeenAt: change.lastAlertAt,
    url: `${publicUrl}/incidents/${change.incidentId}`,
    // Openings and updates are the service's own doing: nobody to name.
    by: change.kind === 'opened' || change.kind === 'updated' ? null : change.by,
    note: change.note,
    snoozedUntil: change.snoozedUntil,
    runbook: rule.runbook,
    tags: rule.tags,
  };
}
