import fc from 'fast-check';
import { snapshotOf } from '../src/baselines/baseline-snapshot';
import { checkNeeds } from '../src/detection/rule-isolation';
import { evaluate, historyNeed } from '../src/rules/engine/evaluate';
import { detectEvents } from './support/rule-engine/detect-events';
import { validateRuleDefinition } from '../src/rules/engine/validate-rule';
import { ACCOUNTS, ruleBody } from './support/rule-arbitraries';

const LISTS = new Map([['@serviceAccounts', ['svc-*', '*@1passwordserviceaccounts.com']]]);
const KNOWN = new Set(LISTS.keys());

const batch = detectEvents([
  {
    at: '2026-10-01T09:00:00Z',
    stream: 'item_usage',
    actorType: 'user',
    actorId: 'U1',
    actorEmail: 'ana@example.com',
    action: 'export',
    ip: '203.0.113.7',
    country: 'CA',
  },
  {
    at: '2026-10-01T09:00:05Z',
    stream: 'connect_activity',
    actorType: 'connect_token',
    actorId: 'jti-1',
    connectServerId: 'srv-1',
    userAgent: `${'a'.repeat(40)}!`,
    ip: '10.0.0.5',
    action: 'READ',
    result: 'SUCCESS',
  },
]);

/** The same user and token in two accounts, and once in none. */
const accountsBatch = detectEvents(
  [undefined, ...ACCOUNTS].flatMap((accountId, i) =>
    [0, 1, 2].map((n) => ({
      at: `2026-10-01T09:0${i}:0${n}Z`,
      stream: 'item_usage' as const,
      actorType: 'user' as const,
      actorId: 'U1',
      actorEmail: 'ana@example.com',
      action: 'export',
      ip: '203.0.113.7',
      country: n === 2 ? 'FR' : 'CA',
      accountId,
    })),
  ),
);

describe('rule validation, on random bodies', () => {
  it('refuses with errors that each name a field and a reason, and never throws', () => {
    fc.assert(
      fc.property(ruleBody, (body) => {
        const result = validateRuleDefinition(body, KNOWN);
        if (result.ok) return;
        expect(result.errors.length).toBeGreaterThan(0);
        for (const error of result.errors) {
          expect(error.field.trim()).not.toBe('');
          expect(error.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('accepts only rules that validate to themselves and that detection can run', () => {
    fc.assert(
      fc.property(ruleBody, (body) => {
        const result = validateRuleDefinition(body, KNOWN);
        if (!result.ok) return;
        const again = validateRuleDefinition(result.rule, KNOWN);
        expect(again).toEqual(result);
        // Whatever it accepted runs: its history ranges are dates, its filters compile.
        const rule = { ...result.rule, id: 'r', version: 1, templateId: null };
        checkNeeds(historyNeed(rule, batch, LISTS));
        evaluate({
          rule,
          batch,
          history: batch,
          baselines: snapshotOf([]),
          lists: LISTS,
          now: new Date('2026-10-01T10:00:00Z'),
        });
      }),
      { numRuns: 1_000 },
    );
  });

  it('keeps accounts apart: a scoped rule fires only for its accounts, none mixes two', () => {
    fc.assert(
      fc.property(ruleBody, (body) => {
        const result = validateRuleDefinition(body, KNOWN);
        if (!result.ok) return;
        const rule = { ...result.rule, id: 'r', version: 1, templateId: null };
        const alerts = evaluate({
          rule,
          batch: accountsBatch,
          history: accountsBatch,
          baselines: snapshotOf([]),
          lists: LISTS,
          now: new Date('2026-10-01T10:00:00Z'),
        });
        const accountOf = new Map(accountsBatch.map((e) => [e.id, e.accountId]));
        const scope = rule.accounts?.length ? rule.accounts : null;
        for (const alert of alerts) {
          expect(scope === null || scope.includes(alert.accountId ?? '')).toBe(true);
          for (const id of alert.evidenceEventIds) {
            expect(accountOf.get(id)).toBe(alert.accountId);
          }
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
