import type { DetectEvent } from '../events/detect-event';
import {
  aggregateBatch,
  compareKeys,
  DAY_MS,
  HOUR_MS,
  MAX_TEXT_LENGTH,
  teachesNormal,
} from './baseline-aggregate';
import { hourlyActionOf, snapshotOf } from './baseline-snapshot';

const NOW = new Date('2026-11-20T12:30:00Z');
let nextId = 1;

function event(overrides: Partial<DetectEvent> = {}): DetectEvent {
  const id = nextId++;
  return {
    id: String(id),
    ingestedAt: NOW,
    stream: 'item_usage',
    externalId: `E${id}`,
    eventTime: new Date('2026-11-20T10:15:00Z'),
    actorType: 'user',
    actorId: 'USER1',
    actorEmail: 'ada@example.com',
    actorName: 'Ada',
    connectServerId: null,
    action: 'reveal',
    result: null,
    resultDetail: null,
    objectType: null,
    objectId: null,
    auxId: null,
    vaultId: 'vault1',
    itemId: 'item1',
    sessionId: null,
    ip: '203.0.113.7',
    country: 'CA',
    region: 'Ontario',
    city: 'Toronto',
    latitude: 43.65,
    longitude: -79.38,
    clientApp: '1Password for Mac',
    clientVersion: '81024001',
    platform: 'macOS',
    os: 'MacOSX',
    userAgent: null,
    accountId: 'ACCOUNT',
    raw: {},
    ...overrides,
  };
}

const connect = (overrides: Partial<DetectEvent> = {}) =>
  event({
    stream: 'connect_activity',
    actorType: 'connect_token',
    actorId: 'jti1',
    actorEmail: null,
    actorName: null,
    connectServerId: 'server1',
    action: 'READ',
    result: 'SUCCESS',
    ip: '10.0.0.5',
    country: null,
    region: null,
    city: null,
    latitude: null,
    longitude: null,
    clientApp: null,
    clientVersion: null,
    platform: null,
    os: null,
    userAgent: 'Connect SDK/1.5.0',
    ...overrides,
  });

describe('aggregateBatch', () => {
  it('folds a user batch into one row per key with counts and first/last seen', () => {
    const a = event({ eventTime: new Date('2026-11-20T10:15:00Z') });
    const b = event({ eventTime: new Date('2026-11-20T10:45:00Z'), country: 'US', city: 'Boston' });
    const c = event({ eventTime: new Date('2026-11-20T11:05:00Z'), action: 'copy' });

    const result = aggregateBatch([a, b, c], NOW);

    expect(result.profiles).toEqual([
      {
        entityType: 'user',
        accountId: 'ACCOUNT',
        entityId: 'USER1',
        label: 'ada@example.com',
        labelAt: c.eventTime,
        firstEventAt: a.eventTime,
        lastEventAt: c.eventTime,
        eventCount: 3,
        successfulSignins: 0,
        location: {
          at: c.eventTime,
          latitude: 43.65,
          longitude: -79.38,
          country: 'CA',
          city: 'Toronto',
        },
      },
    ]);
    expect(result.activeDays).toEqual([
      { entityType: 'user', accountId: 'ACCOUNT', entityId: 'USER1', day: '2026-11-20' },
    ]);
    expect(result.hourly.map((h) => [h.action, h.hourStart.toISOString(), h.count])).toEqual([
      ['copy', '2026-11-20T11:00:00.000Z', 1],
      ['reveal', '2026-11-20T10:00:00.000Z', 2],
    ]);
    const countries = result.seen.filter((s) => s.dimension === 'country');
    expect(countries).toEqual([
      expect.objectContaining({
        value: 'CA',
        count: 2,
        firstSeen: a.eventTime,
        lastSeen: c.eventTime,
      }),
      expect.objectContaining({
        value: 'US',
        count: 1,
        firstSeen: b.eventTime,
        lastSeen: b.eventTime,
      }),
    ]);
    // Users keep country, city, ip, clientApp, os, vaultId and action; never itemId or userAgent.
    expect([...new Set(result.seen.map((s) => s.dimension))].sort()).toEqual(
      ['action', 'city', 'clientApp', 'country', 'ip', 'os', 'vaultId'].sort(),
    );
  });

  it('keeps the same user uuid in two accounts as two entities, and no account as a third', () => {
    const result = aggregateBatch(
      [
        event({ accountId: 'AAAAAAAAAAAAAAAAAAAAAAAAAA', country: 'CA' }),
        event({ accountId: 'BBBBBBBBBBBBBBBBBBBBBBBBBB', country: 'FR' }),
        event({ accountId: 'BBBBBBBBBBBBBBBBBBBBBBBBBB', country: 'FR' }),
        event({ accountId: null, country: 'JP' }),
      ],
      NOW,
    );
    expect(result.profiles.map((p) => [p.accountId, p.entityId, p.eventCount])).toEqual([
      ['', 'USER1', 1],
      ['AAAAAAAAAAAAAAAAAAAAAAAAAA', 'USER1', 1],
      ['BBBBBBBBBBBBBBBBBBBBBBBBBB', 'USER1', 2],
    ]);
    const countries = result.seen.filter((s) => s.dimension === 'country');
    expect(countries.map((s) => [s.accountId, s.value, s.count])).toEqual([
      ['', 'JP', 1],
      ['AAAAAAAAAAAAAAAAAAAAAAAAAA', 'CA', 1],
      ['BBBBBBBBBBBBBBBBBBBBBBBBBB', 'FR', 2],
    ]);
    expect(result.hourly.map((h) => [h.accountId, h.count])).toEqual([
      ['', 1],
      ['AAAAAAAAAAAAAAAAAAAAAAAAAA', 1],
      ['BBBBBBBBBBBBBBBBBBBBBBBBBB', 2],
    ]);
  });

  it('counts a Connect request for its token and its server, with their own dimensions', () => {
    const result = aggregateBatch([connect(), connect({ itemId: 'item2' })], NOW);

    expect(result.profiles.map((p) => [p.entityType, p.entityId, p.eventCount, p.label])).toEqual([
      ['connect_server', 'server1', 2, null],
      ['connect_token', 'jti1', 2, null],
    ]);
    const dims = (type: string) =>
      [...new Set(result.seen.filter((s) => s.entityType === type).map((s) => s.dimension))].sort();
    expect(dims('connect_token')).toEqual(['action', 'ip', 'itemId', 'userAgent', 'vaultId']);
    expect(dims('connect_server')).toEqual(['action', 'ip', 'userAgent', 'vaultId']);
    expect(result.hourly).toHaveLength(2);
    expect(result.hourly.every((h) => h.action === 'READ' && h.count === 2)).toBe(true);
  });

  it('counts sign-in attempts under signin:<category>, successes towards maturity', () => {
    const signin = (result: string | null) =>
      event({ stream: 'signin_attempt', action: 'signin', result, vaultId: null, itemId: null });
    const result = aggregateBatch(
      [signin('success'), signin('success'), signin('credentials_failed'), signin(null)],
      NOW,
    );

    expect(result.hourly.map((h) => [h.action, h.count])).toEqual([
      ['signin:credentials_failed', 1],
      ['signin:success', 2],
      ['signin:unknown', 1],
    ]);
    expect(result.profiles[0]).toMatchObject({ eventCount: 4, successfulSignins: 2 });
    expect(
      hourlyActionOf({ stream: 'signin_attempt', action: 'signin', result: 'mfa_failed' }),
    ).toBe('signin:mfa_failed');
  });

  it('learns no country, IP or location from failed sign-ins and denied Connect requests', () => {
    const failed = event({
      stream: 'signin_attempt',
      action: 'signin',
      result: 'credentials_failed',
      country: 'RU',
      ip: '198.51.100.9',
      latitude: 55.75,
      longitude: 37.62,
      eventTime: new Date('2026-11-20T11:00:00Z'),
    });
    const denied = connect({ result: 'DENY', ip: '198.51.100.10' });
    expect(teachesNormal(failed)).toBe(false);
    expect(teachesNormal(denied)).toBe(false);

    const result = aggregateBatch([event(), failed, denied], NOW);

    expect(result.seen.some((s) => s.value === 'RU' || s.value.startsWith('198.51.100.'))).toBe(
      false,
    );
    const user = result.profiles.find((p) => p.entityType === 'user')!;
    expect(user.location?.country).toBe('CA');
    expect(user.eventCount).toBe(2);
    expect(result.hourly.find((h) => h.action === 'signin:credentials_failed')?.count).toBe(1);
  });

  it('puts a late event in its own hour and day, and gives old events no hourly row', () => {
    const late = event({ eventTime: new Date(NOW.getTime() - 3 * DAY_MS - 5 * HOUR_MS) });
    const ancient = event({ eventTime: new Date(NOW.getTime() - 91 * DAY_MS) });
    const current = event({ eventTime: new Date(NOW.getTime() - 10 * 60_000) });

    const result = aggregateBatch([current, late, ancient], NOW);

    expect(result.hourly.map((h) => h.hourStart.toISOString())).toEqual([
      '2026-11-17T07:00:00.000Z',
      '2026-11-20T12:00:00.000Z',
    ]);
    expect(result.activeDays.map((d) => d.day)).toEqual(['2026-08-21', '2026-11-17', '2026-11-20']);
    expect(result.profiles[0]).toMatchObject({
      firstEventAt: ancient.eventTime,
      lastEventAt: current.eventTime,
      eventCount: 3,
    });
    expect(result.profiles[0].location?.at).toEqual(current.eventTime);
  });

  it('skips null and empty values, events without an entity, and hourly rows without action', () => {
    const result = aggregateBatch(
      [
        event({ country: null, city: null, ip: null, action: null }),
        event({ actorType: null, actorId: null }),
        event({ actorId: '' }),
      ],
      NOW,
    );

    expect(result.profiles).toHaveLength(1);
    expect(result.profiles[0].eventCount).toBe(1);
    expect(result.hourly).toEqual([]);
    expect(result.seen.map((s) => s.dimension).sort()).toEqual(['clientApp', 'os', 'vaultId']);
  });

  it('cuts oversized values and ignores oversized entity ids', () => {
    const result = aggregateBatch(
      [
        connect({ userAgent: 'x'.repeat(5000), action: 'A'.repeat(600) }),
        event({ actorId: 'U'.repeat(300) }),
      ],
      NOW,
    );
    expect(result.profiles.map((p) => p.entityType)).toEqual(['connect_server', 'connect_token']);
    const agent = result.seen.find((s) => s.dimension === 'userAgent')!;
    expect(agent.value).toHaveLength(MAX_TEXT_LENGTH);
    expect(result.hourly[0].action).toHaveLength(MAX_TEXT_LENGTH);
  });

  it('keeps the label of the newest event that has one', () => {
    const result = aggregateBatch(
      [
        event({ eventTime: new Date('2026-11-20T10:00:00Z'), actorEmail: 'new@example.com' }),
        event({ eventTime: new Date('2026-11-19T10:00:00Z'), actorEmail: 'old@example.com' }),
        event({ eventTime: new Date('2026-11-20T11:00:00Z'), actorEmail: null, actorName: null }),
        event({ eventTime: new Date('2026-11-18T10:00:00Z'), actorEmail: null, actorName: 'Ada' }),
      ],
      NOW,
    );
    expect(result.profiles[0]).toMatchObject({
      label: 'new@example.com',
      labelAt: new Date('2026-11-20T10:00:00Z'),
    });
  });

  it('sorts every list by its key, whatever the order of the batch', () => {
    const events = ['U3', 'U1', 'U2'].flatMap((actorId, i) => [
      event({ actorId, eventTime: new Date(NOW.getTime() - i * HOUR_MS), ip: `10.0.0.${9 - i}` }),
      event({ actorId, eventTime: new Date(NOW.getTime() - 30 * HOUR_MS) }),
    ]);
    const result = aggregateBatch(events, NOW);
    const isSorted = (keys: string[][]) =>
      keys.every((key, i) => i === 0 || compareKeys(keys[i - 1], key) < 0);

    expect(result.profiles.map((p) => p.entityId)).toEqual(['U1', 'U2', 'U3']);
    expect(isSorted(result.activeDays.map((d) => [d.entityType, d.entityId, d.day]))).toBe(true);
    expect(
      isSorted(
        result.hourly.map((h) => [
          h.entityType,
          h.entityId,
          h.action,
          String(h.hourStart.getTime()),
        ]),
      ),
    ).toBe(true);
    expect(isSorted(result.seen.map((s) => [s.entityType, s.entityId, s.dimension, s.value]))).toBe(
      true,
    );
  });
});

describe('snapshotOf', () => {
  it('finds baselines by entity type, account and id', () => {
    const baseline = {
      entityType: 'user' as const,
      accountId: '',
      entityId: 'USER1',
      firstEventAt: NOW,
      lastEventAt: NOW,
      activeDays: 1,
      seen: new Map(),
      hourly: new Map(),
      lastLocation: null,
    };
    const snapshot = snapshotOf([baseline]);
    expect(snapshot.get('user', '', 'USER1')).toBe(baseline);
    expect(snapshot.get('connect_token', '', 'USER1')).toBeUndefined();
    // The same user uuid in an account is another actor.
    expect(snapshot.get('user', 'K3ZPQ7WXNB4CDEF6GHJ2LMRSTU', 'USER1')).toBeUndefined();
  });
});
