import { Client } from 'pg';
import { FakeEventsApi } from '../simulator/fake-events-api';
import { auditEvent, itemUsage, signInAttempt } from './support/factories';
import { SimClock } from '../simulator/sim-clock';
import { dropTestContext, newTestContext, startTestApp, TestApp } from './support/test-app';
import { streamsOf } from './support/source-streams';
import { waitFor } from './support/wait-for';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const minutesAgo = (n: number) => new Date(NOW - n * 60_000);
const available = <T extends object>(raw: T, availableAt = NOW - 1000) => ({ raw, availableAt });

describe('Events API ingestion', () => {
  let clock: SimClock;
  let api: FakeEventsApi;
  let t: TestApp | undefined;

  beforeEach(async () => {
    clock = SimClock.frozen(NOW);
    api = new FakeEventsApi({ clock, seed: 7 });
    await api.start();
  });

  afterEach(async () => {
    await t?.close();
    t = undefined;
    await api.stop();
  });

  const start = (token: string, extra: Record<string, string> = {}) =>
    startTestApp({
      OP_EVENTS_API_TOKEN: token,
      OP_EVENTS_API_URL: api.url,
      OP_EVENTS_START_TIME: new Date(NOW - 30 * 86_400_000).toISOString(),
      OP_EVENTS_POLL_INTERVAL: '0.2',
      ...extra,
    });

  const count = async (app: TestApp, where = 'true') => {
    const [row] = await app.sql<{ n: string }>(`SELECT count(*) AS n FROM events WHERE ${where}`);
    return Number(row.n);
  };

  const pathsOf = (stream: string) =>
    api.requests.filter((request) => request.path === `/api/v2/${stream}`);

  it('pages through a multi-page history of every stream, then keeps polling with the cursor', async () => {
    api.load(
      'itemusages',
      Array.from({ length: 2500 }, (_, i) => available(itemUsage(i, minutesAgo(5000 - i)))),
    );
    api.load(
      'signinattempts',
      Array.from({ length: 1200 }, (_, i) => available(signInAttempt(i, minutesAgo(3000 - i)))),
    );
    api.load(
      'auditevents',
      Array.from({ length: 40 }, (_, i) => available(auditEvent(i, minutesAgo(900 - i)))),
    );
    t = await start(api.createToken());

    await waitFor('the whole history to be stored', async () => (await count(t!)) === 3740);
    const itemRequests = pathsOf('itemusages');
    expect(itemRequests[0].body).toEqual({
      limit: 1000,
      start_time: new Date(NOW - 30 * 86_400_000).toISOString(),
    });
    expect(itemRequests.slice(1, 3).map((request) => Object.keys(request.body as object))).toEqual([
      ['cursor'],
      ['cursor'],
    ]);

    // New events, one of them a late item usage older than everything stored, arrive later.
    api.push('itemusages', itemUsage(9001, minutesAgo(1)), NOW);
    api.push('itemusages', itemUsage(9002, minutesAgo(6000)), NOW);
    await waitFor('the new events to be stored', async () => (await count(t!)) === 3742);

    const [{ n: distinct }] = await t.sql<{ n: string }>(
      `SELECT count(DISTINCT (stream, external_id)) AS n FROM events`,
    );
    expect(Number(distinct)).toBe(3742);

    const sources = await t
      .http()
      .get('/api/v1/sources')
      .set('authorization', `Bearer ${t.adminKey}`)
      .expect(200);
    const items = streamsOf<{ id: string; lagSeconds: number }>(sources.body).find(
      (source) => source.id === 'events:item_usage',
    );
    expect(items).toMatchObject({
      kind: 'events_api',
      stream: 'item_usage',
      endpoint: api.url,
      eventsStored: 2502,
      newestEventAt: minutesAgo(1).toISOString(),
      position: { hasCursor: true, features: ['itemusages', 'signinattempts', 'auditevents'] },
    });
    expect(items?.lagSeconds).toBeGreaterThan(0);
    expect(JSON.stringify(sources.body)).not.toContain('"cursor"');
  });

  it('resumes from the saved cursor when the service restarts in the middle of a stream', async () => {
    const total = 10_000;
    api.load(
      'itemusages',
      Array.from({ length: total }, (_, i) => available(itemUsage(i, minutesAgo(20_000 - i)))),
    );
    const settings = {
      OP_EVENTS_API_TOKEN: api.createToken({ features: ['itemusages'] }),
      OP_EVENTS_API_URL: api.url,
      OP_EVENTS_START_TIME: new Date(NOW - 30 * 86_400_000).toISOString(),
    };
    const context = newTestContext();
    try {
      const first = await startTestApp(settings, context);
      await waitFor('a few pages', async () => (await count(first)) >= 2000);
      await first.close();
      t = await startTestApp(settings, context);
      expect(await count(t)).toBeLessThan(total);

      await waitFor('the rest of the stream', async () => (await count(t!)) === total);
      // One reset cursor in all: the second process went on from the first one's cursor.
      const resets = pathsOf('itemusages').filter(
        (request) => 'start_time' in (request.body as object),
      );
      expect(resets).toHaveLength(1);
      const [source] = await t.sql<{ events_stored: string }>(
        `SELECT events_stored FROM sources WHERE id = 'events:item_usage'`,
      );
      expect(Number(source.events_stored)).toBe(total);
    } finally {
      await t?.close();
      t = undefined;
      await dropTestContext(context);
    }
  });

  it('falls back to a reset cursor before the newest stored event when the API refuses the cursor', async () => {
    api.load(
      'itemusages',
      Array.from({ length: 50 }, (_, i) => available(itemUsage(i, minutesAgo(500 - i)))),
    );
    const settings = {
      OP_EVENTS_API_TOKEN: api.createToken({ features: ['itemusages'] }),
      OP_EVENTS_API_URL: api.url,
      OP_EVENTS_START_TIME: new Date(NOW - 30 * 86_400_000).toISOString(),
      OP_EVENTS_POLL_INTERVAL: '0.2',
    };
    const context = newTestContext();
    try {
      const first = await startTestApp(settings, context);
      await waitFor('the history', async () => (await count(first)) === 50);
      // A cursor the API no longer knows (expired, or from another account), set while the
      // service is down so no poll in flight can write its own cursor over it.
      await first.close();
      const db = new Client({ connectionString: context.databaseUrl });
      await db.connect();
      await db.query(`UPDATE sources SET cursor = 'expired-cursor' WHERE id = 'events:item_usage'`);
      await db.end();
      t = await startTestApp(settings, context);
      api.push('itemusages', itemUsage(50, minutesAgo(2)), NOW);
      await waitFor('the event after the reset', async () => (await count(t!)) === 51);

      const reset = pathsOf('itemusages').find(
        (request, i, all) =>
          i > 0 && all[i - 1].status === 400 && 'start_time' in (request.body as object),
      );
      // The newest stored event was 451 minutes ago; the reset reaches a day before it.
      expect((reset?.body as { start_time: string }).start_time).toBe(
        new Date(NOW - 451 * 60_000 - 86_400_000).toISOString(),
      );
      const [source] = await t.sql<{ position: { resetReason?: string }; events_stored: string }>(
        `SELECT position, events_stored FROM sources WHERE id = 'events:item_usage'`,
      );
      expect(source.position.resetReason).toContain('400');
      expect(source.events_stored).toBe('51');
    } finally {
      await t?.close();
      t = undefined;
      await dropTestContext(context);
    }
  });

  it('waits out a 429 as Retry-After says, retries a 500 in place, and loses nothing', async () => {
    api.load(
      'itemusages',
      Array.from({ length: 1500 }, (_, i) => available(itemUsage(i, minutesAgo(3000 - i)))),
    );
    api.failNext(1, { status: 429, retryAfterSeconds: 2, stream: 'itemusages' });
    api.failNext(1, { status: 500, stream: 'itemusages' });
    t = await start(api.createToken({ features: ['itemusages'] }));

    await waitFor('every event despite the failures', async () => (await count(t!)) === 1500);
    const requests = pathsOf('itemusages');
    const limited = requests.findIndex((request) => request.status === 429);
    expect(requests[limited + 1].at - requests[limited].at).toBeGreaterThanOrEqual(1900);
    expect(requests.some((request) => request.status === 500)).toBe(true);
    // Both were retried in place: counted as retries, not as an outage of the stream.
    const answer = await t
      .http()
      .get('/api/v1/sources/events:item_usage')
      .set('authorization', `Bearer ${t.adminKey}`);
    const source = answer.body as {
      retries: number;
      lastRetryError: string;
      consecutiveFailures: number;
      lastError: string | null;
      state: string;
    };
    expect(source).toMatchObject({ retries: 2, consecutiveFailures: 0, lastError: null });
    expect(source.lastRetryError).toContain('500');
    expect(['idle', 'polling']).toContain(source.state);
    const metrics = await t.http().get('/metrics');
    expect(metrics.text).toMatch(
      /vaultwatch_source_retries_total\{source="events:item_usage",reason="rate_limited"\} 1/,
    );
    expect(metrics.text).toMatch(
      /vaultwatch_source_retries_total\{source="events:item_usage",reason="server_error"\} 1/,
    );
    expect(metrics.text).toMatch(
      /vaultwatch_source_consecutive_failures\{source="events:item_usage"\} 0/,
    );
  });

  it('reports a revoked token as failing, with the reason and without the token', async () => {
    const token = api.createToken();
    api.revokeToken(token);
    t = await start(token);

    const sources = await waitForSources(
      t,
      (list) => list.length === 3 && list.every((source) => source.state === 'failing'),
    );
    for (const source of sources) {
      expect(source.lastError).toContain('401');
      expect(source.lastErrorAt).not.toBeNull();
    }
    expect(JSON.stringify(sources)).not.toContain(token);
    expect(JSON.stringify(sources)).not.toContain(token.split('.')[2]);
  });

  it('polls only the streams the token grants, and says why the others are off', async () => {
    api.load('itemusages', [available(itemUsage(1, minutesAgo(10)))]);
    api.load('signinattempts', [available(signInAttempt(1, minutesAgo(10)))]);
    t = await start(api.createToken({ features: ['itemusages'] }));

    const sources = await waitForSources(t, (list) =>
      list.some((source) => source.id === 'events:item_usage' && source.eventsStored === 1),
    );
    const byId = Object.fromEntries(sources.map((source) => [source.id, source]));
    expect(byId['events:signin_attempt']).toMatchObject({
      state: 'disabled',
      lastError: 'the token lacks the signinattempts feature',
    });
    expect(byId['events:audit_event'].state).toBe('disabled');
    expect(pathsOf('signinattempts')).toHaveLength(0);
    expect(
      api.requests.filter((request) => request.path === '/api/v2/auth/introspect'),
    ).toHaveLength(1);
  });

  it('records a malformed event of a page as rejected and stores the rest of the page', async () => {
    const page = Array.from({ length: 20 }, (_, i) => itemUsage(i, minutesAgo(100 - i)));
    const broken = { ...page[7], uuid: undefined };
    const badLocation = { ...page[8], location: { ...page[8].location, latitude: 'north' } };
    api.load(
      'itemusages',
      [...page.slice(0, 7), broken, badLocation, ...page.slice(9)].map((raw) => available(raw)),
    );
    t = await start(api.createToken({ features: ['itemusages'] }));

    // A bad latitude costs the latitude, not the event: only the event without an id is lost.
    await waitFor('the good events', async () => (await count(t!)) === 19);
    const rejected = await t.sql<{
      source_id: string;
      stream: string;
      reason: string;
      external_id: string | null;
    }>(`SELECT source_id, stream, reason, external_id FROM rejected_events ORDER BY id`);
    expect(rejected).toEqual([
      {
        source_id: 'events:item_usage',
        stream: 'item_usage',
        reason: expect.stringContaining('uuid'),
        external_id: null,
      },
    ]);
    const [located] = await t.sql(
      `SELECT latitude, longitude, city, issues FROM events WHERE external_id = $1`,
      [page[8].uuid],
    );
    expect(located).toEqual({
      latitude: null,
      longitude: page[8].location.longitude,
      city: 'Toronto',
      issues: [{ field: 'location.latitude', reason: 'must be a finite number' }],
    });
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toContain('vaultwatch_events_rejected_total{stream="item_usage"} 1');
    expect(metrics.text).toContain('vaultwatch_events_ingested_total{stream="item_usage"} 19');
    expect(metrics.text).toContain(
      'vaultwatch_event_field_issues_total{stream="item_usage",field="location.latitude"} 1',
    );
  });
});

interface SourceAnswer {
  id: string;
  state: string;
  lastError: string | null;
  lastErrorAt: string | null;
  eventsStored: number;
}

async function waitForSources(
  t: TestApp,
  check: (sources: SourceAnswer[]) => boolean,
): Promise<SourceAnswer[]> {
  let last: SourceAnswer[] = [];
  await waitFor('the sources to reach the expected state', async () => {
    const response = await t
      .http()
      .get('/api/v1/sources')
      .set('authorization', `Bearer ${t.adminKey}`);
    last = streamsOf<SourceAnswer>(response.body);
    return check(last);
  });
  return last;
}
