import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import {
  type ChannelSendResult,
  type DeliveryThread,
  type IncidentMessage,
  type NotificationChannel,
} from './channel';
import { httpUrl, secret } from './channel-settings';
import type { IncidentChangeKind, IncidentStatus } from '../../incidents/incident-status';
import { DestinationGuard } from '../destinations/destination-guard';
import { answerError, guardedPost } from './guarded-post';
import type { Severity } from '../../rules/engine/rule-definition';

const webhookSettings = z.object({
  url: httpUrl('required: an http(s) URL'),
  /** HMAC-SHA256 key for the signature header. */
  secret: secret(
    z
      .string({ error: 'required: at least 16 characters, the HMAC-SHA256 key' })
      .min(16, 'required: at least 16 characters, the HMAC-SHA256 key'),
  ),
});

export type WebhookChannelConfig = z.output<typeof webhookSettings>;

/**
 * The JSON body of a webhook delivery (version 1). Times are ISO 8601 UTC. One delivery per
 * incident change: `changeId` (also in `X-Vaultwatch-Delivery`) is the receiver's idempotency
 * key, as a retried delivery carries the same one.
 */
export interface WebhookPayload {
  version: 1;
  incidentId: string;
  changeId: string;
  change: IncidentChangeKind;
  status: IncidentStatus;
  severity: Severity;
  title: string;
  rule: { id: string; name: string };
  /** The 1Password account the incident is about; null when its events name none. */
  account: string | null;
  actor: { id: string; label: string | null } | null;
  explanation: string;
  alertCount: number;
  firstSeenAt: string;
  lastSeenAt: string;
  snoozedUntil: string | null;
  url: string;
  by: string | null;
  note: string | null;
  runbook: string;
  tags: string[];
}

export const WEBHOOK_TIMESTAMP_HEADER = 'X-Vaultwatch-Timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'X-Vaultwatch-Signature';
export const WEBHOOK_DELIVERY_HEADER = 'X-Vaultwatch-Delivery';

export interface WebhookChannelOptions {
  /** Whole request, answer included. Default 10 s. */
  timeoutMs?: number;
  /** Epoch milliseconds for the timestamp header (tests). */
  now?: () => number;
  /** Which addresses may be reached. Default: public addresses only. */
  guard?: DestinationGuard;
}

/**
 * A signed JSON POST. The signature covers the timestamp and the exact body bytes
 * (`v1=` + hex HMAC-SHA256 of `<timestamp>.<body>`), so receivers can refuse forged and
 * replayed calls with `verifyWebhookSignature`.
 */
export class WebhookChannel implements NotificationChannel<typeof webhookSettings> {
  readonly type = 'webhook';
  readonly settings = webhookSettings;
  readonly destinationField = 'url';
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly guard: DestinationGuard;

  constructor(options: WebhookChannelOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.guard = options.guard ?? new DestinationGuard(false);
  }

  async send(
    config: WebhookChannelConfig,
    message: IncidentMessage,
    thread: DeliveryThread | null,
  ): Promise<ChannelSendResult> {
    const body = JSON.stringify(webhookPayload(message));
    const timestamp = String(Math.floor(this.now() / 1000));
    const answer = await guardedPost('webhook POST', config.url, {
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'vaultwatch-webhook/1',
        [WEBHOOK_TIMESTAMP_HEADER]: timestamp,
        [WEBHOOK_SIGNATURE_HEADER]: signWebhookPayload(config.secret, timestamp, body),
        [WEBHOOK_DELIVERY_HEADER]: message.changeId,
      },
      body,
      guard: this.guard,
      timeoutMs: this.timeoutMs,
      // The answer's body means nothing to us: dropped unread.
      maxBodyBytes: 0,
      nowMs: this.now(),
    });
    if (answer.status >= 200 && answer.status < 300)
      return { thread: thread ?? {}, providerRef: `HTTP ${answer.status}` };
    throw answerError(answer);
  }
}

export function webhookPayload(message: IncidentMessage): WebhookPayload {
  return {
    version: 1,
    incidentId: message.incidentId,
    changeId: message.changeId,
    change: message.change,
    status: message.status,
    severity: message.severity,
    title: message.title,
    rule: { id: message.ruleId, name: message.ruleName },
    account: message.account,
    actor: message.actor ? { id: message.actor.id, label: message.actor.label } : null,
    explanation: message.explanation,
    alertCount: message.alertCount,
    firstSeenAt: message.firstSeenAt.toISOString(),
    lastSeenAt: message.lastSeenAt.toISOString(),
    snoozedUntil: message.snoozedUntil ? message.snoozedUntil.toISOString() : null,
    url: message.url,
    by: message.by,
    note: message.note,
    runbook: message.runbook,
    tags: [...message.tags],
  };
}

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. */
export function signWebhookPayload(
  secret: string,
  timestamp: string | number,
  body: string,
): string {
  return `v1=${hmacHex(secret, `${String(timestamp)}.${body}`)}`;
}

/**
 * For receivers: true when `header` holds a v1 signature of this exact body and timestamp,
 * and the timestamp is within `toleranceSeconds` of `nowSeconds` (either way). The header
 * may list several signatures, comma separated (secret rotation). Constant-time comparison.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | number | null | undefined,
  body: string | Buffer,
  header: string | null | undefined,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  if (secret === '' || timestamp === null || timestamp === undefined || !header) return false;
  const text = String(timestamp).trim();
  if (!/^\d{1,12}$/.test(text)) return false;
  if (Math.abs(nowSeconds - Number(text)) > toleranceSeconds) return false;
  const expected = Buffer.from(
    createHmac('sha256', secret)
      .update(`${text}.`)
      .update(typeof body === 'string' ? Buffer.from(body) : body)
      .digest('hex'),
  );
  let ok = false;
  for (const part of header.split(',')) {
    const match = /^v1=([0-9a-f]{64})$/.exec(part.trim());
    if (!match) continue;
    // Every candidate is compared, so the time taken does not tell which one matched.
    if (timingSafeEqual(Buffer.from(match[1]), expected)) ok = true;
  }
  return ok;
}

function hmacHex(secret: string, data: string): string {
  return createHmac('sha256', secret).update(data).digest('hex');
}
