import { Client } from 'pg';
import { FakeConnectServer } from '../simulator/fake-connect';
import { FakeEventsApi } from '../simulator/fake-events-api';
import { generateScenario, servedCount } from '../simulator/scenario/generate-scenario';
import { SimClock } from '../simulator/sim-clock';
import { pollingEnv } from './support/polling-env';
import { ServiceProcesses } from './support/service-processes';
import {
  applyTestEnv,
  dropTestContext,
  newTestContext,
  startTestApp,
  type TestContext,
} from './support/test-app';
import { waitFor } from './support/wait-for';

const DAY_MS = 86_400_000;
const END = Date.parse('2026-11-20T00:00:00Z');
const CLOCK_AT = END + 3_600_000;

const PENDING = 'SELECT id FROM ingest_batches WHERE detected_at IS NULL';

/** What detection leaves behind, in an order that does not depend on timing. */
const FINDINGS = {
  alerts: `SELECT r.template_id, a.group_key, a.event_time, a.severity, a.explanation,
             ARRAY(SELECT e.external_id FROM events e WHERE e.id = ANY(a.evidence_event_ids)
                   ORDER BY e.external_id) AS evidence
           FROM alerts a JOIN rules r ON r.id = a.rule_id
           ORDER BY r.template_id, a.group_key, a.event_time, a.explanation`,
  incidents: `SELECT r.template_id, i.group_key, i.alert_count, i.severity, i.first_alert_at,
                i.last_alert_at
              FROM incidents i JOIN rules r ON r.id = i.rule_id ORDER BY 1, 2, 5`,
  entities: `SELECT entity_type, entity_id, first_event_at, last_event_at, active_days,
               event_count, successful_signins
             FROM baseline_entities ORDER BY 1, 2`,
  hourly: `SELECT entity_type, entity_id, sum(count)::bigint AS events, count(*) AS hours
           FROM baseline_hourly_counts GROUP BY 1, 2 ORDER BY 1, 2`,
  seen: `SELECT entity_type, entity_id, dimension, value, first_seen, last_seen, count
         FROM baseline_seen_values ORDER BY 1, 2, 3, 4`,
};

/**
 * The same stored tenant detected by one worker process and by two: the alerts, incidents
 * and baselines are exactly the same (no alert lost or doubled, no baseline count lost).
 */
describe('scale-out: two workers find what one finds', () => {
  const one = newTestContext();
  const two = newTestContext();
  const services = new ServiceProcesses();
  const scenario = generateScenario({
    seed: 31,
    users: 12,
    // Days to spare: a user's first event may come days after the start.
    start: new Date(END - 20 * DAY_MS),
    end: new Date(END),
    connectServers: 1,
    connectTokens: 2,
    // On the last day: users are past the rules' 14 learning days, so every attack fires.
    attackWindow: { start: new Date(END - DAY_MS), end: new Date(END) },
  });
  const findings = new Map<TestContext, Record<string, unknown[]>>();

  beforeAll(async () => {
    const clock = SimClock.frozen(CLOCK_AT);
    const eventsApi = new FakeEventsApi({
      clock,
      seed: 31,
      accountUuid: scenario.meta.accountUuid,
    });
    eventsApi.loadScenario(scenario);
    const [server] = scenario.connectServers;
    const connect = new FakeConnectServer({ clock, seed: 31, serverId: server.id });
    connect.loadScenario(scenario, { serverId: server.id });
    await Promise.all([eventsApi.start(), connect.start()]);

    // Stored once, by an ingest process; no worker reads its detect jobs.
    const ingest = await startTestApp(
      { APP_ROLE: 'ingest', ...pollingEnv(eventsApi, connect, END - 21 * DAY_MS) },
      one,
    );
    const served = servedCount(scenario, CLOCK_AT);
    await waitFor(
      'every served event stored',
      async () => {
        const [row] = await ingest.sql<{ n: string }>('SELECT count(*) AS n FROM events');
        return Number(row.n) === served;
      },
      120_000,
    );
    await ingest.close();
    await Promise.all([eventsApi.stop(), connect.stop()]);
    await copyDatabase(one.databaseUrl, two.databaseUrl);

    // Both detect what was stored: one worker on the first copy, two on the second.
    for (const [context, workers] of [
      [one, 1],
      [two, 2],
    ] as const) {
      applyTestEnv(context, { APP_ROLE: 'worker', DETECT_SWEEP_AFTER: '1s' });
      for (let i = 0; i < workers; i++) services.start();
    }
    for (const context of [one, two]) {
      await waitFor(
        'every batch detected',
        async () => (await query(context, PENDING)).length === 0,
        240_000,
      );
      const result: Record<string, unknown[]> = {};
      for (const [name, sql] of Object.entries(FINDINGS)) result[name] = await query(context, sql);
      findings.set(context, result);
    }
  }, 420_000);

  afterAll(async () => {
    await services.killAll();
    await Promise.all([dropTestContext(one), dropTestContext(two)]);
  });

  it('records every attack once with one worker', () => {
    const alerts = findings.get(one)!.alerts as Array<{ template_id: string; group_key: string }>;
    for (const label of scenario.labels) {
      expect({
        attack: label.kind,
        fired: alerts.some(
          (alert) =>
            alert.template_id === label.expectedRule &&
            alert.group_key.toLowerCase().includes(label.actor.toLowerCase()),
        ),
      }).toEqual({ attack: label.kind, fired: true });
    }
  });

  it.each(Object.keys(FINDINGS))('leaves the same %s with two workers', (name) => {
    expect(findings.get(two)![name]).toEqual(findings.get(one)![name]);
  });
});

async function query(context: TestContext, sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: context.databaseUrl });
  await client.connect();
  try {
    return (await client.query<Record<string, unknown>>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** A copy of a database as it stands (PostgreSQL copies it from the first as a template). */
async function copyDatabase(from: string, to: string): Promise<void> {
  const admin = new URL(from);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  const name = (url: string) => `"${new URL(url).pathname.slice(1)}"`;
  await client.query(`CREATE DATABASE ${name(to)} TEMPLATE ${name(from)}`);
  await client.end();
}
