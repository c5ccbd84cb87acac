import { FakeConnectServer } from '../simulator/fake-connect';
import { FakeEventsApi } from '../simulator/fake-events-api';
import { connectRequest, itemUsage, signInAttempt } from './support/factories';
import type { ApiRequest } from '../simulator/scenario/types';
import { SimClock } from '../simulator/sim-clock';
import {
  applyTestEnv,
  dropTestContext,
  newTestContext,
  startTestApp,
  TestApp,
} from './support/test-app';
import { ServiceProcesses } from './support/service-processes';
import { waitFor } from './support/wait-for';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const ITEM_USAGES = 12_000;
const SIGN_INS = 3_000;
/** A Connect log listed newest first, read 1,000 requests to a commit. */
const CONNECT_REQUESTS = 35_514;
const TOTAL = ITEM_USAGES + SIGN_INS + CONNECT_REQUESTS;

/**
 * The built service, killed with SIGKILL at arbitrary points of a backfill of the Events API
 * and a Connect log, and started again: every event ends up stored once, every stored event
 * in exactly one detection batch.
 */
describe('ingestion killed at any moment', () => {
  const context = newTestContext();
  const clock = SimClock.frozen(NOW);
  const api = new FakeEventsApi({ clock, seed: 11 });
  const token = api.createToken({ features: ['itemusages', 'signinattempts'] });
  const connect = new FakeConnectServer({ clock, seed: 11 });
  const connectToken = connect.createToken();
  const services = new ServiceProcesses();
  let observer: TestApp | undefined;

  beforeAll(async () => {
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
    connect.load(
      Array.from({ length: CONNECT_REQUESTS }, (_, i) => ({
        raw: connectRequest(
          i,
          new Date(NOW - (CONNECT_REQUESTS - i) * 1000),
        ) as unknown as ApiRequest,
        availableAt: NOW - 1000,
      })),
    );
    await api.start();
    await connect.start();
  });

  afterAll(async () => {
    await services.killAll();
    await observer?.close();
    await api.stop();
    await connect.stop();
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
      OP_CONNECT_URL: connect.url,
      OP_CONNECT_TOKEN: connectToken,
      OP_CONNECT_POLL_INTERVAL: '0.2',
    });
    return services.start();
  };

  it('stores every event exactly once across SIGKILLs and hands each to detection once', async () => {
    // The ingest processes enqueue under a prefix no worker reads: as if every enqueue were
    // lost to a crash between commit and enqueue. Only the sweeper can deliver the batches.
    const lostQueue = `${context.queuePrefix}_lost`;
    observer = await startTestApp({ APP_ROLE: 'api' }, context);
    const stored = async () => {
      const [row] = await observer!.sql<{ n: string }>(`SELECT count(*) AS n FROM events`);
      return Number(row.n);
    };

    // Killed right after a commit, often: between the commits of one Connect walk too.
    for (const target of [1500, 6000, 12_000, 19_000, 26_000, 33_000, 40_000]) {
      const child = startService(lostQueue);
      await waitFor(`${target} events stored`, async () => (await stored()) >= target, 120_000);
      await services.kill(child);
    }
    expect(await stored()).toBeLessThan(TOTAL);

    const last = startService(lostQueue);
    await waitFor('the whole backfill', async () => (await stored()) === TOTAL, 180_000);
    await services.kill(last);

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
      { id: 'connect:activity', events_stored: String(CONNECT_REQUESTS) },
      { id: 'events:item_usage', events_stored: String(ITEM_USAGES) },
      { id: 'events:signin_attempt', events_stored: String(SIGN_INS) },
    ]);
    expect(services.logs()).not.toContain(token);
    expect(services.logs()).not.toContain(connectToken);

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
      300_000,
    );
  }, 900_000);
});
