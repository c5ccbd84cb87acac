/**
 * `npm run bench`: a large simulated tenant pushed through the real pipeline — fake Events
 * API and Connect server → ingest → PostgreSQL → detect (every default rule) → alerts — with
 * vaultwatch running as its own process (APP_ROLE=all), as in production. First measures the
 * storage limit of the same database (COPY of the same events, see bench/storage-limit.ts),
 * then prints end-to-end events/s and its ratio to that limit, alert latency percentiles
 * (batch committed → alert recorded), peak RSS sampled over the run, and the share of CPU per
 * pipeline stage from a CPU profile of the service (bench/cpu-profile.ts).
 *
 *   npm run bench -- --users 2000 --days 30 [--queue redis|postgres] [--workers 2]
 *   npm run bench -- --sweep 300,1000,3000 --days 3
 *   npm run bench -- --mode rest --users 2000 --days 90 --incidents 100000
 *
 * `--queue` picks the queue backend (default: redis when REDIS_URL is set, else postgres).
 * `--workers N` runs one APP_ROLE=ingest process and N APP_ROLE=worker processes instead.
 * `--sweep` runs the pipeline once per user count (fresh database each) and ends with a table.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { freshDatabase } from './bench/database';
import { type PipelineResult, runPipeline } from './bench/pipeline';
import { measureRest, type RestTenant, seedRestTenant } from './bench/rest-load';
import { log, waitUntilHealthy } from './bench/service';
import { sweepTable } from './bench/sweep-table';

const ADMIN_KEY = 'vw_bench_admin_key_000000000000000';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '2000' },
      days: { type: 'string', default: '30' },
      seed: { type: 'string', default: '42' },
      port: { type: 'string', default: '3900' },
      // Stop after this many seconds (a partial run).
      'max-seconds': { type: 'string', default: '3600' },
      // Keep the service's CPU profiles here (one folder per process); else a temporary folder.
      'cpu-prof-dir': { type: 'string' },
      // Share of requests the fakes answer with a 429, a 500, a reset or a slow answer.
      faults: { type: 'string', default: '0' },
      queue: { type: 'string' },
      // 0: one APP_ROLE=all process; N: one ingest process and N worker processes.
      workers: { type: 'string', default: '0' },
      // User counts, comma-separated: one pipeline run each, then a table.
      sweep: { type: 'string' },
      // pipeline: the simulated tenant end to end; rest: REST latency over a seeded tenant.
      mode: { type: 'string', default: 'pipeline' },
      incidents: { type: 'string', default: '100000' },
    },
  });
  const databaseUrl =
    process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/vaultwatch_bench';
  if (values.mode === 'rest') {
    await freshDatabase(databaseUrl);
    await restBench(
      databaseUrl,
      values.port,
      {
        users: Number(values.users),
        days: Number(values.days),
        incidents: Number(values.incidents),
      },
      values['cpu-prof-dir'],
    );
    return;
  }

  const userCounts = (values.sweep ?? values.users).split(',').map(wholeNumber('users', 1));
  const runs: PipelineResult[] = [];
  for (const users of userCounts) {
    if (values.sweep) log(`sweep: ${users} users`);
    const run = await runPipeline({
      users,
      days: wholeNumber('days', 1)(values.days),
      seed: Number(values.seed),
      faults: Number(values.faults),
      databaseUrl,
      port: Number(values.port),
      workers: wholeNumber('workers', 0)(values.workers),
      queue: values.queue,
      maxSeconds: Number(values['max-seconds']),
      cpuProfDir: values['cpu-prof-dir'] && join(values['cpu-prof-dir'], `users-${users}`),
      adminKey: ADMIN_KEY,
    });
    if (values.sweep) log(JSON.stringify(run));
    runs.push(run);
  }
  if (!values.sweep) {
    process.stdout.write(`${JSON.stringify(runs[0], null, 2)}\n`);
    return;
  }
  process.stdout.write(`${JSON.stringify(runs, null, 2)}\n\n${sweepTable(runs)}`);
}

/** A command-line number: a whole number no smaller than `min`, or a clear error. */
const wholeNumber =
  (name: string, min: number) =>
  (text: string): number => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min) {
      throw new Error(`--${name}: ${text} is not a whole number of at least ${min}`);
    }
    return value;
  };

/**
 * `--mode rest`: an API process over a seeded tenant (`--users`' baselines of `--days` days,
 * `--incidents` incidents), then each endpoint under load: latency percentiles. With
 * `--cpu-prof-dir`, the API process's CPU profile is kept there.
 */
async function restBench(
  databaseUrl: string,
  port: string,
  tenant: RestTenant,
  cpuProfDir: string | undefined,
): Promise<void> {
  // With --cpu-prof-dir, the API process writes its CPU profile there when it exits.
  const profile = cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : [];
  const service = spawn(process.execPath, [...profile, join(__dirname, '..', 'src', 'main.js')], {
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

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
