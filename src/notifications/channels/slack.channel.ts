import { createHash } from 'node:crypto';
import {
  type ChatPostMessageArguments,
  type FetchFunction,
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import type { Severity } from '../../rules/engine/rule-definition';
import type { PostSlotGate, SlotReservation } from '../slack-rate-gate';
import {
  type ChannelSendResult,
  type DeliveryThread,
  type IncidentMessage,
  type NotificationChannel,
  PermanentDeliveryError,
  RetryableDeliveryError,
  type SendContext,
  type SlackChannelConfig,
} from './channel';
import { DESTINATION_REFUSED, DestinationGuard } from '../destinations/destination-guard';
import { guardedFetch } from '../destinations/guarded-fetch';
import { errorSummary, findErrorWithCode, networkErrorClass } from './error-details';
import {
  actorLabel,
  describeChange,
  formatTime,
  isWebUrl,
  oneLine,
  severityLabel,
  statusLabel,
  truncate,
} from './incident-text';

type SlackBlock = Extract<ChatPostMessageArguments, { blocks: unknown }>['blocks'][number];
type BlockOf<T extends string> = Extract<SlackBlock, { type: T }>;
type ActionElement = BlockOf<'actions'>['elements'][number];
type TextObject = NonNullable<BlockOf<'section'>['fields']>[number];

/** Slack errors that retrying cannot fix: the token, the channel or the message itself. */
export const SLACK_PERMANENT_ERRORS: ReadonlySet<string> = new Set([
  'invalid_arguments',
  'invalid_blocks_format',
  'no_text',
  'restricted_action',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'channel_not_found',
  'is_archived',
  'not_in_channel',
  'missing_scope',
  'msg_too_long',
  'invalid_blocks',
]);

/** chat.update answers these when the message is gone or not ours: post a new one instead. */
const MESSAGE_GONE = new Set(['message_not_found', 'cant_update_message']);

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

/** Changes that need eyes again: their thread reply is also shown in the channel. */
const BROADCAST_CHANGES = new Set<IncidentMessage['change']>(['reopened', 'unsnoozed', 'reminder']);

const MAX_CACHED_CLIENTS = 32;

/** Message metadata naming the incident change a message tells: how a rerun finds it. */
export const SLACK_CHANGE_EVENT = 'vaultwatch_incident_change';

export interface SlackChannelOptions {
  /** Per Web API call. Default 10 s (the delivery send timeout). */
  timeoutMs?: number;
  /** Spaces posts to one channel across workers (SlackRateGate); none: no spacing. */
  gate?: PostSlotGate;
  /** Longest wait for a slot inside a send; beyond it the job goes back to the queue. Default 5 s. */
  maxGateWaitMs?: number;
  /** Which addresses the Web API URL may reach. Default: public addresses only. */
  guard?: DestinationGuard;
}

/**
 * Slack through the Web API: one message per incident, updated in place on every change,
 * with a thread reply saying what changed. The client never retries by itself
 * (`retries: 0`, rate-limited calls rejected): the delivery queue owns retries and honours
 * Retry-After.
 */
export class SlackChannel implements NotificationChannel<'slack'> {
  readonly type = 'slack' as const;
  private readonly clients = new Map<string, WebClient>();
  private readonly timeoutMs: number;
  private readonly gate: PostSlotGate | undefined;
  private readonly maxGateWaitMs: number;
  private readonly fetch: FetchFunction;

  constructor(options: SlackChannelOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.gate = options.gate;
    this.maxGateWaitMs = options.maxGateWaitMs ?? 5_000;
    // The token goes only where the guard lets the connection go.
    this.fetch = guardedFetch(options.guard ?? new DestinationGuard(false));
  }

  async send(
    config: SlackChannelConfig,
    message: IncidentMessage,
    thread: DeliveryThread | null,
    context: SendContext = {},
  ): Promise<ChannelSendResult> {
    const client = this.client(config);
    const existing = thread?.slack;
    const since = context.unfinishedAttemptAt ?? null;
    if (!existing) {
      const posted = since
        ? await this.findPosted(client, config.channel, undefined, message.changeId, since)
        : null;
      if (posted)
        return {
          thread: { ...thread, slack: { channel: posted.channel, ts: posted.ts } },
          providerRef: posted.ts,
        };
      return this.postIncident(client, config, message, thread);
    }

    try {
      await client.chat.update({
        channel: existing.channel,
        ts: existing.ts,
        text: fallbackText(message),
        blocks: incidentBlocks(message),
      });
    } catch (error) {
      // Someone deleted the message: the incident still needs one.
      if (error instanceof WebAPIPlatformError && MESSAGE_GONE.has(error.data.error))
        return this.postIncident(client, config, message, thread);
      throw toDeliveryError(error, 'chat.update', config.token);
    }
    const kept: DeliveryThread = { ...thread, slack: existing };
    // A rerun of the first delivery: the message is up to date, nothing to add to its thread.
    if (message.change === 'opened') return { thread: kept, providerRef: existing.ts };

    const replied = since
      ? await this.findPosted(client, existing.channel, existing.ts, message.changeId, since)
      : null;
    if (replied) return { thread: kept, providerRef: replied.ts };
    await this.waitForSlot(config);
    const broadcast = BROADCAST_CHANGES.has(message.change);
    const reply = await this.call('chat.postMessage', config.token, () =>
      client.chat.postMessage({
        channel: existing.channel,
        thread_ts: existing.ts,
        reply_broadcast: broadcast,
        text: threadReplyText(message),
        unfurl_links: false,
        unfurl_media: false,
        metadata: changeMetadata(message),
      }),
    );
    return { thread: kept, providerRef: reply.ts ?? existing.ts };
  }

  private async postIncident(
    client: WebClient,
    config: SlackChannelConfig,
    message: IncidentMessage,
    thread: DeliveryThread | null,
  ): Promise<ChannelSendResult> {
    await this.waitForSlot(config);
    const result = await this.call('chat.postMessage', config.token, () =>
      client.chat.postMessage({
        channel: config.channel,
        text: fallbackText(message),
        blocks: incidentBlocks(message),
        unfurl_links: false,
        unfurl_media: false,
        metadata: changeMetadata(message),
      }),
    );
    if (!result.ts || !result.channel)
      throw new RetryableDeliveryError('Slack chat.postMessage: answer without channel or ts');
    // Keep the channel id Slack answered with: chat.update needs the id, not a #name.
    return {
      thread: { ...thread, slack: { channel: result.channel, ts: result.ts } },
      providerRef: result.ts,
    };
  }

  /**
   * The message an unfinished attempt posted for this change, if it did: read back from the
   * channel's history (or the thread's replies) by its metadata. Without the history scope,
   * or with a channel given by name, Slack refuses to tell: then the message is sent again
   * (at least once rather than never).
   */
  private async findPosted(
    client: WebClient,
    channel: string,
    threadTs: string | undefined,
    changeId: string,
    since: Date,
  ): Promise<{ channel: string; ts: string } | null> {
    // Slack's clock and ours differ a little: look back a minute before the attempt began.
    const oldest = String(Math.floor(since.getTime() / 1000) - 60);
    try {
      const answer = threadTs
        ? await client.conversations.replies({
            channel,
            ts: threadTs,
            oldest,
            include_all_metadata: true,
            limit: 200,
          })
        : await client.conversations.history({
            channel,
            oldest,
            include_all_metadata: true,
            limit: 200,
          });
      const messages: Array<{
        ts?: string;
        metadata?: { event_type?: string; event_payload?: unknown };
      }> = answer.messages ?? [];
      const found = messages.find(
        (posted) =>
          posted.metadata?.event_type === SLACK_CHANGE_EVENT &&
          (posted.metadata.event_payload as { change_id?: unknown } | undefined)?.change_id ===
            changeId,
      );
      // Slack reads history by channel id only, so `channel` is the id chat.update needs.
      return found?.ts ? { channel, ts: found.ts } : null;
    } catch (error) {
      if (error instanceof WebAPIPlatformError) return null;
      const method = threadTs ? 'conversations.replies' : 'conversations.history';
      throw toDeliveryError(error, method, client.token ?? '');
    }
  }

  private async waitForSlot(config: SlackChannelConfig): Promise<void> {
    if (!this.gate) return;
    // The token's hash names the workspace without putting the token into Redis.
    const key = `${sha256(config.token).slice(0, 16)}:${config.channel}`;
    let reservation: SlotReservation;
    try {
      reservation = await this.gate.tryReserve(key, this.maxGateWaitMs);
    } catch (error) {
      throw new RetryableDeliveryError(`Slack rate gate unavailable: ${errorSummary(error)}`);
    }
    if (!reservation.granted)
      throw new RetryableDeliveryError(
        `Slack channel busy: next free slot in ${reservation.waitMs} ms`,
        reservation.waitMs - this.maxGateWaitMs,
      );
    if (reservation.waitMs > 0)
      await new Promise((resolve) => setTimeout(resolve, reservation.waitMs));
  }

  private async call<T>(method: string, token: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toDeliveryError(error, method, token);
    }
  }

  /** One client per (token, API URL): it keeps the connection pool and concurrency queue. */
  private client(config: SlackChannelConfig): WebClient {
    const apiUrl = config.apiUrl.endsWith('/') ? config.apiUrl : `${config.apiUrl}/`;
    const key = sha256(`${apiUrl}\n${config.token}`);
    let client = this.clients.get(key);
    if (client) return client;
    client = new WebClient(config.token, {
      slackApiUrl: apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: this.timeoutMs,
      // Slack's advice for one workspace; the queue's concurrency is the real bound.
      maxRequestConcurrency: 3,
      logLevel: LogLevel.ERROR,
      allowAbsoluteUrls: false,
      fetch: this.fetch,
    });
    if (this.clients.size >= MAX_CACHED_CLIENTS) {
      const oldest = this.clients.keys().next();
      if (!oldest.done) this.clients.delete(oldest.value);
    }
    this.clients.set(key, client);
    return client;
  }
}

/** Slack error codes that say the token is not (or no longer) good. */
const SLACK_AUTH_ERRORS: ReadonlySet<string> = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
]);

/** Maps what @slack/web-api throws to the delivery errors; never quotes the token. */
export function toDeliveryError(error: unknown, method: string, token: string): Error {
  if (error instanceof PermanentDeliveryError || error instanceof RetryableDeliveryError)
    return error;
  const refused = findErrorWithCode(error, DESTINATION_REFUSED);
  if (refused) return refused;
  if (error instanceof WebAPIRateLimitedError)
    return new RetryableDeliveryError(
      `Slack ${method}: rate limited, retry after ${error.retryAfter} s`,
      error.retryAfter * 1000,
      'rate_limited',
    );
  if (error instanceof WebAPIPlatformError) {
    const code = oneLine(error.data.error, 100);
    const text = `Slack ${method}: ${code}`;
    const errorClass = SLACK_AUTH_ERRORS.has(code)
      ? 'auth_failed'
      : code === 'ratelimited'
        ? 'rate_limited'
        : 'rejected';
    if (SLACK_PERMANENT_ERRORS.has(code)) return new PermanentDeliveryError(text, errorClass);
    const retryAfter = error.data.response_metadata?.retryAfter;
    return new RetryableDeliveryError(
      text,
      retryAfter !== undefined ? retryAfter * 1000 : undefined,
      errorClass,
    );
  }
  if (error instanceof WebAPIHTTPError) {
    const retryAfter = Number.parseInt(error.headers['retry-after'] ?? '', 10);
    return new RetryableDeliveryError(
      `Slack ${method}: HTTP ${error.statusCode}`,
      Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined,
      error.statusCode >= 500 ? 'http_5xx' : 'http_4xx',
    );
  }
  if (error instanceof WebAPIRequestError)
    return new RetryableDeliveryError(
      redact(`Slack ${method}: request failed: ${errorSummary(error.original)}`, token),
      undefined,
      networkErrorClass(error.original),
    );
  return new RetryableDeliveryError(redact(`Slack ${method}: ${errorSummary(error)}`, token));
}

function changeMetadata(message: IncidentMessage) {
  return { event_type: SLACK_CHANGE_EVENT, event_payload: { change_id: message.changeId } };
}

/** The incident as Block Kit: what a responder needs to decide without opening the link. */
export function incidentBlocks(message: IncidentMessage): SlackBlock[] {
  const header: BlockOf<'header'> = {
    type: 'header',
    text: {
      type: 'plain_text',
      text: oneLine(
        `${SEVERITY_EMOJI[message.severity]} ${severityLabel(message.severity)} ${message.title}`,
        150,
      ),
      emoji: true,
    },
  };
  const summary: BlockOf<'section'> = {
    type: 'section',
    text: mrkdwn(
      truncate(
        `*Rule:* ${escapeMrkdwn(message.ruleName)}\n*Actor:* ${escapeMrkdwn(actorLabel(message))}\n\n` +
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
      `${escapeMrkdwn(oneLine(message.title, 300))} ` +
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

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function redact(text: string, secret: string): string {
  return secret === '' ? text : text.split(secret).join('[redacted]');
}
