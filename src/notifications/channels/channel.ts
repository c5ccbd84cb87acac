import type { z } from 'zod';
import type { IncidentChangeKind, IncidentStatus } from '../../incidents/incident-status';
import type { Severity } from '../../rules/engine/rule-definition';

/** Everything a channel needs to tell people about an incident change. No secrets inside. */
export interface IncidentMessage {
  incidentId: string;
  changeId: string;
  change: IncidentChangeKind;
  status: IncidentStatus;
  severity: Severity;
  /** A short line naming the rule once, such as "Bulk export: alice@example.com". */
  title: string;
  ruleId: string;
  ruleName: string;
  /** The 1Password account the incident is about; null when its events name none. */
  account: string | null;
  actor: { id: string; label: string | null } | null;
  /** The explanation of the latest alert, with its baseline figures. */
  explanation: string;
  alertCount: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  /** Link to the incident's console page: `${PUBLIC_URL}/incidents/:id`. */
  url: string;
  /** Who made the change (an API key's name or a Slack user) and their note. */
  by: string | null;
  note: string | null;
  snoozedUntil: Date | null;
  runbook: string;
  tags: string[];
}

/** What a channel keeps about its first message so that later changes update or thread it. */
export interface DeliveryThread {
  slack?: { channel: string; ts: string };
  email?: { rootMessageId: string };
}

export interface ChannelSendResult {
  thread: DeliveryThread;
  /** The provider's id of what was sent (Slack ts, SMTP message id, HTTP status). */
  providerRef: string;
}

/**
 * What kind of failure a delivery met, short enough to show anywhere (the channel test
 * answers it): never the peer's own text, which may quote secrets or internal hosts.
 */
export const DELIVERY_ERROR_CLASSES = [
  'refused_destination',
  'timeout',
  'connection_failed',
  'auth_failed',
  'rate_limited',
  'http_4xx',
  'http_5xx',
  'rejected', // the provider refused the message or its address (Slack error code, SMTP 5xx)
  'failed',
] as const;
export type DeliveryErrorClass = (typeof DELIVERY_ERROR_CLASSES)[number];

/** Retrying cannot help: invalid token, unknown channel, rejected address. */
export class PermanentDeliveryError extends Error {
  constructor(
    message: string,
    readonly errorClass: DeliveryErrorClass = 'rejected',
  ) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/** A passing failure: rate limit, timeout, server down. `retryAfterMs` when the provider said. */
export class RetryableDeliveryError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
    readonly errorClass: DeliveryErrorClass = 'failed',
  ) {
    super(message);
    this.name = 'RetryableDeliveryError';
  }
}

/**
 * Not a failure: the channel's own pacing (a rate gate shared by every worker) has no slot
 * soon enough. The delivery waits `retryAfterMs` and spends no attempt, so a burst of
 * incidents on one channel delays messages and never drops them.
 */
export class DeferredDeliveryError extends RetryableDeliveryError {
  declare readonly retryAfterMs: number;

  constructor(message: string, retryAfterMs: number) {
    super(message, retryAfterMs);
    this.name = 'DeferredDeliveryError';
  }
}

/** The class of anything a channel threw. */
export function deliveryErrorClass(error: unknown): DeliveryErrorClass {
  return error instanceof PermanentDeliveryError || error instanceof RetryableDeliveryError
    ? error.errorClass
    : 'failed';
}

/** What a send knows about earlier attempts at the same delivery. */
export interface SendContext {
  /**
   * An earlier attempt started then and never recorded its outcome (its process died): it may
   * have sent. A channel that can look up what it sent checks before sending again.
   */
  unfinishedAttemptAt?: Date | null;
}

/** A channel's settings and secrets, in one object schema; secret fields wrapped in `secret()`. */
export type ChannelSettingsSchema = z.ZodObject<Record<string, z.ZodType>>;

/**
 * A way to reach people. `settings` validates what an admin configures (secrets included,
 * marked) and yields the config `send` gets. `thread` is what the channel returned for this
 * incident's first message (null for the first): later changes update that message or reply
 * in its thread. Errors must not contain secrets (tokens, passwords, signing keys).
 */
export interface NotificationChannel<S extends ChannelSettingsSchema = ChannelSettingsSchema> {
  readonly type: string;
  readonly settings: S;
  /**
   * The field naming where requests go (a URL, an SMTP URL): it is checked against the
   * destination guard, and changing it requires the secrets again.
   */
  readonly destinationField: keyof z.output<S> & string;
  send(
    config: z.output<S>,
    message: IncidentMessage,
    thread: DeliveryThread | null,
    context?: SendContext,
  ): Promise<ChannelSendResult>;
}

/** The config a channel sends with: its settings schema's output. */
export type ConfigOf<C> = C extends NotificationChannel<infer S> ? z.output<S> : never;
