import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A fake PagerDuty Events API v2 (`POST /v2/enqueue`) on 127.0.0.1. It checks events as
 * PagerDuty documents them (https://developer.pagerduty.com/docs/events-api-v2/overview/):
 * a bad event is answered 400 `{status, message, errors}`, an accepted one 202
 * `{status: 'success', message: 'Event processed', dedup_key}`. Alerts are kept by dedup key
 * with the state the events gave them; `failNext` queues 429 or 5xx answers.
 */

export type PagerDutyAction = 'trigger' | 'acknowledge' | 'resolve';
export type AlertStatus = 'triggered' | 'acknowledged' | 'resolved';

export interface ReceivedEvent {
  routingKey: string;
  action: PagerDutyAction;
  dedupKey: string;
  /** The whole event as sent. */
  body: Record<string, unknown>;
}

export interface FakeAlert {
  dedupKey: string;
  routingKey: string;
  status: AlertStatus;
  summary: string;
  severity: string;
}

const ACTIONS: readonly string[] = ['trigger', 'acknowledge', 'resolve'];
const SEVERITIES: readonly string[] = ['critical', 'error', 'warning', 'info'];
const STATUS: Record<PagerDutyAction, AlertStatus> = {
  trigger: 'triggered',
  acknowledge: 'acknowledged',
  resolve: 'resolved',
};

export class FakePagerDuty {
  /** Accepted events, in order. */
  readonly events: ReceivedEvent[] = [];
  /** Every request's answer status, refused ones included. */
  readonly answers: number[] = [];
  private readonly alerts = new Map<string, FakeAlert>();
  private readonly faults: Array<{ status: number; retryAfterSeconds?: number }> = [];
  private server: Server | undefined;
  private port = 0;

  /** `routingKeys`: the integration keys that exist; any well-formed key when absent. */
  constructor(private readonly routingKeys?: ReadonlySet<string>) {}

  /** The enqueue URL to configure a channel with. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/v2/enqueue`;
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.url;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** The next `count` requests are answered `status` (429 or 5xx) before anything is read. */
  failNext(count: number, status: number, retryAfterSeconds?: number): void {
    for (let i = 0; i < count; i++) this.faults.push({ status, retryAfterSeconds });
  }

  alert(dedupKey: string): FakeAlert | undefined {
    return this.alerts.get(dedupKey);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        this.answers.push(status);
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url?.split('?')[0] !== '/v2/enqueue') {
        reply(404, { status: 'not found', message: 'Not Found' });
        return;
      }
      const fault = this.faults.shift();
      if (fault) {
        const headers: Record<string, string> =
          fault.retryAfterSeconds === undefined
            ? {}
            : { 'Retry-After': String(fault.retryAfterSeconds) };
        reply(
          fault.status,
          fault.status === 429
            ? {
                status: 'throttle event',
                message: 'Requests for this service are arriving too quickly. Please retry later.',
              }
            : { status: 'error', message: 'Internal Server Error' },
          headers,
        );
        return;
      }
      const result = this.accept(Buffer.concat(chunks).toString('utf8'));
      if ('errors' in result)
        reply(400, {
          status: 'invalid event',
          message: 'Event object is invalid',
          errors: result.errors,
        });
      else
        reply(202, { status: 'success', message: 'Event processed', dedup_key: result.dedupKey });
    });
  }

  private accept(text: string): { dedupKey: string } | { errors: string[] } {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { errors: ['Malformed JSON'] };
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return { errors: ['Event object must be a JSON object'] };
    const event = body as Record<string, unknown>;
    const errors = eventErrors(event);
    const routingKey = event.routing_key;
    if (errors.length === 0 && this.routingKeys && !this.routingKeys.has(routingKey as string))
      errors.push('Invalid routing key');
    if (errors.length) return { errors };

    const action = event.event_action as PagerDutyAction;
    const dedupKey =
      typeof event.dedup_key === 'string' ? event.dedup_key : randomBytes(16).toString('hex');
    this.events.push({ routingKey: routingKey as string, action, dedupKey, body: event });
    const existing = this.alerts.get(dedupKey);
    const payload = event.payload as { summary: string; severity: string } | undefined;
    if (action === 'trigger' && (!existing || existing.status === 'resolved'))
      this.alerts.set(dedupKey, {
        dedupKey,
        routingKey: routingKey as string,
        status: 'triggered',
        summary: payload!.summary,
        severity: payload!.severity,
      });
    // An acknowledge or resolve of an unknown alert is accepted and does nothing, like PagerDuty.
    else if (existing && action !== 'trigger' && existing.status !== 'resolved')
      existing.status = STATUS[action];
    return { dedupKey };
  }
}

/** What PagerDuty would say is wrong with an event, in its words. */
function eventErrors(event: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const { routing_key: routingKey, event_action: action, dedup_key: dedupKey } = event;
  if (typeof routingKey !== 'string') errors.push("'routing_key' is missing or blank");
  else if (routingKey.length !== 32)
    errors.push("Length of 'routing_key' is incorrect (should be 32 characters)");
  if (typeof action !== 'string' || !ACTIONS.includes(action))
    errors.push("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)");
  if (dedupKey !== undefined && (typeof dedupKey !== 'string' || dedupKey.length > 255))
    errors.push("'dedup_key' must be a string of at most 255 characters");
  if ((action === 'acknowledge' || action === 'resolve') && typeof dedupKey !== 'string')
    errors.push(`'dedup_key' is required for ${action} events`);
  if (action === 'trigger') errors.push(...payloadErrors(event.payload));
  if (event.links !== undefined && !isLinkList(event.links))
    errors.push("'links' must be a list of {href, text}");
  return errors;
}

function payloadErrors(payload: unknown): string[] {
  if (typeof payload !== 'object' || payload === null)
    return ["'payload' is missing or not an object"];
  const { summary, source, severity, timestamp } = payload as Record<string, unknown>;
  const errors: string[] = [];
  if (typeof summary !== 'string' || summary.trim() === '')
    errors.push("'payload.summary' is missing or blank");
  else if (summary.length > 1024) errors.push("'payload.summary' is longer than 1024 characters");
  if (typeof source !== 'string' || source.trim() === '')
    errors.push("'payload.source' is missing or blank");
  if (typeof severity !== 'string' || !SEVERITIES.includes(severity))
    errors.push("'payload.severity' is invalid (must be one of: critical, error, warning, info)");
  if (
    timestamp !== undefined &&
    (typeof timestamp !== 'string' || Number.isNaN(Date.parse(timestamp)))
  )
    errors.push("'payload.timestamp' is not an ISO 8601 timestamp");
  return errors;
}

function isLinkList(links: unknown): boolean {
  return (
    Array.isArray(links) &&
    links.every(
      (link) =>
        typeof link === 'object' &&
        link !== null &&
        typeof (link as { href?: unknown }).href === 'string',
    )
  );
}
