import { FakeConnectServer } from '../simulator/fake-connect';
import { FakeEventsApi } from '../simulator/fake-events-api';
import { evenFaults } from '../simulator/fake-http';
import { generateScenario, servedCount } from '../simulator/scenario/generate-scenario';
import type { Scenario } from '../simulator/scenario/types';
import { SimClock } from '../simulator/sim-clock';
import { startTestApp, TestApp } from './support/test-app';
import { pollingEnv } from './support/polling-env';
import { streamsOf } from './support/source-streams';
import { waitFor } from './support/wait-for';

const DAY_MS = 86_400_000;
const END = Date.parse('2026-11-20T00:00:00Z');
/** One request in ten, on every route: 429 (Retry-After 1), 500, reset, slower than the timeout. */
const FAULT_SHARE = 0.1;

interface SourceAnswer {
  id: string;
  state: string;
  eventsStored: number;
  consecutiveFailures: number;
  retries: number;
}

/**
 * A generated tenant (tens of thousands of item usages and Connect requests) served by fake
 * 1Password servers that fail one request in ten, at random, on every route: every event is
 * stored exactly once, the failures are retried in place rather than throwing pages away,
 * and every injected attack still fires its rule.
 */
describe('ingestion from servers that fail now and then', () => {
  let scenario: Scenario;
  let eventsApi: FakeEventsApi;
  let connect: FakeConnectServer;
  let t: TestApp;
  let served: number;
  const clockAt = END + 3_600_000;

  beforeAll(async () => {
    scenario = generateScenario({
      seed: 7,
      users: 40,
      start: new Date(END - 22 * DAY_MS),
      end: new Date(END),
      connectServers: 1,
      connectTokens: 3,
    });
    const clock = SimClock.frozen(clockAt);
    // A slow answer takes 1.5 s; the service gives up on a request after 1 s: a timeout.
    eventsApi = new FakeEventsApi({
      clock,
      seed: 7,
      accountUuid: scenario.meta.accountUuid,
      randomFaults: evenFaults(FAULT_SHARE, 'faults-events', 1500),
    });
    eventsApi.loadScenario(scenario);
    await eventsApi.start();
    const [server] = scenario.connectServers;
    connect = new FakeConnectServer({
      clock,
      seed: 7,
      serverId: server.id,
      // Pages of 100 (a cap the poller learns): hundreds of requests, any of which may fail.
      maxLimit: 100,
      randomFaults: evenFaults(FAULT_SHARE, 'faults-connect', 1500),
    });
    connect.loadScenario(scenario, { serverId: server.id });
    await connect.start();

    t = await startTestApp({
      ALERT_HORIZON: '3650d',
      ...pollingEnv(eventsApi, connect, END - 23 * DAY_MS),
      OP_REQUEST_TIMEOUT: '1',
    });
    served = servedCount(scenario, clockAt);
    await waitFor(
      'every event stored and detected',
      async () => {
        const [row] = await t.sql<{ stored: string; pending: string }>(
          `SELECT (SELECT count(*) FROM events) AS stored,
                  (SELECT count(*) FROM ingest_batches WHERE detected_at IS NULL) AS pending`,
        );
        return Number(row.stored) >= served && row.pending === '0';
      },
      300_000,
    );
  }, 360_000);

  afterAll(async () => {
    await t.close();
    await Promise.all([eventsApi.stop(), connect.stop()]);
  });

  it('injected a steady share of every kind of fault', () => {
    for (const fake of [eventsApi, connect]) {
      const injected = fake.injectedFaults;
      const faults = Object.values(injected).reduce((sum, n) => sum + n, 0);
      expect(faults / fake.requests.length).toBeGreaterThanOrEqual(0.05);
      expect(Math.min(...Object.values(injected))).toBeGreaterThan(0);
    }
    expect(scenario.connectActivity.length).toBeGreaterThan(20_000);
    expect(scenario.itemUsages.length).toBeGreaterThan(10_000);
  });

  it('stores every served event exactly once', async () => {
    const [row] = await t.sql<{ stored: string; distinct_ids: string; in_batches: string }>(
      `SELECT (SELECT count(*) FROM events) AS stored,
              (SELECT count(DISTINCT (stream, external_id)) FROM events) AS distinct_ids,
              (SELECT count(*) FROM ingest_batches, unnest(event_ids)) AS in_batches`,
    );
    expect(row).toEqual({
      stored: String(served),
      distinct_ids: String(served),
      in_batches: String(served),
    });
  });

  it('counts the retries apart from outages, which a success always ends', async () => {
    const answer = await t
      .http()
      .get('/api/v1/sources')
      .set('authorization', `Bearer ${t.adminKey}`);
    const sources = streamsOf<SourceAnswer>(answer.body).filter(
      (source) => source.state !== 'disabled',
    );
    expect(sources.map((source) => source.id).sort()).toEqual([
      'connect:activity',
      'events:audit_event',
      'events:item_usage',
      'events:signin_attempt',
    ]);
    const connectSource = sources.find((source) => source.id === 'connect:activity');
    expect(connectSource?.retries).toBeGreaterThan(0);
    expect(sources.reduce((sum, source) => sum + source.retries, 0)).toBeGreaterThan(10);
    await waitFor('every stream healthy between failures', async () => {
      const now = await t
        .http()
        .get('/api/v1/sources')
        .set('authorization', `Bearer ${t.adminKey}`);
      return streamsOf<SourceAnswer>(now.body)
        .filter((source) => source.state !== 'disabled')
        .every((source) => source.consecutiveFailures <= 1);
    });
    const metrics = await t.http().get('/metrics');
    expect(metrics.text).toMatch(
      /vaultwatch_source_retries_total\{source="connect:activity",reason="\w+"\} [1-9]/,
    );
    expect(metrics.text).toMatch(
      /vaultwatch_source_consecutive_failures\{source="connect:activity"\} \d/,
    );
  });

  it('fires the expected rule for every injected attack, the Connect DENY burst included', async () => {
    const alerts = await t.sql<{ template_id: string; group_key: string; event_time: Date }>(
      `SELECT r.template_id, a.group_key, a.event_time
       FROM alerts a JOIN rules r ON r.id = a.rule_id`,
    );
    expect(scenario.labels.map((label) => label.kind)).toContain('connect_deny_burst');
    for (const label of scenario.labels) {
      const start = Date.parse(label.start) - 60 * 60_000;
      const end = Date.parse(label.end) + 60 * 60_000;
      const fired = alerts.some(
        (alert) =>
          alert.template_id === label.expectedRule &&
          alert.group_key.toLowerCase().includes(label.actor.toLowerCase()) &&
          alert.event_time.getTime() >= start &&
          alert.event_time.getTime() <= end,
      );
      expect({ attack: label.kind, fired }).toEqual({ attack: label.kind, fired: true });
    }
  });
});
