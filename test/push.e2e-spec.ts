import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const SAMPLES = join(__dirname, 'fixtures', 'samples');
const sampleLines = (file: string) =>
  readFileSync(join(SAMPLES, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');

// The example APIRequest of the Connect documentation, in its two spellings.
const connectActivity = {
  requestId: '9ad3ef7b-a7fb-4a6b-9bb1-5d0e3f7f8a11',
  timestamp: '2021-08-24T16:07:11.539Z',
  action: 'READ',
  result: 'DENY',
  actor: {
    id: 'YCXFZAV3NJDNFJJ5KSPDNQX7ZE',
    account: 'F6RCWMMA45DJZEKZQYAIEI3GBM',
    jti: 'D2ZXX3RA3KUQXLRMIW6H5M6I3U',
    userAgent: 'OpenAPI-Generator/1.0.0/go',
    requestIp: '192.168.1.10',
  },
  resource: {
    type: 'ITEM',
    vault: { id: 'ftz4pm2xxwmwrsd7rjqn7grzfz' },
    item: { id: 'ffkzyyb2flfflgvysw2lwzt4nq' },
    itemVersion: 2,
  },
};

describe('POST /api/v1/events', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const push = () => t.http().post('/api/v1/events').set('authorization', `Bearer ${t.adminKey}`);

  it('accepts every real sample verbatim as NDJSON and counts the duplicated audit event once', async () => {
    const files = readdirSync(SAMPLES).filter((file) => file.endsWith('.ndjson'));
    const lines = files.flatMap(sampleLines);
    const response = await push()
      .set('content-type', 'application/x-ndjson')
      .send(lines.join('\n'));

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ accepted: lines.length - 1, duplicates: 1, rejected: [] });
    const rows = await t.sql<{ stream: string; n: string }>(
      `SELECT stream, count(*) AS n FROM events GROUP BY stream ORDER BY stream`,
    );
    expect(rows).toEqual([
      { stream: 'audit_event', n: '1' },
      { stream: 'item_usage', n: '2' },
      { stream: 'signin_attempt', n: '2' },
    ]);
    const [reveal] = await t.sql(
      `SELECT * FROM events WHERE external_id = 'MCQODBBWJD5HISKYNP3HJPV2DV'`,
    );
    expect(reveal).toMatchObject({
      actor_id: 'OJQGU46KAPROEJLCK674RHSAY5',
      actor_email: 'email@1password.com',
      action: 'reveal',
      country: 'CA',
      city: 'Toronto',
      vault_id: 'jaqxqf5qylslqiitnduawrndc5',
      client_app: '1Password Browser Extension',
      ip: '89.160.20.156',
    });
    expect((reveal.raw as { location: { country: string } }).location.country).toBe('Canada');
  });

  it('answers a second delivery of the same page with duplicates only', async () => {
    const lines = sampleLines('elastic-itemusages.ndjson');
    const response = await push().send(lines.map((line) => JSON.parse(line) as unknown));
    expect(response.body).toEqual({ accepted: 0, duplicates: 2, rejected: [] });
  });

  it('accepts Connect activity in both field spellings', async () => {
    const docsSpelling = {
      ...connectActivity,
      requestId: undefined,
      requestID: 'aa4b8f57-1a52-4f5c-a1b8-0c0de1f1f001',
      actor: { ...connectActivity.actor, requestIp: undefined, ip: '192.168.1.11' },
    };
    const response = await push().send([connectActivity, docsSpelling]);

    expect(response.body).toEqual({ accepted: 2, duplicates: 0, rejected: [] });
    const rows = await t.sql<{
      actor_id: string;
      connect_server_id: string;
      ip: string;
      result: string;
    }>(
      `SELECT actor_id, connect_server_id, ip, result FROM events
       WHERE stream = 'connect_activity' ORDER BY ip`,
    );
    expect(rows).toEqual([
      {
        actor_id: 'd2zxx3ra3kuqxlrmiw6h5m6i3u',
        connect_server_id: 'ycxfzav3njdnfjj5kspdnqx7ze',
        ip: '192.168.1.10',
        result: 'DENY',
      },
      {
        actor_id: 'd2zxx3ra3kuqxlrmiw6h5m6i3u',
        connect_server_id: 'ycxfzav3njdnfjj5kspdnqx7ze',
        ip: '192.168.1.11',
        result: 'DENY',
      },
    ]);
  });

  it('records a malformed object as rejected with its reason and keeps the rest of the batch', async () => {
    const good = { ...connectActivity, requestId: 'c2b7e1de-8f7e-4d4c-9f5e-6b2d1a0e9c01' };
    const noTimestamp = {
      ...connectActivity,
      requestId: 'c2b7e1de-8f7e-4d4c-9f5e-6b2d1a0e9c02',
      timestamp: undefined,
    };
    const body = [
      JSON.stringify(good),
      '{not json',
      JSON.stringify(noTimestamp),
      JSON.stringify({ hello: 1 }),
    ].join('\n');
    const response = await push().set('content-type', 'application/x-ndjson').send(body);

    expect(response.status).toBe(200);
    expect(response.body.accepted).toBe(1);
    expect(response.body.rejected).toEqual([
      { index: 1, reason: 'line 2: not valid JSON' },
      { index: 2, reason: expect.stringContaining('timestamp') },
      { index: 3, reason: expect.stringContaining('not a recognised 1Password object') },
    ]);
    const rejected = await t.sql<{ reason: string }>(
      `SELECT reason FROM rejected_events ORDER BY id`,
    );
    expect(rejected).toHaveLength(3);
  });

  it('enqueues the stored batch for detection, which marks it done', async () => {
    const fresh = { ...connectActivity, requestId: 'd1d1d1d1-0000-4000-8000-000000000001' };
    await push().send([fresh]).expect(200);
    await waitFor('the batch to be detected', async () => {
      const [row] = await t.sql<{ pending: string }>(
        `SELECT count(*) AS pending FROM ingest_batches WHERE detected_at IS NULL`,
      );
      return row.pending === '0';
    });
  });

  it('refuses an unknown stream, an empty body and a body over the size limit with clear 4xx answers', async () => {
    const badStream = await push().query({ stream: 'nope' }).send([connectActivity]);
    expect(badStream.status).toBe(400);
    expect(badStream.body.message).toContain('stream must be one of');

    const empty = await push().send([]);
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ accepted: 0, duplicates: 0, rejected: [] });

    const nothing = await push().set('content-type', 'application/json').send('{}');
    expect(nothing.status).toBe(400);
    expect(nothing.body.message).toContain('body:');

    const huge = 'x'.repeat(11 * 1024 * 1024);
    const tooLarge = await push().set('content-type', 'application/x-ndjson').send(huge);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.message).toContain('larger than the limit');

    const badJson = await push().set('content-type', 'application/json').send('[{"a":');
    expect(badJson.status).toBe(400);
    expect(badJson.body.message).toBe('body: not valid JSON');
  });

  it('needs an admin key', async () => {
    await t.http().post('/api/v1/events').send([connectActivity]).expect(401);
  });
});
