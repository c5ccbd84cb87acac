import type { ChatPostMessageArguments } from '@slack/web-api';
import type { Severity } from '../../rules/engine/rule-definition';
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
  truncate,
} from './incident-text';

/** How the Slack channel shows an incident: Block Kit, fallback text and thread replies. */

type SlackBlock = Extract<ChatPostMessageArguments, { blocks: unknown }>['blocks'][number];
type BlockOf<T extends string> = Extract<SlackBlock, { type: T }>;
type ActionElement = BlockOf<'actions'>['elements'][number];
type TextObject = NonNullable<BlockOf<'section'>['fields']>[number];

/** `action_id` of the Acknowledge button; its `value` is the incident id. */
export const SLACK_ACKNOWLEDGE_ACTION = 'acknowledge';
/** `action_id` of the link button: Slack still sends an interaction for it, to be ignored. */
export const SLACK_VIEW_INCIDENT_ACTION = 'view_incident';

const SEVERITY_EMOJI: Record<Severity, string> = {
  info: ':information_source:',
  low: ':large_blue_circle:',
  medium: ':large_yellow_circle:',
  high: ':large_orange_circle:',
  critical: ':red_circle:',
};

/** Message metadata naming the incident change a message tells: how a rerun finds it. */
export const SLACK_CHANGE_EVENT = 'vaultwatch_incident_change';

export function changeMetadata(message: IncidentMessage) {
  return { event_type: SLACK_CHANGE_EVENT, event_payload: { change_id: message.changeId } };
}

/** The incident as Block Kit: what a responder needs to decide without opening the link. */
export function incidentBlocks(message: IncidentMessage): SlackBlock[] {
  const header: BlockOf<'header'> = {
    type: 'header',
    text: {
      type: 'plain_text',
      text: oneLine(
        `${SEVERITY_EMOJI[message.severity]} ${severityLabel(message.severity)} ${headline(message)}`,
        150,
      ),
      emoji: true,
    },
  };
  const summary: BlockOf<'section'> = {
    type: 'section',
    text: mrkdwn(
      truncate(
        `*Rule:* ${escapeMrkdwn(message.ruleName)}\n` +
          (message.account ? `*Account:* ${escapeMrkdwn(message.account)}\n` : '') +
          `*Actor:* ${escapeMrkdwn(actorLabel(message))}\n\n` +
          escapeMrkdwn(message.explanation),
        3000,
      ),
    ),
  };
  const facts: BlockOf<'section'> = {
    type: 'section',
    fields: [
      mrkdwn(`*Status*\n${statusText(message)}`),
      mrkdwn(`*Alerts*\n${message.alertCount}`),
      mrkdwn(`*First seen*\n${slackDate(message.firstSeenAt)}`),
      mrkdwn(`*Last seen*\n${slackDate(message.lastSeenAt)}`),
    ],
  };
  const blocks: SlackBlock[] = [header, summary, facts];

  const context: TextObject[] = [];
  if (message.change !== 'opened')
    context.push(mrkdwn(truncate(`Last change: ${escapeMrkdwn(changeWithNote(message))}`, 500)));
  if (message.tags.length > 0)
    context.push(mrkdwn(truncate(`Tags: ${escapeMrkdwn(message.tags.join(', '))}`, 500)));
  if (message.runbook.trim() !== '')
    context.push(
      mrkdwn(
        isWebUrl(message.runbook)
          ? `<${escapeMrkdwn(message.runbook)}|Runbook>`
          : truncate(`Runbook: ${escapeMrkdwn(oneLine(message.runbook, 1000))}`, 1000),
      ),
    );
  context.push(mrkdwn(`Incident ${escapeMrkdwn(message.incidentId)}`));
  blocks.push({ type: 'context', elements: context });

  const actions: ActionElement[] = [];
  // Acknowledging is for incidents that still need someone; a test incident does not exist.
  const needsAck = message.status === 'triggered' || message.status === 'snoozed';
  if (needsAck && message.change !== 'test')
    actions.push({
      type: 'button',
      action_id: SLACK_ACKNOWLEDGE_ACTION,
      value: message.incidentId,
      style: 'primary',
      text: { type: 'plain_text', text: 'Acknowledge' },
    });
  if (isWebUrl(message.url))
    actions.push({
      type: 'button',
      action_id: SLACK_VIEW_INCIDENT_ACTION,
      url: message.url,
      text: { type: 'plain_text', text: 'View incident' },
    });
  if (actions.length > 0) blocks.push({ type: 'actions', block_id: 'incident', elements: actions });
  return blocks;
}

/** The notification and screen-reader text: everything important, no Block Kit needed. */
export function fallbackText(message: IncidentMessage): string {
  const status = message.status === 'triggered' ? '' : ` (${message.status})`;
  const link = isWebUrl(message.url) ? ` <${escapeMrkdwn(message.url)}|View incident>` : '';
  return truncate(
    `${SEVERITY_EMOJI[message.severity]} [${severityLabel(message.severity)}]${status} ` +
      `${escapeMrkdwn(oneLine(headline(message), 300))} ` +
      `(actor ${escapeMrkdwn(actorLabel(message))}). ` +
      `${escapeMrkdwn(oneLine(message.explanation, 1500))}${link}`,
    3000,
  );
}

/** The thread reply for a change: what changed, by whom, and their note. */
export function threadReplyText(message: IncidentMessage): string {
  const by = message.by ? ` by *${escapeMrkdwn(message.by)}*` : '';
  let line: string;
  switch (message.change) {
    case 'opened':
      line = ':rotating_light: Opened';
      break;
    case 'updated':
      line =
        `:heavy_plus_sign: ${message.alertCount} alerts now, last seen ${slackDate(message.lastSeenAt)}. ` +
        `Latest: ${escapeMrkdwn(oneLine(message.explanation, 1500))}`;
      break;
    case 'acknowledged':
      line = `:eyes: Acknowledged${by}`;
      break;
    case 'resolved':
      line = `:white_check_mark: Resolved${by}`;
      break;
    case 'reopened':
      line = `:arrows_counterclockwise: Reopened${by}`;
      break;
    case 'snoozed':
      line = `:zzz: Snoozed${message.snoozedUntil ? ` until ${slackDate(message.snoozedUntil)}` : ''}${by}`;
      break;
    case 'unsnoozed':
      line = ':alarm_clock: Snooze ended: triggered again';
      break;
    case 'reminder':
      line =
        `:bell: Reminder: still triggered and unacknowledged ` +
        `(${message.alertCount} alerts, last seen ${slackDate(message.lastSeenAt)})`;
      break;
    case 'test':
      line = `:test_tube: Test message${by}`;
      break;
  }
  if (message.note)
    line += `\n>${escapeMrkdwn(truncate(message.note, 2000)).replace(/\n/g, '\n>')}`;
  return line;
}

function statusText(message: IncidentMessage): string {
  const label = statusLabel(message.status);
  if (message.status === 'snoozed' && message.snoozedUntil)
    return `${label} until ${slackDate(message.snoozedUntil)}`;
  if (
    message.by &&
    ((message.status === 'acknowledged' && message.change === 'acknowledged') ||
      (message.status === 'resolved' && message.change === 'resolved'))
  )
    return `${label} by ${escapeMrkdwn(message.by)}`;
  return label;
}

function changeWithNote(message: IncidentMessage): string {
  const change = describeChange(message);
  return message.note ? `${change}: "${oneLine(message.note, 300)}"` : change;
}

function mrkdwn(text: string): TextObject {
  return { type: 'mrkdwn', text };
}

/** Rendered in each reader's time zone; the fallback after `|` is for old clients. */
function slackDate(date: Date): string {
  const seconds = Math.floor(date.getTime() / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time_secs}|${formatTime(date)}>`;
}

/**
 * Slack's control characters: `<!channel>` or `<@U123>` inside an explanation or an item
 * title must stay text, not a mention.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
