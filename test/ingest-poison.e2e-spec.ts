import { FakeConnectServer } from '../simulator/fake-connect';
import { FakeEventsApi } from '../simulator/fake-events-api';
import { connectRequest, itemUsage } from './support/factories';
import type { ApiRequest } from '../simulator/scenario/types';
import { POISON_KINDS, POISON_NAMES, unusable } from '../simulator/poison';
import { SimClock } from '../simulator/sim-clock';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const minutesAgo = (n: number) => new Date(NOW - n * 60_000);

/** Good objects with every poison kind and every unusable object between them. */
function poisonedPage(good: (n: number) => Record<string, unknown>, idKey: string) {
  const goods = Array.from({ length: POISON_NAMES.length + 8 }, (_, n) => good(n));
  const poisoned = POISON_NAMES.map((kind, i) => POISON_KINDS[kind](good(100 + i)));
  const bad = unusable(good(200), idKey).map((entry) => entry.raw);
  const page: unknown[] = [];
  goods.forEach((object, i) => {
    page.push(object);
    if (i < poisoned.length) page.push(poisoned[i]);
    if (i < bad.length) page.push(bad[i]);
  });
  return { page, stored: goods.length + poisoned.length, rejected: bad.length };
}

interface SourceAnswer {
  state: string;
  lastError: string | null;
}

describe('a poisoned page does not block its stream', () => {
  let clock: SimClock;
  let t: TestApp | undefined;

  beforeEach(() => {
    clock = SimClock.frozen(NOW);
  });

  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const count = async (table: string, sourceId: string) => {
    const [row] = await t!.sql<{ n: string }>(
      `SELECT count(*) AS n FROM ${table} WHERE source_id = $1`,
      [sourceId],
    );
    return Number(row.n);
  };
  const source = async (id: string) =>
    (
      await t!
        .http()
        .get(`/api/v1/sources/${id}`)
        .set('authorization', `Bearer ${t!.adminKey}`)
        .expect(200)
    ).body as SourceAnswer;

  it('Events API: stores the rest of each page, records the rejects, and reads the next pages', async () => {
    // Four objects a page, so the poison is spread over many pages and cursors.
    const api = new FakeEventsApi({ clock, seed: 11, maxScanPerRequest: 4 });
    await api.start();
    try {
      const { page, stored, rejected } = poisonedPage(
        (n) => itemUsage(n, minutesAgo(60 - n / 10)),
        'uuid',
      );
      api.loadRaw('itemusages', page, NOW - 3_600_000, NOW - 1000);
      t = await startTestApp({
        OP_EVENTS_API_TOKEN: api.createToken({ features: ['itemusages'] }),
        OP_EVENTS_API_URL: api.url,
        OP_EVENTS_START_TIME: new Date(NOW - 86_400_000).toISOString(),
        OP_EVENTS_POLL_INTERVAL: '0.2',
      });
      const sourceId = 'events:item_usage';

      await waitFor(
        'every well-formed event',
        async () => (await count('events', sourceId)) === stored,
      );
      expect(await count('rejected_events', sourceId)).toBe(rejected);
      expect(await source(sourceId)).toMatchObject({ lastError: null });
      // Four objects a request: every page was asked for, past each poisoned one.
      expect(
        api.requests.filter((r) => r.path === '/api/v2/itemusages').length,
      ).toBeGreaterThanOrEqual(page.length / 4);

      // The cursor moved past the poison: what comes next is read.
      clock.advance(60_000);
      api.push('itemusages', itemUsage(999, new Date(NOW)), clock.nowMs());
      await waitFor('the next event', async () => (await count('events', sourceId)) === stored + 1);
      expect(await count('rejected_events', sourceId)).toBe(rejected);
    } finally {
      await api.stop();
    }
  });

  it('Connect: stores the rest of the log, keeps each reject once across polls, and goes on', async () => {
    const connect = new FakeConnectServer({ clock, seed: 12 });
    await connect.start();
    try {
      const { page, stored, rejected } = poisonedPage(
        (n) => connectRequest(n, minutesAgo(60 - n / 10)),
        'requestId',
      );
      connect.loadRaw(page, NOW - 3_600_000, NOW - 1000);
      t = await startTestApp({
        OP_CONNECT_URL: connect.url,
        OP_CONNECT_TOKEN: connect.createToken(),
        OP_CONNECT_POLL_INTERVAL: '0.2',
      });
      const sourceId = 'connect:activity';

      await waitFor(
        'every well-formed request',
        async () => (await count('events', sourceId)) === stored,
      );
      const polls = connect.requests.length;
      await waitFor('two more polls', () => connect.requests.length > polls + 4);
      expect(await count('rejected_events', sourceId)).toBe(rejected);
      expect(await source(sourceId)).toMatchObject({ lastError: null });

      clock.advance(60_000);
      connect.push(connectRequest(999, new Date(NOW)) as unknown as ApiRequest, clock.nowMs());
      await waitFor(
        'the next request',
        async () => (await count('events', sourceId)) === stored + 1,
      );
    } finally {
      await connect.stop();
    }
  });
});
