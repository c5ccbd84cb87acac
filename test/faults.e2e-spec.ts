import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { FakeConnectServer } from '../simulator/fake-connect';
import { FakeEventsApi } from '../simulator/fake-events-api';
import { FAKE_SLACK_TOKEN, FakeSlackApi } from '../simulator/fake-slack';
import { PrivatePostgres, PrivateRedis } from './support/private-servers';
import { generateScenario, servedCount } from '../simulator/scenario/generate-scenario';
import type { Scenario } from '../simulator/scenario/types';
import { SimClock } from '../simulator/sim-clock';
import { SmtpCatcher } from '../simulator/smtp-catcher';
import { auditEvent, opId } from './support/factories';
import {
  applyTestEnv,
  dropTestContext,
  newTestContext,
  startTestApp,
  TestApp,
  TestContext,
} from './support/test-app';
import { ServiceProcesses } from './support/service-processes';
import { pollingEnv } from './support/polling-env';
import { waitFor } from './support/wait-for';

const DAY_MS = 86_400_000;
const END = Date.parse('2026-11-20T00:00:00Z');
const CLOCK_AT = END + 3_600_000;
/** Slack reads history by channel id: the channel is configured by id. */
const SLACK_CHANNEL = 'C0FAULTS01';
const ROUNDS = 8;

/**
 * The built service against a simulated tenant with attacks, fake Slack and a real SMTP
 * server, SIGKILLed at random moments while it ingests, detects and notifies; its Redis
 * restarted empty and its PostgreSQL restarted mid-run. Both are private instances of this
 * test. Afterwards, everything happened once.
 */
describe('killed at any moment, Redis emptied, PostgreSQL restarted', () => {
  const redis = new PrivateRedis();
  const postgres = new PrivatePostgres();
  const slack = new FakeSlackApi();
  const smtp = new SmtpCatcher();
  const services = new ServiceProcesses();
  let scenario: Scenario;
  let eventsApi: FakeEventsApi | undefined;
  let connect: FakeConnectServer | undefined;
  let context: TestContext;
  let pgSkipped: string | null = null;
  const redisSkipped = PrivateRedis.unavailable();

  beforeAll(async () => {
    scenario = generateScenario({
      seed: 23,
      users: 10,
      start: new Date(END - 16 * DAY_MS),
      end: new Date(END),
      connectServers: 1,
      connectTokens: 2,
      // On the last day: users are past the rules' 14 learning days, so every attack fires.
      attackWindow: { start: new Date(END - DAY_MS), end: new Date(END) },
    });
    const clock = SimClock.frozen(CLOCK_AT);
    eventsApi = new FakeEventsApi({ clock, seed: 23, accountUuid: scenario.meta.accountUuid });
    eventsApi.loadScenario(scenario);
    await eventsApi.start();
    const [server] = scenario.connectServers;
    connect = new FakeConnectServer({ clock, seed: 23, serverId: server.id });
    connect.loadScenario(scenario, { serverId: server.id });
    await connect.start();
    await slack.start();
    await smtp.start();
    pgSkipped = await postgres.start();
    context = newTestContext();
    if (redisSkipped === null) {
      await redis.start();
      context.redisUrl = redis.url;
      // The outages here are of Redis: the queues must be on it, whatever the run uses.
      context.queueBackend = 'redis';
    } else {
      // A machine with Node.js alone: the queues are in PostgreSQL, so there is no Redis to lose.
      console.warn(`${redisSkipped}: the Redis outages are skipped, the queues are in PostgreSQL`);
      context.queueBackend = 'postgres';
    }
    if (pgSkipped === null)
      context.databaseUrl = `${postgres.serverUrl}/vw_faults_${randomBytes(4).toString('hex')}`;
    else console.warn(`${pgSkipped}: the PostgreSQL restart is skipped, the shared server is used`);
  }, 120_000);

  afterAll(async () => {
    await services.killAll();
    if (pgSkipped === null) postgres.stop();
    else await dropTestContext(context).catch(() => undefined);
    await redis.stop();
    await Promise.all([eventsApi?.stop(), connect?.stop(), slack.stop(), smtp.stop()]);
  });

  /** One query on a fresh connection: PostgreSQL may have restarted since the last one. */
  const sql = async <T>(text: string): Promise<T[]> => {
    const client = new Client({ connectionString: context.databaseUrl });
    await client.connect();
    try {
      return (await client.query(text)).rows as T[];
    } finally {
      await client.end();
    }
  };

  const startService = () => {
    applyTestEnv(context, {
      APP_ROLE: 'all',
      LOG_LEVEL: 'warn',
      ALERT_HORIZON: '3650d',
      DETECT_SWEEP_AFTER: '2s',
      NOTIFY_SWEEP_AFTER: '2s',
      SLACK_BOT_TOKEN: FAKE_SLACK_TOKEN,
      SLACK_CHANNEL,
      SLACK_API_URL: slack.apiUrl,
      SMTP_URL: smtp.url,
      ALERT_EMAIL_FROM: 'vaultwatch@example.com',
      ALERT_EMAIL_TO: 'soc@example.com',
      ...pollingEnv(eventsApi!, connect!, END - 17 * DAY_MS),
    });
    return services.start();
  };

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('stores, detects and notifies everything once', async () => {
    const total = servedCount(scenario, CLOCK_AT);
    const moments: string[] = [];

    for (let round = 0; round < ROUNDS; round += 1) {
      const child = startService();
      // Late rounds run longer, so that detection and delivery are under way when they die.
      const lifeMs = 1500 + Math.floor(Math.random() * (2000 + round * 1500));
      if (round === 2 && redisSkipped === null) {
        await sleep(lifeMs / 2);
        await redis.restartEmpty();
        moments.push(`round ${round}: Redis emptied at ${lifeMs / 2} ms`);
      }
      if (round === 4 && pgSkipped === null) {
        await sleep(lifeMs / 2);
        postgres.restart();
        moments.push(`round ${round}: PostgreSQL restarted at ${lifeMs / 2} ms`);
      }
      const interrupted =
        (round === 2 && redisSkipped === null) || (round === 4 && pgSkipped === null);
      await sleep(interrupted ? lifeMs / 2 : lifeMs);
      await services.kill(child);
      moments.push(`round ${round}: SIGKILL after ${lifeMs} ms`);
    }
    // Redis loses every key once more with the service down: queued jobs are all gone.
    if (redisSkipped === null) await redis.restartEmpty();

    const last = startService();
    try {
      await waitFor(
        'every event stored, detected and notified',
        async () => {
          const [row] = await sql<{ stored: string; pending: string }>(
            `SELECT (SELECT count(*) FROM events) AS stored,
                    (SELECT count(*) FROM ingest_batches WHERE detected_at IS NULL)
                  + (SELECT count(*) FROM incident_changes WHERE notify AND routed_at IS NULL)
                  + (SELECT count(*) FROM deliveries WHERE status = 'queued') AS pending`,
          ).catch(() => [{ stored: '-1', pending: '-1' }]);
          return Number(row.stored) === total && row.pending === '0';
        },
        480_000,
      );
    } catch (error) {
      console.error(`${moments.join('\n')}\n${services.logs().slice(-4000)}`);
      throw error;
    } finally {
      await services.kill(last);
    }

    // Every event once, each in exactly one detection batch.
    const [events] = await sql<Record<string, string>>(
      `SELECT (SELECT count(*) FROM events) AS stored,
              (SELECT count(DISTINCT (stream, external_id)) FROM events) AS distinct_ids,
              (SELECT count(*) FROM ingest_batches, unnest(event_ids)) AS in_batches`,
    );
    expect(events).toEqual({
      stored: String(total),
      distinct_ids: String(total),
      in_batches: String(total),
    });

    // Every injected attack fired its rule, and no incident counts an alert twice.
    const alerts = await sql<{ template_id: string; group_key: string; event_time: Date }>(
      `SELECT r.template_id, a.group_key, a.event_time FROM alerts a JOIN rules r ON r.id = a.rule_id`,
    );
    for (const label of scenario.labels) {
      const start = Date.parse(label.start) - 3_600_000;
      const end = Date.parse(label.end) + 3_600_000;
      const fired = alerts.some(
        (alert) =>
          alert.template_id === label.expectedRule &&
          alert.group_key.toLowerCase().includes(label.actor.toLowerCase()) &&
          alert.event_time.getTime() >= start &&
          alert.event_time.getTime() <= end,
      );
      expect({ attack: label.kind, fired }).toEqual({ attack: label.kind, fired: true });
    }
    const miscounted = await sql<{ id: string }>(
      `SELECT i.id FROM incidents i
       WHERE i.alert_count <> (SELECT count(*) FROM alerts a WHERE a.incident_id = i.id)`,
    );
    expect(miscounted).toEqual([]);

    // One Slack message per notified incident, each about another incident.
    const notified = await sql<{ incident_id: string }>(
      `SELECT incident_id FROM incident_changes WHERE kind = 'opened' AND notify ORDER BY incident_id`,
    );
    expect(notified.length).toBeGreaterThanOrEqual(scenario.labels.length);
    const failed = await sql<{ id: string; last_error: string }>(
      `SELECT id, last_error FROM deliveries WHERE status <> 'sent'`,
    );
    expect(failed).toEqual([]);
    const posts = slack.messages(SLACK_CHANNEL);
    const postedIncidents = posts.map(
      (post) => /Incident (\d+)/.exec(JSON.stringify(post.blocks))?.[1] ?? `? ${post.ts}`,
    );
    expect(postedIncidents.sort()).toEqual(notified.map((row) => row.incident_id).sort());

    // One root email per notified incident: its Message-ID is the incident's, so a copy sent
    // again after a crash between the SMTP server's acceptance and our record is the same
    // message to every mail client.
    const roots = smtp.messages.filter((mail) => mail.inReplyTo === null);
    const rootIds = new Set(roots.map((mail) => mail.messageId));
    expect([...rootIds].sort()).toEqual(
      notified.map((row) => `<incident-${row.incident_id}@vaultwatch>`).sort(),
    );
    if (roots.length > rootIds.size)
      console.warn(
        `${roots.length - rootIds.size} root email(s) sent again with the same Message-ID`,
      );
    expect(services.logs()).not.toContain(FAKE_SLACK_TOKEN);
  }, 900_000);
});

describe('a worker that died between Slack’s answer and its own record', () => {
  const slack = new FakeSlackApi();
  let t: TestApp;

  beforeAll(async () => {
    await slack.start();
    t = await startTestApp({
      NOTIFY_SWEEP_AFTER: '1s',
      SLACK_BOT_TOKEN: FAKE_SLACK_TOKEN,
      SLACK_CHANNEL,
      SLACK_API_URL: slack.apiUrl,
    });
  });

  afterAll(async () => {
    await t.close();
    await slack.stop();
  });

  const slackDelivery = async () =>
    (
      await t.sql<{ id: string; status: string; thread: { slack?: { ts: string } } | null }>(
        `SELECT d.id, d.status, th.thread FROM deliveries d
         JOIN channels c ON c.id = d.channel_id AND c.type = 'slack'
         LEFT JOIN incident_threads th ON th.incident_id = d.incident_id AND th.channel_id = d.channel_id`,
      )
    ).at(0);

  it('finds the message it posted and does not post it again', async () => {
    await t
      .http()
      .post('/api/v1/events')
      .set('authorization', `Bearer ${t.adminKey}`)
      .send([
        auditEvent(1, new Date(), {
          action: 'disblmfa',
          object_type: 'account',
          object_uuid: opId('account', 0),
          actor_uuid: opId('admin', 1),
        }),
      ])
      .expect(200);
    await waitFor('the Slack message', async () => (await slackDelivery())?.status === 'sent');
    const [posted] = slack.messages(SLACK_CHANNEL);

    // As the database looks when the process died after chat.postMessage answered: the
    // attempt started long ago, nothing recorded, no thread, and the queue job gone.
    const delivery = (await slackDelivery())!;
    await t.sql(
      `UPDATE deliveries SET status = 'queued', sent_at = NULL,
         attempt_started_at = now() - interval '2 minutes', updated_at = now() - interval '1 minute'
       WHERE id = $1`,
      [delivery.id],
    );
    await t.sql(`DELETE FROM incident_threads`);

    await waitFor('the delivery recovered', async () => (await slackDelivery())?.status === 'sent');
    expect(slack.messages(SLACK_CHANNEL)).toHaveLength(1);
    expect((await slackDelivery())?.thread?.slack?.ts).toBe(posted.ts);
  });
});
