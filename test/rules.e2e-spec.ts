import { itemUsage } from './support/factories';
import { dropTestContext, newTestContext, startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const bulkExport = {
  name: 'Exports by one user',
  kind: 'threshold',
  streams: ['item_usage'],
  filter: { field: 'action', op: 'eq', value: 'export' },
  groupBy: ['actorId'],
  params: { windowSeconds: 600, threshold: 5 },
  severity: 'high',
};

describe('rule authoring over REST', () => {
  const context = newTestContext();
  let t: TestApp;
  const as = () => ({ authorization: `Bearer ${t.adminKey}` });

  beforeAll(async () => {
    t = await startTestApp({}, context);
  });

  /** `count` exports by TESTUSER…<user> (t@example.com for A), `stepMs` apart. */
  const pushExports = async (o: {
    user: string;
    firstId: number;
    count: number;
    start: number;
    stepMs: number;
  }) => {
    const email = o.user === 'A' ? 't@example.com' : `${o.user.toLowerCase()}@example.com`;
    const exports = Array.from({ length: o.count }, (_, i) =>
      itemUsage(o.firstId + i, new Date(o.start + i * o.stepMs), {
        action: 'export',
        user: { uuid: `TESTUSER00000000000000000${o.user}`, name: o.user, email },
      }),
    );
    await t.http().post('/api/v1/events').set(as()).send(exports).expect(200);
  };

  afterAll(async () => {
    await t.close();
    await dropTestContext(context);
  });

  it('installs every built-in template as a rule, with its template id', async () => {
    const templates = await t.http().get('/api/v1/rule-templates').set(as()).expect(200);
    const rules = await t.http().get('/api/v1/rules').set(as()).expect(200);
    expect(templates.body.length).toBeGreaterThanOrEqual(20);
    const installed = new Set(
      (rules.body as Array<{ templateId: string }>).map((rule) => rule.templateId),
    );
    for (const template of templates.body as Array<{ templateId: string }>) {
      expect(installed.has(template.templateId)).toBe(true);
    }
  });

  it('shows what each template catches and what it deliberately ignores', async () => {
    const templates = await t.http().get('/api/v1/rule-templates').set(as()).expect(200);
    type Fixture = { name: string; events: Array<{ at: string }>; expect: { alerts: number } };
    const list = templates.body as Array<{
      templateId: string;
      fixtures: { positive: Fixture[]; negative: Fixture[] };
    }>;
    for (const template of list) {
      expect(template.fixtures.positive.length).toBeGreaterThan(0);
      expect(template.fixtures.negative.length).toBeGreaterThan(0);
      for (const fixture of template.fixtures.positive)
        expect(fixture.expect.alerts).toBeGreaterThan(0);
      for (const fixture of template.fixtures.negative) expect(fixture.expect.alerts).toBe(0);
    }
    const reveal = list.find((x) => x.templateId === 'op.item.new_country_reveal');
    expect(reveal?.fixtures.positive.map((f) => f.name)).toContain(
      'a stolen-credential session: a sign-in from RU, then reveals from RU minutes later',
    );
    expect(reveal?.fixtures.negative.map((f) => f.name)).toContain(
      'back in a country of an earlier trip: a sign-in, then reveals',
    );
    const docs = await t.http().get('/api/docs-json').expect(200);
    const schemas = (docs.body as { components: { schemas: Record<string, unknown> } }).components
      .schemas;
    expect(JSON.stringify(schemas.RuleTemplateDto)).toContain(
      '#/components/schemas/TemplateFixturesDto',
    );
    expect(schemas.TemplateFixtureDto).toMatchObject({
      required: expect.arrayContaining(['name', 'events', 'expect']) as unknown,
    });
  });

  it.each([
    ['an unknown kind', { ...bulkExport, kind: 'magic' }, 'kind'],
    [
      'a bad regex',
      { ...bulkExport, filter: { field: 'actorEmail', op: 'regex', value: '(' } },
      'filter.value',
    ],
    [
      'a bad CIDR',
      { ...bulkExport, filter: { field: 'ip', op: 'cidr', value: ['10.0.0.0/33'] } },
      'filter.value',
    ],
    [
      'a zero window',
      { ...bulkExport, params: { windowSeconds: 0, threshold: 5 } },
      'params.windowSeconds',
    ],
    ['a missing threshold', { ...bulkExport, params: { windowSeconds: 600 } }, 'params.threshold'],
    [
      'an unknown field',
      { ...bulkExport, filter: { field: 'password', op: 'eq', value: 'x' } },
      'filter.field',
    ],
    [
      'an unknown list',
      { ...bulkExport, filter: { field: 'ip', op: 'cidr', value: '@nowhere' } },
      'filter.value',
    ],
  ])('refuses %s with a 400 naming the field', async (_case, body, field) => {
    const response = await t.http().post('/api/v1/rules').set(as()).send(body).expect(400);
    expect(response.body.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: expect.stringContaining(field) })]),
    );
    expect(response.body.message).toContain(field);
  });

  it('lists the rule kinds and the params each takes', async () => {
    const kinds = await t.http().get('/api/v1/rules/kinds').set(as()).expect(200);
    expect((kinds.body as Array<{ kind: string }>).map((k) => k.kind)).toEqual([
      'match',
      'threshold',
      'new_value',
      'rate_anomaly',
      'geo_velocity',
      'sequence',
      'heartbeat',
    ]);
    expect(kinds.body).toContainEqual({
      kind: 'threshold',
      judges: 'events',
      params: ['windowSeconds', 'threshold', 'distinctField', 'routine'],
    });
    expect(kinds.body).toContainEqual({
      kind: 'heartbeat',
      judges: 'sources',
      params: ['sources', 'maxSilenceSeconds'],
    });
  });

  it('creates a rule, bumps its version on every edit, and deletes it', async () => {
    const created = await t.http().post('/api/v1/rules').set(as()).send(bulkExport).expect(201);
    expect(created.body).toMatchObject({
      version: 1,
      enabled: true,
      mode: 'active',
      templateId: null,
    });
    const id = created.body.id as string;

    const edited = await t
      .http()
      .patch(`/api/v1/rules/${id}`)
      .set(as())
      .send({ params: { threshold: 8 }, mode: 'shadow' })
      .expect(200);
    expect(edited.body).toMatchObject({
      version: 2,
      mode: 'shadow',
      params: { windowSeconds: 600, threshold: 8 },
    });
    await t
      .http()
      .patch(`/api/v1/rules/${id}`)
      .set(as())
      .send({ params: { threshold: 0 } })
      .expect(400);
    const versions = await t.sql<{ version: number }>(
      `SELECT version FROM rule_versions WHERE rule_id = $1 ORDER BY version`,
      [id],
    );
    expect(versions.map((row) => row.version)).toEqual([1, 2]);

    await t.http().delete(`/api/v1/rules/${id}`).set(as()).expect(204);
    await t.http().get(`/api/v1/rules/${id}`).set(as()).expect(404);
  });

  it('keeps named lists and lets rules use them once they exist', async () => {
    await t
      .http()
      .put('/api/v1/lists/corporateEgress')
      .set(as())
      .send({ items: ['203.0.113.0/24'], description: 'office' })
      .expect(200);
    const list = await t.http().get('/api/v1/lists/@corporateEgress').set(as()).expect(200);
    expect(list.body).toMatchObject({ name: 'corporateEgress', items: ['203.0.113.0/24'] });
    await t
      .http()
      .post('/api/v1/rules')
      .set(as())
      .send({
        ...bulkExport,
        name: 'Not from the office',
        allowLists: [{ field: 'ip', list: '@corporateEgress' }],
      })
      .expect(201);
    await t.http().put('/api/v1/lists/bad name').set(as()).send({ items: [] }).expect(400);
  });

  it('tests a rule over stored events without recording anything', async () => {
    const start = Date.parse('2026-10-01T09:00:00Z');
    await pushExports({ user: 'A', firstId: 1000, count: 6, start, stepMs: 60_000 });
    await waitFor('detection of the pushed events', async () => {
      const [row] = await t.sql<{ n: string }>(
        `SELECT count(*) AS n FROM ingest_batches WHERE detected_at IS NULL`,
      );
      return row.n === '0';
    });
    const [{ n: alertsBefore }] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM alerts`);

    const tried = await t
      .http()
      .post('/api/v1/rules/test')
      .set(as())
      .send({
        rule: { ...bulkExport, params: { windowSeconds: 600, threshold: 6 } },
        from: '2026-10-01T00:00:00Z',
        to: '2026-10-02T00:00:00Z',
      })
      .expect(200);
    expect(tried.body.wouldFire).toBe(1);
    expect(tried.body.alerts[0]).toMatchObject({
      groupKey: 'TESTUSER00000000000000000A',
      eventTime: new Date(start + 5 * 60_000).toISOString(),
    });
    expect(tried.body.alerts[0].explanation).toContain('t@example.com');

    const stored = await t
      .http()
      .post('/api/v1/rules')
      .set(as())
      .send({ ...bulkExport, enabled: false })
      .expect(201);
    const again = await t
      .http()
      .post(`/api/v1/rules/${stored.body.id as string}/test`)
      .set(as())
      .send({ from: '2026-10-01T00:00:00Z', to: '2026-10-02T00:00:00Z' })
      .expect(200);
    expect(again.body).toMatchObject({
      wouldFire: 1,
      truncated: false,
      alertsReturned: 1,
      rule: { id: stored.body.id, version: 1 },
    });

    const [{ n: alertsAfter }] = await t.sql<{ n: string }>(`SELECT count(*) AS n FROM alerts`);
    expect(alertsAfter).toBe(alertsBefore);
    await t
      .http()
      .post('/api/v1/rules/test')
      .set(as())
      .send({ rule: bulkExport, from: '2026-10-02T00:00:00Z', to: '2026-10-01T00:00:00Z' })
      .expect(400);
  });

  it('lists the first 500 alerts of a test and says how many more would fire', async () => {
    const start = Date.parse('2026-10-05T09:00:00Z');
    await pushExports({ user: 'B', firstId: 5000, count: 505, start, stepMs: 1000 });
    const tried = await t
      .http()
      .post('/api/v1/rules/test')
      .set(as())
      .send({
        rule: { ...bulkExport, name: 'Any export', kind: 'match', groupBy: [], params: {} },
        from: '2026-10-05T00:00:00Z',
        to: '2026-10-06T00:00:00Z',
      })
      .expect(200);
    expect(tried.body).toMatchObject({
      eventsScanned: 505,
      wouldFire: 505,
      truncated: true,
      alertsReturned: 500,
    });
    expect(tried.body.alerts).toHaveLength(500);
  });

  it('never overwrites an edited or deleted template when the service starts again', async () => {
    const rules = await t.http().get('/api/v1/rules').set(as()).expect(200);
    const byTemplate = new Map(
      (rules.body as Array<{ id: string; templateId: string | null }>).map((rule) => [
        rule.templateId,
        rule.id,
      ]),
    );
    const bulk = byTemplate.get('op.item.bulk_export')!;
    const travel = byTemplate.get('op.signin.impossible_travel')!;
    await t
      .http()
      .patch(`/api/v1/rules/${bulk}`)
      .set(as())
      .send({ params: { threshold: 40 } })
      .expect(200);
    await t.http().delete(`/api/v1/rules/${travel}`).set(as()).expect(204);
    // A database from before a template shipped: the next start installs it.
    await t.sql(`DELETE FROM rule_versions WHERE rule_id IN
      (SELECT id FROM rules WHERE template_id = 'op.connect.unknown_token')`);
    await t.sql(`DELETE FROM rules WHERE template_id = 'op.connect.unknown_token'`);

    await t.close();
    t = await startTestApp({}, context);
    const after = await t.http().get('/api/v1/rules').set(as()).expect(200);
    const list = after.body as Array<{
      id: string;
      templateId: string | null;
      params: { threshold?: number };
    }>;
    expect(list.find((rule) => rule.id === bulk)?.params.threshold).toBe(40);
    expect(list.some((rule) => rule.templateId === 'op.signin.impossible_travel')).toBe(false);
    expect(list.filter((rule) => rule.templateId === 'op.connect.unknown_token')).toHaveLength(1);
  });

  it('lets viewers read rules but not write them', async () => {
    const viewer = await t
      .http()
      .post('/api/v1/api-keys')
      .set(as())
      .send({ name: 'analyst', role: 'viewer' })
      .expect(201);
    const key = { authorization: `Bearer ${viewer.body.secret as string}` };
    await t.http().get('/api/v1/rules').set(key).expect(200);
    await t.http().get('/api/v1/rules/kinds').set(key).expect(200);
    await t.http().post('/api/v1/rules').set(key).send(bulkExport).expect(403);
  });
});
