import { FakeEventsApi } from './fake-events-api';
import { generateScenario } from './scenario/generate-scenario';
import type { Scenario } from './scenario/types';
import { SimClock } from './sim-clock';

const T0 = Date.parse('2025-03-03T12:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 3_600_000;

interface Page {
  items: Array<{ uuid: string; timestamp: string }>;
  cursor: string;
  has_more: boolean;
}

function event(i: number, timeMs: number): { uuid: string; timestamp: string; action: string } {
  return {
    uuid: `EVT${String(i).padStart(23, '0')}`,
    timestamp: new Date(timeMs).toISOString(),
    action: 'reveal',
  };
}

describe('FakeEventsApi', () => {
  let clock: SimClock;
  let api: FakeEventsApi;
  let url: string;
  let token: string;

  async function post(
    path: string,
    body: unknown,
    options: { token?: string | null; contentType?: string } = {},
  ): Promise<{ status: number; json: unknown; headers: Headers }> {
    const bearer = options.token === undefined ? token : options.token;
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': options.contentType ?? 'application/json',
        ...(bearer !== null ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text) as unknown;
    } catch {
      // plain text
    }
    return { status: response.status, json, headers: response.headers };
  }

  async function page(body: unknown, path = '/api/v2/itemusages'): Promise<Page> {
    const res = await post(path, body);
    expect(res.status).toBe(200);
    return res.json as Page;
  }

  /** Follows has_more from a first request; returns every item and the last cursor. */
  async function drain(
    first: unknown,
    path = '/api/v2/itemusages',
  ): Promise<{ uuids: string[]; cursor: string; pages: Page[] }> {
    const pages: Page[] = [];
    let current = await page(first, path);
    pages.push(current);
    while (current.has_more) {
      current = await page({ cursor: current.cursor }, path);
      pages.push(current);
    }
    return {
      uuids: pages.flatMap((p) => p.items.map((i) => i.uuid)),
      cursor: current.cursor,
      pages,
    };
  }

  beforeEach(async () => {
    clock = SimClock.frozen(T0);
    api = new FakeEventsApi({ clock, seed: 'spec', accountUuid: 'ACCOUNTUUIDAAAAAAAAAAAAAAA' });
    url = await api.start();
    token = api.createToken();
  });

  afterEach(async () => {
    await api.stop();
  });

  it('listens on 127.0.0.1 and answers introspection (v2 and the deprecated v1)', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${url}/api/v2/auth/introspect`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      uuid: expect.stringMatching(/^[A-Z2-7]{26}$/) as unknown,
      issued_at: new Date(T0).toISOString(),
      features: ['itemusages', 'signinattempts', 'auditevents'],
      account_uuid: 'ACCOUNTUUIDAAAAAAAAAAAAAAA',
    });
    const v1 = await fetch(`${url}/api/auth/introspect`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(Object.keys((await v1.json()) as object).sort()).toEqual([
      'Features',
      'IssuedAt',
      'UUID',
    ]);
  });

  it('issues JWT-shaped tokens naming the events host and the features', () => {
    const limited = api.createToken({ features: ['signinattempts'], aud: 'events.1password.eu' });
    const parts = limited.split('.');
    expect(parts).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    expect(claims.aud).toEqual(['events.1password.eu']);
    expect(claims['1password.com/fts']).toEqual(['signinattempts']);
    expect(typeof claims.sub).toBe('string');
    expect(claims.iat).toBe(T0 / 1000);
    const again = new FakeEventsApi({
      seed: 'spec',
      clock,
      accountUuid: 'ACCOUNTUUIDAAAAAAAAAAAAAAA',
    });
    expect(again.createToken()).toBe(token);
  });

  describe('authorization', () => {
    it('answers 401 to a missing, unknown or revoked token', async () => {
      for (const bad of [null, 'not-a-token', `${token}x`]) {
        const res = await post('/api/v2/itemusages', { limit: 10 }, { token: bad });
        expect(res.status).toBe(401);
        expect(res.json).toEqual({ Error: { Message: 'Unauthorized' } });
      }
      api.revokeToken(token);
      expect((await post('/api/v2/itemusages', { limit: 10 })).status).toBe(401);
      const introspect = await fetch(`${url}/api/v2/auth/introspect`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(introspect.status).toBe(401);
    });

    it('answers 401 when the token lacks the feature of the stream', async () => {
      const signIns = api.createToken({ features: ['signinattempts'] });
      expect((await post('/api/v2/itemusages', { limit: 10 }, { token: signIns })).status).toBe(
        401,
      );
      expect((await post('/api/v2/signinattempts', { limit: 10 }, { token: signIns })).status).toBe(
        200,
      );
    });

    it('answers 401 once the token has expired', async () => {
      const shortLived = api.createToken({ expiresAt: new Date(T0 + HOUR) });
      expect((await post('/api/v2/auditevents', {}, { token: shortLived })).status).toBe(200);
      clock.advance(HOUR);
      expect((await post('/api/v2/auditevents', {}, { token: shortLived })).status).toBe(401);
    });
  });

  describe('request validation', () => {
    it('accepts limits 1..1000 and answers 400 beyond', async () => {
      for (const limit of [1, 1000])
        expect((await post('/api/v2/itemusages', { limit })).status).toBe(200);
      for (const limit of [0, 1001, -5, 2.5, '100']) {
        const res = await post('/api/v2/itemusages', { limit });
        expect(res.status).toBe(400);
        expect(res.json).toEqual({ Error: { Message: 'Bad Request' } });
      }
    });

    it('answers 400 to an invalid cursor, a cursor of another stream, bad times and bad JSON', async () => {
      const cursor = (await page({ limit: 5 })).cursor;
      const bodies: unknown[] = [
        { cursor: 'garbage!' },
        { cursor: Buffer.from('{"v":1}').toString('base64url') },
        { cursor: 42 },
        { start_time: 'yesterday' },
        { end_time: '2025-03-03' },
        '{not json',
        '[]',
        '',
      ];
      for (const body of bodies) expect((await post('/api/v2/itemusages', body)).status).toBe(400);
      expect((await post('/api/v2/signinattempts', { cursor })).status).toBe(400);
      expect((await post('/api/v2/itemusages', { cursor })).status).toBe(200);
    });

    it('requires a JSON content type, like the real API', async () => {
      expect(
        (await post('/api/v2/itemusages', { limit: 5 }, { contentType: 'text/plain' })).status,
      ).toBe(400);
    });

    it('answers 404 for unknown paths', async () => {
      const res = await fetch(`${url}/api/v9/nothing`, { method: 'POST' });
      expect(res.status).toBe(404);
      expect(await res.text()).toBe('404 page not found');
    });
  });

  describe('cursor paging', () => {
    const N = 2500;
    beforeEach(() => {
      // 2,500 events over the last 25 hours, each served 5 s after it happened.
      api.load(
        'itemusages',
        Array.from({ length: N }, (_, i) => {
          const t = T0 - 25 * HOUR + i * 36_000;
          return { raw: event(i, t), availableAt: t + 5000 };
        }),
      );
    });

    it('pages without gaps or duplicates, never above the limit, has_more until the end', async () => {
      const { uuids, pages } = await drain({
        limit: 1000,
        start_time: new Date(T0 - 48 * HOUR).toISOString(),
      });
      expect(pages.map((p) => p.items.length)).toEqual([1000, 1000, 500]);
      expect(pages.map((p) => p.has_more)).toEqual([true, true, false]);
      expect(uuids).toHaveLength(N);
      expect(new Set(uuids).size).toBe(N);
      expect(uuids[0]).toBe(event(0, 0).uuid);
      expect(uuids[N - 1]).toBe(event(N - 1, 0).uuid);
    });

    it('uses limit 100 and the last hour by default', async () => {
      const first = await page({});
      expect(first.items).toHaveLength(100);
      const { uuids } = await drain({});
      // events in the hour before now: one every 36 s
      expect(uuids).toHaveLength(100);
      for (const u of uuids) expect(Number(u.slice(3))).toBeGreaterThanOrEqual(N - 100);
    });

    it('applies start_time and end_time to event time', async () => {
      const { uuids } = await drain({
        limit: 50,
        start_time: new Date(T0 - 10 * HOUR).toISOString(),
        end_time: new Date(T0 - 9 * HOUR).toISOString(),
      });
      expect(uuids).toHaveLength(100);
    });

    it('keeps the same cursor working as new events become available', async () => {
      const { cursor } = await drain({
        limit: 1000,
        start_time: new Date(T0 - 48 * HOUR).toISOString(),
      });
      const empty = await page({ cursor });
      expect(empty).toEqual({ items: [], cursor, has_more: false });
      api.load(
        'itemusages',
        [1, 2, 3].map((k) => ({
          raw: event(N + k, T0 + k * MINUTE),
          availableAt: T0 + k * MINUTE + 1000,
        })),
      );
      clock.advance(2 * MINUTE + 1000);
      expect((await page({ cursor })).items.map((i) => i.uuid)).toEqual([
        event(N + 1, 0).uuid,
        event(N + 2, 0).uuid,
      ]);
    });

    it('serves late events after the cursor passed their timestamp, in availability order', async () => {
      const { cursor } = await drain({
        limit: 1000,
        start_time: new Date(T0 - 48 * HOUR).toISOString(),
      });
      // Happened 3 hours ago, reported when the client syncs in 30 minutes.
      const late = { raw: event(9999, T0 - 3 * HOUR), availableAt: T0 + 30 * MINUTE };
      const fresh = { raw: event(9998, T0 + 10 * MINUTE), availableAt: T0 + 10 * MINUTE + 2000 };
      api.load('itemusages', [late, fresh]);
      clock.advance(15 * MINUTE);
      const next = await page({ cursor });
      expect(next.items.map((i) => i.uuid)).toEqual([fresh.raw.uuid]);
      clock.advance(20 * MINUTE);
      const after = await page({ cursor: next.cursor });
      expect(after.items.map((i) => i.uuid)).toEqual([late.raw.uuid]);
      expect(after.has_more).toBe(false);
    });

    it('serves the v1 paths the same way', async () => {
      const v1 = await drain(
        { limit: 1000, start_time: new Date(T0 - 48 * HOUR).toISOString() },
        '/api/v1/itemusages',
      );
      expect(v1.uuids).toHaveLength(N);
    });

    it('can return an empty page that still says has_more when a filter skips much', async () => {
      const small = new FakeEventsApi({ clock, maxScanPerRequest: 1000 });
      await small.start();
      try {
        small.load(
          'itemusages',
          Array.from({ length: 3000 }, (_, i) => ({
            raw: event(i, T0 - 5 * HOUR),
            availableAt: T0 - HOUR,
          })),
        );
        const res = await fetch(`${small.url}/api/v2/itemusages`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${small.createToken()}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({ limit: 10 }),
        });
        expect(await res.json()).toEqual({
          items: [],
          cursor: expect.any(String) as unknown,
          has_more: true,
        });
      } finally {
        await small.stop();
      }
    });
  });

  describe('faults and rate limits', () => {
    it('answers 429 with Retry-After past the configured rate', async () => {
      api.setRateLimit({ perMinute: 2 });
      expect((await post('/api/v2/itemusages', {})).status).toBe(200);
      expect((await post('/api/v2/itemusages', {})).status).toBe(200);
      const limited = await post('/api/v2/itemusages', {});
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
      expect(limited.json).toEqual({ Error: { Message: 'Too Many Requests' } });
    });

    it('fails the next requests on demand, per stream, then recovers', async () => {
      api.failNext(2, { status: 503, retryAfterSeconds: 7, stream: 'auditevents' });
      expect((await post('/api/v2/itemusages', {})).status).toBe(200);
      const first = await post('/api/v2/auditevents', {});
      expect(first.status).toBe(503);
      expect(first.headers.get('retry-after')).toBe('7');
      expect((await post('/api/v2/auditevents', {})).status).toBe(503);
      expect((await post('/api/v2/auditevents', {})).status).toBe(200);
      api.failNext(1, { status: 429, retryAfterSeconds: 3 });
      expect((await post('/api/v2/signinattempts', {})).status).toBe(429);
    });

    it('can answer errors in the 1.4.1 shape', async () => {
      const other = new FakeEventsApi({ clock, errorShape: 'status' });
      await other.start();
      try {
        const res = await fetch(`${other.url}/api/v2/itemusages`, { method: 'POST', body: '{}' });
        expect(await res.json()).toEqual({ status: 401, message: 'Unauthorized' });
      } finally {
        await other.stop();
      }
    });

    it('logs every request for assertions', async () => {
      await post('/api/v2/itemusages', { limit: 3 });
      await post('/api/v2/itemusages', { limit: 3 }, { token: null });
      expect(api.requests.map((r) => [r.method, r.path, r.status, r.body])).toEqual([
        ['POST', '/api/v2/itemusages', 200, { limit: 3 }],
        ['POST', '/api/v2/itemusages', 401, { limit: 3 }],
      ]);
      expect(api.requests[0]?.simAt).toBe(T0);
      api.clearRequests();
      expect(api.requests).toHaveLength(0);
    });
  });

  describe('with a generated scenario', () => {
    let scenario: Scenario;
    beforeAll(() => {
      scenario = generateScenario({ seed: 3, users: 40, days: 25 });
    });

    it('serves every item usage exactly once across a backfill and live polls', async () => {
      const start = Date.parse(scenario.meta.start);
      const end = Date.parse(scenario.meta.end);
      clock.set(start + 20 * 86_400_000);
      api.loadScenario(scenario);
      const seen = new Set<string>();
      let duplicates = 0;
      const take = (items: Array<{ uuid: string }>): void => {
        for (const i of items) {
          if (seen.has(i.uuid)) duplicates++;
          seen.add(i.uuid);
        }
      };
      const backfill = await drain({ limit: 1000, start_time: new Date(start).toISOString() });
      take(backfill.pages.flatMap((p) => p.items));
      expect(api.stats('itemusages').served).toBe(seen.size);
      let cursor = backfill.cursor;
      // Poll every simulated 6 hours until a day after the end (the latest late arrivals).
      while (clock.nowMs() < end + 86_400_000 + 60_000) {
        clock.advance(6 * HOUR);
        const polled = await drain({ cursor });
        take(polled.pages.flatMap((p) => p.items));
        cursor = polled.cursor;
      }
      expect(duplicates).toBe(0);
      expect(seen.size).toBe(scenario.itemUsages.length);
    });
  });
});
