import fc from 'fast-check';
import { DataSource, type EntityManager } from 'typeorm';
import { AlertsService, type Finding } from '../src/incidents/alerts.service';
import type { Rule, Severity } from '../src/rules/engine/rule-definition';
import { SEVERITIES } from '../src/rules/engine/rule-definition';
import { RulesService } from '../src/rules/rules.service';
import { startTestApp, TestApp } from './support/test-app';

const MINUTE = 60_000;
const HORIZON_MS = 60 * MINUTE;

/** One alert of a pass: which rule and group it falls in, and what its event says. */
interface AlertSpec {
  rule: number;
  group: 'alice' | 'bob';
  account: string | null;
  severity: Severity;
  minutesBefore: number;
  /** Ingested past the horizon: it reaches nobody. */
  late: boolean;
  label: string | null;
}

/** What a pass meets: incidents opened earlier, some since resolved or snoozed. */
interface Scenario {
  shadow: boolean[];
  suppressSeconds: number[];
  earlier: AlertSpec[];
  earlierMinutesAgo: number;
  /** Earlier incidents resolved (by position), then snoozed. */
  resolve: number[];
  snooze: number[];
  pass: AlertSpec[];
}

const alertSpec = fc.record({
  rule: fc.integer({ min: 0, max: 1 }),
  group: fc.constantFrom('alice' as const, 'bob' as const),
  account: fc.constantFrom(null, 'ACCOUNT1'),
  severity: fc.constantFrom(...SEVERITIES),
  minutesBefore: fc.integer({ min: 0, max: 180 }),
  late: fc.boolean(),
  label: fc.constantFrom(null, 'Alice A.', 'Bob B.'),
});

const scenario: fc.Arbitrary<Scenario> = fc.record({
  shadow: fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }),
  suppressSeconds: fc.array(fc.constantFrom(0, 600, 7200), { minLength: 2, maxLength: 2 }),
  earlier: fc.array(alertSpec, { minLength: 1, maxLength: 6 }),
  earlierMinutesAgo: fc.constantFrom(1, 4, 6, 90),
  resolve: fc.array(fc.nat(5), { maxLength: 2 }),
  snooze: fc.array(fc.nat(5), { maxLength: 2 }),
  pass: fc.array(alertSpec, { minLength: 1, maxLength: 12 }),
});

/**
 * A pass files all its alerts at once; the incidents, their timelines and who is told must be
 * what filing them one at a time, in the same order, leaves: the first alert of a key opens
 * its incident (or quietly, within the rule's suppression of a resolved one), one that is
 * told holds back the next for the update interval, a snoozed incident tells nobody.
 */
describe('filing a pass of alerts into incidents', () => {
  let t: TestApp;
  let dataSource: DataSource;
  let alerts: AlertsService;
  let rules: Rule[];

  beforeAll(async () => {
    t = await startTestApp({ ALERT_HORIZON: '1h' });
    dataSource = t.app.get(DataSource);
    alerts = t.app.get(AlertsService);
    rules = (await t.app.get(RulesService).detectionState()).rules.slice(0, 2);
  });

  afterAll(async () => {
    await t.close();
  });

  let fingerprints = 0;

  const findings = (specs: AlertSpec[], s: Scenario, now: number): Finding[] =>
    specs.map((spec) => {
      const rule = {
        ...rules[spec.rule],
        mode: s.shadow[spec.rule] ? ('shadow' as const) : ('active' as const),
        suppressSeconds: s.suppressSeconds[spec.rule],
      };
      const eventTime = new Date(now - spec.minutesBefore * MINUTE);
      const fingerprint = `f${String(++fingerprints).padStart(8, '0')}`;
      return {
        candidate: {
          ruleId: rule.id,
          ruleVersion: rule.version,
          fingerprint,
          groupKey: spec.group,
          severity: spec.severity,
          eventTime,
          actorId: spec.group,
          accountId: spec.account,
          evidenceEventIds: [],
          explanation: `alert ${fingerprint}`,
          figures: {},
        },
        rule,
        batchId: null,
        ingestedAt: new Date(eventTime.getTime() + (spec.late ? 2 * HORIZON_MS : 1000)),
        actorLabel: spec.label,
      };
    });

  /** Runs `work` in a transaction that is rolled back, so both fillings start alike. */
  const rolledBack = async <T>(work: (manager: EntityManager) => Promise<T>): Promise<T> => {
    const runner = dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      return await work(runner.manager);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  };

  /** The incidents, timelines and alerts as people see them, ids replaced by what they name. */
  const outcome = async (manager: EntityManager, routed: string[]) => {
    const incidents: Array<Record<string, unknown>> = await manager.query(
      `SELECT i.dedup_key, i.status, i.severity, i.alert_count, i.first_alert_at, i.last_alert_at,
         i.actor_label, i.title, i.last_notified_at, p.dedup_key AS follows,
         (SELECT json_agg(json_build_object('kind', c.kind, 'notify', c.notify,
            'muted', c.muted_reason, 'alert', a.fingerprint, 'routed', c.id = ANY($1::bigint[]))
            ORDER BY c.id)
          FROM incident_changes c JOIN alerts a ON a.id = (c.details->>'alertId')::bigint
          WHERE c.incident_id = i.id) AS timeline,
         (SELECT json_agg(json_build_object('alert', a.fingerprint, 'muted', a.muted_reason)
            ORDER BY a.fingerprint)
          FROM alerts a WHERE a.incident_id = i.id) AS alerts
       FROM incidents i LEFT JOIN incidents p ON p.id = i.previous_incident_id
       ORDER BY i.dedup_key, i.id`,
      [routed],
    );
    return { incidents, routed: routed.length };
  };

  it('tells the same people about the same incidents as filing its alerts one at a time', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const now = Date.now();
        const earlier = findings(s.earlier, s, now - s.earlierMinutesAgo * MINUTE);
        const pass = findings(s.pass, s, now);
        const file = (oneByOne: boolean) =>
          rolledBack(async (manager) => {
            await alerts.record(manager, earlier, new Date(now - s.earlierMinutesAgo * MINUTE));
            const open: Array<{ id: string }> = await manager.query(
              `SELECT id FROM incidents ORDER BY id`,
            );
            for (const [ids, status] of [
              [s.resolve, 'resolved'],
              [s.snooze, 'snoozed'],
            ] as const) {
              const chosen = ids.map((i) => open[i]?.id).filter(Boolean);
              await manager.query(`UPDATE incidents SET status = $2 WHERE id = ANY($1::bigint[])`, [
                chosen,
                status,
              ]);
            }
            const routed: string[] = [];
            // Within a key, a pass files its alerts in the order of their fingerprints.
            const inOrder = [...pass].sort((a, b) =>
              a.candidate.fingerprint.localeCompare(b.candidate.fingerprint),
            );
            for (const some of oneByOne ? inOrder.map((one) => [one]) : [pass]) {
              routed.push(...(await alerts.record(manager, some, new Date(now))).changeIds);
            }
            return outcome(manager, routed);
          });
        const together = await file(false);
        expect(together).toEqual(await file(true));
        // And what people notice either way: one message per incident and pass at most, the
        // incident remembering it, nothing from a snoozed one.
        const told = together.incidents.map((incident) => {
          const changes = incident.timeline as Array<{ routed: boolean }>;
          return { incident, count: changes.filter((change) => change.routed).length };
        });
        expect(told.filter(({ count }) => count > 1)).toEqual([]);
        expect(
          told.filter(
            ({ incident, count }) =>
              count > 0 && (incident.last_notified_at as Date | null)?.getTime() !== now,
          ),
        ).toEqual([]);
        expect(
          told.filter(({ incident, count }) => count > 0 && incident.status === 'snoozed'),
        ).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});
