import { snapshotOf } from '../../../baselines/baseline-snapshot';
import { evaluate, historyNeed } from '../../engine/evaluate';
import type { ListSnapshot } from '../../engine/evaluation';
import { detectEvents } from '../../../../test/support/rule-engine/detect-events';
import { testRule } from '../../../../test/support/rule-engine/rules';

const NO_LISTS: ListSnapshot = new Map();
const rule = testRule({
  name: 'Vault export',
  kind: 'match',
  streams: ['audit_event'],
  filter: {
    all: [
      { field: 'action', op: 'eq', value: 'export' },
      { field: 'objectType', op: 'eq', value: 'vault' },
    ],
  },
  escalations: [
    { filter: { field: 'objectId', op: 'eq', value: 'VAULT-PAYROLL' }, severity: 'critical' },
  ],
});

describe('match', () => {
  const events = detectEvents([
    {
      at: '2025-03-25T10:00:00Z',
      stream: 'audit_event',
      action: 'export',
      objectType: 'vault',
      objectId: 'V1',
      actorType: 'user',
      actorId: 'ALICE',
      actorEmail: 'alice@example.com',
      ip: '203.0.113.9',
      country: 'CA',
    },
    {
      at: '2025-03-25T10:01:00Z',
      stream: 'audit_event',
      action: 'export',
      objectType: 'item',
      objectId: 'I1',
      actorType: 'user',
      actorId: 'ALICE',
    },
    {
      at: '2025-03-25T10:02:00Z',
      stream: 'item_usage',
      action: 'export',
      objectType: 'vault',
      actorType: 'user',
      actorId: 'ALICE',
    },
    {
      at: '2025-03-25T10:03:00Z',
      stream: 'audit_event',
      action: 'export',
      objectType: 'vault',
      objectId: 'VAULT-PAYROLL',
      actorType: 'user',
      actorId: 'BOB',
    },
    {
      at: '2025-03-25T10:04:00Z',
      stream: 'audit_event',
      action: 'export',
      objectType: 'vault',
      objectId: 'V2',
      actorType: 'user',
      actorId: null,
    },
  ]);
  const alerts = evaluate({
    rule,
    batch: events,
    history: events,
    baselines: snapshotOf([]),
    lists: NO_LISTS,
    now: new Date(),
  });

  it('fires once per matching batch event, fingerprint = event id', () => {
    expect(alerts.map((a) => a.fingerprint)).toEqual([events[0].id, events[3].id]);
    expect(alerts.map((a) => a.severity)).toEqual(['medium', 'critical']);
  });

  it('explains with the actor and what happened, no payload', () => {
    expect(alerts[0].explanation).toBe(
      'Vault export: alice@example.com export on vault V1 from 203.0.113.9 (CA).',
    );
    expect(alerts[1].explanation).toBe('Vault export: user BOB export on vault VAULT-PAYROLL.');
  });

  it('needs no history', () => {
    expect(historyNeed(rule, events, NO_LISTS)).toEqual([]);
  });
});
