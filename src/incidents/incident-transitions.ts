import type { IncidentStatus } from './incident-status';

export type LifecycleAction = 'acknowledge' | 'resolve' | 'reopen' | 'snooze';

/** Which states each action may start from; anything else answers 409. */
const ALLOWED: Record<LifecycleAction, readonly IncidentStatus[]> = {
  acknowledge: ['triggered', 'snoozed'],
  resolve: ['triggered', 'acknowledged', 'snoozed'],
  reopen: ['acknowledged', 'resolved', 'snoozed'],
  snooze: ['triggered', 'acknowledged', 'snoozed'],
};

const RESULT: Record<LifecycleAction, IncidentStatus> = {
  acknowledge: 'acknowledged',
  resolve: 'resolved',
  reopen: 'triggered',
  snooze: 'snoozed',
};

/** The change kind each action writes into the timeline. */
export const CHANGE_OF: Record<
  LifecycleAction,
  'acknowledged' | 'resolved' | 'reopened' | 'snoozed'
> = {
  acknowledge: 'acknowledged',
  resolve: 'resolved',
  reopen: 'reopened',
  snooze: 'snoozed',
};

export function transition(
  action: LifecycleAction,
  from: IncidentStatus,
): { ok: true; to: IncidentStatus } | { ok: false } {
  return ALLOWED[action].includes(from) ? { ok: true, to: RESULT[action] } : { ok: false };
}
