import { snapshotOf } from '../../../baselines/baseline-snapshot';
import type { DetectEvent } from '../../../events/detect-event';
import { evaluate, historyNeed, selectHistory } from '../../engine/evaluate';
import type { ListSnapshot } from '../../engine/evaluation';
import type { Rule } from '../../engine/rule-definition';
import type { SequenceParams } from './sequence.params';
import { detectEvent, type EventSpec } from '../../../../test/support/rule-engine/detect-events';
import { testRule } from '../../../../test/support/rule-engine/rules';

const T0 = Date.parse('2025-03-10T09:00:00Z');
const DAY = 86_400_000;
const NO_LISTS: ListSnapshot = new Map();

const offboarding = (mode: 'forward' | 'retro' = 'retro'): Rule =>
  testRule({
    name: 'Export before offboarding',
    kind: 'sequence',
    streams: ['item_usage', 'audit_event'],
    params: {
      mode,
      withinSeconds: 14 * 86_400,
      stages: [
        {
          name: 'export',
          streams: ['item_usage', 'audit_event'],
          filter: { field: 'action', op: 'eq', value: 'export' },
          key: 'actorId',
        },
        {
          name: 'suspension',
          streams: ['audit_event'],
          filter: {
            all: [
              { field: 'action', op: 'in', value: ['suspend', 'delete'] },
              { field: 'objectType', op: 'eq', value: 'user' },
            ],
          },
          key: 'objectId',
        },
      ],
    },
  });

let nextId = 1;
const exportBy = (user: string, at: number, spec: Partial<EventSpec> = {}): DetectEvent =>
  detectEvent(
    {
      at,
      stream: 'item_usage',
      action: 'export',
      actorType: 'user',
      actorId: user,
      actorEmail: `${user.toLowerCase()}@example.com`,
      ...spec,
    },
    String(nextId++),
  );
const suspend = (user: string, at: number, action = 'suspend'): DetectEvent =>
  detectEvent(
    {
      at,
      stream: 'audit_event',
      action,
      objectType: 'user',
      objectId: user,
      actorType: 'user',
      actorId: 'ADMIN',
      actorEmail: 'admin@example.com',
    },
    String(nextId++),
  );

function run(rule: Rule, batch: DetectEvent[], stored: DetectEvent[] = []) {
  const all = [...stored, ...batch];
  return evaluate({
    rule,
    batch,
    history: selectHistory(historyNeed(rule, batch, NO_LISTS), all),
    baselines: snapshotOf([]),
    lists: NO_LISTS,
    now: new Date(T0 + 30 * DAY),
  });
}

beforeEach(() => {
  nextId = 1;
});

describe('sequence', () => {
  it('joins stages only within one account: the same uuid in another account is another user', () => {
    const ACME = 'ACMEAAAAAAAAAAAAAAAAAAAAAA';
    const GLOBEX = 'GLOBEXAAAAAAAAAAAAAAAAAAAA';
    const a = exportBy('ALICE', T0, { accountId: ACME });
    const inAccount = (event: DetectEvent, accountId: string) => ({ ...event, accountId });
    const elsewhere = inAccount(suspend('ALICE', T0 + DAY), GLOBEX);
    expect(run(offboarding(), [elsewhere], [a])).toEqual([]);

    const b = inAccount(suspend('ALICE', T0 + 2 * DAY), ACME);
    const alerts = run(offboarding(), [b], [a, elsewhere]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      groupKey: 'ALICE',
      accountId: ACME,
      evidenceEventIds: [a.id, b.id],
    });
    expect(alerts[0].explanation).toContain('alice@example.com');
  });

  it('fires when B arrives and an A of the same key is within the window before it', () => {
    const a = exportBy('ALICE', T0);
    const b = suspend('ALICE', T0 + 13 * DAY);
    const alerts = run(offboarding(), [b], [a]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      fingerprint: b.id,
      groupKey: 'ALICE',
      actorId: 'ALICE',
      evidenceEventIds: [a.id, b.id],
      eventTime: b.eventTime,
    });
    expect(alerts[0].explanation).toBe(
      'export then suspension for alice@example.com 13 days apart (limit 14 days): alice@example.com export, then admin@example.com suspend on user ALICE.',
    );
  });

  it('does not fire outside the window, for another key, or for B before A', () => {
    expect(
      run(offboarding(), [suspend('ALICE', T0 + 14 * DAY + 1)], [exportBy('ALICE', T0)]),
    ).toEqual([]);
    expect(run(offboarding(), [suspend('BOB', T0 + DAY)], [exportBy('ALICE', T0)])).toEqual([]);
    expect(run(offboarding(), [exportBy('ALICE', T0 + DAY)], [suspend('ALICE', T0)])).toEqual([]);
    expect(
      run(offboarding(), [suspend('ALICE', T0 + DAY, 'update')], [exportBy('ALICE', T0)]),
    ).toEqual([]);
  });

  it('fires at the window edge: B exactly `within` after A, and A and B at the same time', () => {
    expect(
      run(offboarding(), [suspend('ALICE', T0 + 14 * DAY)], [exportBy('ALICE', T0)]),
    ).toHaveLength(1);
    expect(run(offboarding(), [suspend('ALICE', T0)], [exportBy('ALICE', T0)])).toHaveLength(1);
  });

  it('a late A makes a stored B fire', () => {
    const b = suspend('ALICE', T0 + 5 * DAY);
    expect(run(offboarding(), [b])).toEqual([]);
    const lateA = exportBy('ALICE', T0);
    const alerts = run(offboarding(), [lateA], [b]);
    expect(alerts.map((a) => a.fingerprint)).toEqual([b.id]);
    expect(alerts[0].evidenceEventIds).toEqual([lateA.id, b.id]);
  });

  it('one alert per B, with the earliest A as evidence', () => {
    const a1 = exportBy('ALICE', T0);
    const a2 = exportBy('ALICE', T0 + DAY);
    const b = suspend('ALICE', T0 + 2 * DAY);
    const alerts = run(offboarding(), [a1, a2, b]);
    expect(alerts.map((a) => [a.fingerprint, a.evidenceEventIds])).toEqual([[b.id, [a1.id, b.id]]]);
  });

  it('forward and retro fire the same', () => {
    const stream = [
      exportBy('ALICE', T0),
      suspend('ALICE', T0 + DAY),
      exportBy('BOB', T0 + 2 * DAY),
      suspend('BOB', T0),
    ];
    expect(run(offboarding('forward'), stream).map((a) => a.fingerprint)).toEqual(
      run(offboarding('retro'), stream).map((a) => a.fingerprint),
    );
  });

  it('needs both stages by their own key fields', () => {
    const batch = [exportBy('ALICE', T0), suspend('BOB', T0 + DAY)];
    const within = 14 * DAY;
    expect(historyNeed(offboarding(), batch, NO_LISTS)).toEqual([
      {
        field: 'actorId',
        keys: ['ALICE', 'BOB'],
        from: new Date(T0 - within),
        to: new Date(T0 + DAY + within),
        streams: ['item_usage', 'audit_event'],
      },
      {
        field: 'objectId',
        keys: ['ALICE', 'BOB'],
        from: new Date(T0 - within),
        to: new Date(T0 + DAY + within),
        streams: ['audit_event'],
      },
    ]);
    expect(historyNeed(offboarding(), [suspend('X', T0, 'update')], NO_LISTS)).toEqual([]);
  });
});

describe('sequence with a minimum count of A', () => {
  const exportsThenSuspend = (minCount: number): Rule => {
    const rule = offboarding('forward');
    const params = rule.params as SequenceParams;
    return {
      ...rule,
      params: { ...params, stages: [{ ...params.stages[0], minCount }, params.stages[1]] },
    };
  };

  it('fires only when at least minCount A events precede B within the window', () => {
    const exports = [0, 1, 2].map((i) => exportBy('ALICE', T0 + i * 60_000));
    const b = suspend('ALICE', T0 + DAY);
    const three = run(exportsThenSuspend(3), [...exports, b]);
    expect(three.map((a) => [a.fingerprint, a.evidenceEventIds])).toEqual([
      [b.id, [...exports.map((e) => e.id), b.id]],
    ]);
    expect(three[0].explanation).toMatch(/^3 × export then suspension for alice@example.com/);
    expect(run(exportsThenSuspend(4), [...exports, b])).toEqual([]);
  });

  it('counts only As inside the window', () => {
    const old = exportBy('ALICE', T0 - 20 * DAY);
    const recent = [0, 1].map((i) => exportBy('ALICE', T0 + i * 60_000));
    const b = suspend('ALICE', T0 + DAY);
    expect(run(exportsThenSuspend(3), [old, ...recent, b])).toEqual([]);
  });
});
