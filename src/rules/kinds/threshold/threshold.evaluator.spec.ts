import { snapshotOf } from '../../../baselines/baseline-snapshot';
import type { DetectEvent } from '../../../events/detect-event';
import { evaluate, historyNeed } from '../../engine/evaluate';
import type { AlertCandidate, ListSnapshot } from '../../engine/evaluation';
import type { Rule } from '../../engine/rule-definition';
import { detectEvent, type EventSpec } from '../../../../test/support/rule-engine/detect-events';
import { runInBatches } from '../../../../test/support/rule-engine/batch-runner';
import { entityBaseline } from '../../../../test/support/rule-engine/baselines';
import { testRule } from '../../../../test/support/rule-engine/rules';

const T0 = Date.parse('2025-03-25T14:00:00Z');
const MIN = 60_000;
const NO_LISTS: ListSnapshot = new Map();

const bulkExport = (extra: Record<string, unknown> = {}): Rule =>
  testRule({
    name: 'Bulk export',
    kind: 'threshold',
    streams: ['item_usage'],
    filter: { field: 'action', op: 'eq', value: 'export' },
    severity: 'high',
    params: { windowSeconds: 600, threshold: 20 },
    ...extra,
  });

let nextId = 1;
function ev(spec: Partial<EventSpec> & { at: number | string }): DetectEvent {
  return detectEvent(
    {
      stream: 'item_usage',
      action: 'export',
      actorType: 'user',
      actorId: 'ALICE',
      actorEmail: 'alice@example.com',
      ...spec,
    },
    String(nextId++),
  );
}

function exportsEvery(n: number, startMs: number, stepMs: number, spec: Partial<EventSpec> = {}) {
  return Array.from({ length: n }, (_, i) => ev({ at: startMs + i * stepMs, ...spec }));
}

/** One batch, with history = the batch plus `stored`. */
function run(rule: Rule, batch: DetectEvent[], stored: DetectEvent[] = [], lists = NO_LISTS) {
  return evaluate({
    rule,
    batch,
    history: [...stored, ...batch].sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime()),
    baselines: snapshotOf([]),
    lists,
    now: new Date(T0 + 86_400_000),
  });
}

const fingerprints = (alerts: AlertCandidate[]) => alerts.map((a) => a.fingerprint).sort();

beforeEach(() => {
  nextId = 1;
});

describe('threshold', () => {
  it('counts the same user uuid in two accounts as two actors', () => {
    const ACME = 'ACMEAAAAAAAAAAAAAAAAAAAAAA';
    const GLOBEX = 'GLOBEXAAAAAAAAAAAAAAAAAAAA';
    const split = [
      ...exportsEvery(15, T0, 10_000, { accountId: ACME }),
      ...exportsEvery(15, T0 + 5_000, 10_000, { accountId: GLOBEX }),
    ];
    expect(run(bulkExport(), split)).toEqual([]);

    const more = exportsEvery(5, T0 + 200_000, 10_000, { accountId: ACME });
    const alerts = run(bulkExport(), more, split);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ groupKey: 'ALICE', accountId: ACME });
    expect(alerts[0].explanation).toContain('alice@example.com');
  });

  it('fires once, at the event that reaches the threshold', () => {
    const events = exportsEvery(30, T0, 10_000);
    const alerts = run(bulkExport(), events);
    expect(fingerprints(alerts)).toEqual([events[19].id]);
    const [alert] = alerts;
    expect(alert).toMatchObject({
      ruleId: 'rule-1',
      ruleVersion: 1,
      groupKey: 'ALICE',
      severity: 'high',
      actorId: 'ALICE',
      eventTime: events[19].eventTime,
    });
    expect(alert.evidenceEventIds).toEqual(events.slice(0, 20).map((e) => e.id));
    expect(alert.figures).toMatchObject({
      count: 20,
      events: 20,
      threshold: 20,
      windowSeconds: 600,
    });
    expect(alert.explanation).toBe(
      '20 exports by alice@example.com in 10 minutes (threshold 20); first at 2025-03-25T14:00:00Z.',
    );
  });

  it('does not fire one event short of the threshold', () => {
    expect(run(bulkExport(), exportsEvery(19, T0, 10_000))).toEqual([]);
  });

  it('window edge: an event exactly W before is outside (t − W, t]', () => {
    const rule = bulkExport({ params: { windowSeconds: 600, threshold: 2 } });
    expect(run(rule, [ev({ at: T0 }), ev({ at: T0 + 600_000 })])).toEqual([]);
    nextId = 10;
    const inside = [ev({ at: T0 }), ev({ at: T0 + 599_999 })];
    expect(fingerprints(run(rule, inside))).toEqual([inside[1].id]);
  });

  it('fires again after the window has emptied, not while it stays full', () => {
    const rule = bulkExport({ params: { windowSeconds: 600, threshold: 3 } });
    const first = exportsEvery(6, T0, MIN);
    const second = exportsEvery(3, T0 + 60 * MIN, MIN);
    expect(fingerprints(run(rule, [...first, ...second]))).toEqual(
      [first[2].id, second[2].id].sort(),
    );
  });

  it('ties in time count in id order: the Nth event is the crossing', () => {
    const rule = bulkExport({ params: { windowSeconds: 600, threshold: 3 } });
    const events = [ev({ at: T0 }), ev({ at: T0 }), ev({ at: T0 }), ev({ at: T0 })];
    expect(fingerprints(run(rule, events))).toEqual([events[2].id]);
  });

  it('counts per group key; a null group field does not count', () => {
    const rule = bulkExport({ params: { windowSeconds: 600, threshold: 3 } });
    const events = [
      ev({ at: T0, actorId: 'A' }),
      ev({ at: T0 + 1, actorId: 'B' }),
      ev({ at: T0 + 2, actorId: null }),
      ev({ at: T0 + 3, actorId: 'A' }),
      ev({ at: T0 + 4, actorId: null }),
      ev({ at: T0 + 5, actorId: 'B' }),
      ev({ at: T0 + 6, actorId: 'A' }),
    ];
    const alerts = run(rule, events);
    expect(alerts.map((a) => [a.fingerprint, a.groupKey])).toEqual([[events[6].id, 'A']]);
  });

  it('groups by several fields', () => {
    const rule = bulkExport({
      groupBy: ['actorId', 'vaultId'],
      params: { windowSeconds: 600, threshold: 2 },
    });
    const events = [
      ev({ at: T0, vaultId: 'v1' }),
      ev({ at: T0 + 1, vaultId: 'v2' }),
      ev({ at: T0 + 2, vaultId: 'v1' }),
    ];
    const alerts = run(rule, events);
    expect(alerts.map((a) => a.groupKey)).toEqual(['ALICE|v1']);
    expect(alerts[0].explanation).toContain('by alice@example.com (vaultId v1)');
    expect(historyNeed(rule, events, NO_LISTS)).toEqual([
      expect.objectContaining({ field: 'actorId', keys: ['ALICE'] }),
    ]);
  });

  it('ignores events of other streams, filtered out, or allow-listed', () => {
    const lists: ListSnapshot = new Map([['@corporateEgress', ['10.0.0.0/8']]]);
    const rule = testRule(
      {
        name: 'x',
        kind: 'threshold',
        streams: ['item_usage'],
        filter: { field: 'action', op: 'eq', value: 'export' },
        allowLists: [{ field: 'ip', list: '@corporateEgress' }],
        params: { windowSeconds: 600, threshold: 3 },
      },
      lists,
    );
    const events = [
      ev({ at: T0, ip: '10.1.1.1' }),
      ev({ at: T0 + 1, action: 'reveal' }),
      ev({ at: T0 + 2, stream: 'audit_event' }),
      ev({ at: T0 + 3, ip: '203.0.113.1' }),
      ev({ at: T0 + 4, ip: '10.2.2.2' }),
      ev({ at: T0 + 5 }),
    ];
    expect(run(rule, events, [], lists)).toEqual([]);
    nextId = 100;
    const more = ev({ at: T0 + 6 });
    expect(fingerprints(run(rule, [more], events, lists))).toEqual([more.id]);
  });

  it('distinct count: fires at the event bringing the Nth distinct value', () => {
    const rule = testRule({
      name: 'Mass access',
      kind: 'threshold',
      streams: ['item_usage'],
      params: { windowSeconds: 3600, threshold: 3, distinctField: 'itemId' },
    });
    const events = [
      ev({ at: T0, itemId: 'i1', action: 'reveal' }),
      ev({ at: T0 + MIN, itemId: 'i1', action: 'reveal' }),
      ev({ at: T0 + 2 * MIN, itemId: 'i2', action: 'reveal' }),
      ev({ at: T0 + 3 * MIN, itemId: null, action: 'reveal' }),
      ev({ at: T0 + 4 * MIN, itemId: 'i2', action: 'reveal' }),
      ev({ at: T0 + 5 * MIN, itemId: 'i3', action: 'reveal' }),
      ev({ at: T0 + 6 * MIN, itemId: 'i4', action: 'reveal' }),
    ];
    const alerts = run(rule, events);
    expect(fingerprints(alerts)).toEqual([events[5].id]);
    expect(alerts[0].figures).toMatchObject({ count: 3, distinct: 3, events: 5 });
    expect(alerts[0].explanation).toBe(
      '3 distinct items in 5 reveals by alice@example.com in 1 hour (threshold 3); first at 2025-03-25T14:00:00Z.',
    );
  });

  it('a late event makes a stored event the crossing', () => {
    const rule = bulkExport({ params: { windowSeconds: 600, threshold: 5 } });
    const stored = exportsEvery(4, T0 + MIN, MIN); // 14:01..14:04
    expect(run(rule, stored)).toEqual([]);
    // Arrives later, but happened at 14:00: the window at 14:04 now holds 5.
    const late = ev({ at: T0 });
    const alerts = run(rule, [late], stored);
    expect(fingerprints(alerts)).toEqual([stored[3].id]);
    expect(alerts[0].evidenceEventIds).toEqual([late.id, ...stored.map((e) => e.id)]);
  });

  it('a late event judged in storage order: a crossing already raised is not retracted', () => {
    const rule = bulkExport({ params: { windowSeconds: 600, threshold: 2 } });
    const a = ev({ at: T0 });
    const b = ev({ at: T0 + 4 * MIN });
    const late = ev({ at: T0 + 2 * MIN });
    // Stored b then late: b crossed when it arrived; late is a crossing when it arrives.
    const together = run(rule, [a, b, late]);
    const split = [...run(rule, [a, b]), ...run(rule, [late], [a, b])];
    expect(fingerprints(together)).toEqual([b.id, late.id].sort());
    expect(fingerprints(split)).toEqual(fingerprints(together));
  });

  it('events of a batch out of time order give the same result as in order', () => {
    const rule = bulkExport({ params: { windowSeconds: 600, threshold: 5 } });
    const events = exportsEvery(12, T0, 30_000);
    const shuffled = [...events].reverse();
    expect(fingerprints(run(rule, shuffled))).toEqual(fingerprints(run(rule, events)));
  });

  it('escalates on a filter matching the trigger, or a count reached', () => {
    const rule = bulkExport({
      severity: 'medium',
      params: { windowSeconds: 600, threshold: 3 },
      escalations: [
        { filter: { field: 'vaultId', op: 'eq', value: 'payroll' }, severity: 'critical' },
        { countGte: 3, severity: 'high' },
      ],
    });
    const plain = exportsEvery(3, T0, MIN);
    expect(run(rule, plain)[0].severity).toBe('high');
    const payroll = [
      ...exportsEvery(2, T0 + 60 * MIN, MIN),
      ev({ at: T0 + 63 * MIN, vaultId: 'payroll' }),
    ];
    expect(run(rule, payroll)[0].severity).toBe('critical');
    const lower = bulkExport({
      severity: 'high',
      params: { windowSeconds: 600, threshold: 3 },
      escalations: [{ countGte: 3, severity: 'low' }],
    });
    // Escalations raise, never lower.
    expect(run(lower, plain)[0].severity).toBe('high');
  });

  it('caps evidence at 100 ids, keeping the crossing event', () => {
    const rule = bulkExport({ params: { windowSeconds: 3600, threshold: 150 } });
    const events = exportsEvery(150, T0, 1000);
    const [alert] = run(rule, events);
    expect(alert.evidenceEventIds).toHaveLength(100);
    expect(alert.evidenceEventIds).toContain(events[149].id);
  });

  it('needs the group keys of the batch over [min − W, max + W]', () => {
    const rule = bulkExport();
    const batch = [
      ev({ at: T0, actorId: 'B' }),
      ev({ at: T0 + MIN, actorId: 'A' }),
      ev({ at: T0, action: 'reveal', actorId: 'C' }),
    ];
    expect(historyNeed(rule, batch, NO_LISTS)).toEqual([
      {
        field: 'actorId',
        keys: ['A', 'B'],
        from: new Date(T0 - 600_000),
        to: new Date(T0 + MIN + 600_000),
        streams: ['item_usage'],
      },
    ]);
    expect(historyNeed(rule, [ev({ at: T0, action: 'reveal' })], NO_LISTS)).toEqual([]);
  });

  it('explains Connect denials and sign-in failures in their own words', () => {
    const deny = testRule({
      name: 'Deny burst',
      kind: 'threshold',
      streams: ['connect_activity'],
      filter: { field: 'result', op: 'eq', value: 'DENY' },
      params: { windowSeconds: 300, threshold: 2 },
    });
    const events = [0, 1].map((i) =>
      ev({
        at: T0 + i * 1000,
        stream: 'connect_activity',
        actorType: 'connect_token',
        actorId: 'jti-1',
        actorEmail: null,
        action: 'READ',
        result: 'DENY',
      }),
    );
    expect(run(deny, events)[0].explanation).toBe(
      '2 READ requests (DENY) by token jti-1 in 5 minutes (threshold 2); first at 2025-03-25T14:00:00Z.',
    );
    const spray = testRule({
      name: 'Spray',
      kind: 'threshold',
      streams: ['signin_attempt'],
      groupBy: ['ip'],
      params: { windowSeconds: 900, threshold: 2, distinctField: 'actorId' },
    });
    const attempts = ['U1', 'U2'].map((u, i) =>
      ev({
        at: T0 + i * 1000,
        stream: 'signin_attempt',
        action: 'signin',
        result: 'credentials_failed',
        actorId: u,
        ip: '198.51.100.7',
      }),
    );
    expect(run(spray, attempts)[0].explanation).toBe(
      '2 distinct users in 2 sign-in attempts (credentials_failed) from 198.51.100.7 in 15 minutes (threshold 2); first at 2025-03-25T14:00:00Z.',
    );
  });

  it('gives the same fingerprints however a stream with late events is batched', () => {
    const rule = bulkExport({ params: { windowSeconds: 600, threshold: 4 } });
    const stream = [
      ...exportsEvery(3, T0, MIN),
      ev({ at: T0 + 20 * MIN }),
      ev({ at: T0 + 3 * MIN }), // late
      ...exportsEvery(5, T0 + 21 * MIN, MIN),
      ev({ at: T0 + 19 * MIN }), // late
    ];
    const one = runInBatches(rule, stream, []).fingerprints;
    for (const cuts of [[1], [3, 4], [2, 5, 7], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
      expect(runInBatches(rule, stream, cuts).fingerprints).toEqual(one);
    }
    expect(one.size).toBeGreaterThan(0);
  });
});

describe('threshold with a routine', () => {
  const DAY = 86_400_000;
  const HOUR = 3_600_000;
  /** 2025-03-25 02:00 UTC: the deploy job's usual hour. */
  const DEPLOY = Date.parse('2025-03-25T02:00:00Z');
  const massRead = testRule({
    name: 'Connect mass read',
    kind: 'threshold',
    streams: ['connect_activity'],
    filter: {
      all: [
        { field: 'action', op: 'eq', value: 'READ' },
        { field: 'result', op: 'eq', value: 'SUCCESS' },
      ],
    },
    params: {
      windowSeconds: 600,
      threshold: 50,
      distinctField: 'itemId',
      routine: { entity: 'connect_token', baselineDays: 28, minDays: 3, factor: 2 },
    },
  });
  /** A token polling a few reads an hour, with a burst of `burst` reads at 02:00 every day. */
  const deployToken = (burst: number, days = 28) => {
    const hourly: Array<[number, number]> = [];
    for (let h = DEPLOY - days * DAY; h < DEPLOY - 2 * HOUR; h += HOUR) {
      hourly.push([h, new Date(h).getUTCHours() === 2 ? burst : 4]);
    }
    return entityBaseline({
      entityType: 'connect_token',
      entityId: 'jti-ci',
      firstEventAt: DEPLOY - 60 * DAY,
      hourly: { READ: hourly },
    });
  };
  const reads = (n: number, startMs: number, stepMs = 2000) =>
    Array.from({ length: n }, (_, i) =>
      detectEvent(
        {
          stream: 'connect_activity',
          actorType: 'connect_token',
          actorId: 'jti-ci',
          action: 'READ',
          result: 'SUCCESS',
          itemId: `item-${i}`,
          at: startMs + i * stepMs,
        },
        String(nextId++),
      ),
    );
  const judge = (batch: DetectEvent[], baseline = deployToken(300)) =>
    evaluate({
      rule: massRead,
      batch,
      history: batch,
      baselines: snapshotOf([baseline]),
      lists: NO_LISTS,
      now: new Date(DEPLOY + DAY),
    });

  it("the daily deploy burst is the token's routine: quiet", () => {
    expect(judge(reads(280, DEPLOY + 5 * MIN))).toEqual([]);
  });

  it('a burst several times larger fires at twice the usual size, and says why', () => {
    const alerts = judge(reads(900, DEPLOY + 5 * MIN, 500));
    expect(alerts).toHaveLength(1);
    expect(alerts[0].figures).toMatchObject({ distinct: 600, threshold: 600, ruleThreshold: 50 });
    expect(alerts[0].explanation).toContain(
      '(threshold 600, raised from 50 by the routine: bursts of about 300 an hour on 28 of 28 days, in the hours from 02:00 UTC)',
    );
  });

  it('a deploy-sized burst at an hour the token never bursts fires at the plain threshold', () => {
    const alerts = judge(reads(280, DEPLOY + 12 * HOUR));
    expect(alerts).toHaveLength(1);
    expect(alerts[0].figures).toMatchObject({ distinct: 50, threshold: 50 });
    expect(alerts[0].explanation).toContain('outside the routine');
  });

  it('a token without a routine (bursts on fewer than minDays days) fires at the threshold', () => {
    expect(judge(reads(280, DEPLOY + 5 * MIN), deployToken(300, 2))).toHaveLength(1);
  });

  it('learns today from the batch too: batching does not change what fires', () => {
    // Three days of bursts stored in the stream itself, then a fourth.
    const stream = [0, 1, 2, 3].flatMap((d) => reads(120, DEPLOY - (3 - d) * DAY, 5000));
    const quietToken = entityBaseline({
      entityType: 'connect_token',
      entityId: 'jti-ci',
      firstEventAt: DEPLOY - 60 * DAY,
    });
    const whole = runInBatches(massRead, stream, [], { baselines: [quietToken] });
    // Days 1–3 fire (no routine yet); day 4 is routine (bursts on 3 earlier days).
    expect(whole.alerts).toHaveLength(3);
    for (const cuts of [
      [120, 240, 360],
      [50, 130, 300, 420],
    ]) {
      expect(
        runInBatches(massRead, stream, cuts, { baselines: [{ ...quietToken, hourly: new Map() }] })
          .fingerprints,
      ).toEqual(whole.fingerprints);
    }
  });
});
