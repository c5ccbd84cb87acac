import { snapshotOf, type EntityBaseline } from '../../../baselines/baseline-snapshot';
import type { DetectEvent } from '../../../events/detect-event';
import { evaluate, historyNeed } from '../../engine/evaluate';
import type { ListSnapshot } from '../../engine/evaluation';
import type { Rule } from '../../engine/rule-definition';
import { entityBaseline } from '../../../../test/support/rule-engine/baselines';
import { runInBatches } from '../../../../test/support/rule-engine/batch-runner';
import { detectEvent, type EventSpec } from '../../../../test/support/rule-engine/detect-events';
import { testRule } from '../../../../test/support/rule-engine/rules';

const T0 = Date.parse('2025-03-25T14:00:00Z');
const DAY = 86_400_000;
const NO_LISTS: ListSnapshot = new Map();

const newCountryReveal = (extra: Record<string, unknown> = {}): Rule =>
  testRule({
    name: 'New-country reveal',
    kind: 'new_value',
    streams: ['item_usage'],
    filter: { field: 'action', op: 'eq', value: 'reveal' },
    params: { entity: 'user', field: 'country', learningDays: 14, forgetAfterDays: 90 },
    ...extra,
  });

let nextId = 1;
const ev = (spec: Partial<EventSpec> & { at: number | string }): DetectEvent =>
  detectEvent(
    {
      stream: 'item_usage',
      action: 'reveal',
      actorType: 'user',
      actorId: 'ALICE',
      actorEmail: 'alice@example.com',
      ...spec,
    },
    String(nextId++),
  );

const alice = (extra: Partial<Parameters<typeof entityBaseline>[0]> = {}): EntityBaseline =>
  entityBaseline({
    entityId: 'ALICE',
    firstEventAt: T0 - 60 * DAY,
    seen: {
      country: {
        US: { firstSeen: T0 - 60 * DAY, lastSeen: T0 - DAY, count: 40 },
        CA: { firstSeen: T0 - 50 * DAY, lastSeen: T0 - 2 * DAY, count: 90 },
      },
    },
    ...extra,
  });

function run(rule: Rule, batch: DetectEvent[], baselines: EntityBaseline[] = [alice()]) {
  return evaluate({
    rule,
    batch,
    history: batch,
    baselines: snapshotOf(baselines),
    lists: NO_LISTS,
    now: new Date(T0 + DAY),
  });
}

beforeEach(() => {
  nextId = 1;
});

describe('new_value', () => {
  it("judges a value against the actor's own account: a country known in one is new in the other", () => {
    const ACME = 'ACMEAAAAAAAAAAAAAAAAAAAAAA';
    const GLOBEX = 'GLOBEXAAAAAAAAAAAAAAAAAAAA';
    const inAcme = alice({ accountId: ACME });
    const inGlobex = alice({
      accountId: GLOBEX,
      seen: { country: { FR: { firstSeen: T0 - 60 * DAY, lastSeen: T0 - DAY, count: 9 } } },
    });
    const fromCanada = [
      ev({ at: T0, country: 'CA', accountId: ACME }),
      ev({ at: T0 + 60_000, country: 'CA', accountId: GLOBEX }),
    ];
    const alerts = run(newCountryReveal(), fromCanada, [inAcme, inGlobex]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ accountId: GLOBEX, groupKey: 'ALICE' });
    expect(alerts[0].fingerprint).toBe(`${GLOBEX}/ALICE|country|CA|${fromCanada[1].id}`);
    expect(alerts[0].explanation).toContain('usual countries: FR');
  });

  it('fires for the first of five reveals from a new country, not the four after', () => {
    const events = [0, 1, 2, 3, 4].map((i) => ev({ at: T0 + i * 60_000, country: 'RU' }));
    const alerts = run(newCountryReveal(), events);
    expect(alerts.map((a) => a.fingerprint)).toEqual([`ALICE|country|RU|${events[0].id}`]);
    expect(alerts[0]).toMatchObject({ groupKey: 'ALICE', severity: 'medium', actorId: 'ALICE' });
    expect(alerts[0].explanation).toBe(
      'reveal from RU, a country not seen for alice@example.com in the last 90 days (usual countries: CA, US).',
    );
    expect(alerts[0].figures).toMatchObject({ value: 'RU', usual: ['CA', 'US'], learningDays: 14 });
  });

  it('does not fire for a known country', () => {
    expect(run(newCountryReveal(), [ev({ at: T0, country: 'CA' })])).toEqual([]);
  });

  it('forgets a value not seen for forgetAfterDays', () => {
    const stale = alice({
      seen: {
        country: {
          US: { firstSeen: T0 - 200 * DAY, lastSeen: T0 - 91 * DAY },
          CA: { firstSeen: T0 - 200 * DAY, lastSeen: T0 - 90 * DAY },
        },
      },
      firstEventAt: T0 - 200 * DAY,
    });
    const us = ev({ at: T0, country: 'US' });
    const ca = ev({ at: T0, country: 'CA' });
    const alerts = run(newCountryReveal(), [us, ca], [stale]);
    // US last seen 91 days ago: forgotten. CA exactly 90 days ago: still known.
    expect(alerts.map((a) => a.fingerprint)).toEqual([`ALICE|country|US|${us.id}`]);
    expect(alerts[0].explanation).toContain('(last seen 91 days before)');
  });

  it('stays quiet during the learning period, judged at the event time', () => {
    const young = alice({ firstEventAt: T0 - 13 * DAY });
    expect(run(newCountryReveal(), [ev({ at: T0, country: 'RU' })], [young])).toEqual([]);
    const exactly = alice({ firstEventAt: T0 - 14 * DAY });
    expect(run(newCountryReveal(), [ev({ at: T0, country: 'RU' })], [exactly])).toHaveLength(1);
  });

  it('an entity without a baseline learns from the batch: no alert for its first weeks', () => {
    const first = ev({ at: T0 - 20 * DAY, country: 'CA' });
    const later = ev({ at: T0, country: 'RU' });
    const early = ev({ at: T0 - 10 * DAY, country: 'FR' });
    const alerts = run(newCountryReveal(), [first, early, later], []);
    expect(alerts.map((a) => a.fingerprint)).toEqual([`ALICE|country|RU|${later.id}`]);
  });

  it('without a learning period, an entity is judged from its very first event', () => {
    const rule = newCountryReveal({
      params: { entity: 'user', field: 'country', learningDays: 0, forgetAfterDays: 90 },
    });
    const first = ev({ at: T0, country: 'CA' });
    const again = ev({ at: T0 + 60_000, country: 'CA' });
    const alerts = run(rule, [first, again], []);
    expect(alerts.map((a) => a.fingerprint)).toEqual([`ALICE|country|CA|${first.id}`]);
    expect(alerts[0].figures).toMatchObject({ entityFirstEventAt: new Date(T0).toISOString() });
  });

  it('a value seen only after the event (a late event) is still new for it', () => {
    const laterSeen = alice({
      seen: {
        country: {
          US: { firstSeen: T0 - 60 * DAY, lastSeen: T0 - DAY },
          RU: { firstSeen: T0 + 3_600_000, lastSeen: T0 + 7_200_000 },
        },
      },
    });
    expect(run(newCountryReveal(), [ev({ at: T0, country: 'RU' })], [laterSeen])).toHaveLength(1);
  });

  it('a sign-in from a new country does not silence the reveals that follow it', () => {
    const signin = ev({
      at: T0,
      stream: 'signin_attempt',
      action: 'signin',
      result: 'success',
      country: 'RU',
    });
    const reveals = [1, 2, 3].map((m) => ev({ at: T0 + m * 60_000, country: 'RU' }));
    const alerts = run(newCountryReveal(), [signin, ...reveals]);
    // The first reveal fires (the rule's own first use of RU); the next two are known.
    expect(alerts.map((a) => a.fingerprint)).toEqual([`ALICE|country|RU|${reveals[0].id}`]);
    expect(alerts[0].explanation).toBe(
      'reveal from RU, a country new for alice@example.com: first seen only 60 seconds before, by another kind of event (usual countries: CA, US).',
    );
    expect(alerts[0].figures).toMatchObject({ firstSeenRecently: new Date(T0).toISOString() });
  });

  it('judges the same way when the sign-in is already in the baseline and a reveal is stored', () => {
    const taught = alice({
      seen: {
        country: {
          US: { firstSeen: T0 - 60 * DAY, lastSeen: T0 - DAY },
          RU: { firstSeen: T0, lastSeen: T0 },
        },
      },
    });
    const stored = ev({ at: T0 + 60_000, country: 'RU' });
    const next = ev({ at: T0 + 120_000, country: 'RU' });
    // The first reveal, judged alone against the baseline the sign-in taught: new.
    expect(run(newCountryReveal(), [stored], [taught])).toHaveLength(1);
    // The next one, with the first stored before it (in the history): known.
    const quiet = evaluate({
      rule: newCountryReveal(),
      batch: [next],
      history: [stored, next],
      baselines: snapshotOf([taught]),
      lists: NO_LISTS,
      now: new Date(T0 + DAY),
    });
    expect(quiet).toEqual([]);
  });

  it('a country seen on an earlier trip stays known when a sign-in brings it again', () => {
    const traveller = alice({
      seen: {
        country: {
          CA: { firstSeen: T0 - 60 * DAY, lastSeen: T0 - DAY },
          FR: { firstSeen: T0 - 40 * DAY, lastSeen: T0 },
        },
      },
    });
    const signin = ev({
      at: T0,
      stream: 'signin_attempt',
      action: 'signin',
      result: 'success',
      country: 'FR',
    });
    const reveal = ev({ at: T0 + 60_000, country: 'FR' });
    expect(run(newCountryReveal(), [signin, reveal], [traveller])).toEqual([]);
  });

  it('a value first seen longer than newForHours before is known; 0 restores learning from all', () => {
    const dayOld = alice({
      seen: { country: { RU: { firstSeen: T0 - 25 * 3_600_000, lastSeen: T0 - DAY } } },
    });
    expect(run(newCountryReveal(), [ev({ at: T0, country: 'RU' })], [dayOld])).toEqual([]);
    const signin = ev({
      at: T0,
      stream: 'signin_attempt',
      action: 'signin',
      result: 'success',
      country: 'RU',
    });
    const reveal = ev({ at: T0 + 60_000, country: 'RU' });
    const strict = newCountryReveal({
      params: { entity: 'user', field: 'country', newForHours: 0 },
    });
    expect(run(strict, [signin, reveal])).toEqual([]);
  });

  it('a failed sign-in teaches nothing, so the reveal after it is new', () => {
    const failed = ev({
      at: T0,
      stream: 'signin_attempt',
      action: 'signin',
      result: 'credentials_failed',
      country: 'RU',
    });
    const reveal2 = ev({ at: T0 + 60_000, country: 'RU' });
    expect(run(newCountryReveal(), [failed, reveal2]).map((a) => a.fingerprint)).toEqual([
      `ALICE|country|RU|${reveal2.id}`,
    ]);
  });

  describe('network', () => {
    const tokenRule = (network?: Record<string, unknown>) =>
      testRule({
        name: 'New IP for a token',
        kind: 'new_value',
        streams: ['connect_activity'],
        params: {
          entity: 'connect_token',
          field: 'ip',
          learningDays: 7,
          forgetAfterDays: 30,
          newForHours: 0,
          ...(network ? { network } : {}),
        },
      });
    const token = entityBaseline({
      entityType: 'connect_token',
      entityId: 'jti-1',
      firstEventAt: T0 - 30 * DAY,
      seen: {
        ip: {
          '10.244.1.17': { firstSeen: T0 - 30 * DAY, lastSeen: T0 - DAY },
          '203.0.113.10': { firstSeen: T0 - 30 * DAY, lastSeen: T0 - DAY },
        },
      },
    });
    const read = (ip: string) =>
      ev({
        at: T0,
        stream: 'connect_activity',
        actorType: 'connect_token',
        actorId: 'jti-1',
        actorEmail: null,
        action: 'READ',
        result: 'SUCCESS',
        ip,
      });
    const private16 = { ipv4Prefix: 16, ipv6Prefix: 64, privateOnly: true };

    it('a pod rescheduled inside its private subnet is routine', () => {
      expect(run(tokenRule(private16), [read('10.244.7.3')], [token])).toEqual([]);
      // Without network judgement, the new host fires.
      expect(run(tokenRule(), [read('10.244.7.3')], [token])).toHaveLength(1);
    });

    it('a public address never seen fires, even next to a known public one', () => {
      expect(run(tokenRule(private16), [read('203.0.113.99')], [token])).toHaveLength(1);
      expect(run(tokenRule(private16), [read('198.51.100.7')], [token])).toHaveLength(1);
      const all = { ipv4Prefix: 24, ipv6Prefix: 64, privateOnly: false };
      expect(run(tokenRule(all), [read('203.0.113.99')], [token])).toEqual([]);
    });

    it('another private network fires', () => {
      expect(run(tokenRule(private16), [read('10.9.0.4')], [token])).toHaveLength(1);
      expect(run(tokenRule(private16), [read('192.168.1.4')], [token])).toHaveLength(1);
    });
  });

  it('skips events without the value or without an entity, and allow-listed events', () => {
    const lists: ListSnapshot = new Map([['@serviceAccounts', ['*@svc.example.com']]]);
    const rule = testRule(
      {
        name: 'x',
        kind: 'new_value',
        streams: ['item_usage'],
        allowLists: [{ field: 'actorEmail', list: '@serviceAccounts' }],
        params: { field: 'country' },
      },
      lists,
    );
    const batch = [
      ev({ at: T0, country: null }),
      ev({ at: T0, actorType: null, actorId: null, country: 'RU' }),
      ev({ at: T0, actorEmail: 'bot@svc.example.com', country: 'RU' }),
    ];
    expect(
      evaluate({
        rule,
        batch,
        history: batch,
        baselines: snapshotOf([alice()]),
        lists,
        now: new Date(T0),
      }),
    ).toEqual([]);
  });

  it('works for Connect tokens and other dimensions', () => {
    const rule = testRule({
      name: 'New IP for token',
      kind: 'new_value',
      streams: ['connect_activity'],
      severity: 'high',
      params: { entity: 'connect_token', field: 'ip', learningDays: 7, forgetAfterDays: 30 },
    });
    const token = entityBaseline({
      entityType: 'connect_token',
      entityId: 'jti-1',
      firstEventAt: T0 - 30 * DAY,
      seen: { ip: { '10.0.0.5': { firstSeen: T0 - 30 * DAY, lastSeen: T0 - 1000 } } },
    });
    const batch = [
      ev({
        at: T0,
        stream: 'connect_activity',
        actorType: 'connect_token',
        actorId: 'jti-1',
        actorEmail: null,
        action: 'READ',
        result: 'SUCCESS',
        ip: '10.0.0.5',
      }),
      ev({
        at: T0 + 1,
        stream: 'connect_activity',
        actorType: 'connect_token',
        actorId: 'jti-1',
        actorEmail: null,
        action: 'READ',
        result: 'SUCCESS',
        ip: '198.51.100.23',
      }),
    ];
    const alerts = run(rule, batch, [token]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      severity: 'high',
      fingerprint: `jti-1|ip|198.51.100.23|${batch[1].id}`,
    });
    expect(alerts[0].explanation).toBe(
      'READ from 198.51.100.23, an IP address not seen for token jti-1 in the last 30 days (usual IP addresses: 10.0.0.5).',
    );
  });

  it('reads the stored events of the entity within newForHours, nothing without it', () => {
    expect(historyNeed(newCountryReveal(), [ev({ at: T0, country: 'RU' })], NO_LISTS)).toEqual([
      {
        field: 'actorId',
        keys: ['ALICE'],
        from: new Date(T0 - DAY),
        to: new Date(T0 + DAY),
        streams: ['item_usage'],
      },
    ]);
    const strict = newCountryReveal({
      params: { entity: 'user', field: 'country', newForHours: 0 },
    });
    expect(historyNeed(strict, [ev({ at: T0, country: 'RU' })], NO_LISTS)).toEqual([]);
  });

  it('gives the same fingerprints however the stream is batched, late events included', () => {
    const rule = newCountryReveal();
    const stream = [
      ev({ at: T0 + 5 * 60_000, country: 'RU' }),
      ev({ at: T0 + 6 * 60_000, country: 'RU' }),
      ev({ at: T0, country: 'RU' }), // late: happened before the two above
      ev({ at: T0 + 7 * 60_000, country: 'FR' }),
      ev({ at: T0 + 8 * 60_000, country: 'FR' }),
      ev({ at: T0 + 1000, country: 'FR' }), // late
    ];
    const one = runInBatches(rule, stream, [], { baselines: [alice()] }).fingerprints;
    for (const cuts of [[1], [2, 3], [1, 2, 3, 4, 5], [4]]) {
      expect(runInBatches(rule, stream, cuts, { baselines: [alice()] }).fingerprints).toEqual(one);
    }
    expect([...one].sort()).toEqual(
      [stream[0], stream[2], stream[3], stream[5]]
        .map((e) => `ALICE|country|${e.country}|${e.id}`)
        .sort(),
    );
  });
});
