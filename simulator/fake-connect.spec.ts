import { FakeConnectServer } from './fake-connect';
import { generateScenario } from './scenario/generate-scenario';
import type { ApiRequest } from './scenario/types';
import { SimClock } from './sim-clock';

const T0 = Date.parse('2025-03-03T12:00:00.000Z');

function request(i: number, timeMs: number): ApiRequest {
  return {
    requestId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    timestamp: new Date(timeMs).toISOString(),
    action: 'READ',
    result: 'SUCCESS',
    actor: {
      id: 'serverserverserverserverse',
      account: 'ACCOUNTACCOUNTACCOUNTACCOU',
      jti: 'jtijtijtijtijtijtijtijtijt',
      userAgent: 'connect-sdk-js/1.4.1 (node)',
      requestIp: '10.0.0.7',
    },
    resource: {
      type: 'ITEM',
      vault: { id: 'vaultvaultvaultvaultvaultv' },
      item: { id: 'itemitemitemitemitemitemit' },
      itemVersion: 3,
    },
  };
}

describe('FakeConnectServer', () => {
  let clock: SimClock;
  let connect: FakeConnectServer;
  let url: string;
  let token: string;

  async function activity(query: string, bearer: string | null = token) {
    const response = await fetch(`${url}/v1/activity${query}`, {
      headers: bearer !== null ? { authorization: `Bearer ${bearer}` } : {},
    });
    return {
      status: response.status,
      headers: response.headers,
      body: await response.json(),
    };
  }

  const ids = (body: unknown): string[] =>
    (body as Array<{ requestId?: string; requestID?: string }>).map(
      (r) => r.requestId ?? r.requestID ?? '',
    );

  beforeEach(async () => {
    clock = SimClock.frozen(T0);
    connect = new FakeConnectServer({ clock, seed: 'spec' });
    // 120 requests over the last two hours, visible 1 s after they happened.
    connect.load(
      Array.from({ length: 120 }, (_, i) => ({
        raw: request(i, T0 - 7_200_000 + i * 60_000),
        availableAt: T0 - 7_200_000 + i * 60_000 + 1000,
      })),
    );
    url = await connect.start();
    token = connect.createToken();
  });

  afterEach(async () => {
    await connect.stop();
  });

  it('requires a valid bearer token', async () => {
    for (const bad of [null, 'nope']) {
      const res = await activity('', bad);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ status: 401, message: 'Invalid token signature' });
    }
    connect.revokeToken(token);
    expect((await activity('')).status).toBe(401);
  });

  it('pages newest first with limit/offset and a Content-Range total', async () => {
    const first = await activity('');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-range')).toBe('1-50/120');
    expect(first.headers.get('1password-connect-version')).toBe('1.7.1');
    expect(ids(first.body)).toHaveLength(50);
    expect(ids(first.body)[0]).toBe(request(119, 0).requestId);

    const last = await activity('?limit=50&offset=100');
    expect(last.headers.get('content-range')).toBe('101-120/120');
    expect(ids(last.body)).toHaveLength(20);
    expect(ids(last.body)[19]).toBe(request(0, 0).requestId);

    const beyond = await activity('?limit=10&offset=500');
    expect(beyond.body).toEqual([]);
    expect(beyond.headers.get('content-range')).toBe('501-500/120');

    const all: string[] = [];
    for (let offset = 0; offset < 120; offset += 7)
      all.push(...ids((await activity(`?limit=7&offset=${offset}`)).body));
    expect(new Set(all).size).toBe(120);
  });

  it('answers 400 to a bad limit or offset', async () => {
    for (const q of ['?limit=abc', '?limit=0', '?offset=-1', '?limit=1.5'])
      expect((await activity(q)).status).toBe(400);
  });

  it('shows requests only once they are available, shifting offsets as new ones arrive', async () => {
    connect.push(request(500, T0 + 30_000), T0 + 31_000);
    expect(ids((await activity('?limit=1')).body)).toEqual([request(119, 0).requestId]);
    clock.advance(31_000);
    const res = await activity('?limit=2');
    expect(ids(res.body)).toEqual([request(500, 0).requestId, request(119, 0).requestId]);
    expect(res.headers.get('content-range')).toBe('1-2/121');
  });

  it('serves the docs spelling (requestID, actor.ip), always or alternating per request', async () => {
    connect.setFieldSpelling('docs');
    const docs = ((await activity('?limit=1')).body as Array<Record<string, unknown>>).at(0);
    expect(docs).toMatchObject({ requestID: request(119, 0).requestId, actor: { ip: '10.0.0.7' } });
    expect(docs).not.toHaveProperty('requestId');
    expect(docs?.actor).not.toHaveProperty('requestIp');

    connect.setFieldSpelling('alternate');
    const spellings: string[] = [];
    for (let i = 0; i < 4; i++) {
      const item = ((await activity('?limit=1')).body as Array<Record<string, unknown>>).at(0);
      spellings.push('requestId' in (item ?? {}) ? 'spec' : 'docs');
    }
    expect(spellings).toEqual(['spec', 'docs', 'spec', 'docs']);
  });

  it('drops the oldest requests beyond maxRetained', async () => {
    connect.setMaxRetained(30);
    const res = await activity('?limit=100');
    expect(res.headers.get('content-range')).toBe('1-30/30');
    expect(ids(res.body)[29]).toBe(request(90, 0).requestId);
  });

  it('answers /heartbeat and /health, and can be made to fail', async () => {
    const beat = await fetch(`${url}/heartbeat`);
    expect(beat.status).toBe(200);
    expect(await beat.text()).toBe('.');
    const health = await fetch(`${url}/health`);
    expect(await health.json()).toMatchObject({ name: '1Password Connect API', version: '1.7.1' });
    connect.setHealthy(false);
    expect((await fetch(`${url}/heartbeat`)).status).toBe(503);
    expect((await fetch(`${url}/health`)).status).toBe(503);
    connect.setHealthy(true);
    connect.failNext(1, { status: 503, path: '/heartbeat' });
    expect((await fetch(`${url}/heartbeat`)).status).toBe(503);
    expect((await fetch(`${url}/heartbeat`)).status).toBe(200);
  });

  it('injects faults on activity, with Retry-After, and logs requests', async () => {
    connect.failNext(2, { status: 429, retryAfterSeconds: 2, path: '/v1/activity' });
    const limited = await activity('');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect((await activity('')).status).toBe(429);
    expect((await activity('')).status).toBe(200);
    expect(connect.requests.map((r) => [r.path, r.status, r.query])).toEqual([
      ['/v1/activity', 429, {}],
      ['/v1/activity', 429, {}],
      ['/v1/activity', 200, {}],
    ]);
  });

  it("loads a scenario's server: its activity and its tokens", async () => {
    const scenario = generateScenario({
      seed: 9,
      users: 10,
      days: 3,
      connectServers: 2,
      connectTokens: 4,
      attacks: [],
    });
    const other = new FakeConnectServer({
      clock: SimClock.frozen(Date.parse(scenario.meta.end) + 60_000),
    });
    const server = scenario.connectServers.at(1);
    if (!server) throw new Error('no second server');
    other.loadScenario(scenario, { serverId: server.id });
    const base = await other.start();
    try {
      const appToken = scenario.connectTokens.find((t) => t.serverId === server.id)?.token ?? '';
      const res = await fetch(`${base}/v1/activity?limit=1000`, {
        headers: { authorization: `Bearer ${appToken}` },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as ApiRequest[];
      const expected = scenario.connectActivity.filter((e) => e.raw.actor.id === server.id).length;
      expect(res.headers.get('content-range')).toBe(`1-${Math.min(1000, expected)}/${expected}`);
      expect(body.every((r) => r.actor.id === server.id)).toBe(true);
      expect(Date.parse(body[0]?.timestamp ?? '')).toBeGreaterThanOrEqual(
        Date.parse(body[1]?.timestamp ?? ''),
      );
      const foreign = scenario.connectTokens.find((t) => t.serverId !== server.id)?.token ?? '';
      expect(
        (await fetch(`${base}/v1/activity`, { headers: { authorization: `Bearer ${foreign}` } }))
          .status,
      ).toBe(401);
    } finally {
      await other.stop();
    }
  });
});
