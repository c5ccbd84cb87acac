import { FakePagerDuty } from '../../../simulator/fake-pagerduty';
import { DestinationGuard } from '../destinations/destination-guard';
import {
  type IncidentMessage,
  PermanentDeliveryError,
  RetryableDeliveryError,
  deliveryErrorClass,
} from './channel';
import { PagerDutyChannel, type PagerDutyChannelConfig, pagerDutyEvent } from './pagerduty.channel';
import { INCIDENT_ID, incidentMessage } from '../../../test/support/incident-message';

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

const incident = (overrides: Partial<IncidentMessage> = {}): IncidentMessage =>
  incidentMessage({
    changeId: 'change-1',
    alertCount: 3,
    url: `https://vaultwatch.example.com/incidents/${INCIDENT_ID}`,
    ...overrides,
  });

describe('pagerDutyEvent', () => {
  it('triggers with a summary, source, severity, details and a link to the incident', () => {
    expect(pagerDutyEvent(ROUTING_KEY, incident())).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'trigger',
      dedup_key: `vaultwatch-incident-${INCIDENT_ID}`,
      payload: {
        summary: 'Bulk export: alice@example.com',
        source: 'alice@example.com',
        severity: 'error',
        timestamp: '2025-03-03T12:09:30.000Z',
        component: 'Bulk export',
        class: 'bulk-export',
        custom_details: {
          explanation: '25 exports in 10 min (threshold 20)',
          alerts: 3,
          first_seen: '2025-03-03T12:00:00.000Z',
          last_seen: '2025-03-03T12:09:30.000Z',
          change: 'opened',
          runbook: 'Ask the user whether the export was expected.',
          tags: ['T1530'],
        },
      },
      client: 'vaultwatch',
      client_url: `https://vaultwatch.example.com/incidents/${INCIDENT_ID}`,
      links: [
        {
          href: `https://vaultwatch.example.com/incidents/${INCIDENT_ID}`,
          text: 'View incident in vaultwatch',
        },
      ],
    });
  });

  it.each([
    ['critical', 'critical'],
    ['high', 'error'],
    ['medium', 'warning'],
    ['low', 'warning'],
    ['info', 'info'],
  ] as const)('maps severity %s to %s', (severity, expected) => {
    expect(pagerDutyEvent(ROUTING_KEY, incident({ severity })).payload?.severity).toBe(expected);
  });

  it.each([
    ['acknowledged', 'acknowledged', 'acknowledge'],
    ['snoozed', 'snoozed', 'acknowledge'],
    ['resolved', 'resolved', 'resolve'],
    ['reopened', 'triggered', 'trigger'],
    ['unsnoozed', 'triggered', 'trigger'],
    ['updated', 'triggered', 'trigger'],
  ] as const)('a change %s (status %s) is a %s of the same alert', (change, status, action) => {
    const event = pagerDutyEvent(ROUTING_KEY, incident({ change, status, by: 'dana' }));
    expect(event.event_action).toBe(action);
    expect(event.dedup_key).toBe(`vaultwatch-incident-${INCIDENT_ID}`);
    // Acknowledge and resolve carry no payload: PagerDuty ignores it.
    expect(event.payload === undefined).toBe(action !== 'trigger');
  });

  it('keeps a test message apart from real incidents and names no actor it has not', () => {
    const event = pagerDutyEvent(
      ROUTING_KEY,
      incident({ change: 'test', incidentId: '0', changeId: 'test-1', actor: null, url: 'x' }),
    );
    expect(event.dedup_key).toBe('vaultwatch-test-test-1');
    expect(event.payload?.source).toBe('vaultwatch');
    expect(event.links).toBeUndefined();
  });

  it('keeps the summary on one line within 1024 characters', () => {
    const summary = pagerDutyEvent(ROUTING_KEY, incident({ title: `a\nb ${'x'.repeat(2000)}` }))
      .payload?.summary;
    expect(summary).toHaveLength(1024);
    expect(summary).not.toContain('\n');
  });
});

describe('PagerDutyChannel against the fake Events API', () => {
  const fake = new FakePagerDuty();
  const channel = new PagerDutyChannel({ timeoutMs: 2_000, guard: new DestinationGuard(true) });
  let config: PagerDutyChannelConfig;

  beforeAll(async () => {
    await fake.start();
    config = { routingKey: ROUTING_KEY, apiUrl: fake.url };
  });

  afterAll(async () => {
    await fake.stop();
  });

  async function rejection(promise: Promise<unknown>): Promise<Error> {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    throw new Error('expected a rejection');
  }

  it('triggers, acknowledges and resolves one alert', async () => {
    const dedupKey = `vaultwatch-incident-${INCIDENT_ID}`;
    await expect(channel.send(config, incident(), null)).resolves.toEqual({
      thread: {},
      providerRef: dedupKey,
    });
    expect(fake.alert(dedupKey)).toMatchObject({ status: 'triggered', severity: 'error' });
    await channel.send(config, incident({ change: 'acknowledged', status: 'acknowledged' }), {});
    expect(fake.alert(dedupKey)?.status).toBe('acknowledged');
    await channel.send(config, incident({ change: 'resolved', status: 'resolved' }), {});
    expect(fake.alert(dedupKey)?.status).toBe('resolved');
  });

  it('treats a 429 as retryable, with the Retry-After PagerDuty gave', async () => {
    fake.failNext(1, 429, 2);
    const error = await rejection(channel.send(config, incident(), null));
    expect(error).toBeInstanceOf(RetryableDeliveryError);
    expect((error as RetryableDeliveryError).retryAfterMs).toBe(2_000);
    expect(error.message).toBe(`PagerDuty POST ${new URL(fake.url).origin} answered HTTP 429`);
  });

  it('treats a 5xx as retryable', async () => {
    fake.failNext(1, 503);
    const error = await rejection(channel.send(config, incident(), null));
    expect(error).toBeInstanceOf(RetryableDeliveryError);
    expect(deliveryErrorClass(error)).toBe('http_5xx');
  });

  it('treats a 400 as permanent, quoting PagerDuty’s errors and never the routing key', async () => {
    const error = await rejection(
      channel.send({ ...config, routingKey: `${ROUTING_KEY}x` }, incident(), null),
    );
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error.message).toContain(
      "Event object is invalid: Length of 'routing_key' is incorrect",
    );
    expect(error.message).not.toContain(ROUTING_KEY);
  });

  it('reaches no internal address unless allowed', async () => {
    const guarded = new PagerDutyChannel({ guard: new DestinationGuard(false) });
    const error = await rejection(guarded.send(config, incident(), null));
    expect(deliveryErrorClass(error)).toBe('refused_destination');
  });

  it('validates its settings: the routing key is a secret, the API URL defaults to PagerDuty', () => {
    expect(channel.settings.parse({ routingKey: ROUTING_KEY })).toEqual({
      routingKey: ROUTING_KEY,
      apiUrl: 'https://events.pagerduty.com/v2/enqueue',
    });
    expect(channel.settings.safeParse({ routingKey: 'short' }).success).toBe(false);
  });
});
