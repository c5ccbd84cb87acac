import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import {
  FakeHttpServer,
  FaultQueue,
  type FaultOptions,
  type IncomingRequest,
  RateLimiter,
  type Reply,
} from './fake-http';
import type { Clock } from './sim-clock';
import { slackSignature } from './slack-signing';

/**
 * A fake Slack Web API on 127.0.0.1, as @slack/web-api calls it: POST /api/<method> with a
 * form-urlencoded (or JSON) body and `Authorization: Bearer xoxb-…`. Answers follow Slack:
 * HTTP 200 with `{ ok: false, error }` for API errors, HTTP 429 with Retry-After for rate
 * limits. Point a client at `apiUrl` (`http://127.0.0.1:<port>/api/`).
 */

export const FAKE_SLACK_TOKEN = 'xoxb-fake-0000000000-vaultwatch';
export const FAKE_SLACK_TEAM_ID = 'T0FAKE0001';
export const FAKE_SLACK_BOT_USER_ID = 'U0FAKEBOT1';
export const FAKE_SLACK_BOT_ID = 'B0FAKEBOT1';

const METHODS = new Set([
  'chat.postMessage',
  'chat.update',
  'auth.test',
  'conversations.history',
  'conversations.replies',
]);
const CHANNEL_ID = /^[CGD][A-Z0-9]{8,}$/;
const MAX_TEXT = 40_000;
const MAX_BLOCKS = 50;

export interface FakeSlackApiOptions {
  /** Times of message ts values; default: the real clock. */
  clock?: Clock;
  /** Valid bot tokens. Default: [FAKE_SLACK_TOKEN]. */
  tokens?: string[];
  /** Known channels, by name (`alerts` or `#alerts`) or id (`C…`); default: any channel exists. */
  channels?: string[];
  /** Enforces Slack's per-channel posting limit (chat.postMessage): 429 beyond it. */
  postsPerChannelPerSecond?: number;
  /** Every posted or updated message as one JSON line (a stream, or a file appended to). */
  messageLog?: Writable | string;
}

/** A fault served before normal handling: an HTTP status, or a Slack API error (HTTP 200). */
export type FakeSlackFault =
  | { status: 429; retryAfterSeconds?: number }
  | { error: string }
  | { status: number; body?: unknown };

export interface FakeSlackCall {
  method: string;
  /** The bearer token (or `token` parameter) the call carried. */
  token: string | undefined;
  /** Parameters as Slack reads them: form values are strings, `blocks` parsed when JSON. */
  params: Record<string, unknown>;
  status: number;
  ok: boolean;
  error?: string;
  /** Wall-clock epoch ms of the answer. */
  at: number;
}

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  /** Set on thread replies: the parent's ts. */
  threadTs?: string;
  text: string;
  blocks?: unknown[];
  replyBroadcast: boolean;
  user: string;
  botId: string;
  /** How many times chat.update changed it, and the ts of the last edit. */
  updates: number;
  edited?: { user: string; ts: string };
  /** Message metadata (`event_type`, `event_payload`) as posted. */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

export interface FakeSlackResponseUrlCall {
  id: string;
  body: unknown;
  at: number;
}

type Outcome = { status: number; json: Record<string, unknown>; headers?: Record<string, string> };

export class FakeSlackApi extends FakeHttpServer {
  private readonly tokens: Set<string>;
  private readonly revoked = new Set<string>();
  private readonly restrictChannels: boolean;
  private readonly idsByName = new Map<string, string>();
  private readonly namesById = new Map<string, string>();
  private readonly archived = new Set<string>();
  private readonly store = new Map<string, FakeSlackMessage[]>();
  private readonly faults = new FaultQueue();
  private readonly limiters = new Map<string, RateLimiter>();
  private readonly postsPerSecond: number | undefined;
  private readonly messageLogOption: Writable | string | undefined;
  private messageLog: Writable | undefined;
  private ownsMessageLog = false;
  private callLog: FakeSlackCall[] = [];
  private responseUrlLog: FakeSlackResponseUrlCall[] = [];
  private lastMicros = 0;

  constructor(options: FakeSlackApiOptions = {}) {
    super({ clock: options.clock ?? realClock });
    this.tokens = new Set(options.tokens ?? [FAKE_SLACK_TOKEN]);
    this.restrictChannels = options.channels !== undefined;
    for (const channel of options.channels ?? []) this.addChannel(channel);
    this.postsPerSecond = options.postsPerChannelPerSecond;
    this.messageLogOption = options.messageLog;
  }

  /** `http://127.0.0.1:<port>/api/`, the `slackApiUrl` of a WebClient. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  override async start(port = 0): Promise<string> {
    const log = this.messageLogOption;
    if (typeof log === 'string') {
      this.messageLog = createWriteStream(log, { flags: 'a' });
      this.ownsMessageLog = true;
    } else {
      this.messageLog = log;
    }
    return super.start(port);
  }

  override async stop(): Promise<void> {
    await super.stop();
    const log = this.messageLog;
    this.messageLog = undefined;
    if (log && this.ownsMessageLog) {
      this.ownsMessageLog = false;
      await new Promise<void>((resolve) => log.end(resolve));
    }
  }

  // ---- configuration and faults -------------------------------------------------------------

  addToken(token: string): void {
    this.tokens.add(token);
    this.revoked.delete(token);
  }

  /** Later calls with this token answer `token_revoked`. */
  revokeToken(token: string): void {
    this.revoked.add(token);
  }

  /** Declares a channel (when channels are restricted) and returns its id. */
  addChannel(nameOrId: string): string {
    const name = channelName(nameOrId);
    const existing = this.idsByName.get(name);
    if (existing) return existing;
    const id = CHANNEL_ID.test(name)
      ? name
      : `C${createHash('sha1').update(name).digest('hex').slice(0, 10).toUpperCase()}`;
    this.idsByName.set(name, id);
    this.namesById.set(id, name);
    return id;
  }

  /** Later posts and updates in this channel answer `is_archived`. */
  archive(channel: string): void {
    const id = this.resolve(channel);
    if (id) this.archived.add(id);
  }

  /**
   * The next `count` calls (of `method` only, if given) fail. `{ status: 429 }` answers like
   * Slack's rate limiter (Retry-After, `ratelimited`); `{ error }` is an API error with HTTP
   * 200; any other status is an HTTP error.
   */
  failNext(count: number, fault: FakeSlackFault, method?: string): void {
    this.faults.add(count, toFaultOptions(fault), method);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Forgets messages, calls and faults; tokens and channels stay. */
  reset(): void {
    this.store.clear();
    this.callLog = [];
    this.responseUrlLog = [];
    this.faults.clear();
    this.limiters.clear();
    this.archived.clear();
    this.clearRequests();
  }

  // ---- what was said ------------------------------------------------------------------------

  get calls(): readonly FakeSlackCall[] {
    return this.callLog;
  }

  /** Top-level messages of a channel (name or id), oldest first, as they are now. */
  messages(channel: string): FakeSlackMessage[] {
    const id = this.resolve(channel);
    return id ? (this.store.get(id) ?? []).filter((m) => m.threadTs === undefined) : [];
  }

  /** Replies in the thread of `ts`, oldest first. */
  replies(channel: string, ts: string): FakeSlackMessage[] {
    const id = this.resolve(channel);
    return id ? (this.store.get(id) ?? []).filter((m) => m.threadTs === ts) : [];
  }

  /** Someone deleted the message: chat.update of it answers `message_not_found`. */
  deleteMessage(channel: string, ts: string): boolean {
    const id = this.resolve(channel);
    const list = id ? this.store.get(id) : undefined;
    if (!list) return false;
    const index = list.findIndex((m) => m.ts === ts);
    if (index < 0) return false;
    list.splice(index, 1);
    return true;
  }

  /** The channel id Slack would answer with for a name (or the id itself). */
  channelId(channel: string): string | undefined {
    return this.resolve(channel);
  }

  /** What the app POSTed to the `response_url` of interactions built by `blockAction`. */
  get responseUrlCalls(): readonly FakeSlackResponseUrlCall[] {
    return this.responseUrlLog;
  }

  /**
   * A signed `block_actions` interaction as Slack POSTs it to the app's interactivity URL
   * when someone clicks a button of a message (default: Acknowledge). Send `body` with
   * `headers` to the endpoint under test.
   */
  blockAction(options: {
    signingSecret: string;
    channel: string;
    messageTs: string;
    value: string;
    actionId?: string;
    user?: { id: string; name: string };
    nowSeconds?: number;
  }): { body: string; headers: Record<string, string> } {
    const channel = this.resolve(options.channel) ?? options.channel;
    const user = options.user ?? { id: 'U0RESPONDR', name: 'responder' };
    const seconds = options.nowSeconds ?? Math.floor(this.clock.nowMs() / 1000);
    const responseId = createHash('sha1')
      .update(`${channel}:${options.messageTs}:${String(this.responseUrlLog.length)}:${seconds}`)
      .digest('hex')
      .slice(0, 16);
    const payload = {
      type: 'block_actions',
      user: { id: user.id, username: user.name, name: user.name, team_id: FAKE_SLACK_TEAM_ID },
      api_app_id: 'A0FAKEAPP1',
      token: 'legacy-verification-token',
      container: {
        type: 'message',
        message_ts: options.messageTs,
        channel_id: channel,
        is_ephemeral: false,
      },
      trigger_id: `${seconds}.fake.trigger`,
      team: { id: FAKE_SLACK_TEAM_ID, domain: 'vaultwatch-fake' },
      channel: { id: channel, name: this.namesById.get(channel) ?? channel },
      message: this.findMessage(channel, options.messageTs) ?? { ts: options.messageTs },
      response_url: `${this.url}/response/${responseId}`,
      actions: [
        {
          type: 'button',
          action_id: options.actionId ?? 'acknowledge',
          block_id: 'incident',
          text: { type: 'plain_text', text: 'Acknowledge', emoji: true },
          value: options.value,
          action_ts: `${seconds}.000000`,
        },
      ],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const timestamp = String(seconds);
    return {
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': slackSignature({
          signingSecret: options.signingSecret,
          timestamp,
          rawBody: body,
        }),
      },
    };
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  protected handle(req: IncomingRequest): Reply {
    if (req.path.startsWith('/response/') && req.method === 'POST') {
      this.responseUrlLog.push({
        id: req.path.slice('/response/'.length),
        body: parseJson(req.rawBody) ?? req.rawBody,
        at: Date.now(),
      });
      return { status: 200, text: 'ok' };
    }
    if (!req.path.startsWith('/api/')) return { status: 404, text: 'not found' };
    const method = req.path.slice('/api/'.length);
    const params = readParams(req);
    const token = req.bearer ?? (typeof params.token === 'string' ? params.token : undefined);
    const outcome = this.dispatch(method, req.method, params, token);
    const ok = outcome.json.ok === true;
    const call: FakeSlackCall = {
      method,
      token,
      params,
      status: outcome.status,
      ok,
      at: Date.now(),
    };
    if (!ok && typeof outcome.json.error === 'string') call.error = outcome.json.error;
    this.callLog.push(call);
    return { status: outcome.status, json: outcome.json, headers: outcome.headers };
  }

  private dispatch(
    method: string,
    httpMethod: string,
    params: Record<string, unknown>,
    token: string | undefined,
  ): Outcome {
    const fault = this.faults.take([method]);
    if (fault) {
      return {
        status: fault.status,
        json: (fault.body as Record<string, unknown> | undefined) ?? {
          ok: false,
          error: 'fatal_error',
        },
        headers:
          fault.retryAfterSeconds !== undefined
            ? { 'retry-after': String(fault.retryAfterSeconds) }
            : undefined,
      };
    }
    if (!METHODS.has(method)) return { status: 404, json: { ok: false, error: 'unknown_method' } };
    if (httpMethod !== 'POST' && httpMethod !== 'GET')
      return { status: 405, json: { ok: false, error: 'method_not_supported_for_channel_type' } };
    if (!token) return apiError('not_authed');
    if (this.revoked.has(token)) return apiError('token_revoked');
    if (!this.tokens.has(token)) return apiError('invalid_auth');
    switch (method) {
      case 'auth.test':
        return {
          status: 200,
          json: {
            ok: true,
            url: 'https://vaultwatch-fake.slack.com/',
            team: 'vaultwatch fake',
            user: 'vaultwatch',
            team_id: FAKE_SLACK_TEAM_ID,
            user_id: FAKE_SLACK_BOT_USER_ID,
            bot_id: FAKE_SLACK_BOT_ID,
            is_enterprise_install: false,
          },
        };
      case 'chat.postMessage':
        return this.postMessage(params);
      case 'conversations.history':
      case 'conversations.replies':
        return this.history(params, method === 'conversations.replies');
      default:
        return this.update(params);
    }
  }

  private postMessage(params: Record<string, unknown>): Outcome {
    const channel = typeof params.channel === 'string' ? this.resolve(params.channel) : undefined;
    if (!channel) return apiError('channel_not_found');
    if (this.archived.has(channel)) return apiError('is_archived');
    const content = readContent(params);
    if ('error' in content) return apiError(content.error);
    const threadTs = nonEmpty(params.thread_ts);
    if (threadTs !== undefined) {
      const parent = this.findMessage(channel, threadTs);
      // A reply to a reply joins the parent's thread, as in Slack.
      if (!parent) return apiError('thread_not_found');
    }
    if (this.postsPerSecond !== undefined) {
      let limiter = this.limiters.get(channel);
      if (!limiter) {
        limiter = new RateLimiter([{ limit: this.postsPerSecond, windowMs: 1000 }]);
        this.limiters.set(channel, limiter);
      }
      const waitMs = limiter.acquire();
      if (waitMs > 0)
        return {
          status: 429,
          json: { ok: false, error: 'ratelimited' },
          headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
        };
    }
    const parentTs =
      threadTs !== undefined
        ? (this.findMessage(channel, threadTs)?.threadTs ?? threadTs)
        : undefined;
    const message: FakeSlackMessage = {
      channel,
      ts: this.nextTs(),
      text: content.text,
      replyBroadcast: parentTs !== undefined && truthy(params.reply_broadcast),
      user: FAKE_SLACK_BOT_USER_ID,
      botId: FAKE_SLACK_BOT_ID,
      updates: 0,
    };
    if (parentTs !== undefined) message.threadTs = parentTs;
    if (content.blocks) message.blocks = content.blocks;
    const metadata = readMetadata(params.metadata);
    if (metadata) message.metadata = metadata;
    const list = this.store.get(channel) ?? [];
    list.push(message);
    this.store.set(channel, list);
    this.logMessage('chat.postMessage', message);
    return {
      status: 200,
      json: { ok: true, channel, ts: message.ts, message: wireMessage(message) },
    };
  }

  private update(params: Record<string, unknown>): Outcome {
    // chat.update takes the channel id that chat.postMessage answered with, not a #name.
    const raw = typeof params.channel === 'string' ? params.channel : '';
    const channel =
      this.namesById.has(raw) || (!this.restrictChannels && CHANNEL_ID.test(raw)) ? raw : undefined;
    if (!channel) return apiError('channel_not_found');
    if (this.archived.has(channel)) return apiError('is_archived');
    const ts = nonEmpty(params.ts);
    const message = ts !== undefined ? this.findMessage(channel, ts) : undefined;
    if (!message) return apiError('message_not_found');
    const content = readContent(params);
    if ('error' in content) return apiError(content.error);
    message.text = content.text;
    if (content.blocks) message.blocks = content.blocks;
    else delete message.blocks;
    message.updates++;
    message.edited = { user: FAKE_SLACK_BOT_USER_ID, ts: this.nextTs() };
    this.logMessage('chat.update', message);
    return {
      status: 200,
      json: {
        ok: true,
        channel,
        ts: message.ts,
        text: message.text,
        message: wireMessage(message),
      },
    };
  }

  /**
   * conversations.history (top-level messages) and conversations.replies (a thread, parent
   * first), newest first as Slack answers, from `oldest`; by channel id only, as in Slack.
   * Metadata only with `include_all_metadata`.
   */
  private history(params: Record<string, unknown>, replies: boolean): Outcome {
    const raw = typeof params.channel === 'string' ? params.channel : '';
    if (!this.namesById.has(raw) && !(!this.restrictChannels && CHANNEL_ID.test(raw)))
      return apiError('channel_not_found');
    const oldest = Number(nonEmpty(params.oldest) ?? '0');
    const threadTs = nonEmpty(params.ts);
    if (replies && (threadTs === undefined || !this.findMessage(raw, threadTs)))
      return apiError('thread_not_found');
    const withMetadata = truthy(params.include_all_metadata);
    const messages = (this.store.get(raw) ?? [])
      .filter((m) =>
        replies ? m.ts === threadTs || m.threadTs === threadTs : m.threadTs === undefined,
      )
      .filter((m) => Number(m.ts) >= oldest)
      .sort((a, b) => Number(b.ts) - Number(a.ts))
      .map((m) => ({
        ...wireMessage(m),
        ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
      }));
    return { status: 200, json: { ok: true, messages, has_more: false } };
  }

  private findMessage(channel: string, ts: string): FakeSlackMessage | undefined {
    return this.store.get(channel)?.find((m) => m.ts === ts);
  }

  private resolve(channel: string): string | undefined {
    const name = channelName(channel);
    if (this.namesById.has(name)) return name;
    const id = this.idsByName.get(name);
    if (id) return id;
    return this.restrictChannels || name === '' ? undefined : this.addChannel(name);
  }

  /** Slack ts: epoch seconds with microseconds, strictly increasing. */
  private nextTs(): string {
    this.lastMicros = Math.max(this.clock.nowMs() * 1000, this.lastMicros + 1);
    const seconds = Math.floor(this.lastMicros / 1_000_000);
    const micros = this.lastMicros % 1_000_000;
    return `${seconds}.${String(micros).padStart(6, '0')}`;
  }

  private logMessage(method: string, message: FakeSlackMessage): void {
    if (!this.messageLog) return;
    const line = {
      at: new Date(this.clock.nowMs()).toISOString(),
      method,
      channel: message.channel,
      channelName: this.namesById.get(message.channel) ?? message.channel,
      ts: message.ts,
      threadTs: message.threadTs,
      replyBroadcast: message.replyBroadcast || undefined,
      text: message.text,
      blocks: message.blocks,
    };
    this.messageLog.write(`${JSON.stringify(line)}\n`);
  }
}

const realClock: Clock = {
  now: () => new Date(),
  nowMs: () => Date.now(),
};

function toFaultOptions(fault: FakeSlackFault): FaultOptions {
  if ('error' in fault) return { status: 200, body: { ok: false, error: fault.error } };
  if (fault.status === 429)
    return {
      status: 429,
      retryAfterSeconds: 'retryAfterSeconds' in fault ? (fault.retryAfterSeconds ?? 1) : 1,
      body: { ok: false, error: 'ratelimited' },
    };
  return {
    status: fault.status,
    body:
      'body' in fault && fault.body !== undefined
        ? fault.body
        : { ok: false, error: 'fatal_error' },
  };
}

function apiError(error: string): Outcome {
  return { status: 200, json: { ok: false, error } };
}

function channelName(channel: string): string {
  return channel.trim().replace(/^#/, '');
}

function readParams(req: IncomingRequest): Record<string, unknown> {
  const params: Record<string, unknown> = Object.fromEntries(req.query);
  const contentType = req.headers['content-type'] ?? '';
  if (/^application\/json\b/i.test(contentType)) {
    const body = parseJson(req.rawBody);
    if (body !== null && typeof body === 'object' && !Array.isArray(body))
      Object.assign(params, body);
  } else if (req.rawBody !== '') {
    for (const [key, value] of new URLSearchParams(req.rawBody)) params[key] = value;
  }
  return params;
}

/** The message's text and blocks, or the error Slack would answer. */
function readContent(
  params: Record<string, unknown>,
): { text: string; blocks?: unknown[] } | { error: string } {
  const text = typeof params.text === 'string' ? params.text : '';
  let blocks: unknown = params.blocks;
  if (typeof blocks === 'string') {
    blocks = parseJson(blocks);
    if (blocks === undefined) return { error: 'invalid_blocks_format' };
  }
  if (blocks !== undefined) {
    if (
      !Array.isArray(blocks) ||
      blocks.length > MAX_BLOCKS ||
      !blocks.every(
        (b): boolean =>
          b !== null && typeof b === 'object' && typeof (b as { type?: unknown }).type === 'string',
      )
    )
      return { error: 'invalid_blocks' };
  }
  const list = blocks as unknown[] | undefined;
  if (text === '' && (!list || list.length === 0) && params.attachments === undefined)
    return { error: 'no_text' };
  if (text.length > MAX_TEXT) return { error: 'msg_too_long' };
  return list && list.length > 0 ? { text, blocks: list } : { text };
}

function wireMessage(message: FakeSlackMessage): Record<string, unknown> {
  return {
    type: 'message',
    user: message.user,
    bot_id: message.botId,
    app_id: 'A0FAKEAPP1',
    team: FAKE_SLACK_TEAM_ID,
    text: message.text,
    ts: message.ts,
    ...(message.threadTs !== undefined ? { thread_ts: message.threadTs } : {}),
    ...(message.blocks ? { blocks: message.blocks } : {}),
    ...(message.edited ? { edited: message.edited } : {}),
  };
}

function readMetadata(value: unknown): FakeSlackMessage['metadata'] | undefined {
  const parsed = typeof value === 'string' ? parseJson(value) : value;
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { event_type: type, event_payload: payload } = parsed as Record<string, unknown>;
  if (typeof type !== 'string' || typeof payload !== 'object' || payload === null) return undefined;
  return { event_type: type, event_payload: payload as Record<string, unknown> };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true' || value === '1';
}
