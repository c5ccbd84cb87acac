import { compileAllowLists, compileFilter, compileListMatcher } from './filter';
import type { Filter } from './rule-definition';
import { detectEvent, type EventSpec } from '../../../test/support/rule-engine/detect-events';

const lists = new Map<string, readonly string[]>([
  ['@corporateEgress', ['10.0.0.0/8', '2001:db8::/32', 'not-a-cidr']],
  ['@serviceAccounts', ['*@1passwordserviceaccounts.com', 'SCIM-BRIDGE-UUID']],
  ['@deniedCountries', ['RU', 'KP']],
  ['@empty', []],
]);

const ev = (spec: Partial<EventSpec>) =>
  detectEvent({ at: '2025-03-25T10:00:00Z', stream: 'item_usage', ...spec }, '1');

const matches = (filter: Filter | undefined, spec: Partial<EventSpec>): boolean =>
  compileFilter(filter, lists)(ev(spec));

describe('compileFilter', () => {
  it('matches every event without a filter', () => {
    expect(matches(undefined, {})).toBe(true);
  });

  it('eq and neq compare exactly, null included', () => {
    expect(matches({ field: 'action', op: 'eq', value: 'export' }, { action: 'export' })).toBe(
      true,
    );
    expect(matches({ field: 'action', op: 'eq', value: 'export' }, { action: 'Export' })).toBe(
      false,
    );
    expect(matches({ field: 'action', op: 'eq', value: 'export' }, {})).toBe(false);
    expect(matches({ field: 'action', op: 'eq', value: null }, {})).toBe(true);
    expect(matches({ field: 'action', op: 'neq', value: 'export' }, { action: 'reveal' })).toBe(
      true,
    );
    // A missing field is not equal to the value, so neq matches it.
    expect(matches({ field: 'action', op: 'neq', value: 'export' }, {})).toBe(true);
    expect(matches({ field: 'action', op: 'neq', value: null }, {})).toBe(false);
    expect(matches({ field: 'latitude', op: 'eq', value: 43.7 }, { latitude: 43.7 })).toBe(true);
  });

  it('in reads literal values and lists', () => {
    const f: Filter = { field: 'result', op: 'in', value: ['credentials_failed', 'mfa_failed'] };
    expect(matches(f, { result: 'mfa_failed' })).toBe(true);
    expect(matches(f, { result: 'success' })).toBe(false);
    expect(matches(f, {})).toBe(false);
    const list: Filter = { field: 'country', op: 'in', value: '@deniedCountries' };
    expect(matches(list, { country: 'RU' })).toBe(true);
    expect(matches(list, { country: 'CA' })).toBe(false);
    const mixed: Filter = { field: 'country', op: 'in', value: ['CN', '@deniedCountries'] };
    expect(matches(mixed, { country: 'CN' })).toBe(true);
    expect(matches(mixed, { country: 'KP' })).toBe(true);
  });

  it('a missing list reads as empty', () => {
    expect(matches({ field: 'country', op: 'in', value: '@gone' }, { country: 'RU' })).toBe(false);
    expect(matches({ field: 'ip', op: 'cidr', value: '@gone' }, { ip: '10.0.0.1' })).toBe(false);
  });

  it('regex is compiled once with its flags', () => {
    const f: Filter = { field: 'actorEmail', op: 'regex', value: '@example\\.com$', flags: 'i' };
    expect(matches(f, { actorEmail: 'Alice@EXAMPLE.com' })).toBe(true);
    expect(matches(f, { actorEmail: 'alice@example.org' })).toBe(false);
    expect(matches(f, {})).toBe(false);
  });

  it('cidr matches IPv4 and IPv6 by membership, literal or from a list', () => {
    const f: Filter = { field: 'ip', op: 'cidr', value: ['192.168.0.0/16', '2001:db8::/32'] };
    expect(matches(f, { ip: '192.168.10.1' })).toBe(true);
    expect(matches(f, { ip: '192.169.0.1' })).toBe(false);
    expect(matches(f, { ip: '2001:db8::9' })).toBe(true);
    expect(matches(f, { ip: 'garbage' })).toBe(false);
    expect(matches(f, {})).toBe(false);
    const list: Filter = { field: 'ip', op: 'cidr', value: '@corporateEgress' };
    expect(matches(list, { ip: '10.20.30.40' })).toBe(true);
    expect(matches(list, { ip: '2001:db8:1::1' })).toBe(true);
    expect(matches(list, { ip: '11.0.0.1' })).toBe(false);
  });

  it('exists checks for a value (or its absence)', () => {
    expect(matches({ field: 'ip', op: 'exists' }, { ip: '1.2.3.4' })).toBe(true);
    expect(matches({ field: 'ip', op: 'exists' }, {})).toBe(false);
    expect(matches({ field: 'ip', op: 'exists', value: false }, {})).toBe(true);
  });

  it('eqField compares two fields of the event, never two nulls', () => {
    const self: Filter = { field: 'actorId', op: 'eqField', value: 'auxId' };
    expect(matches(self, { actorId: 'U1', auxId: 'U1' })).toBe(true);
    expect(matches(self, { actorId: 'U1', auxId: 'U2' })).toBe(false);
    expect(matches(self, {})).toBe(false);
  });

  it('combines with all, any and not', () => {
    const f: Filter = {
      all: [
        { field: 'stream', op: 'eq', value: 'audit_event' },
        {
          any: [
            { field: 'action', op: 'in', value: ['grant', 'update'] },
            { not: { field: 'objectType', op: 'neq', value: 'gm' } },
          ],
        },
      ],
    };
    expect(matches(f, { stream: 'audit_event', action: 'grant' })).toBe(true);
    expect(matches(f, { stream: 'audit_event', action: 'join', objectType: 'gm' })).toBe(true);
    expect(matches(f, { stream: 'audit_event', action: 'join', objectType: 'uva' })).toBe(false);
    expect(matches(f, { stream: 'item_usage', action: 'grant' })).toBe(false);
    expect(matches({ all: [] }, {})).toBe(true);
    expect(matches({ any: [] }, {})).toBe(false);
  });
});

describe('compileListMatcher', () => {
  it('matches exact items, wildcards (case-insensitive) and CIDR items', () => {
    const m = compileListMatcher(['alice@example.com', '*@svc.example.com', '10.0.0.0/8', '::1']);
    expect(m('alice@example.com')).toBe(true);
    expect(m('ALICE@example.com')).toBe(false);
    expect(m('bot@SVC.example.com')).toBe(true);
    expect(m('bot@svc.example.com.evil')).toBe(false);
    expect(m('10.9.8.7')).toBe(true);
    expect(m('0:0:0:0:0:0:0:1')).toBe(true);
    expect(m(null)).toBe(false);
    expect(compileListMatcher([])('x')).toBe(false);
  });
});

describe('compileAllowLists', () => {
  const allow = compileAllowLists(
    [
      { field: 'ip', list: '@corporateEgress' },
      { field: 'actorEmail', list: '@serviceAccounts' },
      { field: 'country', list: '@empty' },
      { field: 'country', list: '@missing' },
    ],
    lists,
  );

  it('ignores events whose field is in a list (CIDR items by membership)', () => {
    expect(allow(ev({ ip: '10.1.1.1' }))).toBe(true);
    expect(allow(ev({ ip: '8.8.8.8' }))).toBe(false);
    expect(allow(ev({ actorEmail: 'sync@1passwordserviceaccounts.com' }))).toBe(true);
    expect(allow(ev({ actorEmail: 'alice@example.com' }))).toBe(false);
    expect(allow(ev({}))).toBe(false);
  });

  it('ignores nothing without allow-lists', () => {
    expect(compileAllowLists([], lists)(ev({ ip: '10.1.1.1' }))).toBe(false);
  });
});

describe('patterns against text an attacker chooses', () => {
  const agent = `${'a'.repeat(40)}!`;

  it('runs a catastrophic regex filter on a Connect user agent in linear time', () => {
    const odd: Filter = { field: 'userAgent', op: 'regex', value: '^(\\w+\\s?)+$' };
    expect(matches(odd, { userAgent: agent })).toBe(false);
    expect(matches(odd, { userAgent: 'op connect sdk' })).toBe(true);
    expect(matches(odd, { userAgent: `${'a'.repeat(10_000)}!` })).toBe(true);
  });

  it('throws when a stored pattern is one RE2 refuses, so that only its rule fails', () => {
    expect(() =>
      compileFilter({ field: 'userAgent', op: 'regex', value: 'a(?=b)' }, lists),
    ).toThrow(/filter regex on userAgent: bad regular expression/);
  });

  it('matches allow-list wildcards without backtracking', () => {
    const allow = compileAllowLists(
      [{ field: 'userAgent', list: '@agents' }],
      new Map([['@agents', ['*a*a*a*b', 'svc-*']]]),
    );
    expect(allow(ev({ userAgent: 'a'.repeat(500) }))).toBe(false);
    expect(allow(ev({ userAgent: 'a'.repeat(10_000) }))).toBe(false);
    expect(allow(ev({ userAgent: 'xaxaxab' }))).toBe(true);
    expect(allow(ev({ userAgent: 'SVC-backup' }))).toBe(true);
  });
});
