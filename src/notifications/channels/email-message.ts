import type { IncidentMessage } from './channel';
import {
  actorLabel,
  describeChange,
  formatTime,
  headline,
  isWebUrl,
  oneLine,
  severityLabel,
  statusLabel,
} from './incident-text';

/** How the email channel shows an incident: subject, plain text and HTML. */

/**
 * `[HIGH] Bulk export: alice@example.com in account AB7Z… (acknowledged by bob)`: the title
 * names the rule.
 */
export function emailSubject(message: IncidentMessage): string {
  const change = message.change === 'opened' ? '' : ` (${describeChange(message)})`;
  return oneLine(`[${severityLabel(message.severity)}] ${headline(message)}${change}`, 250);
}

export function emailText(message: IncidentMessage): string {
  const lines = [
    `[${severityLabel(message.severity)}] ${oneLine(headline(message), 500)}`,
    `Status: ${statusLabel(message.status)}${message.change === 'opened' ? '' : ` (${describeChange(message)})`}`,
  ];
  if (message.note) lines.push(`Note: ${message.note}`);
  lines.push(
    '',
    `Rule: ${message.ruleName}`,
    ...(message.account ? [`Account: ${message.account}`] : []),
    `Actor: ${actorLabel(message)}`,
    `Alerts: ${message.alertCount}`,
    `First seen: ${formatTime(message.firstSeenAt)}`,
    `Last seen: ${formatTime(message.lastSeenAt)}`,
  );
  if (message.snoozedUntil) lines.push(`Snoozed until: ${formatTime(message.snoozedUntil)}`);
  lines.push('', message.explanation, '');
  if (message.runbook.trim() !== '') lines.push(`Runbook: ${message.runbook}`);
  if (message.tags.length > 0) lines.push(`Tags: ${message.tags.join(', ')}`);
  lines.push(`Incident: ${message.url}`, '', `-- vaultwatch, incident ${message.incidentId}`);
  return lines.join('\n');
}

/** Every value is escaped: titles and explanations carry user and item names from events. */
export function emailHtml(message: IncidentMessage): string {
  const change = message.change === 'opened' ? '' : ` (${escapeHtml(describeChange(message))})`;
  const rows: Array<[string, string]> = [
    ['Rule', escapeHtml(message.ruleName)],
    ...(message.account ? [['Account', escapeHtml(message.account)] as [string, string]] : []),
    ['Actor', escapeHtml(actorLabel(message))],
    ['Alerts', String(message.alertCount)],
    ['First seen', escapeHtml(formatTime(message.firstSeenAt))],
    ['Last seen', escapeHtml(formatTime(message.lastSeenAt))],
  ];
  if (message.snoozedUntil)
    rows.push(['Snoozed until', escapeHtml(formatTime(message.snoozedUntil))]);
  if (message.tags.length > 0) rows.push(['Tags', escapeHtml(message.tags.join(', '))]);
  const runbook = message.runbook.trim();
  if (runbook !== '')
    rows.push(['Runbook', isWebUrl(runbook) ? link(runbook, runbook) : preWrap(runbook)]);
  const table = rows
    .map(
      ([name, value]) =>
        `<tr><th align="left" valign="top" style="padding:2px 12px 2px 0">${name}</th><td>${value}</td></tr>`,
    )
    .join('');
  const note = message.note
    ? `<blockquote style="margin:8px 0;padding-left:8px;border-left:3px solid #ccc">${preWrap(message.note)}</blockquote>`
    : '';
  const open = isWebUrl(message.url)
    ? `<p>${link(message.url, 'Open the incident')}</p>`
    : `<p>Incident: ${escapeHtml(message.url)}</p>`;
  return [
    '<!doctype html><html><body style="font-family:sans-serif;font-size:14px">',
    `<h2 style="margin:0 0 8px">[${severityLabel(message.severity)}] ${escapeHtml(headline(message))}</h2>`,
    `<p><strong>Status:</strong> ${statusLabel(message.status)}${change}</p>`,
    note,
    `<table cellspacing="0" cellpadding="0">${table}</table>`,
    `<p>${preWrap(message.explanation)}</p>`,
    open,
    `<p style="color:#888;font-size:12px">vaultwatch, incident ${escapeHtml(message.incidentId)}</p>`,
    '</body></html>',
  ].join('\n');
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function link(href: string, label: string): string {
  return `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
}

function preWrap(text: string): string {
  return `<span style="white-space:pre-wrap">${escapeHtml(text)}</span>`;
}
