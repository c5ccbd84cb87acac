import { snapshotOf, type EntityBaseline } from '../../../baselines/baseline-snapshot';
import type { DetectEvent } from '../detect-event';
import { evaluate, historyNeed } from '../evaluate';
import type { ListSnapshot } from '../evaluation';
import type { Rule } from '../rule-definition';
import { entityBaseline } from '../testing/baselines';
import { runInBatches } from '../testing/batch-runner';
import { detectEvent, type EventSpec } from '../testing/detect-events';
import { testRule } from '../testing/rules';

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

  it('learns from every event of the entity the baseline learns from, counted or not', () => {
    const signin = ev({
      at: T0,
      stream: 'signin_attempt',
      action: 'signin',
      result: 'success',
      country: 'RU',
    });
    const reveal = ev({ at: T0 + 60_000, country: 'RU' });
    expect(run(newCountryReveal(), [signin, reveal])).toEqual([]);
    nextId = 10;
    // A failed sign-in teaches nothing (the baseline does not learn from it either).
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

  it('needs no history', () => {
    expect(historyNeed(newCountryReveal(), [ev({ at: T0, country: 'RU' })], NO_LISTS)).toEqual([]);
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
