import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type IncidentMessage, PermanentDeliveryError, RetryableDeliveryError } from './channel';
import {
  signWebhookPayload,
  verifyWebhookSignature,
  WebhookChannel,
  type WebhookChannelConfig,
  type WebhookPayload,
} from './webhook.channel';
import { DestinationGuard } from '../destinations/destination-guard';
import { incidentMessage } from '../../../test/support/incident-message';

/** The fakes listen on 127.0.0.1. */
const LOCAL = new DestinationGuard(true);

const NOW_MS = Date.parse('2025-03-03T12:10:00Z');
const SECRET = 'whsec_test_0123456789';

const incident = (overrides: Partial<IncidentMessage> = {}): IncidentMessage =>
  incidentMessage({
    incidentId: 'inc-1',
    changeId: 'change-42',
    change: 'acknowledged',
    status: 'acknowledged',
    alertCount: 2,
    url: 'http://localhost:3000/incidents/inc-1',
    by: 'bob',
    note: 'checking',
    runbook: '',
    ...overrides,
  });

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A receiver whose answers the test sets; `hang` never answers. */
class Receiver {
  readonly received: Received[] = [];
  answer: { status: number; headers?: Record<string, string> } | 'hang' = { status: 204 };
  private server: Server | undefined;

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const answer = this.answer;
        if (answer === 'hang') return;
        res.writeHead(answer.status, answer.headers);
        res.end('{"received":true}');
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('WebhookChannel', () => {
  let receiver: Receiver;
  let base: string;
  let config: WebhookChannelConfig;
  let channel: WebhookChannel;

  beforeEach(async () => {
    receiver = new Receiver();
    base = await receiver.start();
    config = { url: `${base}/hooks/vaultwatch?token=path-secret`, secret: SECRET };
    channel = new WebhookChannel({ timeoutMs: 1_000, now: () => NOW_MS, guard: LOCAL });
  });

  afterEach(async () => {
    await receiver.stop();
  });

  it('POSTs the documented JSON payload with a signature the receiver can verify', async () => {
    const result = await channel.send(config, incident(), null);

    expect(result).toEqual({ thread: {}, providerRef: 'HTTP 204' });
    const [request] = receiver.received;
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-vaultwatch-delivery']).toBe('change-42');
    const timestamp = request.headers['x-vaultwatch-timestamp'] as string;
    expect(timestamp).toBe(String(NOW_MS / 1000));
    const signature = request.headers['x-vaultwatch-signature'] as string;
    expect(signature).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(SECRET, timestamp, request.body, signature, NOW_MS / 1000)).toBe(
      true,
    );

    const payload = JSON.parse(request.body) as WebhookPayload;
    expect(payload).toEqual({
      version: 1,
      incidentId: 'inc-1',
      changeId: 'change-42',
      change: 'acknowledged',
      status: 'acknowledged',
      severity: 'high',
      title: 'Bulk export: alice@example.com',
      rule: { id: 'bulk-export', name: 'Bulk export' },
      account: null,
      actor: { id: 'WXYZ1234', label: 'alice@example.com' },
      explanation: '25 exports in 10 min (threshold 20)',
      alertCount: 2,
      firstSeenAt: '2025-03-03T12:00:00.000Z',
      lastSeenAt: '2025-03-03T12:09:30.000Z',
      snoozedUntil: null,
      url: 'http://localhost:3000/incidents/inc-1',
      by: 'bob',
      note: 'checking',
      runbook: '',
      tags: ['T1530'],
    });
  });

  it('treats 5xx and 429 as retryable, honouring Retry-After in seconds or as a date', async () => {
    receiver.answer = { status: 500 };
    const serverError = await rejection(channel.send(config, incident(), null));
    expect(serverError).toBeInstanceOf(RetryableDeliveryError);
    expect((serverError as RetryableDeliveryError).retryAfterMs).toBeUndefined();

    receiver.answer = { status: 503, headers: { 'retry-after': '30' } };
    const unavailable = await rejection(channel.send(config, incident(), null));
    expect((unavailable as RetryableDeliveryError).retryAfterMs).toBe(30_000);

    receiver.answer = {
      status: 429,
      headers: { 'retry-after': new Date(NOW_MS + 90_000).toUTCString() },
    };
    const limited = await rejection(channel.send(config, incident(), null));
    expect(limited).toBeInstanceOf(RetryableDeliveryError);
    expect((limited as RetryableDeliveryError).retryAfterMs).toBe(90_000);
  });

  it('treats other 4xx answers and redirects as permanent', async () => {
    receiver.answer = { status: 404 };
    await expect(channel.send(config, incident(), null)).rejects.toBeInstanceOf(
      PermanentDeliveryError,
    );
    receiver.answer = { status: 302, headers: { location: 'http://example.com/elsewhere' } };
    await expect(channel.send(config, incident(), null)).rejects.toBeInstanceOf(
      PermanentDeliveryError,
    );
    expect(receiver.received).toHaveLength(2);
  });

  it('treats refused connections and timeouts as retryable, naming only the origin', async () => {
    receiver.answer = 'hang';
    const timeout = await rejection(channel.send(config, incident(), null));
    expect(timeout).toBeInstanceOf(RetryableDeliveryError);
    expect(timeout.message).toBe(`webhook POST ${base} failed: timed out`);

    await receiver.stop();
    const refused = await rejection(channel.send(config, incident(), null));
    expect(refused).toBeInstanceOf(RetryableDeliveryError);
    expect(refused.message).toBe(`webhook POST ${base} failed: ECONNREFUSED`);
    expect(refused.message).not.toContain('path-secret');
  });

  it('refuses a URL that is not http(s) as permanent', async () => {
    await expect(
      channel.send({ ...config, url: 'file:///etc/passwd' }, incident(), null),
    ).rejects.toBeInstanceOf(PermanentDeliveryError);
  });
});

describe('verifyWebhookSignature', () => {
  const body = '{"incidentId":"inc-1"}';
  const now = 1_750_000_000;
  const header = signWebhookPayload(SECRET, now, body);

  it('accepts the signature of this body and timestamp within the tolerance', () => {
    expect(verifyWebhookSignature(SECRET, String(now), body, header, now)).toBe(true);
    expect(verifyWebhookSignature(SECRET, now, Buffer.from(body), header, now + 299)).toBe(true);
    // Several signatures (a secret being rotated): any one may match.
    const other = signWebhookPayload('old-secret', now, body);
    expect(verifyWebhookSignature(SECRET, now, body, `${other}, ${header}`, now)).toBe(true);
  });

  it('refuses another secret, another body, a stale or future timestamp, malformed headers', () => {
    expect(verifyWebhookSignature('other', now, body, header, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, now, `${body} `, header, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, now + 1, body, header, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, now, body, header, now + 301)).toBe(false);
    expect(verifyWebhookSignature(SECRET, now, body, header, now - 301)).toBe(false);
    expect(verifyWebhookSignature(SECRET, now, body, header, now + 100, 60)).toBe(false);
    expect(verifyWebhookSignature(SECRET, now, body, header.replace('v1=', 'v0='), now)).toBe(
      false,
    );
    expect(verifyWebhookSignature(SECRET, now, body, 'v1=abc', now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, 'soon', body, header, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, null, body, header, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, now, body, undefined, now)).toBe(false);
    expect(verifyWebhookSignature('', now, body, signWebhookPayload('', now, body), now)).toBe(
      false,
    );
  });
});
