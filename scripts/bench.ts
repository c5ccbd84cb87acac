/**
 * `npm run bench`: a large simulated tenant pushed through the real pipeline — fake Events
 * API and Connect server → ingest → PostgreSQL → detect (every default rule) → alerts — with
 * vaultwatch running as its own process (APP_ROLE=all), as in production. First measures the
 * storage limit of the same database (COPY of the same events, see bench/storage-limit.ts),
 * then prints end-to-end events/s and its ratio to that limit, alert latency percentiles
 * (batch committed → alert recorded) and the service's peak RSS, sampled over the run.
 *
 *   npm run bench -- --users 2000 --days 30 [--queue redis|postgres]
 *   npm run bench -- --mode rest --users 2000 --days 90 --incidents 100000
 *
 * `--queue` picks the queue backend (default: redis when REDIS_URL is set, else postgres).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { FakeConnectServer } from '../simulator/fake-connect';
import { FakeEventsApi } from '../simulator/fake-events-api';
import { evenFaults } from '../simulator/fake-http';
import { generateScenario, scenarioCounts } from '../simulator/scenario/generate-scenario';
import type { Scenario, TimedEvent } from '../simulator/scenario/types';
import { SimClock } from '../simulator/sim-clock';
import { HEAP_LIMIT_FLAG } from '../src/config/heap-limit';
import { normalizeEvent } from '../src/events/normalize/normalize-event';
import type { NormalizedEvent, Stream } from '../src/events/normalize/normalized-event';
import { freshDatabase } from './bench/database';
import { measureRest, type RestTenant, seedRestTenant } from './bench/rest-load';
import { log, residentKb, sleep, waitUntilHealthy } from './bench/service';
import { measureStorageLimit } from './bench/storage-limit';

const DAY_MS = 86_400_000;
const ADMIN_KEY = 'vw_bench_admin_key_000000000000000';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '2000' },
      days: { type: 'string', default: '30' },
      seed: { type: 'string', default: '42' },
      port: { type: 'string', default: '3900' },
      // Stop after this many seconds (a partial run, e.g. while profiling with --cpu-prof).
      'max-seconds': { type: 'string', default: '3600' },
      'cpu-prof-dir': { type: 'string' },
      // Share of requests the fakes answer with a 429, a 500, a reset or a slow answer.
      faults: { type: 'string', default: '0' },
      queue: { type: 'string' },
      // pipeline: the simulated tenant end to end; rest: REST latency over a seeded tenant.
      mode: { type: 'string', default: 'pipeline' },
      incidents: { type: 'string', default: '100000' },
    },
  });
  const queue = values.queue ? { QUEUE_BACKEND: values.queue } : {};
  const databaseUrl =
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/vaultwatch_bench';
  await freshDatabase(databaseUrl);
  if (values.mode === 'rest') {
    await restBench(databaseUrl, values.port, {
      users: Number(values.users),
      days: Number(values.days),
      incidents: Number(values.incidents),
    });
    return;
  }

  const clockStart = Date.parse('2026-11-01T00:00:00Z');
  const generated = Date.now();
  const scenario = generateScenario({
    seed: Number(values.seed),
    users: Number(values.users),
    start: new Date(clockStart - Number(values.days) * DAY_MS),
    end: new Date(clockStart),
    connectServers: 1,
    connectTokens: 20,
  });
  const counts = scenarioCounts(scenario);
  log(`scenario: ${JSON.stringify(counts)} in ${Date.now() - generated} ms`);

  const clock = SimClock.frozen(clockStart + 60_000);
  const faults = Number(values.faults);
  const eventsApi = new FakeEventsApi({
    clock,
    seed: 1,
    accountUuid: scenario.meta.accountUuid,
    randomFaults: faults > 0 ? evenFaults(faults, 'bench-events') : undefined,
  });
  eventsApi.loadScenario(scenario);
  await eventsApi.start();
  const [server] = scenario.connectServers;
  const connect = new FakeConnectServer({
    clock,
    seed: 1,
    serverId: server.id,
    randomFaults: faults > 0 ? evenFaults(faults, 'bench-connect') : undefined,
  });
  connect.loadScenario(scenario, { serverId: server.id });
  await connect.start();
  // Item usages that sync after the frozen clock are not served: the rest is the workload.
  const served = servedEvents(scenario, clock.nowMs());
  const total = served.length;

  const limitDb = new Client({ connectionString: databaseUrl });
  await limitDb.connect();
  const storageLimit = await measureStorageLimit(limitDb, served);
  await limitDb.end();
  log(`storage limit: COPY of ${total} events at ${storageLimit.eventsPerSecond} events/s`);

  const started = Date.now();
  const profile = values['cpu-prof-dir']
    ? ['--cpu-prof', `--cpu-prof-dir=${values['cpu-prof-dir']}`]
    : [];
  profile.push(HEAP_LIMIT_FLAG); // the heap limit production starts with
  const service = spawn(process.execPath, [...profile, join(__dirname, '..', 'src', 'main.js')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      ...queue,
      QUEUE_PREFIX: `vwbench${Date.now()}`,
      PORT: values.port,
      LOG_LEVEL: 'warn',
      ADMIN_API_KEY: ADMIN_KEY,
      OP_EVENTS_API_TOKEN: eventsApi.createToken(),
      OP_EVENTS_API_URL: eventsApi.url,
      OP_EVENTS_START_TIME: new Date(clockStart - (Number(values.days) + 1) * DAY_MS).toISOString(),
      OP_EVENTS_POLL_INTERVAL: '1',
      // The fake is not rate limited; the real API would cap one token near 10,000 events/s.
      OP_EVENTS_MAX_REQUESTS_PER_MINUTE: '60000',
      OP_CONNECT_URL: connect.url,
      OP_CONNECT_TOKEN: connect.createToken(),
      OP_CONNECT_POLL_INTERVAL: '1',
    },
  });
  const rss: number[] = [];
  const sampler = setInterval(() => {
    const kb = residentKb(service.pid);
    if (kb) rss.push(kb);
  }, 500);

  await waitUntilHealthy(values.port);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  let progress = { stored: 0, detected: 0 };
  let lastReport = 0;
  while (progress.detected < total) {
    await sleep(500);
    progress = await measure(db);
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      const seconds = (Date.now() - started) / 1000;
      log(
        `${seconds.toFixed(0)} s: stored ${progress.stored}, detected ${progress.detected} of ${total}; ` +
          `RSS ${Math.round((rss.at(-1) ?? 0) / 1024)} MB`,
      );
    }
    if (service.exitCode !== null) throw new Error('the service exited during the benchmark');
    if ((Date.now() - started) / 1000 > Number(values['max-seconds'])) {
      log('stopping early (--max-seconds)');
      break;
    }
  }
  const elapsed = (Date.now() - started) / 1000;
  const processed = progress.detected;
  clearInterval(sampler);

  const latency = await db.query<{ p50: number; p95: number; p99: number; alerts: string }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, count(*) AS alerts
     FROM (SELECT extract(epoch FROM a.created_at - b.created_at) * 1000 AS ms
           FROM alerts a JOIN ingest_batches b ON b.id = a.batch_id) AS l`,
  );
  const rules = await db.query<{ name: string; n: string }>(
    `SELECT r.definition->>'name' AS name, count(a.id) AS n FROM rules r
     LEFT JOIN alerts a ON a.rule_id = r.id GROUP BY 1 ORDER BY 2 DESC, 1`,
  );
  service.kill('SIGTERM');
  await new Promise((resolve) => service.once('exit', resolve));
  await db.end();
  await Promise.all([eventsApi.stop(), connect.stop()]);

  const [l] = latency.rows;
  const thirds = [
    rss.slice(0, rss.length / 3),
    rss.slice(rss.length / 3, (2 * rss.length) / 3),
    rss.slice((2 * rss.length) / 3),
  ];
  const peak = (values: number[]) => Math.round(Math.max(0, ...values) / 1024);
  const result = {
    events: processed,
    users: scenario.users.length,
    seconds: Number(elapsed.toFixed(1)),
    eventsPerSecond: Math.round(processed / elapsed),
    storageLimit,
    ratioToStorageLimit: Number((processed / elapsed / storageLimit.eventsPerSecond).toFixed(3)),
    alerts: Number(l.alerts),
    alertLatencyMs: { p50: round(l.p50), p95: round(l.p95), p99: round(l.p99) },
    peakRssMb: peak(rss),
    peakRssMbByThird: thirds.map(peak),
    alertsByRule: Object.fromEntries(rules.rows.map((row) => [row.name, Number(row.n)])),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

type StreamKey = 'itemUsages' | 'signInAttempts' | 'auditEvents' | 'connectActivity';

/**
 * `--mode rest`: an API process over a seeded tenant (`--users`' baselines of `--days` days,
 * `--incidents` incidents), then each endpoint under load: latency percentiles.
 */
async function restBench(databaseUrl: string, port: string, tenant: RestTenant): Promise<void> {
  const service = spawn(process.execPath, [join(__dirname, '..', 'src', 'main.js')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: port,
      LOG_LEVEL: 'warn',
      APP_ROLE: 'api',
      ADMIN_API_KEY: ADMIN_KEY,
    },
  });
  try {
    await waitUntilHealthy(port);
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    await seedRestTenant(db, tenant);
    await db.end();
    // One client (what a person at the console sees), then ten at once.
    const latencyMs: Record<string, unknown> = {};
    for (const connections of [1, 10]) {
      latencyMs[`${connections} connection(s)`] = await measureRest(
        `http://127.0.0.1:${port}`,
        ADMIN_KEY,
        tenant,
        10,
        connections,
      );
    }
    process.stdout.write(`${JSON.stringify({ ...tenant, latencyMs }, null, 2)}\n`);
  } finally {
    service.kill('SIGTERM');
    await new Promise((resolve) => service.once('exit', resolve));
  }
}

const STREAMS_SERVED: Array<[StreamKey, Stream, sourceId: string]> = [
  ['itemUsages', 'item_usage', 'events:item_usage'],
  ['signInAttempts', 'signin_attempt', 'events:signin_attempt'],
  ['auditEvents', 'audit_event', 'events:audit_event'],
  ['connectActivity', 'connect_activity', 'connect:activity'],
];

/** The events the fakes serve by `nowMs`, normalized as the service stores them. */
function servedEvents(
  scenario: Scenario,
  nowMs: number,
): Array<{ sourceId: string; event: NormalizedEvent }> {
  return STREAMS_SERVED.flatMap(([key, stream, sourceId]) =>
    (scenario[key] as ReadonlyArray<TimedEvent<unknown>>)
      .filter((timed) => timed.availableAt <= nowMs)
      .flatMap((timed) => {
        const result = normalizeEvent(stream, timed.raw);
        return result.ok ? [{ sourceId, event: result.event }] : [];
      }),
  );
}

async function measure(db: Client): Promise<{ stored: number; detected: number }> {
  const { rows } = await db.query<{ stored: string; detected: string }>(
    `SELECT (SELECT coalesce(sum(events_stored), 0) FROM sources) AS stored,
            (SELECT coalesce(sum(cardinality(event_ids)), 0) FROM ingest_batches
             WHERE detected_at IS NOT NULL) AS detected`,
  );
  return { stored: Number(rows[0].stored), detected: Number(rows[0].detected) };
}

const round = (value: number | null) => (value === null ? null : Math.round(value));

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
