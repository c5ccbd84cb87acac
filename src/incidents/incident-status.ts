/** Where an incident stands. */
export type IncidentStatus = 'triggered' | 'acknowledged' | 'snoozed' | 'resolved';

/** What changed on an incident; one delivery per (change, channel). */
export type IncidentChangeKind =
  | 'opened'
  | 'updated' // more alerts joined
  | 'acknowledged'
  | 'resolved'
  | 'reopened'
  | 'snoozed'
  | 'unsnoozed' // a snooze ran out: triggered again
  | 'reminder' // still triggered and unacknowledged after the repeat interval
  | 'test'; // POST /api/v1/channels/:id/test
