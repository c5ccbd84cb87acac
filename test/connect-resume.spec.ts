import { EventsService } from '../src/events/events.service';
import { ConnectClient } from '../src/sources/connect.client';
import { ConnectPoller } from '../src/sources/connect.poller';
import type { PollRun } from '../src/sources/poll-loop';
import { SourceError } from '../src/sources/source-errors';
import { SourcesRepository } from '../src/sources/sources.repository';
import { FakeConnectServer } from '../simulator/fake-connect';
import { connectRequest } from './support/factories';
import type { ApiRequest } from '../simulator/scenario/types';
import { SimClock } from '../simulator/sim-clock';
import { startTestApp, TestApp } from './support/test-app';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const SOURCE = 'connect:activity';

/** A process killed between two requests: what it had read but not committed is gone. */
class Killed extends Error {}

/** Runs a drain that is killed when it tries to send request number `killAt` (1 = heartbeat). */
function runKilledAt(killAt = Number.POSITIVE_INFINITY): PollRun {
  let sent = 0;
  return {
    shouldStop: () => false,
    request: async (send) => {
      if (++sent >= killAt) throw new Killed(`killed at request ${killAt}`);
      return send();
    },
  };
}

/**
 * The Connect poller against the real database and a fake Connect server, killed between
 * any two requests: a saved position never covers a request that is not stored, whichever
 * way the server lists, while requests arrive, and when retention or a reset moves the list.
 */
describe('Connect activity: resuming after a crash', () => {
  let t: TestApp;
  let clock: SimClock;
  let connect: FakeConnectServer;
  let poller: ConnectPoller;
  let loaded = 0;

  beforeAll(async () => {
    t = await startTestApp({ APP_ROLE: 'api' });
  });

  afterAll(async () => {
    await t.close();
  });

  afterEach(async () => {
    await connect.stop();
  });

  const setUp = async (options: ConstructorParameters<typeof FakeConnectServer>[0] = {}) => {
    await t.sql(`TRUNCATE events, rejected_events, ingest_batches`);
    await t.sql(`DELETE FROM sources`);
    loaded = 0;
    clock = SimClock.frozen(NOW);
    // Pages of 100 (the server's cap, which the poller learns), so kills fall between commits.
    connect = new FakeConnectServer({ clock, seed: 5, maxLimit: 100, ...options });
    const url = await connect.start();
    const sources = t.app.get(SourcesRepository, { strict: false });
    await sources.ensure({
      id: SOURCE,
      sourceName: 'default',
      kind: 'connect',
      stream: 'connect_activity',
      endpoint: url,
    });
    poller = new ConnectPoller(
      SOURCE,
      new ConnectClient(url, connect.createToken()),
      sources,
      t.app.get(EventsService, { strict: false }),
      connect.accountUuid,
    );
  };

  /** Appends `count` requests, one a second, newer than every one before. */
  const arrive = (count: number) => {
    const first = loaded;
    connect.load(
      Array.from({ length: count }, (_, i) => ({
        raw: connectRequest(
          first + i,
          new Date(NOW - 86_400_000 + (first + i) * 1000),
        ) as unknown as ApiRequest,
        availableAt: NOW - 1000,
      })),
    );
    loaded += count;
  };

  const stored = async () => {
    const [row] = await t.sql<{ n: string; distinct_ids: string }>(
      `SELECT count(*) AS n, count(DISTINCT external_id) AS distinct_ids
       FROM events WHERE stream = 'connect_activity'`,
    );
    return { n: Number(row.n), distinct: Number(row.distinct_ids) };
  };

  /** Appends `count` requests with one timestamp: the listing order cannot be told from them. */
  const arriveAtOnce = (count: number) => {
    connect.load(
      Array.from({ length: count }, (_, i) => ({
        raw: connectRequest(loaded + i, new Date(NOW - 60_000)) as unknown as ApiRequest,
        availableAt: NOW - 1000,
      })),
    );
    loaded += count;
  };

  /** The requests numbered [from, to) in arrival order, as the event ids they are stored under. */
  const idsOf = (from: number, to: number) =>
    Array.from({ length: to - from }, (_, i) => connectRequest(from + i, new Date(NOW)).requestId);

  const missing = async (from: number, to: number) => {
    const ids = idsOf(from, to);
    const rows = await t.sql<{ external_id: string }>(
      `SELECT external_id FROM events WHERE stream = 'connect_activity' AND external_id = ANY($1)`,
      [ids],
    );
    const have = new Set(rows.map((row) => row.external_id));
    return ids.filter((id) => !have.has(id)).length;
  };

  const position = async () => {
    const [row] = await t.sql<{ position: { frontier?: number }; events_stored: string }>(
      `SELECT position, events_stored FROM sources WHERE id = $1`,
      [SOURCE],
    );
    return { frontier: row.position.frontier ?? 0, eventsStored: Number(row.events_stored) };
  };

  const drainKilledAt = async (killAt?: number) => {
    await poller.drain(runKilledAt(killAt)).catch((error: unknown) => {
      if (!(error instanceof Killed)) throw error;
    });
  };

  /** Kills at these request numbers: before, between and right after 1,000-request commits. */
  const KILLS = [2, 5, 14, 13, 27, 26, 40, 3, 15, 12];

  it.each(['newest_first', 'oldest_first'] as const)(
    'stores every request exactly once however often a walk is killed (%s)',
    async (listing) => {
      await setUp({ listing });
      arrive(12514);
      for (const killAt of KILLS) {
        await drainKilledAt(killAt);
        // The saved position covers only what is stored: the `frontier` oldest are all there.
        const { frontier, eventsStored } = await position();
        expect(await missing(0, frontier)).toBe(0);
        expect(eventsStored).toBe((await stored()).n);
      }
      expect((await stored()).n).toBeLessThan(12514);
      await drainKilledAt();
      expect(await stored()).toEqual({ n: 12514, distinct: 12514 });
      expect(await position()).toEqual({ frontier: 12514, eventsStored: 12514 });
    },
  );

  it('loses nothing when a resumed walk is killed after some of its commits while requests arrive', async () => {
    await setUp();
    arrive(2500);
    // The first walk commits two chunks of 1,000, then dies.
    await drainKilledAt(26);
    for (const killAt of [14, 27, 13, 40]) {
      arrive(150); // new requests shift every offset of the newest-first list
      await drainKilledAt(killAt);
      expect(await missing(0, (await position()).frontier)).toBe(0);
    }
    arrive(150);
    await drainKilledAt();
    expect(await stored()).toEqual({ n: loaded, distinct: loaded });
    expect(await missing(0, loaded)).toBe(0);
  });

  it('steps back when retention drops the oldest requests under the saved position', async () => {
    await setUp();
    arrive(1000);
    await drainKilledAt();
    connect.setMaxRetained(1500);
    arrive(700); // the 200 oldest leave the list: every age moves down by 200
    await drainKilledAt();
    expect(await missing(1000, 1700)).toBe(0);
    expect(await stored()).toEqual({ n: 1700, distinct: 1700 });
    expect((await position()).frontier).toBe(1500);
  });

  it('reads a reset log (a shorter list after a restart) from its start', async () => {
    await setUp();
    arrive(800);
    await drainKilledAt();
    connect.clear();
    arrive(300);
    await drainKilledAt();
    expect(await missing(800, 1100)).toBe(0);
    expect((await position()).frontier).toBe(300);
  });

  it.each([
    ['newest_first', 37],
    ['oldest_first', 37],
    ['newest_first', 5],
    ['oldest_first', 5],
    ['newest_first', 2],
  ] as const)(
    'reads a server that serves shorter pages than asked, resuming after a kill (%s, %d a page)',
    async (listing, maxLimit) => {
      await setUp({ listing, maxLimit });
      arrive(1234);
      await drainKilledAt(20);
      expect(await missing(0, (await position()).frontier)).toBe(0);
      await drainKilledAt();
      expect(await stored()).toEqual({ n: 1234, distinct: 1234 });
      arrive(100);
      await drainKilledAt();
      expect(await stored()).toEqual({ n: 1334, distinct: 1334 });
      expect(await position()).toEqual({ frontier: 1334, eventsStored: 1334 });
    },
  );

  it('reads a log whose order it cannot tell page after page, until a page is empty', async () => {
    await setUp({ maxLimit: 37 });
    arriveAtOnce(100);
    await drainKilledAt();
    expect(await stored()).toEqual({ n: 100, distinct: 100 });
  });

  it('ends a read of the whole log when a broken server serves the same page whatever the offset', async () => {
    await setUp({ maxLimit: 37, ignoresOffset: true });
    arriveAtOnce(100);
    await drainKilledAt();
    await drainKilledAt();
    expect(await stored()).toEqual({ n: 37, distinct: 37 });
  });

  it('stores what a walk read before a request that keeps failing, with a position that covers it', async () => {
    await setUp();
    arrive(900);
    let sent = 0;
    const failing: PollRun = {
      shouldStop: () => false,
      request: async (send) => {
        if (++sent >= 6) throw new SourceError('unavailable', 'Connect server answered 500', 500);
        return send();
      },
    };
    await expect(poller.drain(failing)).rejects.toThrow('500');
    const { frontier, eventsStored } = await position();
    expect(frontier).toBeGreaterThan(0);
    expect(eventsStored).toBe(frontier);
    expect(await missing(0, frontier)).toBe(0);
  });
});
