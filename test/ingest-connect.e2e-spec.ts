import { FakeConnectServer } from '../simulator/fake-connect';
import { connectRequest } from './support/factories';
import type { ApiRequest } from '../simulator/scenario/types';
import { SimClock } from '../simulator/sim-clock';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const NOW = Date.parse('2026-11-20T12:00:00Z');

describe('Connect activity ingestion', () => {
  let clock: SimClock;
  let connect: FakeConnectServer;
  let t: TestApp | undefined;

  beforeEach(async () => {
    clock = SimClock.frozen(NOW);
    connect = new FakeConnectServer({ clock, seed: 3 });
    await connect.start();
  });

  afterEach(async () => {
    await t?.close();
    t = undefined;
    await connect.stop();
  });

  const request = (n: number, minutesAgo: number, overrides: Record<string, unknown> = {}) =>
    connectRequest(n, new Date(NOW - minutesAgo * 60_000), overrides) as unknown as ApiRequest;
  const load = (from: number, to: number, availableAt = NOW - 1000) => {
    connect.load(
      Array.from({ length: to - from }, (_, i) => ({
        raw: request(from + i, 10_000 - (from + i)),
        availableAt,
      })),
    );
  };
  const start = (token = connect.createToken()) =>
    startTestApp({
      OP_CONNECT_URL: connect.url,
      OP_CONNECT_TOKEN: token,
      OP_CONNECT_POLL_INTERVAL: '0.2',
    });
  const stored = async () => {
    const [row] = await t!.sql<{ n: string }>(
      `SELECT count(*) AS n FROM events WHERE stream = 'connect_activity'`,
    );
    return Number(row.n);
  };
  const activityRequests = () => connect.requests.filter((r) => r.path === '/v1/activity');

  it('reads the whole log, then only what is new, deduplicating across shifting pages', async () => {
    load(0, 450);
    t = await start();
    await waitFor('the first 450 requests', async () => (await stored()) === 450);

    // 130 new requests shift every offset by 130: the walk reads on from where it stopped
    // (the 450 oldest), never the stored part of the log again.
    connect.clearRequests();
    clock.advance(1000);
    load(450, 580, NOW + 500);
    await waitFor('the 130 new requests', async () => (await stored()) === 580);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const offsets = activityRequests().map((r) => Number(r.query.offset));
    expect(offsets.length).toBeGreaterThan(0);
    expect(Math.max(...offsets)).toBeLessThan(130);

    const [source] = await t.sql<{
      events_stored: string;
      position: { total: number; order: string };
    }>(`SELECT events_stored, position FROM sources WHERE id = 'connect:activity'`);
    expect(source.events_stored).toBe('580');
    expect(source.position).toMatchObject({ total: 580, order: 'newest_first', frontier: 580 });
    const [row] = await t.sql<{
      actor_type: string;
      actor_id: string;
      action: string;
      result: string;
      ip: string;
    }>(
      `SELECT actor_type, actor_id, action, result, ip FROM events WHERE stream = 'connect_activity' LIMIT 1`,
    );
    expect(row).toMatchObject({
      actor_type: 'connect_token',
      action: 'READ',
      result: 'SUCCESS',
      ip: '10.0.0.5',
    });
  });

  it('accepts the documentation spelling of the fields', async () => {
    connect.setFieldSpelling('docs');
    load(0, 30);
    t = await start();
    await waitFor('the requests in docs spelling', async () => (await stored()) === 30);
    const [row] = await t.sql<{ ip: string; external_id: string }>(
      `SELECT ip, external_id FROM events WHERE stream = 'connect_activity' LIMIT 1`,
    );
    expect(row.ip).toBe('10.0.0.5');
    expect(row.external_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('marks the source down while the heartbeat fails, and catches up when it recovers', async () => {
    load(0, 20);
    connect.setHealthy(false);
    t = await start();
    await waitFor('the source to be down', async () => {
      const [row] = await t!.sql<{ state: string; last_error: string | null }>(
        `SELECT state, last_error FROM sources WHERE id = 'connect:activity'`,
      );
      return row.state === 'down' && (row.last_error ?? '').includes('heartbeat');
    });
    expect(await stored()).toBe(0);

    connect.setHealthy(true);
    await waitFor('the activity after recovery', async () => (await stored()) === 20, 30_000);
  });

  it('reports a refused token as failing without printing it', async () => {
    load(0, 5);
    const token = connect.createToken();
    connect.revokeToken(token);
    t = await start(token);
    await waitFor('the source to be failing', async () => {
      const [row] = await t!.sql<{ state: string }>(
        `SELECT state FROM sources WHERE id = 'connect:activity'`,
      );
      return row.state === 'failing';
    });
    const answer = await t
      .http()
      .get('/api/v1/sources/connect:activity')
      .set('authorization', `Bearer ${t.adminKey}`);
    expect(answer.body.lastError).toContain('401');
    expect(answer.body.lastError).toContain('Invalid token signature');
    expect(JSON.stringify(answer.body)).not.toContain(token);
  });
});
