import { randomBytes } from 'node:crypto';
import { Logger as AppLogger } from 'nestjs-pino';
import { FakePagerDuty } from '../simulator/fake-pagerduty';
import { auditEvent, opId } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const ROUTING_KEY = randomBytes(16).toString('hex');
const PUBLIC_URL = 'https://vaultwatch.example.com';

/** An account-wide MFA disable by a given admin: the built-in high-severity match rule. */
const mfaDisabled = (n: number, admin: number) =>
  auditEvent(n, new Date(), {
    action: 'disblmfa',
    object_type: 'account',
    object_uuid: opId('account', 0),
    actor_uuid: opId('admin', admin),
    actor_details: {
      uuid: opId('admin', admin),
      name: `Admin ${admin}`,
      email: `admin${admin}@example.com`,
    },
  });

interface Delivery {
  channelName: string;
  status: string;
  attempts: number;
  lastError: string | null;
  change: string;
}

describe('incidents reach PagerDuty through the Events API v2', () => {
  const pagerDuty = new FakePagerDuty();
  /** Everything the service logged, as text. */
  const logged: string[] = [];
  let t: TestApp;
  let channelId: string;
  let events = 0;
  /** Every answer of the API in this file, as text. */
  const answers: string[] = [];

  beforeAll(async () => {
    for (const level of ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] as const) {
      const original = AppLogger.prototype[level];
      jest.spyOn(AppLogger.prototype, level).mockImplementation(function (
        this: AppLogger,
        ...args: unknown[]
      ) {
        logged.push(JSON.stringify(args));
        original.apply(this, args as Parameters<typeof original>);
      });
    }
    await pagerDuty.start();
    t = await startTestApp({ PUBLIC_URL });
  });

  afterAll(async () => {
    await t.close();
    await pagerDuty.stop();
    jest.restoreAllMocks();
  });

  const as = () => ({ authorization: `Bearer ${t.adminKey}` });
  const api = async (method: 'get' | 'post' | 'patch', path: string, body?: object) => {
    const answer = await t.http()[method](path).set(as()).send(body);
    answers.push(answer.text);
    return answer;
  };
  const incidentOf = async (admin: number): Promise<string> => {
    let id: string | undefined;
    await waitFor(`an incident about admin ${admin}`, async () => {
      const page = await api('get', `/api/v1/incidents?actor=${opId('admin', admin)}`);
      id = (page.body.items as Array<{ id: string }>).at(0)?.id;
      return id !== undefined;
    });
    return id!;
  };
  const deliveries = async (incidentId: string) =>
    (await api('get', `/api/v1/notifications?incident=${incidentId}`)).body as Delivery[];
  const actions = () => pagerDuty.events.map((event) => event.action);

  it('takes a routing key that it never shows again', async () => {
    const types = await api('get', '/api/v1/channels/types');
    expect(types.status).toBe(200);
    expect(types.body).toContainEqual({
      type: 'pagerduty',
      fields: [
        { name: 'routingKey', secret: true, required: true, list: false },
        { name: 'apiUrl', secret: false, required: false, list: false },
      ],
    });

    const misplaced = await api('post', '/api/v1/channels', {
      name: 'pagerduty',
      type: 'pagerduty',
      settings: { apiUrl: pagerDuty.url, routingKey: ROUTING_KEY },
    });
    expect(misplaced.status).toBe(400);
    expect(misplaced.body.details).toEqual([
      { field: 'settings.routingKey', reason: 'a secret: send it under secrets' },
    ]);

    const created = await api('post', '/api/v1/channels', {
      name: 'pagerduty',
      type: 'pagerduty',
      settings: { apiUrl: pagerDuty.url },
      secrets: { routingKey: ROUTING_KEY },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: 'pagerduty',
      settings: { apiUrl: pagerDuty.url },
      secretsSet: ['routingKey'],
    });
    channelId = created.body.id as string;

    // The same destination keeps the stored key; another one asks for it again.
    const renamed = await api('patch', `/api/v1/channels/${channelId}`, {
      name: 'on call',
      settings: { apiUrl: pagerDuty.url },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.secretsSet).toEqual(['routingKey']);
    const moved = await api('patch', `/api/v1/channels/${channelId}`, {
      settings: { apiUrl: 'https://events.eu.pagerduty.com/v2/enqueue' },
    });
    expect(moved.status).toBe(400);
    expect(moved.body.details).toEqual([
      {
        field: 'secrets.routingKey',
        reason:
          'required again when settings.apiUrl changes: stored secrets never go to a new destination',
      },
    ]);

    const test = await api('post', `/api/v1/channels/${channelId}/test`);
    expect(test.body).toEqual({
      ok: true,
      providerRef: expect.stringMatching(/^vaultwatch-test-/),
    });
    expect(pagerDuty.events).toHaveLength(1);
    pagerDuty.events.length = 0;
  });

  it('triggers, acknowledges and resolves one PagerDuty alert, retrying a 429', async () => {
    const answered = pagerDuty.answers.length;
    pagerDuty.failNext(1, 429, 1);
    await api('post', '/api/v1/events', [mfaDisabled(++events, 1)]);
    const incidentId = await incidentOf(1);
    await waitFor('the trigger', () => actions().includes('trigger'), 30_000);
    expect(pagerDuty.answers.slice(answered, answered + 2)).toEqual([429, 202]);
    const [trigger] = pagerDuty.events;
    expect(trigger).toMatchObject({ routingKey: ROUTING_KEY, action: 'trigger' });
    expect(trigger.body).toMatchObject({
      payload: { severity: 'error', source: 'admin1@example.com' },
      links: [{ href: `${PUBLIC_URL}/incidents/${incidentId}` }],
    });

    const acknowledged = await api('post', `/api/v1/incidents/${incidentId}/acknowledge`, {});
    expect(acknowledged.status).toBe(200);
    await waitFor('the acknowledge', () => actions().includes('acknowledge'));
    const resolved = await api('post', `/api/v1/incidents/${incidentId}/resolve`, {});
    expect(resolved.status).toBe(200);
    await waitFor('the resolve', () => actions().includes('resolve'));

    expect(actions()).toEqual(['trigger', 'acknowledge', 'resolve']);
    const dedupKeys = new Set(pagerDuty.events.map((event) => event.dedupKey));
    expect([...dedupKeys]).toEqual([`vaultwatch-incident-${incidentId}`]);
    expect(pagerDuty.alert(`vaultwatch-incident-${incidentId}`)?.status).toBe('resolved');
    await waitFor('the deliveries recorded', async () =>
      (await deliveries(incidentId)).every((delivery) => delivery.status === 'sent'),
    );
    const log = await deliveries(incidentId);
    expect(log.map((delivery) => delivery.change).sort()).toEqual([
      'acknowledged',
      'opened',
      'resolved',
    ]);
    expect(log.find((delivery) => delivery.change === 'opened')?.attempts).toBe(2);
  });

  it('fails, with its reason, a channel of a type this version does not know', async () => {
    await t.sql(
      `INSERT INTO channels (name, type, settings) VALUES ('from a newer version', 'sms', '{}')`,
    );
    await api('post', '/api/v1/events', [mfaDisabled(++events, 2)]);
    const incidentId = await incidentOf(2);
    let failed: Delivery | undefined;
    await waitFor('the delivery to the unknown type to fail', async () => {
      failed = (await deliveries(incidentId)).find(
        (delivery) =>
          delivery.channelName === 'from a newer version' && delivery.status === 'failed',
      );
      return failed !== undefined;
    });
    expect(failed).toMatchObject({
      attempts: 1,
      lastError: 'unknown channel type "sms": this version knows slack, email, webhook, pagerduty',
    });
    const list = await api('get', '/api/v1/channels');
    expect((list.body as Array<{ type: string }>).map((channel) => channel.type)).toContain('sms');
    await waitFor('the PagerDuty trigger of that incident', () =>
      pagerDuty.events.some((event) => event.dedupKey === `vaultwatch-incident-${incidentId}`),
    );
  });

  it('never answers nor logs the routing key', async () => {
    answers.push((await api('get', '/api/v1/channels')).text);
    answers.push((await api('get', `/api/v1/channels/${channelId}`)).text);
    answers.push((await api('get', '/api/v1/notifications')).text);
    expect(answers.length).toBeGreaterThan(10);
    expect(answers.filter((text) => text.includes(ROUTING_KEY))).toEqual([]);
    // The retried delivery was logged: the logs are seen here.
    expect(logged.some((line) => line.includes('will be retried'))).toBe(true);
    expect(logged.filter((line) => line.includes(ROUTING_KEY))).toEqual([]);
  });
});
