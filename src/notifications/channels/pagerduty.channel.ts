import { z } from 'zod';
import type { IncidentStatus } from '../../incidents/incident-status';
import type { Severity } from '../../rules/engine/rule-definition';
import { DestinationGuard } from '../destinations/destination-guard';
import {
  type ChannelSendResult,
  type DeliveryThread,
  type IncidentMessage,
  type NotificationChannel,
  PermanentDeliveryError,
} from './channel';
import { httpUrl, secret } from './channel-settings';
import { answerError, guardedPost } from './guarded-post';
import { actorLabel, headline, isWebUrl, oneLine } from './incident-text';

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

const pagerDutySettings = z.object({
  /** The Events API v2 integration key of a PagerDuty service. */
  routingKey: secret(
    z
      .string({ error: 'required: a PagerDuty integration key (32 characters)' })
      .regex(/^[A-Za-z0-9]{32}$/, 'required: a PagerDuty integration key (32 characters)'),
  ),
  /** Another Events API endpoint (the EU service region, a fake in tests). */
  apiUrl: httpUrl().default(PAGERDUTY_EVENTS_URL),
});

export type PagerDutyChannelConfig = z.output<typeof pagerDutySettings>;

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';
export type PagerDutyAction = 'trigger' | 'acknowledge' | 'resolve';

const SEVERITY: Record<Severity, PagerDutySeverity> = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'warning',
  info: 'info',
};

/** The incident's state decides: a reopened or unsnoozed incident pages again. */
const ACTION: Record<IncidentStatus, PagerDutyAction> = {
  triggered: 'trigger',
  // PagerDuty has no snooze through events: acknowledging stops the paging until it ends.
  snoozed: 'acknowledge',
  acknowledged: 'acknowledge',
  resolved: 'resolve',
};

/** An Events API v2 event (https://developer.pagerduty.com/docs/events-api-v2/trigger-events/). */
export interface PagerDutyEvent {
  routing_key: string;
  event_action: PagerDutyAction;
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: PagerDutySeverity;
    timestamp: string;
    component: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
  links?: Array<{ href: string; text: string }>;
  client?: string;
  client_url?: string;
}

export interface PagerDutyChannelOptions {
  /** Whole request, answer included. Default 10 s. */
  timeoutMs?: number;
  /** Which addresses the API URL may reach. Default: public addresses only. */
  guard?: DestinationGuard;
}

/**
 * PagerDuty through the Events API v2: one alert per incident, its dedup key derived from the
 * incident, so that acknowledging or resolving the incident does the same to the alert.
 * 202 is accepted, 400 is a bad event (permanent), 429 and 5xx pass.
 */
export class PagerDutyChannel implements NotificationChannel<typeof pagerDutySettings> {
  readonly type = 'pagerduty';
  readonly settings = pagerDutySettings;
  readonly destinationField = 'apiUrl';
  private readonly timeoutMs: number;
  private readonly guard: DestinationGuard;

  constructor(options: PagerDutyChannelOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.guard = options.guard ?? new DestinationGuard(false);
  }

  async send(
    config: PagerDutyChannelConfig,
    message: IncidentMessage,
    thread: DeliveryThread | null,
  ): Promise<ChannelSendResult> {
    const event = pagerDutyEvent(config.routingKey, message);
    const answer = await guardedPost('PagerDuty POST', config.apiUrl, {
      headers: { 'Content-Type': 'application/json', 'User-Agent': 'vaultwatch-pagerduty/1' },
      body: JSON.stringify(event),
      guard: this.guard,
      timeoutMs: this.timeoutMs,
      maxBodyBytes: 64 * 1024,
      nowMs: Date.now(),
    });
    if (answer.status === 202) return { thread: thread ?? {}, providerRef: event.dedup_key };
    if (answer.status === 400)
      throw new PermanentDeliveryError(
        `${answer.target} refused the event: ${invalidEventReason(answer.body, config.routingKey)}`,
        'rejected',
      );
    throw answerError(answer);
  }
}

/** The event telling PagerDuty the incident's current state. */
export function pagerDutyEvent(routingKey: string, message: IncidentMessage): PagerDutyEvent {
  const action = ACTION[message.status];
  const dedupKey =
    message.change === 'test'
      ? `vaultwatch-test-${message.changeId}`
      : `vaultwatch-incident-${message.incidentId}`;
  const event: PagerDutyEvent = {
    routing_key: routingKey,
    event_action: action,
    dedup_key: dedupKey,
  };
  if (action !== 'trigger') return event;
  const link = isWebUrl(message.url) ? message.url : undefined;
  return {
    ...event,
    payload: {
      summary: oneLine(headline(message), 1024),
      source: message.actor ? oneLine(actorLabel(message), 255) : 'vaultwatch',
      severity: SEVERITY[message.severity],
      timestamp: message.lastSeenAt.toISOString(),
      component: oneLine(message.ruleName, 255),
      class: message.ruleId,
      custom_details: {
        explanation: message.explanation,
        ...(message.account ? { account: message.account } : {}),
        alerts: message.alertCount,
        first_seen: message.firstSeenAt.toISOString(),
        last_seen: message.lastSeenAt.toISOString(),
        change: message.change,
        ...(message.by ? { by: message.by } : {}),
        ...(message.note ? { note: message.note } : {}),
        ...(message.runbook.trim() ? { runbook: message.runbook } : {}),
        ...(message.tags.length ? { tags: message.tags } : {}),
      },
    },
    client: 'vaultwatch',
    ...(link
      ? { client_url: link, links: [{ href: link, text: 'View incident in vaultwatch' }] }
      : {}),
  };
}

/** PagerDuty's `errors` of a 400 answer, one line, never the routing key. */
function invalidEventReason(body: Buffer, routingKey: string): string {
  let reason = 'invalid event';
  try {
    const answer = JSON.parse(body.toString('utf8')) as { message?: unknown; errors?: unknown };
    const errors = Array.isArray(answer.errors) ? answer.errors.map(String).join('; ') : '';
    if (typeof answer.message === 'string') reason = answer.message;
    if (errors) reason += `: ${errors}`;
  } catch {
    // Not PagerDuty's JSON: the status says enough.
  }
  return oneLine(reason.split(routingKey).join('[redacted]'), 500);
}
