import { DataSource, type EntityManager } from 'typeorm';
import { RuleIsolation } from '../src/detection/rule-isolation';
import type { AlertsService, Finding } from '../src/incidents/alerts.service';
import { connectRequest, itemUsage } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

interface RuleBody {
  id: string;
  lastError: { message: string; at: string } | null;
  failureCount: number;
}

const exporter = { uuid: 'EXPORTER000000000000000001', name: 'E', email: 'e@example.com' };

/**
 * A rule that throws, or that an attacker's input would make backtrack for hours, must not
 * stop the other rules: the batch is detected by every other rule, once.
 */
describe('detection with a failing or hostile rule', () => {
  let t: TestApp;
  const as = () => ({ authorization: `Bearer ${t.adminKey}` });

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const allDetected = async () => {
    const [row] = await t.sql<{ n: string }>(
      `SELECT count(*) AS n FROM ingest_batches WHERE detected_at IS NULL`,
    );
    return row.n === '0';
  };

  /** Stores a definition as an older version of the service could have (no validation). */
  const storeUnchecked = async (definition: object): Promise<string> => {
    const [row] = await t.sql<{ id: string }>(
      `INSERT INTO rules (definition) VALUES ($1) RETURNING id`,
      [JSON.stringify(definition)],
    );
    return row.id;
  };

  const bulkExportIncident = async () => {
    const rows = await t.sql<{ id: string }>(
      `SELECT i.id FROM incidents i JOIN rules r ON r.id = i.rule_id
       WHERE r.template_id = 'op.item.bulk_export'`,
    );
    return rows.length > 0;
  };

  it('opens the bulk export incident while a rule runs a catastrophic pattern on user agents', async () => {
    // The pattern of the report: a backtracking engine needs hours for a 41-character agent.
    await t
      .http()
      .post('/api/v1/rules')
      .set(as())
      .send({
        name: 'Odd Connect agent',
        kind: 'match',
        streams: ['connect_activity'],
        filter: { field: 'userAgent', op: 'regex', value: '^(\\w+\\s?)+$' },
      })
      .expect(201);
    const now = Date.now();
    const hostile = Array.from({ length: 5 }, (_, i) =>
      connectRequest(900 + i, new Date(now - 60_000 + i * 1000), {
        actor: {
          ...connectRequest(900 + i, new Date(now)).actor,
          userAgent: `${'a'.repeat(40)}!`,
        },
      }),
    );
    await t.http().post('/api/v1/events').set(as()).send(hostile).expect(200);
    const exports = Array.from({ length: 25 }, (_, i) =>
      itemUsage(100 + i, new Date(now - 30_000 + i * 1000), { action: 'export', user: exporter }),
    );
    await t.http().post('/api/v1/events').set(as()).send(exports).expect(200);

    await waitFor('every batch detected', allDetected, 60_000);
    await waitFor('the bulk export incident', bulkExportIncident, 30_000);
    await t.http().get('/health').expect(200);
  });

  it('judges the batch with every other rule and shows the failing rule its error', async () => {
    const brokenRegex = await storeUnchecked({
      name: 'Lookahead (RE2 cannot run it)',
      description: '',
      kind: 'match',
      enabled: true,
      mode: 'active',
      severity: 'high',
      escalations: [],
      streams: ['item_usage'],
      filter: { field: 'actorEmail', op: 'regex', value: 'e(?=@)' },
      groupBy: ['actorId'],
      params: {},
      dedupSeconds: 0,
      suppressSeconds: 0,
      allowLists: [],
      tags: [],
      runbook: '',
      channels: [],
    });
    const endlessWindow = await storeUnchecked({
      name: 'Window of 1e300 seconds',
      description: '',
      kind: 'threshold',
      enabled: true,
      mode: 'active',
      severity: 'high',
      escalations: [],
      streams: ['item_usage'],
      groupBy: ['actorId'],
      params: { windowSeconds: 1e300, threshold: 2 },
      dedupSeconds: 0,
      suppressSeconds: 0,
      allowLists: [],
      tags: [],
      runbook: '',
      channels: [],
    });
    const working = await t
      .http()
      .post('/api/v1/rules')
      .set(as())
      .send({
        name: 'Any reveal by the exporter',
        kind: 'match',
        streams: ['item_usage'],
        filter: { field: 'actorId', op: 'eq', value: exporter.uuid },
        dedupSeconds: 0,
      })
      .expect(201);
    // The rules are read again once the service's short cache expires.
    await new Promise((resolve) => setTimeout(resolve, 2_500));

    const now = Date.now();
    const reveals = Array.from({ length: 3 }, (_, i) =>
      itemUsage(500 + i, new Date(now - 10_000 + i * 1000), { user: exporter }),
    );
    await t.http().post('/api/v1/events').set(as()).send(reveals).expect(200);
    await waitFor('every batch detected', allDetected, 60_000);

    const alerts = await t.sql<{ n: string }>(
      `SELECT count(*) AS n FROM alerts WHERE rule_id = $1`,
      [working.body.id],
    );
    expect(Number(alerts[0].n)).toBeGreaterThanOrEqual(3);

    for (const [id, expected] of [
      [brokenRegex, /regex.*Perl syntax/],
      [endlessWindow, /not a valid time range/],
    ] as const) {
      const readRule = async () =>
        (await t.http().get(`/api/v1/rules/${id}`).set(as()).expect(200)).body as RuleBody;
      // The failure is noted just after the batch commits.
      await waitFor('the rule failure recorded', async () => (await readRule()).failureCount > 0);
      const rule = await readRule();
      expect(rule.failureCount).toBeGreaterThanOrEqual(1);
      expect(rule.lastError?.message).toMatch(expected);
      expect(Date.parse(rule.lastError?.at ?? '')).toBeGreaterThan(now - 60_000);
      const [{ n }] = await t.sql<{ n: string }>(
        `SELECT count(*) AS n FROM alerts WHERE rule_id = $1`,
        [id],
      );
      expect(n).toBe('0');
    }
    const metrics = await t.http().get('/metrics').expect(200);
    expect(metrics.text).toMatch(
      new RegExp(`vaultwatch_rule_failures_total\\{rule="${brokenRegex}"\\} [1-9]`),
    );

    // Detected once: nothing is left for the sweeper to hand back to the queue.
    const [{ n: undetected }] = await t.sql<{ n: string }>(
      `SELECT count(*) AS n FROM ingest_batches WHERE detected_at IS NULL`,
    );
    expect(undetected).toBe('0');

    // An edit clears the error; the count stays.
    const edited = await t
      .http()
      .patch(`/api/v1/rules/${brokenRegex}`)
      .set(as())
      .send({ filter: { field: 'actorEmail', op: 'regex', value: 'e@' } })
      .expect(200);
    expect(edited.body).toMatchObject({ lastError: null });
    expect((edited.body as RuleBody).failureCount).toBeGreaterThanOrEqual(1);
  });

  it("keeps every other rule's findings when the database refuses one rule's", async () => {
    await t.sql(`CREATE TABLE isolation_probe (rule_id text NOT NULL)`);
    // Stands in for the alerts service: writes a row per finding, and fails on rule 'bad'.
    const alerts = {
      record: async (manager: EntityManager, findings: Finding[]) => {
        for (const finding of findings) {
          await manager.query(`INSERT INTO isolation_probe VALUES ($1)`, [finding.rule.id]);
          if (finding.rule.id === 'bad') await manager.query(`SELECT 1 / 0`);
        }
        return { alertIds: findings.map((finding) => finding.rule.id), changeIds: [] };
      },
    } as unknown as AlertsService;
    const finding = (id: string) => ({ rule: { id } }) as unknown as Finding;
    const isolation = new RuleIsolation();

    const recorded = await t.app.get(DataSource).transaction(async (manager) => {
      const result = await isolation.record(
        manager,
        alerts,
        [finding('good'), finding('bad'), finding('also-good')],
        new Date(),
      );
      // The transaction is still usable after the refused statement.
      await manager.query(`INSERT INTO isolation_probe VALUES ('after')`);
      return result;
    });

    expect(recorded.alertIds).toEqual(['good', 'also-good']);
    expect(isolation.failures.map((failure) => failure.rule.id)).toEqual(['bad']);
    const rows = await t.sql<{ rule_id: string }>(
      `SELECT rule_id FROM isolation_probe ORDER BY rule_id`,
    );
    expect(rows.map((row) => row.rule_id)).toEqual(['after', 'also-good', 'good']);
  });
});
