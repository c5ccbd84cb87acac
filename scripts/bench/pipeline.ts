import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { cpuShare } from './cpu-profile';
import { type LiveAttacks, pushLiveAttacks } from './live-attacks';
import { freshDatabase } from './database';
import { type MachineCpu, machineCpuBetween, snapshotCpu } from './machine-cpu';
import { log, sleep } from './service';
import { peakMb, ServiceProcesses } from './service-processes';
import { measureStorageLimit } from './storage-limit';
import { serveTenant, type TenantOptions } from './tenant';

export interface PipelineOptions extends TenantOptions {
  databaseUrl: string;
  /** The first process's port; worker processes take the next ones. */
  port: number;
  /** 0: one APP_ROLE=all process; N: one ingest process and N worker processes. */
  workers: number;
  /** QUEUE_BACKEND for the service, when given. */
  queue?: string;
  /** Stop after this many seconds (a partial run). */
  maxSeconds: number;
  /** Keep the CPU profiles here (one folder per process) instead of a temporary folder. */
  cpuProfDir?: string;
  adminKey: string;
}

export type PipelineResult = Awaited<ReturnType<typeof runPipeline>>;

/**
 * One run on a fresh database: the storage limit (COPY of the same events), then the tenant
 * through the service until every served event is detected; throughput, its ratio to the
 * limit, alert latency, memory and CPU per process, and the CPU time per pipeline stage.
 */
export async function runPipeline(options: PipelineOptions) {
  await freshDatabase(options.databaseUrl);
  const tenant = await serveTenant(options);
  const total = tenant.served.length;
  const limitDb = new Client({ connectionString: options.databaseUrl });
  await limitDb.connect();
  const storageLimit = await measureStorageLimit(limitDb, tenant.served);
  await limitDb.end();
  tenant.served.length = 0; // the events themselves are not needed any more
  log(`storage limit: COPY of ${total} events at ${storageLimit.eventsPerSecond} events/s`);

  const profileRoot = options.cpuProfDir ?? mkdtempSync(join(tmpdir(), 'vaultwatch-bench-'));
  const started = Date.now();
  const cpuAtStart = snapshotCpu();
  const services = ServiceProcesses.start(
    {
      ...process.env,
      ...tenant.env,
      ...(options.queue ? { QUEUE_BACKEND: options.queue } : {}),
      DATABASE_URL: options.databaseUrl,
      QUEUE_PREFIX: `vwbench${Date.now()}`,
      LOG_LEVEL: 'warn',
      ADMIN_API_KEY: options.adminKey,
    },
    options.workers,
    options.port,
    profileRoot,
  );
  const sampler = setInterval(() => {
    services.sample();
  }, 500);

  const db = new Client({ connectionString: options.databaseUrl });
  let run: { processed: number; elapsed: number; storedSeconds: number | null };
  let machineCpu: MachineCpu | undefined;
  // With one APP_ROLE=all process (it serves the API), attacks arrive live a third of the way.
  const live: { attacks?: Promise<LiveAttacks> } = {};
  const midway =
    options.workers === 0
      ? () => {
          if (live.attacks) return;
          live.attacks = pushLiveAttacks(
            `http://127.0.0.1:${options.port}`,
            options.adminKey,
            options.databaseUrl,
            6,
          );
          // Awaited once the run is over; a failure meanwhile must not end the process.
          live.attacks.catch(() => undefined);
        }
      : () => undefined;
  try {
    await db.connect();
    await services.waitUntilHealthy();
    run = await untilDetected(db, total, services, started, options.maxSeconds, midway);
    machineCpu = machineCpuBetween(cpuAtStart, snapshotCpu(), services.cpuSeconds());
  } catch (error) {
    // Leave nothing running behind a failed run.
    services.kill();
    await Promise.allSettled([db.end(), tenant.stop()]);
    throw error;
  } finally {
    clearInterval(sampler);
  }
  const { processed, elapsed, storedSeconds } = run;

  // A short run can end before its last attack alerts: wait for them before counting alerts.
  const liveAttacks = live.attacks ? await live.attacks : null;
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
  const stopped = await services.stop();
  await db.end();
  await tenant.stop();
  if (!options.cpuProfDir) rmSync(profileRoot, { recursive: true, force: true });

  const [l] = latency.rows;
  const rss = services.totalRssKb;
  const thirds = [
    rss.slice(0, rss.length / 3),
    rss.slice(rss.length / 3, (2 * rss.length) / 3),
    rss.slice((2 * rss.length) / 3),
  ];
  const { cpuShareByStage, ...profiled } = cpuShare(stopped.times);
  return {
    events: processed,
    users: tenant.users,
    workers: options.workers,
    seconds: Number(elapsed.toFixed(1)),
    eventsPerSecond: Math.round(processed / elapsed),
    /** Events stored per second, until all were stored (ingest alone). */
    storedEventsPerSecond: storedSeconds === null ? null : Math.round(total / storedSeconds),
    storageLimit,
    ratioToStorageLimit: Number((processed / elapsed / storageLimit.eventsPerSecond).toFixed(3)),
    alerts: Number(l.alerts),
    /**
     * Every alert: from the start of its batch's transaction to the start of the one that
     * recorded it (PostgreSQL's now() of each), so short of when it was visible by the rest of
     * its pass. liveAttacks times what a person sees.
     */
    alertLatencyMs: { p50: round(l.p50), p95: round(l.p95), p99: round(l.p99) },
    /** Attacks pushed live mid-backfill: the push answered (batch committed) to the alert visible. */
    liveAttacks,
    /** All processes together, sampled every 0.5 s. */
    peakRssMb: peakMb(rss),
    peakRssMbByThird: thirds.map(peakMb),
    cpuShareByStage,
    cpuProfile: profiled,
    /** The whole machine over the same seconds: the service and what it shares the cores with. */
    machineCpu,
    processes: stopped.processes.map(({ times, ...figures }) => ({
      ...figures,
      cpuShareByStage: cpuShare(times).cpuShareByStage,
    })),
    alertsByRule: Object.fromEntries(rules.rows.map((row) => [row.name, Number(row.n)])),
  };
}

/** Follows the run until every served event is detected (or `maxSeconds`), logging progress. */
async function untilDetected(
  db: Client,
  total: number,
  services: ServiceProcesses,
  started: number,
  maxSeconds: number,
  midway: () => void,
): Promise<{ processed: number; elapsed: number; storedSeconds: number | null }> {
  const progressOf = new Progress(db);
  let progress = { stored: 0, detected: 0 };
  let storedSeconds: number | null = null;
  let lastReport = 0;
  while (progress.detected < total) {
    await sleep(500);
    progress = await progressOf.measure();
    const seconds = (Date.now() - started) / 1000;
    if (storedSeconds === null && progress.stored >= total) storedSeconds = seconds;
    if (progress.detected >= total / 3) midway();
    if (Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      log(
        `${seconds.toFixed(0)} s: stored ${progress.stored}, detected ${progress.detected} of ${total}; ` +
          `RSS ${Math.round((services.totalRssKb.at(-1) ?? 0) / 1024)} MB`,
      );
    }
    if (services.exited) throw new Error('a service process exited during the benchmark');
    if (seconds > maxSeconds) {
      log('stopping early (--max-seconds)');
      break;
    }
  }
  return { processed: progress.detected, elapsed: (Date.now() - started) / 1000, storedSeconds };
}

/**
 * Events stored, and events in detected batches. A detected batch is counted once and
 * remembered: summing every batch's ids on each poll read all of their arrays again (10 s of
 * the database's time over the default tenant).
 */
class Progress {
  private readonly counted = new Set<string>();
  private detected = 0;

  constructor(private readonly db: Client) {}

  async measure(): Promise<{ stored: number; detected: number }> {
    const stored = await this.db.query<{ stored: string }>(
      'SELECT coalesce(sum(events_stored), 0) AS stored FROM sources',
    );
    const newly = await this.db.query<{ id: string; events: number }>(
      `SELECT id, cardinality(event_ids) AS events FROM ingest_batches
       WHERE detected_at IS NOT NULL AND NOT (id = ANY($1::bigint[]))`,
      [[...this.counted]],
    );
    for (const { id, events } of newly.rows) {
      this.counted.add(id);
      this.detected += events;
    }
    return { stored: Number(stored.rows[0].stored), detected: this.detected };
  }
}

const round = (value: number | null) => (value === null ? null : Math.round(value));
