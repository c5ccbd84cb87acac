import type { Severity } from '../../rules/engine/rule-definition';
import type { IncidentStatus } from '../../incidents/incident-status';
import type { IncidentMessage } from './channel';

/** Wording shared by the channels, so Slack, email and webhooks describe a change alike. */

export function severityLabel(severity: Severity): string {
  return severity.toUpperCase();
}

export function actorLabel(message: IncidentMessage): string {
  const actor = message.actor;
  if (!actor) return 'unknown';
  return actor.label ?? actor.id;
}

/** " in account AB7Z…" when the incident names an account, else nothing. */
export function inAccount(message: IncidentMessage): string {
  return message.account ? ` in account ${message.account}` : '';
}

/** The title (which names the rule once) and the account, as headings and subjects show it. */
export function headline(message: IncidentMessage): string {
  return `${message.title}${inAccount(message)}`;
}

export function statusLabel(status: IncidentStatus): string {
  switch (status) {
    case 'triggered':
      return 'Triggered';
    case 'acknowledged':
      return 'Acknowledged';
    case 'snoozed':
      return 'Snoozed';
    case 'resolved':
      return 'Resolved';
  }
}

/** "2025-03-03 12:00:05 UTC": unambiguous in any mail client or log. */
export function formatTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** What happened, as a short phrase: "acknowledged by alice", "3 alerts". */
export function describeChange(message: IncidentMessage): string {
  const by = message.by ? ` by ${message.by}` : '';
  switch (message.change) {
    case 'opened':
      return 'opened';
    case 'updated':
      return `${message.alertCount} alerts`;
    case 'acknowledged':
      return `acknowledged${by}`;
    case 'resolved':
      return `resolved${by}`;
    case 'reopened':
      return `reopened${by}`;
    case 'snoozed':
      return `snoozed${message.snoozedUntil ? ` until ${formatTime(message.snoozedUntil)}` : ''}${by}`;
    case 'unsnoozed':
      return 'snooze ended, triggered again';
    case 'reminder':
      return 'still triggered and unacknowledged';
    case 'test':
      return `test message${by}`;
  }
}

/** Removes line breaks (header injection, one-line contexts) and caps the length. */
export function oneLine(text: string, max: number): string {
  return truncate(text.replace(/[\r\n\t]+/g, ' ').trim(), max);
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Only http(s) links are rendered as links: a `javascript:` URL from a bad config is text. */
export function isWebUrl(url: string): boolean {
  try {
    const protocol = new URL(url).protocol;
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
