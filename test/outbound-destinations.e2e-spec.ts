import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { auditEvent, opId } from './support/factories';
import { FAKE_SLACK_TOKEN, FakeSlackApi } from '../simulator/fake-slack';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const WEBHOOK_SECRET = 'whsec_outbound_0123456789';

/** A webhook receiver on 127.0.0.1 that answers `status` and counts what reached it. */
class Receiver {
  hits = 0;
  status = 204;
  private server: Server | undefined;
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.hits += 1;
      req.resume();
      res.writeHead(this.status, { 'Content-Type': 'text/plain' });
      res.end('internal detail: db01.corp password=hunter2');
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

interface ErrorBody {
  statusCode: number;
  message: string;
  details?: Array<{ field: string; reason: string }>;
}

const fieldsOf = (body: ErrorBody) => (body.details ?? []).map((problem) => problem.field);

describe('outbound requests cannot be turned at internal addresses', () => {
  const receiver = new Receiver();
  let t: TestApp;
  const as = () => ({ authorization: `Bearer ${t.adminKey}` });

  beforeAll(async () => {
    await receiver.start();
    t = await startTestApp({ ALLOW_PRIVATE_DESTINATIONS: 'false' });
  });

  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  const create = (body: Record<string, unknown>) =>
    t.http().post('/api/v1/channels').set(as()).send(body);

  it.each([
    ['webhook', 'settings.url', { settings: { url: 'http://127.0.0.1:8080/hook' } }],
    ['webhook', 'settings.url', { settings: { url: 'http://169.254.169.254/latest/meta-data/' } }],
    ['webhook', 'settings.url', { settings: { url: 'http://[::ffff:10.0.0.1]/hook' } }],
    ['webhook', 'settings.url', { settings: { url: 'http://[fd00::1]/hook' } }],
    ['webhook', 'settings.url', { settings: { url: 'http://100.64.0.1/hook' } }],
    ['webhook', 'settings.url', { settings: { url: 'http://0.0.0.0:80/' } }],
    ['slack', 'settings.apiUrl', { settings: { channel: '#sec', apiUrl: 'http://[::1]:9/api/' } }],
    ['email', 'secrets.smtpUrl', { secrets: { smtpUrl: 'smtp://bob:s3cret-pw@192.168.1.5:25' } }],
  ])('refuses a %s channel whose %s is a literal internal address', async (type, field, part) => {
    const secrets: Record<string, Record<string, string>> = {
      webhook: { secret: WEBHOOK_SECRET },
      slack: { token: FAKE_SLACK_TOKEN },
      email: {},
    };
    const settings: Record<string, Record<string, unknown>> = {
      webhook: {},
      slack: {},
      email: { from: 'vw@example.com', to: ['sec@example.com'] },
    };
    const answer = await create({
      name: `internal ${type} ${field}`,
      type,
      settings: { ...settings[type], ...(part as { settings?: object }).settings },
      secrets: { ...secrets[type], ...(part as { secrets?: object }).secrets },
    }).expect(400);
    const body = answer.body as ErrorBody;
    expect(fieldsOf(body)).toEqual([field]);
    expect(body.message).toMatch(
      new RegExp(`^${field.replace('.', '\\.')}: host .* address, refused`),
    );
    expect(JSON.stringify(body)).not.toContain('s3cret-pw');
  });

  it('refuses the same address on update, naming the field', async () => {
    const created = await create({
      name: 'public webhook',
      type: 'webhook',
      settings: { url: 'https://hooks.example.com/in' },
      secrets: { secret: WEBHOOK_SECRET },
    }).expect(201);
    const answer = await t
      .http()
      .patch(`/api/v1/channels/${created.body.id as string}`)
      .set(as())
      .send({ settings: { url: 'http://127.0.0.2/' }, secrets: { secret: WEBHOOK_SECRET } })
      .expect(400);
    expect(fieldsOf(answer.body as ErrorBody)).toEqual(['settings.url']);
  });

  it('refuses at send time a name that resolves to loopback, with the reason in the delivery log', async () => {
    const channel = await create({
      name: 'webhook on localhost',
      type: 'webhook',
      settings: { url: `http://localhost:${receiver.port}/hook` },
      secrets: { secret: WEBHOOK_SECRET },
    }).expect(201);
    const id = channel.body.id as string;

    const test = await t.http().post(`/api/v1/channels/${id}/test`).set(as()).expect(200);
    expect(test.body).toEqual({ ok: false, error: 'refused_destination' });

    const at = new Date();
    await t
      .http()
      .post('/api/v1/events')
      .set(as())
      .send([
        auditEvent(1, at, {
          action: 'disblmfa',
          object_type: 'account',
          object_uuid: opId('account', 0),
          actor_uuid: opId('admin', 7),
        }),
      ])
      .expect(200);
    let log: Array<{ channelName: string; status: string; lastError: string | null }> = [];
    await waitFor('the delivery to fail', async () => {
      log = (await t.http().get('/api/v1/notifications').set(as()).expect(200)).body as typeof log;
      return log.some(
        (row) => row.channelName === 'webhook on localhost' && row.status === 'failed',
      );
    });
    const row = log.find((entry) => entry.channelName === 'webhook on localhost')!;
    expect(row.lastError).toMatch(
      /^destination localhost resolves to (127\.0\.0\.1|::1), a loopback address, refused \(ALLOW_PRIVATE_DESTINATIONS is off\)$/,
    );
    expect(receiver.hits).toBe(0);
  });

  it('asks for the secrets again when a destination changes, so a stored one never goes to a new host', async () => {
    const slack = await create({
      name: 'slack elsewhere',
      type: 'slack',
      settings: { channel: '#sec', apiUrl: 'https://slack.com/api/' },
      secrets: { token: FAKE_SLACK_TOKEN },
    }).expect(201);
    const slackId = slack.body.id as string;
    const moved = await t
      .http()
      .patch(`/api/v1/channels/${slackId}`)
      .set(as())
      .send({ settings: { channel: '#sec', apiUrl: 'https://attacker.example.net/api/' } })
      .expect(400);
    expect(fieldsOf(moved.body as ErrorBody)).toEqual(['secrets.token']);
    expect((moved.body as ErrorBody).message).toContain('settings.apiUrl changes');

    // Same destination, other settings: the stored token is kept.
    await t
      .http()
      .patch(`/api/v1/channels/${slackId}`)
      .set(as())
      .send({ settings: { channel: '#other', apiUrl: 'https://slack.com/api/' } })
      .expect(200);
    await t
      .http()
      .patch(`/api/v1/channels/${slackId}`)
      .set(as())
      .send({
        settings: { channel: '#other', apiUrl: 'https://slack.example.org/api/' },
        secrets: { token: 'xoxb-another-workspace' },
      })
      .expect(200);

    const hook = await create({
      name: 'hook elsewhere',
      type: 'webhook',
      settings: { url: 'https://hooks.example.com/a' },
      secrets: { secret: WEBHOOK_SECRET },
    }).expect(201);
    const refused = await t
      .http()
      .patch(`/api/v1/channels/${hook.body.id as string}`)
      .set(as())
      .send({ settings: { url: 'https://hooks.example.com/b' } })
      .expect(400);
    expect(fieldsOf(refused.body as ErrorBody)).toEqual(['secrets.secret']);
  });
});

describe('channel tests answer a short error class, never the peer’s words', () => {
  const receiver = new Receiver();
  const slack = new FakeSlackApi();
  let t: TestApp;
  const as = () => ({ authorization: `Bearer ${t.adminKey}` });

  beforeAll(async () => {
    await receiver.start();
    await slack.start();
    t = await startTestApp({ ALLOW_PRIVATE_DESTINATIONS: 'true' });
  });

  afterAll(async () => {
    await t.close();
    await Promise.all([receiver.stop(), slack.stop()]);
  });

  const testChannel = async (body: Record<string, unknown>) => {
    const created = await t.http().post('/api/v1/channels').set(as()).send(body).expect(201);
    return (
      await t
        .http()
        .post(`/api/v1/channels/${created.body.id as string}/test`)
        .set(as())
        .expect(200)
    ).body as { ok: boolean; error?: string };
  };

  it.each([
    [500, 'http_5xx'],
    [404, 'http_4xx'],
  ])('a webhook answering %i is %s', async (status, errorClass) => {
    receiver.status = status;
    const answer = await testChannel({
      name: `hook ${status}`,
      type: 'webhook',
      settings: { url: `http://127.0.0.1:${receiver.port}/hook` },
      secrets: { secret: WEBHOOK_SECRET },
    });
    expect(answer).toEqual({ ok: false, error: errorClass });
    expect(JSON.stringify(answer)).not.toContain('hunter2');
  });

  it('a webhook nobody listens on is connection_failed', async () => {
    const closed = new Receiver();
    await closed.start();
    await closed.stop();
    expect(
      await testChannel({
        name: 'hook closed',
        type: 'webhook',
        settings: { url: `http://127.0.0.1:${closed.port}/hook` },
        secrets: { secret: WEBHOOK_SECRET },
      }),
    ).toEqual({ ok: false, error: 'connection_failed' });
  });

  it('a revoked Slack token is auth_failed, and a working one is ok', async () => {
    slack.addToken('xoxb-revoked-for-test');
    slack.revokeToken('xoxb-revoked-for-test');
    expect(
      await testChannel({
        name: 'slack revoked',
        type: 'slack',
        settings: { channel: '#sec', apiUrl: slack.apiUrl },
        secrets: { token: 'xoxb-revoked-for-test' },
      }),
    ).toEqual({ ok: false, error: 'auth_failed' });
    const ok = await testChannel({
      name: 'slack ok',
      type: 'slack',
      settings: { channel: '#sec', apiUrl: slack.apiUrl },
      secrets: { token: FAKE_SLACK_TOKEN },
    });
    expect(ok.ok).toBe(true);
  });
});

describe('the timeline records which API key acted', () => {
  let t: TestApp;
  const as = (key: string) => ({ authorization: `Bearer ${key}` });

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('shows the key’s id and name on lifecycle changes and silences', async () => {
    const created = await t
      .http()
      .post('/api/v1/api-keys')
      .set(as(t.adminKey))
      .send({ name: 'on-call bot', role: 'responder' })
      .expect(201);
    const responder = created.body as { id: string; secret: string };

    await t
      .http()
      .post('/api/v1/events')
      .set(as(t.adminKey))
      .send([
        auditEvent(1, new Date(), {
          action: 'disblmfa',
          object_type: 'account',
          object_uuid: opId('account', 0),
          actor_uuid: opId('admin', 3),
        }),
      ])
      .expect(200);
    let incidentId = '';
    await waitFor('the incident', async () => {
      const page = await t.http().get('/api/v1/incidents').set(as(t.adminKey)).expect(200);
      incidentId = (page.body.items as Array<{ id: string }>).at(0)?.id ?? '';
      return incidentId !== '';
    });

    const acked = await t
      .http()
      .post(`/api/v1/incidents/${incidentId}/acknowledge`)
      .set(as(responder.secret))
      .send({ note: 'looking' })
      .expect(200);
    const entry = (
      acked.body.timeline as Array<{ kind: string; by: string | null; byKeyId: string | null }>
    ).find((change) => change.kind === 'acknowledged');
    expect(entry).toMatchObject({ by: 'on-call bot', byKeyId: responder.id });

    const silence = await t
      .http()
      .post('/api/v1/silences')
      .set(as(responder.secret))
      .send({
        matchers: { actors: [opId('admin', 3)] },
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        comment: 'maintenance',
      })
      .expect(201);
    expect(silence.body).toMatchObject({ createdBy: 'on-call bot', createdByKeyId: responder.id });
  });
});
