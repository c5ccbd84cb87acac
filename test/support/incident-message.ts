import type { IncidentMessage } from '../../src/notifications/channels/channel';

export const INCIDENT_ID = '7d0c7d4e-5a4a-4b8e-9a51-0c9b0f1b2c3d';

/** A newly opened bulk-export incident as the channels receive it; tests change what they need. */
export function incidentMessage(overrides: Partial<IncidentMessage> = {}): IncidentMessage {
  return {
    incidentId: INCIDENT_ID,
    changeId: 'c1',
    change: 'opened',
    status: 'triggered',
    severity: 'high',
    title: 'Bulk export: alice@example.com',
    ruleId: 'bulk-export',
    ruleName: 'Bulk export',
    account: null,
    actor: { id: 'WXYZ1234', label: 'alice@example.com' },
    explanation: '25 exports in 10 min (threshold 20)',
    alertCount: 1,
    firstSeenAt: new Date('2025-03-03T12:00:00Z'),
    lastSeenAt: new Date('2025-03-03T12:09:30Z'),
    url: `http://localhost:3000/incidents/${INCIDENT_ID}`,
    by: null,
    note: null,
    snoozedUntil: null,
    runbook: 'Ask the user whether the export was expected.',
    tags: ['T1530'],
    ...overrides,
  };
}
