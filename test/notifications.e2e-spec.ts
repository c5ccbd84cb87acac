import { createHash } from 'node:crypto';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { PostgresSlotGate } from '../src/notifications/postgres-slot-gate';
import { SlackRateGate } from '../src/notifications/slack-rate-gate';
import { DELIVERY_ATTEMPTS } from '../src/queue/queue.contract';
import { channelsEnv, SLACK_SIGNING_SECRET } from './support/channels-env';
import { auditEvent, opId } from './support/factories';
import { FAKE_SLACK_TOKEN, FakeSlackApi } from '../simulator/fake-slack';
import { SmtpCatcher } from '../simulator/smtp-catcher';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const CHANNEL = '#security-alerts';

/** An account-wide MFA disable by a given admin: the built-in high-severity match rule. */
const mfaDisabled = (n: number, admin: number, at = new Date()) =>
  auditEvent(n, at, {
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

interface IncidentSummary {
  id: string;
  status: string;
  actorId: string;
  alertCount: number;
}

describe('incidents reach people on Slack and by email', () => {
  const slack = new FakeSlackApi();
  const smtp = new SmtpCatcher();
  let t: TestApp;
  let events = 0;

  beforeAll(async () => {
    await slack.start();
    await smtp.start();
    t = await startTestApp(channelsEnv(slack, smtp, CHANNEL));
  });

  afterAll(async () => {
    await t.close();
    await Promise.all([slack.stop(), smtp.stop()]);
  });

  const as = () => ({ authorization: `Bearer ${t.adminKey}` });
  const push = async (admin: number) => {
    const body = [mfaDisabled(++events, admin)];
    await t.http().post('/api/v1/events').set(as()).send(body).expect(200);
    return body;
  };
  const incidentOf = async (admin: number): Promise<IncidentSummary> => {
    let found: IncidentSummary | undefined;
    await waitFor(`an incident about admin ${admin}`, async () => {
      const page = await t
        .http()
        .get('/api/v1/incidents')
        .query({ actor: opId('admin', admin) })
        .set(as());
      found = (page.body.items as IncidentSummary[]).at(0);
      return found !== undefined;
    });
    return found!;
  };
  const posts = () => slack.messages(CHANNEL).filter((message) => !message.threadTs);
  const mailsAbout = (incidentId: string) =>
    smtp.messages.filter(
      (mail) => (mail.subject ?? '').length > 0 && mail.raw.includes(`incident-${incidentId}`),
    );
  const deliveries = async (incidentId: string) =>
    (
      await t
        .http()
        .get('/api/v1/notifications')
        .query({ incident: incidentId })
        .set(as())
        .expect(200)
    ).body as Array<{
      channelType: string;
      status: string;
      attempts: number;
      lastError: string | null;
      change: string;
    }>;
  const settled = async () => {
    await waitFor('detection and notifications to settle', async () => {
      const [row] = await t.sql<{ n: string }>(
        `SELECT (SELECT count(*) FROM ingest_batches WHERE detected_at IS NULL)
              + (SELECT count(*) FROM incident_changes WHERE notify AND routed_at IS NULL)
              + (SELECT count(*) FROM deliveries WHERE status = 'queued') AS n`,
      );
      return row.n === '0';
    });
  };

  it('sends one Slack message and one email per incident, and a duplicate page sends nothing more', async () => {
    const page = await push(1);
    const incident = await incidentOf(1);
    await waitFor(
      'the Slack message and the email',
      () => posts().length === 1 && mailsAbout(incident.id).length === 1,
    );

    const [message] = posts();
    expect(message.text).toContain('Account MFA disabled');
    expect(JSON.stringify(message.blocks)).toContain(
      `https://vaultwatch.example.com/incidents/${incident.id}`,
    );
    const [mail] = mailsAbout(incident.id);
    expect(mail.subject).toMatch(/^\[HIGH\] Account MFA disabled/);
    expect(mail.envelope.to).toEqual(['security@example.com']);
    expect(mail.text).toContain('admin1@example.com');

    await t.http().post('/api/v1/events').set(as()).send(page).expect(200);
    await settled();
    expect(posts()).toHaveLength(1);
    expect(mailsAbout(incident.id)).toHaveLength(1);
    const list = await t
      .http()
      .get('/api/v1/incidents')
      .query({ actor: opId('admin', 1) })
      .set(as());
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].alertCount).toBe(1);
  });

  it('acknowledging updates the same Slack message, replies in its thread and threads the email', async () => {
    const incident = await incidentOf(1);
    const answer = await t
      .http()
      .post(`/api/v1/incidents/${incident.id}/acknowledge`)
      .set(as())
      .send({ note: 'looking into it' })
      .expect(200);
    expect(answer.body.status).toBe('acknowledged');
    expect((answer.body.timeline as Array<{ kind: string }>).map((entry) => entry.kind)).toEqual([
      'opened',
      'acknowledged',
    ]);

    const [message] = posts();
    await waitFor(
      'the Slack update and thread reply',
      () => slack.replies(CHANNEL, message.ts).length === 1,
    );
    expect(posts()[0].updates).toBe(1);
    expect(slack.replies(CHANNEL, message.ts)[0].text).toContain('looking into it');
    await waitFor('the threaded email', () => mailsAbout(incident.id).length === 2);
    const [first, second] = mailsAbout(incident.id);
    expect(second.inReplyTo).toBe(first.messageId);
    expect(second.references).toContain(first.messageId);

    const again = await t
      .http()
      .post(`/api/v1/incidents/${incident.id}/acknowledge`)
      .set(as())
      .send({})
      .expect(409);
    expect(again.body.details).toEqual({ status: 'acknowledged' });
  });

  it('delivers exactly one Slack message after two 429 answers', async () => {
    slack.failNext(2, { status: 429, retryAfterSeconds: 1 }, 'chat.postMessage');
    const before = posts().length;
    await push(2);
    const incident = await incidentOf(2);
    await waitFor(
      'the Slack delivery',
      async () =>
        (await deliveries(incident.id)).some(
          (d) => d.channelType === 'slack' && d.status === 'sent',
        ),
      30_000,
    );
    expect(posts()).toHaveLength(before + 1);
    const limited = slack.calls.filter(
      (call) => call.method === 'chat.postMessage' && call.status === 429,
    );
    expect(limited).toHaveLength(2);
  });

  it('keeps a message waiting behind a busy Slack channel, however long, and sends it when the channel frees', async () => {
    // Another worker's messages hold the channel's next slot just past what one send waits for.
    const redis = t.queueBackend === 'redis' ? new Redis(t.redisUrl) : null;
    const prefix = `${t.queuePrefix}:slack-rate:`;
    const gate = redis
      ? new SlackRateGate(redis, prefix)
      : new PostgresSlotGate(t.app.get(DataSource), prefix);
    const key = `${createHash('sha256').update(FAKE_SLACK_TOKEN).digest('hex').slice(0, 16)}:${CHANNEL}`;
    const release = new AbortController();
    const hog = (async () => {
      while (!release.signal.aborted) {
        while ((await gate.tryReserve(key, 5_500)).granted);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const before = posts().length;
    try {
      await push(7);
      const incident = await incidentOf(7);
      const slackDelivery = async () =>
        (
          await t.sql<{ status: string; attempts: number; last_error: string | null; at: string }>(
            `SELECT d.status, d.attempts, d.last_error, d.updated_at::text AS at
             FROM deliveries d JOIN channels ch ON ch.id = d.channel_id
             WHERE d.incident_id = $1 AND ch.type = 'slack'`,
            [incident.id],
          )
        ).at(0);
      // More deferrals than a delivery has attempts: none of them may count as one.
      const deferrals = new Set<string>();
      await waitFor(
        'the Slack delivery deferred again and again',
        async () => {
          const delivery = await slackDelivery();
          if (delivery?.last_error?.startsWith('Slack channel busy')) deferrals.add(delivery.at);
          return delivery?.status !== 'queued' || deferrals.size > DELIVERY_ATTEMPTS + 1;
        },
        60_000,
      );
      expect(await slackDelivery()).toMatchObject({ status: 'queued', attempts: 0 });

      release.abort();
      await hog;
      await waitFor(
        'the Slack delivery',
        async () => (await slackDelivery())?.status !== 'queued',
        30_000,
      );
      expect(await slackDelivery()).toMatchObject({
        status: 'sent',
        attempts: 1,
        last_error: null,
      });
      expect(posts()).toHaveLength(before + 1);
    } finally {
      release.abort();
      await hog;
      redis?.disconnect();
    }
  });

  it('delivers the email once the mail server is back', async () => {
    await smtp.setDown(true);
    await push(3);
    const incident = await incidentOf(3);
    await waitFor('a failed email attempt', async () =>
      (await deliveries(incident.id)).some(
        (d) => d.channelType === 'email' && d.attempts > 0 && d.lastError !== null,
      ),
    );
    expect(mailsAbout(incident.id)).toHaveLength(0);
    await smtp.setDown(false);
    await waitFor('the email after the outage', () => mailsAbout(incident.id).length === 1, 60_000);
    // The server accepts the mail a moment before the delivery is recorded as sent.
    await waitFor('the email delivery recorded', async () =>
      (await deliveries(incident.id)).some((d) => d.channelType === 'email' && d.status === 'sent'),
    );
    expect(mailsAbout(incident.id)).toHaveLength(1);
  });

  it('marks a delivery with a bad Slack token failed without retrying', async () => {
    const channel = await t
      .http()
      .post('/api/v1/channels')
      .set(as())
      .send({
        name: 'bad-slack',
        type: 'slack',
        settings: { channel: '#other', apiUrl: slack.apiUrl },
        secrets: { token: 'xoxb-revoked' },
      })
      .expect(201);
    expect(JSON.stringify(channel.body)).not.toContain('xoxb-revoked');
    expect(channel.body.secretsSet).toEqual(['token']);

    await push(4);
    const incident = await incidentOf(4);
    await waitFor('the failed delivery', async () =>
      (await deliveries(incident.id)).some((d) => d.status === 'failed'),
    );
    const failed = (await deliveries(incident.id)).find((d) => d.status === 'failed');
    expect(failed).toMatchObject({
      attempts: 1,
      lastError: expect.stringContaining('invalid_auth'),
    });
    expect(failed?.lastError).not.toContain('xoxb-revoked');
    await settled();
    expect(slack.calls.filter((call) => call.token === 'xoxb-revoked')).toHaveLength(1);
    await t
      .http()
      .delete(`/api/v1/channels/${channel.body.id as string}`)
      .set(as())
      .expect(204);
  });

  it('records silenced alerts without telling anyone', async () => {
    await t
      .http()
      .post('/api/v1/silences')
      .set(as())
      .send({
        matchers: { actors: [opId('admin', 5)] },
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        comment: 'planned MFA migration',
      })
      .expect(201);
    await t
      .http()
      .post('/api/v1/silences')
      .set(as())
      .send({ matchers: {}, endsAt: new Date(Date.now() + 60_000).toISOString(), comment: 'x' })
      .expect(400);
    await t
      .http()
      .post('/api/v1/silences')
      .set(as())
      .send({ matchers: { actors: ['a'] }, comment: 'no end' })
      .expect(400);

    await push(5);
    const incident = await incidentOf(5);
    await settled();
    const about = (id: string) => JSON.stringify(posts()).includes(`/incidents/${id}"`);
    expect(about(incident.id)).toBe(false);
    expect(mailsAbout(incident.id)).toHaveLength(0);
    expect(await deliveries(incident.id)).toEqual([]);
    const detail = await t.http().get(`/api/v1/incidents/${incident.id}`).set(as()).expect(200);
    expect(detail.body.alerts[0].mutedReason).toBe('silenced');
    expect(detail.body.alerts[0].evidence[0].fields.actorEmail).toBe('admin5@example.com');
  });

  it('brings a snoozed incident back and notifies again when the snooze ends', async () => {
    await push(6);
    const incident = await incidentOf(6);
    await waitFor(
      'the first message',
      async () => (await deliveries(incident.id)).filter((d) => d.status === 'sent').length === 2,
    );
    const message = posts().find((post) =>
      JSON.stringify(post.blocks).includes(`/incidents/${incident.id}`),
    )!;

    await t
      .http()
      .post(`/api/v1/incidents/${incident.id}/snooze`)
      .set(as())
      .send({ until: new Date(Date.now() - 1000).toISOString() })
      .expect(400);
    await t
      .http()
      .post(`/api/v1/incidents/${incident.id}/snooze`)
      .set(as())
      .send({ until: new Date(Date.now() + 8 * 86_400_000).toISOString() })
      .expect(400);
    await t
      .http()
      .post(`/api/v1/incidents/${incident.id}/snooze`)
      .set(as())
      .send({ until: new Date(Date.now() + 2000).toISOString(), note: 'after the standup' })
      .expect(200);
    await waitFor(
      'the snooze to end',
      async () => {
        const detail = await t.http().get(`/api/v1/incidents/${incident.id}`).set(as());
        return detail.body.status === 'triggered';
      },
      30_000,
    );
    await waitFor(
      'the unsnooze notice in the thread',
      () =>
        slack.replies(CHANNEL, message.ts).some((reply) => /snooze/i.test(reply.text)) &&
        slack.replies(CHANNEL, message.ts).length === 2,
    );
    const detail = await t.http().get(`/api/v1/incidents/${incident.id}`).set(as());
    expect((detail.body.timeline as Array<{ kind: string }>).map((entry) => entry.kind)).toEqual([
      'opened',
      'snoozed',
      'unsnoozed',
    ]);
  });

  it('acknowledges from the Slack button, and refuses a request Slack did not sign', async () => {
    await push(7);
    const incident = await incidentOf(7);
    await waitFor('the Slack message', () =>
      posts().some((post) => JSON.stringify(post.blocks).includes(`/incidents/${incident.id}`)),
    );
    const message = posts().find((post) =>
      JSON.stringify(post.blocks).includes(`/incidents/${incident.id}`),
    )!;
    const click = slack.blockAction({
      signingSecret: SLACK_SIGNING_SECRET,
      channel: CHANNEL,
      messageTs: message.ts,
      value: incident.id,
      user: { id: 'U123', name: 'dana' },
    });

    const forged = { ...click.headers, 'x-slack-signature': 'v0=' + '0'.repeat(64) };
    await t
      .http()
      .post('/api/v1/integrations/slack/actions')
      .set(forged)
      .send(click.body)
      .expect(401);
    const stale = slack.blockAction({
      signingSecret: SLACK_SIGNING_SECRET,
      channel: CHANNEL,
      messageTs: message.ts,
      value: incident.id,
      nowSeconds: Math.floor(Date.now() / 1000) - 600,
    });
    await t
      .http()
      .post('/api/v1/integrations/slack/actions')
      .set(stale.headers)
      .send(stale.body)
      .expect(401);
    let detail = await t.http().get(`/api/v1/incidents/${incident.id}`).set(as());
    expect(detail.body.status).toBe('triggered');

    await t
      .http()
      .post('/api/v1/integrations/slack/actions')
      .set(click.headers)
      .send(click.body)
      .expect(200);
    detail = await t.http().get(`/api/v1/incidents/${incident.id}`).set(as());
    expect(detail.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'slack:dana' });
  });
});
