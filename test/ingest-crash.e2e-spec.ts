import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FakeEventsApi } from './support/fake-events-api';
import { itemUsage, signInAttempt } from './support/factories';
import { SimClock } from './support/sim-clock';
import {
  applyTestEnv,
  dropTestContext,
  newTestContext,
  startTestApp,
  TestApp,
} from './support/test-app';
import { waitFor } from './support/wait-for';

const MAIN = join(__dirname, '..', 'dist', 'src', 'main.js');
const NOW = Date.parse('2026-11-20T12:00:00Z');
const ITEM_USAGES = 12_000;
const SIGN_INS = 3_000;
const TOTAL = ITEM_USAGES + SIGN_INS;

/**
 * The built service, killed with SIGKILL at arbitrary points of a backfill and started
 * again: every event ends up stored once, every stored event in exactly one detection batch.
 */
describe('ingestion killed at any moment', () => {
  const context = newTestContext();
  const api = new FakeEventsApi({ clock: SimClock.frozen(NOW), seed: 11 });
  const token = api.createToken({ features: ['itemusages', 'signinattempts'] });
  const logs: string[] = [];
  let observer: TestApp | undefined;

  beforeAll(async () => {
    if (!existsSync(MAIN)) throw new Error('Run `npm run build` first: this test runs dist/');
    api.load(
      'itemusages',
      Array.from({ length: ITEM_USAGES }, (_, i) => ({
        raw: itemUsage(i, new Date(NOW - (ITEM_USAGES - i) * 60_000)),
        availableAt: NOW - 1000,
      })),
    );
    api.load(
      'signinattempts',
      Array.from({ length: SIGN_INS }, (_, i) => ({
        raw: signInAttempt(i, new Date(NOW - (SIGN_INS - i) * 60_000)),
        availableAt: NOW - 1000,
      })),
    );
    await api.start();
  });

  afterAll(async () => {
    await observer?.close();
    await api.stop();
    await dropTestContext(context);
  });

  const startService = (queuePrefix: string) => {
    applyTestEnv(context, {
      APP_ROLE: 'ingest',
      LOG_LEVEL: 'info',
      QUEUE_PREFIX: queuePrefix,
      OP_EVENTS_API_TOKEN: token,
      OP_EVENTS_API_URL: api.url,
      OP_EVENTS_START_TIME: new Date(NOW - 30 * 86_400_000).toISOString(),
      OP_EVENTS_POLL_INTERVAL: '0.2',
    });
    const child = spawn(process.execPath, [MAIN], { env: process.env, stdio: 'pipe' });
    child.stdout.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
    return child;
  };

  const kill = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      child.once('exit', () => {
        resolve();
      });
      child.kill('SIGKILL');
    });

  it('stores every event exactly once across SIGKILLs and hands each to detection once', async () => {
    // The ingest processes enqueue under a prefix no worker reads: as if every enqueue were
    // lost to a crash between commit and enqueue. Only the sweeper can deliver the batches.
    const lostQueue = `${context.queuePrefix}_lost`;
    observer = await startTestApp({ APP_ROLE: 'api' }, context);
    const stored = async () => {
      const [row] = await observer!.sql<{ n: string }>(`SELECT count(*) AS n FROM events`);
      return Number(row.n);
    };

    for (const target of [1500, 5000, 9000]) {
      const child = startService(lostQueue);
      await waitFor(`${target} events stored`, async () => (await stored()) >= target, 60_000);
      await kill(child);
    }
    expect(await stored()).toBeLessThan(TOTAL);

    const last = startService(lostQueue);
    await waitFor('the whole backfill', async () => (await stored()) === TOTAL, 60_000);
    await kill(last);

    const [check] = await observer.sql<{
      distinct_ids: string;
      in_batches: string;
      batch_ids: string;
    }>(
      `SELECT (SELECT count(DISTINCT (stream, external_id)) FROM events) AS distinct_ids,
              (SELECT count(*) FROM ingest_batches, unnest(event_ids)) AS in_batches,
              (SELECT count(DISTINCT e) FROM ingest_batches, unnest(event_ids) AS e) AS batch_ids`,
    );
    expect(check).toEqual({
      distinct_ids: String(TOTAL),
      in_batches: String(TOTAL),
      batch_ids: String(TOTAL),
    });
    const sources = await observer.sql<{ id: string; events_stored: string }>(
      `SELECT id, events_stored FROM sources WHERE state <> 'disabled' ORDER BY id`,
    );
    expect(sources).toEqual([
      { id: 'events:item_usage', events_stored: String(ITEM_USAGES) },
      { id: 'events:signin_attempt', events_stored: String(SIGN_INS) },
    ]);
    expect(logs.join('')).not.toContain(token);

    // A worker on the real queue: the sweeper finds every batch that was never enqueued for it.
    await observer.close();
    observer = await startTestApp({ APP_ROLE: 'worker', DETECT_SWEEP_AFTER: '1s' }, context);
    await waitFor(
      'every batch detected',
      async () => {
        const [row] = await observer!.sql<{ n: string }>(
          `SELECT count(*) AS n FROM ingest_batches WHERE detected_at IS NULL`,
        );
        return row.n === '0';
      },
      60_000,
    );
  });
});
