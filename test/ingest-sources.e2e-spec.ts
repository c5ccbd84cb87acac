import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { stringify } from 'yaml';
import { FakeConnectServer } from '../simulator/fake-connect';
import { FakeEventsApi } from '../simulator/fake-events-api';
import type { ApiRequest } from '../simulator/scenario/types';
import { SimClock } from '../simulator/sim-clock';
import { connectRequest, itemUsage, opId, signInAttempt } from './support/factories';
import { freePort } from './support/private-servers';
import { ServiceProcesses } from './support/service-processes';
import { streamsOf } from './support/source-streams';
import {
  applyTestEnv,
  dropTestContext,
  newTestContext,
  startTestApp,
  TestApp,
} from './support/test-app';
import { waitFor } from './support/wait-for';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const START_TIME = new Date(NOW - 30 * 86_400_000).toISOString();
const minutesAgo = (n: number) => new Date(NOW - n * 60_000);
const ACME = opId('account', 11);
const GLOBEX = opId('account', 12);
const OFFICE = opId('account', 13);
const LAB = opId('account', 14);
const INITECH = opId('account', 15);

/** Events that name no account: the source's account is theirs. */
const withoutAccount = <T extends object>(raw: T) => ({ ...raw, account_uuid: undefined });
const available = (raw: object) => ({ raw, availableAt: NOW - 1000 });
const usages = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) =>
    available(withoutAccount(itemUsage(from + i, minutesAgo(5000 - i)))),
  );
/** A Connect request that names no account (the server's is filled in). */
const activity = (n: number, at: Date) => {
  const raw = connectRequest(n, at) as unknown as ApiRequest;
  return { ...raw, actor: { ...raw.actor, account: undefined } } as unknown as ApiRequest;
};
const requests = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    raw: activity(from + i, new Date(NOW - 3_600_000 + i * 1000)),
    availableAt: NOW - 1000,
  }));

interface NamedSource {
  name: string;
  kind: string;
  origin: string;
  accountId: string | null;
  tokenSet: boolean;
  tokenLast4: string | null;
  streams: Array<{ id: string; state: string; lastError: string | null; accountId: string }>;
}

function writeSourcesFile(sources: object[], extension = 'yaml'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'vw-sources-')), `sources.${extension}`);
  writeFileSync(path, extension === 'json' ? JSON.stringify({ sources }) : stringify({ sources }));
  return path;
}

/**
 * The built service reading two Events API accounts and two Connect servers from a sources
 * file, with a fifth source created, changed and deleted over the API; its output is kept
 * to check that no token ever reaches it.
 */
describe('several Events API accounts and Connect servers', () => {
  const context = newTestContext();
  const clock = SimClock.frozen(NOW);
  const acme = new FakeEventsApi({ clock, seed: 31, accountUuid: ACME });
  const globex = new FakeEventsApi({ clock, seed: 32, accountUuid: GLOBEX });
  const initech = new FakeEventsApi({ clock, seed: 35, accountUuid: INITECH });
  const office = new FakeConnectServer({ clock, seed: 33, accountUuid: OFFICE });
  const lab = new FakeConnectServer({ clock, seed: 34, accountUuid: opId('account', 99) });
  // An opaque token names no account: the definition does.
  const labToken = `lab-${randomBytes(12).toString('hex')}`;
  const acmeToken = acme.createToken();
  const globexToken = globex.createToken();
  const officeToken = office.createToken();
  const initechTokens = [initech.createToken(), initech.createToken()];
  const tokens = [acmeToken, globexToken, officeToken, labToken, ...initechTokens];
  const services = new ServiceProcesses();
  let pg: Client;
  let http: () => ReturnType<typeof request>;

  beforeAll(async () => {
    lab.addToken(labToken);
    acme.load('itemusages', usages(0, 300));
    // These name their account (lower-case here): stored upper-case, as every account id.
    acme.load(
      'signinattempts',
      Array.from({ length: 200 }, (_, i) =>
        available(signInAttempt(i, minutesAgo(3000 - i), { account_uuid: ACME.toLowerCase() })),
      ),
    );
    globex.load('itemusages', usages(1000, 250));
    initech.load('itemusages', usages(2000, 40));
    office.load(requests(0, 120));
    lab.load(requests(1000, 80));
    for (const fake of [acme, globex, initech, office, lab]) await fake.start();

    const events = (name: string, api: FakeEventsApi, token: string) => ({
      name,
      kind: 'events_api',
      url: api.url,
      token,
      pollIntervalSeconds: 0.2,
      startTime: START_TIME,
    });
    const path = writeSourcesFile([
      events('acme', acme, acmeToken),
      events('globex', globex, globexToken),
      {
        name: 'office',
        kind: 'connect',
        url: office.url,
        token: officeToken,
        pollIntervalSeconds: 0.2,
      },
      {
        name: 'lab',
        kind: 'connect',
        url: lab.url,
        token: labToken,
        account: LAB.toLowerCase(),
        pollIntervalSeconds: 0.2,
      },
    ]);
    const port = await freePort();
    applyTestEnv(context, {
      LOG_LEVEL: 'debug',
      PORT: String(port),
      SOURCES_FILE: path,
      SOURCES_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    services.start();
    const base = `http://127.0.0.1:${port}`;
    http = () => request(base);
    await waitFor(
      'the service to answer',
      async () =>
        (
          await http()
            .get('/health')
            .catch(() => ({ status: 0 }))
        ).status === 200,
      60_000,
    );
    pg = new Client({ connectionString: context.databaseUrl });
    await pg.connect();
  }, 120_000);

  afterAll(async () => {
    await services.killAll();
    await pg.end();
    for (const fake of [acme, globex, initech, office, lab]) await fake.stop();
    await dropTestContext(context);
  });

  const sql = async <T>(text: string, params: unknown[] = []) =>
    (await pg.query(text, params)).rows as T[];
  const stored = async (sourceId: string) =>
    Number(
      (
        await sql<{ n: string }>(`SELECT count(*) AS n FROM events WHERE source_id = $1`, [
          sourceId,
        ])
      )[0].n,
    );
  const admin = <T extends request.Test>(test: T) =>
    test.set('authorization', `Bearer ${context.adminKey}`);
  const listSources = async () =>
    (await admin(http().get('/api/v1/sources')).expect(200)).body as NamedSource[];
  const expectNoToken = (body: unknown) => {
    const text = JSON.stringify(body);
    for (const token of tokens) expect(text).not.toContain(token);
  };

  it("stores each source's events once, each with its source's account", async () => {
    const expected = [
      { source_id: 'connect:lab:activity', account_id: LAB, n: 80 },
      { source_id: 'connect:office:activity', account_id: OFFICE, n: 120 },
      { source_id: 'events:acme:item_usage', account_id: ACME, n: 300 },
      { source_id: 'events:acme:signin_attempt', account_id: ACME, n: 200 },
      { source_id: 'events:globex:item_usage', account_id: GLOBEX, n: 250 },
    ];
    const byAccount = () =>
      sql<{ source_id: string; account_id: string; n: number }>(
        `SELECT source_id, account_id, count(*)::int AS n FROM events
         GROUP BY source_id, account_id ORDER BY source_id, account_id`,
      );
    await waitFor(
      'every source to be read',
      async () => JSON.stringify(await byAccount()) === JSON.stringify(expected),
      80_000,
    );
    const [{ n }] = await sql<{ n: number }>(
      `SELECT count(DISTINCT (stream, external_id))::int AS n FROM events`,
    );
    expect(n).toBe(950);

    const sources = await listSources();
    expect(
      sources.map(({ name, kind, origin, accountId, tokenSet }) => ({
        name,
        kind,
        origin,
        accountId,
        tokenSet,
      })),
    ).toEqual([
      { name: 'acme', kind: 'events_api', origin: 'file', accountId: ACME, tokenSet: true },
      { name: 'globex', kind: 'events_api', origin: 'file', accountId: GLOBEX, tokenSet: true },
      { name: 'lab', kind: 'connect', origin: 'file', accountId: LAB, tokenSet: true },
      { name: 'office', kind: 'connect', origin: 'file', accountId: OFFICE, tokenSet: true },
    ]);
    expect(sources[0].streams.map((stream) => stream.id)).toEqual([
      'events:acme:audit_event',
      'events:acme:item_usage',
      'events:acme:signin_attempt',
    ]);
    expect(sources[0].tokenLast4).toBe(acmeToken.slice(-4));
    expectNoToken(sources);
  }, 90_000);

  it('keeps the other sources polling when one account revokes its token', async () => {
    globex.revokeToken(globexToken);
    acme.push('itemusages', withoutAccount(itemUsage(300, minutesAgo(1))), NOW);
    office.push(activity(120, new Date(NOW - 1000)), NOW);
    globex.push('itemusages', withoutAccount(itemUsage(1250, minutesAgo(1))), NOW);

    await waitFor('the other accounts to go on', async () => {
      return (
        (await stored('events:acme:item_usage')) === 301 &&
        (await stored('connect:office:activity')) === 121
      );
    });
    const globexStreams = async () =>
      streamsOf<NamedSource['streams'][number]>(
        (await listSources()).filter((source) => source.name === 'globex'),
      );
    await waitFor('globex to show its failure', async () =>
      (await globexStreams()).every((stream) => stream.state === 'failing'),
    );
    const [items] = (await globexStreams()).filter((s) => s.id === 'events:globex:item_usage');
    expect(items.lastError).toMatch(/Events API answered 401/);
    expect(await stored('events:globex:item_usage')).toBe(250);
    const healthy = streamsOf<NamedSource['streams'][number]>(
      (await listSources()).filter((source) => source.name !== 'globex'),
    );
    expect(healthy.every((stream) => stream.state !== 'failing')).toBe(true);
    expectNoToken(await listSources());
  });

  it('creates, changes and deletes a source over the API, never answering its token', async () => {
    const [first, second] = initechTokens;
    const created = await admin(http().post('/api/v1/sources'))
      .send({
        name: 'initech',
        kind: 'events_api',
        url: initech.url,
        token: first,
        pollIntervalSeconds: 0.2,
        startTime: START_TIME,
      })
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'initech',
      origin: 'api',
      tokenSet: true,
      tokenLast4: first.slice(-4),
    });
    expectNoToken(created.body);
    const [row] = await sql<{ token_ciphertext: string }>(
      `SELECT token_ciphertext FROM source_definitions WHERE name = 'initech'`,
    );
    for (const part of first.split('.')) expect(row.token_ciphertext).not.toContain(part);

    await waitFor(
      'the new source to be read',
      async () => (await stored('events:initech:item_usage')) === 40,
    );
    const accounts = await sql<{ account_id: string }>(
      `SELECT DISTINCT account_id FROM events WHERE source_id LIKE 'events:initech:%'`,
    );
    expect(accounts).toEqual([{ account_id: INITECH }]);

    // A rotated token: the old one is revoked, the source reads on with the new one.
    const patched = await admin(http().patch('/api/v1/sources/initech'))
      .send({ token: second, pollIntervalSeconds: 0.3 })
      .expect(200);
    expect(patched.body).toMatchObject({ tokenLast4: second.slice(-4), pollIntervalSeconds: 0.3 });
    expectNoToken(patched.body);
    initech.revokeToken(first);
    initech.push('itemusages', withoutAccount(itemUsage(2040, minutesAgo(1))), NOW);
    await waitFor(
      'the rotated token to read on',
      async () => (await stored('events:initech:item_usage')) === 41,
    );

    const refused = await admin(http().patch('/api/v1/sources/initech'))
      .send({ kind: 'connect', pollIntervalSeconds: -1, token: 7 })
      .expect(400);
    expect(refused.body.message).toContain('kind: cannot be changed');
    expect(refused.body.message).toContain('pollIntervalSeconds: must be more than 0');
    expect(refused.body.message).toContain('token: must be a string');
    const missing = await admin(http().post('/api/v1/sources'))
      .send({ name: 'hooli', kind: 'connect', url: office.url })
      .expect(400);
    expect(missing.body.message).toBe('token: required');
    await admin(http().post('/api/v1/sources'))
      .send({ name: 'initech', kind: 'events_api', token: second })
      .expect(409);
    const fromFile = await admin(http().patch('/api/v1/sources/acme'))
      .send({ pollIntervalSeconds: 1 })
      .expect(409);
    expect(fromFile.body.message).toMatch(/SOURCES_FILE/);
    await admin(http().delete('/api/v1/sources/acme')).expect(409);
    await admin(http().delete('/api/v1/sources/nobody')).expect(404);
    await http().post('/api/v1/sources').send({ name: 'x', kind: 'connect' }).expect(401);

    await admin(http().delete('/api/v1/sources/initech')).expect(204);
    await waitFor('the deleted source to stop', async () => {
      const [state] = await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM sources
         WHERE source_name = 'initech' AND state = 'disabled' AND last_error = 'the source was deleted'`,
      );
      return state.n === 3;
    });
    const requestsAtDeletion = initech.requests.length;
    initech.push('itemusages', withoutAccount(itemUsage(2041, minutesAgo(1))), NOW);
    acme.push('itemusages', withoutAccount(itemUsage(301, minutesAgo(1))), NOW);
    await waitFor(
      'another poll of the sources left',
      async () => (await stored('events:acme:item_usage')) === 302,
    );
    expect(initech.requests.length).toBe(requestsAtDeletion);
    expect(await stored('events:initech:item_usage')).toBe(41);
    expect((await listSources()).map((source) => source.name)).toEqual([
      'acme',
      'globex',
      'lab',
      'office',
    ]);
  });

  it("attributes each account's attacks to that account, and never adds two accounts up", async () => {
    // One user uuid exports in acme; the same token id is refused 6 times on each Connect
    // server (12 in all, over the burst threshold of 10 only if the accounts were one), then
    // 10 more times on office's.
    acme.push(
      'itemusages',
      withoutAccount(itemUsage(302, minutesAgo(1), { action: 'export' })),
      NOW,
    );
    const denied = (server: FakeConnectServer, from: number, count: number) => {
      for (let i = 0; i < count; i++) {
        server.push(
          { ...activity(from + i * 2, new Date(NOW - 60_000 + i * 1000)), result: 'DENY' },
          NOW,
        );
      }
    };
    denied(office, 200, 6);
    denied(lab, 1200, 6);
    const incidents = () =>
      sql<{ template_id: string; account_id: string }>(
        `SELECT r.template_id, i.account_id FROM incidents i JOIN rules r ON r.id = i.rule_id
         WHERE r.template_id IN ('op.item.export', 'op.connect.deny_burst')
         ORDER BY 1, 2`,
      );
    await waitFor('the export to be judged', async () => (await incidents()).length === 1);
    await waitFor('the denials to be judged', async () => {
      const [row] = await sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM ingest_batches WHERE detected_at IS NULL`,
      );
      return (
        row.n === 0 &&
        (await stored('connect:office:activity')) === 127 &&
        (await stored('connect:lab:activity')) === 86
      );
    });
    expect(await incidents()).toEqual([{ template_id: 'op.item.export', account_id: ACME }]);

    denied(office, 300, 10);
    await waitFor('the burst on office', async () => (await incidents()).length === 2);
    expect(await incidents()).toEqual([
      { template_id: 'op.connect.deny_burst', account_id: OFFICE },
      { template_id: 'op.item.export', account_id: ACME },
    ]);
    denied(lab, 1300, 10);
    await waitFor('the burst on lab', async () => (await incidents()).length === 3);
    expect(await incidents()).toEqual([
      ...[LAB, OFFICE].sort().map((account_id) => ({
        template_id: 'op.connect.deny_burst',
        account_id,
      })),
      { template_id: 'op.item.export', account_id: ACME },
    ]);
    const listed = await admin(http().get(`/api/v1/incidents?account=${OFFICE}`)).expect(200);
    const { items } = listed.body as { items: Array<{ accountId: string }> };
    expect(items.map((incident) => incident.accountId)).toEqual([OFFICE]);
  }, 60_000);

  it('never wrote a token to its logs', () => {
    const logs = services.logs();
    expect(logs).toContain('Source initech (events_api) created');
    expect(logs).toContain('Events API answered 401');
    for (const token of tokens) expect(logs).not.toContain(token);
  });
});

describe('the source of the OP_* variables', () => {
  const clock = SimClock.frozen(NOW);
  const api = new FakeEventsApi({ clock, seed: 41, accountUuid: ACME });
  const other = new FakeEventsApi({ clock, seed: 42, accountUuid: GLOBEX });
  const context = newTestContext();
  let t: TestApp | undefined;

  beforeAll(async () => {
    await api.start();
    await other.start();
  });

  afterAll(async () => {
    await t?.close();
    await api.stop();
    await other.stop();
    await dropTestContext(context);
  });

  const count = async (app: TestApp, sourceId: string) =>
    Number(
      (
        await app.sql<{ n: string }>(`SELECT count(*) AS n FROM events WHERE source_id = $1`, [
          sourceId,
        ])
      )[0].n,
    );

  it('keeps its stream ids and cursors when a sources file adds another source', async () => {
    api.load('itemusages', usages(5000, 2500));
    other.load('itemusages', usages(8000, 30));
    const env = {
      OP_EVENTS_API_TOKEN: api.createToken({ features: ['itemusages'] }),
      OP_EVENTS_API_URL: api.url,
      OP_EVENTS_START_TIME: START_TIME,
      OP_EVENTS_POLL_INTERVAL: '0.2',
    };
    t = await startTestApp(env, context);
    await waitFor(
      'the history',
      async () => (await count(t!, 'events:item_usage')) === 2500,
      60_000,
    );
    // Without a key, a source cannot be created over the API: its token is never stored in clear.
    const refused = await t
      .http()
      .post('/api/v1/sources')
      .set('authorization', `Bearer ${t.adminKey}`)
      .send({ name: 'globex', kind: 'events_api', token: 'x'.repeat(40) })
      .expect(409);
    expect(refused.body.message).toMatch(
      /^token: cannot be stored: SOURCES_ENCRYPTION_KEY is not set/,
    );
    expect(await t.sql(`SELECT name FROM source_definitions`)).toEqual([]);
    await t.close();
    t = undefined;
    const pg = new Client({ connectionString: context.databaseUrl });
    await pg.connect();
    const {
      rows: [saved],
    } = await pg.query<{ cursor: string }>(
      `SELECT cursor FROM sources WHERE id = 'events:item_usage'`,
    );
    await pg.end();
    expect(saved.cursor).toEqual(expect.any(String));

    // While it is down, one more event; then the same variables and a file with another account.
    api.push('itemusages', withoutAccount(itemUsage(7500, minutesAgo(1))), NOW);
    const seen = api.requests.length;
    const path = writeSourcesFile(
      [
        {
          name: 'globex',
          kind: 'events_api',
          url: other.url,
          token: other.createToken({ features: ['itemusages'] }),
          pollIntervalSeconds: 0.2,
          startTime: START_TIME,
        },
      ],
      'json',
    );
    t = await startTestApp({ ...env, SOURCES_FILE: path }, context);
    await waitFor(
      'both sources to be read',
      async () =>
        (await count(t!, 'events:item_usage')) === 2501 &&
        (await count(t!, 'events:globex:item_usage')) === 30,
      60_000,
    );
    const resumed = api.requests.slice(seen).find((entry) => entry.path === '/api/v2/itemusages');
    expect(resumed?.body).toEqual({ cursor: saved.cursor });
    const rows = await t.sql<{ id: string; source_name: string; account_id: string }>(
      `SELECT id, source_name, account_id FROM sources WHERE stream = 'item_usage' ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 'events:globex:item_usage', source_name: 'globex', account_id: GLOBEX },
      { id: 'events:item_usage', source_name: 'default', account_id: ACME },
    ]);
    const [{ n }] = await t.sql<{ n: number }>(
      `SELECT count(DISTINCT external_id)::int AS n FROM events`,
    );
    expect(n).toBe(2531);
  }, 120_000);
});

describe('a sources file with a mistake', () => {
  const services = new ServiceProcesses();

  afterAll(async () => {
    await services.killAll();
  });

  it('stops the service from starting, naming the entry and the field', async () => {
    const secret = `secret-${randomBytes(12).toString('hex')}`;
    const path = writeSourcesFile([
      { name: 'prod', kind: 'events_api', token: secret },
      { name: 'acme', kind: 'events_api' },
    ]);
    applyTestEnv(newTestContext(), { SOURCES_FILE: path });
    const child = services.start();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(services.logs()).toContain('SOURCES_FILE sources[1] (name "acme").token: required');
    expect(services.logs()).not.toContain(secret);
  });
});

describe('a source created in the API process', () => {
  const clock = SimClock.frozen(NOW);
  const api = new FakeEventsApi({ clock, seed: 51, accountUuid: INITECH });
  const context = newTestContext();
  const key = randomBytes(32).toString('hex');
  const apps: TestApp[] = [];

  beforeAll(async () => {
    await api.start();
  });

  afterAll(async () => {
    for (const app of apps.reverse()) await app.close();
    await api.stop();
    await dropTestContext(context);
  });

  it('is polled by the ingest process, and stops there when deleted', async () => {
    api.load('itemusages', usages(9000, 25));
    const ingest = await startTestApp(
      { APP_ROLE: 'ingest', SOURCES_ENCRYPTION_KEY: key, SOURCES_RECONCILE_INTERVAL: '0.3' },
      context,
    );
    apps.push(ingest);
    const web = await startTestApp({ APP_ROLE: 'api', SOURCES_ENCRYPTION_KEY: key }, context);
    apps.push(web);
    const admin = <T extends request.Test>(test: T) =>
      test.set('authorization', `Bearer ${context.adminKey}`);
    await admin(web.http().post('/api/v1/sources'))
      .send({
        name: 'initech',
        kind: 'events_api',
        url: api.url,
        token: api.createToken({ features: ['itemusages'] }),
        pollIntervalSeconds: 0.2,
        startTime: START_TIME,
      })
      .expect(201);
    const stored = async () =>
      Number(
        (
          await web.sql<{ n: string }>(`SELECT count(*) AS n FROM events WHERE account_id = $1`, [
            INITECH,
          ])
        )[0].n,
      );
    await waitFor('the ingest process to read the new source', async () => (await stored()) === 25);

    await admin(web.http().delete('/api/v1/sources/initech')).expect(204);
    await waitFor('the ingest process to stop it', async () => {
      const rows = await web.sql<{ state: string }>(
        `SELECT state FROM sources WHERE id = 'events:initech:item_usage'`,
      );
      return rows[0]?.state === 'disabled';
    });
    expect(await stored()).toBe(25);
  });
});
