import fc from 'fast-check';
import { ruleBody } from './support/rule-arbitraries';
import { startTestApp, TestApp } from './support/test-app';

interface ErrorBody {
  statusCode: number;
  message: string;
  details?: Array<{ field: string; reason: string }>;
}

const bulkExport = {
  name: 'Exports by one user',
  kind: 'threshold',
  streams: ['item_usage'],
  filter: { field: 'action', op: 'eq', value: 'export' },
  params: { windowSeconds: 600, threshold: 5 },
};

/** JSON text of `depth` nested `not`s, written out (JSON.stringify would recurse as deep). */
const nestedNots = (depth: number) =>
  `${'{"not":'.repeat(depth)}{"field":"action","op":"eq","value":"export"}${'}'.repeat(depth)}`;

describe('rule and list bodies at the edge (e2e)', () => {
  let t: TestApp;
  const as = () => ({ authorization: `Bearer ${t.adminKey}` });

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  /** What is wrong with an answer to a rule body: a 5xx, or a 400 that names no field. */
  const problemsOf = (status: number, error: ErrorBody): string[] => {
    if (status === 200 || status === 201) return [];
    if (status !== 400) return [`status ${status}`];
    // JSON that is no object or array at all is refused by the body parser, as `body`.
    if (error.details === undefined) {
      return /^body: /.test(error.message) ? [] : [`no field named: ${error.message}`];
    }
    if (error.details.length === 0) return ['no details'];
    return error.details.flatMap((detail) =>
      detail.field.trim() === '' || !error.message.includes(`${detail.field}: ${detail.reason}`)
        ? [`detail not named in the message: ${JSON.stringify(detail)}`]
        : [],
    );
  };

  /** Asserts a 400 whose details and message name `field`. */
  const expectFieldNamed = (body: ErrorBody, field: string) => {
    expect(body.statusCode).toBe(400);
    expect(body.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: expect.stringContaining(field) })]),
    );
    expect(body.message).toContain(field);
  };

  it('answers random rule bodies with a 201 or a 400 naming each bad field, never a 5xx', async () => {
    const created = await t.http().post('/api/v1/rules').set(as()).send(bulkExport).expect(201);
    const id = created.body.id as string;
    await fc.assert(
      fc.asyncProperty(ruleBody, fc.boolean(), async (body, patch) => {
        const request = patch
          ? t.http().patch(`/api/v1/rules/${id}`)
          : t.http().post('/api/v1/rules');
        const response = await request
          .set(as())
          .set('content-type', 'application/json')
          .send(JSON.stringify(body));
        expect(problemsOf(response.status, response.body as ErrorBody)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it.each([
    [
      'POST /api/v1/rules',
      'post',
      '/api/v1/rules',
      (f: string) => `{"name":"x","kind":"match","streams":["item_usage"],"filter":${f}}`,
      'filter',
    ],
    [
      'POST /api/v1/rules/test',
      'post',
      '/api/v1/rules/test',
      (f: string) =>
        `{"from":"2026-10-01T00:00:00Z","to":"2026-10-02T00:00:00Z","rule":{"name":"x","kind":"match","streams":["item_usage"],"filter":${f}}}`,
      'filter',
    ],
  ] as const)(
    'answers 20,000 nested nots to %s with a 400 naming the filter',
    async (_, method, path, body, field) => {
      const response = await t
        .http()
        [method](path)
        .set(as())
        .set('content-type', 'application/json')
        .send(body(nestedNots(20_000)));
      expectFieldNamed(response.body as ErrorBody, field);
      // Within the limits, the same shape is a rule.
      const fine = await t
        .http()
        .post('/api/v1/rules')
        .set(as())
        .set('content-type', 'application/json')
        .send(`{"name":"x","kind":"match","streams":["item_usage"],"filter":${nestedNots(10)}}`);
      expect(fine.status).toBe(201);
    },
  );

  it('answers a deeply nested edit with a 400 too', async () => {
    const created = await t.http().post('/api/v1/rules').set(as()).send(bulkExport).expect(201);
    const response = await t
      .http()
      .patch(`/api/v1/rules/${created.body.id as string}`)
      .set(as())
      .set('content-type', 'application/json')
      .send(`{"params":{"windowSeconds":${'['.repeat(50_000)}${']'.repeat(50_000)}}}`);
    expectFieldNamed(response.body as ErrorBody, 'params');
  });

  it.each([
    [
      'a window of 1e300 seconds',
      { params: { windowSeconds: 1e300, threshold: 5 } },
      'params.windowSeconds',
    ],
    [
      'a threshold of a billion',
      { params: { windowSeconds: 600, threshold: 1e9 } },
      'params.threshold',
    ],
    [
      'a regex with a lookahead',
      { filter: { field: 'userAgent', op: 'regex', value: 'a(?=b)' } },
      'filter.value',
    ],
    [
      'a regex too long',
      { filter: { field: 'userAgent', op: 'regex', value: 'a'.repeat(1001) } },
      'filter.value',
    ],
  ])('refuses %s with a 400 naming the field', async (_, change, field) => {
    const response = await t
      .http()
      .post('/api/v1/rules')
      .set(as())
      .send({ ...bulkExport, ...change });
    expect(response.status).toBe(400);
    expectFieldNamed(response.body as ErrorBody, field);
  });

  it('bounds named lists: items, their length and their wildcards', async () => {
    const put = (items: unknown) => t.http().put('/api/v1/lists/bounded').set(as()).send({ items });
    expectFieldNamed(
      (await put(Array.from({ length: 10_001 }, (_, i) => `v${i}`))).body as ErrorBody,
      'items',
    );
    expectFieldNamed((await put(['x'.repeat(513)])).body as ErrorBody, 'items');
    expectFieldNamed(
      (await put(Array.from({ length: 501 }, (_, i) => `*svc${i}*`))).body as ErrorBody,
      'items',
    );
    await put(Array.from({ length: 10_000 }, (_, i) => (i < 500 ? `*a*a*${i}*b` : `v${i}`))).expect(
      200,
    );
  });
});
