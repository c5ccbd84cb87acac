import { createHash } from 'node:crypto';
import { type FetchFunction, LogLevel, WebAPIPlatformError, WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { PostSlotGate, SlotReservation } from '../slack-rate-gate';
import {
  type ChannelSendResult,
  DeferredDeliveryError,
  type DeliveryThread,
  type IncidentMessage,
  type NotificationChannel,
  RetryableDeliveryError,
  type SendContext,
} from './channel';
import { httpUrl, requiredText, secret } from './channel-settings';
import { DestinationGuard } from '../destinations/destination-guard';
import { guardedFetch } from '../destinations/guarded-fetch';
import { errorSummary } from './error-details';
import {
  changeMetadata,
  fallbackText,
  incidentBlocks,
  SLACK_CHANGE_EVENT,
  threadReplyText,
} from './slack-blocks';
import { toDeliveryError } from './slack-errors';

const DEFAULT_API_URL = 'https://slack.com/api/';

const slackSettings = (defaultApiUrl: string) =>
  z.object({
    channel: requiredText('required: a Slack channel id or name'),
    token: secret(
      z
        .string({ error: 'required: a Slack bot token (xoxb-…)' })
        .regex(/^xox[bp]-/, 'required: a Slack bot token (xoxb-…)'),
    ),
    /** Slack Web API base, e.g. https://slack.com/api/ (a fake in tests). */
    apiUrl: httpUrl().default(defaultApiUrl),
  });

export type SlackChannelConfig = z.output<ReturnType<typeof slackSettings>>;

/** chat.update answers these when the message is gone or not ours: post a new one instead. */
const MESSAGE_GONE = new Set(['message_not_found', 'cant_update_message']);

/** Changes that need eyes again: their thread reply is also shown in the channel. */
const BROADCAST_CHANGES = new Set<IncidentMessage['change']>(['reopened', 'unsnoozed', 'reminder']);

const MAX_CACHED_CLIENTS = 32;

export interface SlackChannelOptions {
  /** Per Web API call. Default 10 s (the delivery send timeout). */
  timeoutMs?: number;
  /** Spaces posts to one channel across workers (SlackRateGate); none: no spacing. */
  gate?: PostSlotGate;
  /** Longest wait for a slot inside a send; beyond it the job goes back to the queue. Default 5 s. */
  maxGateWaitMs?: number;
  /** Which addresses the Web API URL may reach. Default: public addresses only. */
  guard?: DestinationGuard;
  /** The Web API of channels that name none. Default https://slack.com/api/. */
  apiUrl?: string;
}

/**
 * Slack through the Web API: one message per incident, updated in place on every change,
 * with a thread reply saying what changed. The client never retries by itself
 * (`retries: 0`, rate-limited calls rejected): the delivery queue owns retries and honours
 * Retry-After.
 */
export class SlackChannel implements NotificationChannel<ReturnType<typeof slackSettings>> {
  readonly type = 'slack';
  readonly settings: ReturnType<typeof slackSettings>;
  readonly destinationField = 'apiUrl';
  private readonly clients = new Map<string, WebClient>();
  private readonly timeoutMs: number;
  private readonly gate: PostSlotGate | undefined;
  private readonly maxGateWaitMs: number;
  private readonly fetch: FetchFunction;

  constructor(options: SlackChannelOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.gate = options.gate;
    this.maxGateWaitMs = options.maxGateWaitMs ?? 5_000;
    this.settings = slackSettings(options.apiUrl ?? DEFAULT_API_URL);
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
      throw new DeferredDeliveryError(
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

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
