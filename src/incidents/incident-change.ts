import type { Severity } from '../rules/engine/rule-definition';
import type { IncidentChangeKind, IncidentStatus } from './incident-status';

/** What routing a change needs. */
export interface ChangeToRoute {
  changeId: string;
  incidentId: string;
  severity: Severity;
  ruleId: string;
}

/** An incident change with its incident, as a notification tells it. */
export interface IncidentChangeView {
  changeId: string;
  kind: IncidentChangeKind;
  by: string | null;
  note: string | null;
  incidentId: string;
  status: IncidentStatus;
  severity: Severity;
  title: string;
  ruleId: string;
  /** The 1Password account of the incident's alerts, when their events name one. */
  accountId: string | null;
  actorId: string | null;
  actorLabel: string | null;
  alertCount: number;
  firstAlertAt: Date;
  lastAlertAt: Date;
  snoozedUntil: Date | null;
  /** The explanation of the incident's latest alert ('' when it has none). */
  explanation: string;
}
