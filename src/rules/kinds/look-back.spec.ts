import { detectEvent } from '../../../test/support/rule-engine/detect-events';
import { testRule } from '../../../test/support/rule-engine/rules';
import {
  baselineEntityOf,
  hourlyDaysOf,
  hourlyKeysOf,
  readsBaselines,
  retainMsOf,
  seenDimensionsOf,
  warmupDaysOf,
} from './look-back';

describe('hourlyDaysOf', () => {
  it('tells how many days of hourly counts a rule reads', () => {
    expect(hourlyDaysOf({ kind: 'rate_anomaly', params: { baselineDays: 28 } as never })).toBe(28);
    expect(
      hourlyDaysOf({
        kind: 'threshold',
        params: { windowSeconds: 60, threshold: 5, routine: { baselineDays: 14 } } as never,
      }),
    ).toBe(15);
    expect(hourlyDaysOf({ kind: 'threshold', params: { windowSeconds: 60, threshold: 5 } })).toBe(
      0,
    );
  });
});

describe('readsBaselines', () => {
  it('tells the rules whose judgment depends on what was learned before a batch', () => {
    const threshold = { windowSeconds: 60, threshold: 5 };
    expect(readsBaselines({ kind: 'rate_anomaly', params: { baselineDays: 28 } as never })).toBe(
      true,
    );
    expect(
      readsBaselines({ kind: 'new_value', params: { entity: 'user', field: 'country' } as never }),
    ).toBe(true);
    expect(
      readsBaselines({
        kind: 'threshold',
        params: { ...threshold, routine: { baselineDays: 14 } } as never,
      }),
    ).toBe(true);
    expect(readsBaselines({ kind: 'threshold', params: threshold })).toBe(false);
    expect(readsBaselines({ kind: 'match', params: {} })).toBe(false);
  });
});

describe('baselineEntityOf', () => {
  it('names whose baselines a rule reads, for exactly the rules that read them', () => {
    const threshold = { windowSeconds: 60, threshold: 5 };
    const rules = [
      { kind: 'rate_anomaly', params: { entity: 'connect_token', baselineDays: 28 } },
      { kind: 'new_value', params: { entity: 'connect_server', field: 'ip' } },
      {
        kind: 'threshold',
        params: { ...threshold, routine: { entity: 'user', baselineDays: 14 } },
      },
      { kind: 'threshold', params: threshold },
      { kind: 'match', params: {} },
    ] as never[];
    expect(rules.map(baselineEntityOf)).toEqual([
      'connect_token',
      'connect_server',
      'user',
      null,
      null,
    ]);
    expect(rules.map((rule) => baselineEntityOf(rule) !== null)).toEqual(rules.map(readsBaselines));
  });
});

describe('hourlyKeysOf', () => {
  const massRead = (routine: boolean) =>
    testRule({
      name: 'Connect mass read',
      kind: 'threshold',
      streams: ['connect_activity'],
      filter: { field: 'action', op: 'eq', value: 'READ' },
      groupBy: ['actorId'],
      params: {
        windowSeconds: 600,
        threshold: 50,
        ...(routine
          ? { routine: { entity: 'connect_token', baselineDays: 28, minDays: 3, factor: 2 } }
          : {}),
      },
    });
  const request = (id: string, actorId: string, action: string, accountId: string | null) =>
    detectEvent(
      {
        at: '2026-03-02T10:00:00Z',
        stream: 'connect_activity',
        actorType: 'connect_token',
        actorId,
        action,
        accountId,
      },
      id,
    );
  const events = [
    request('1', 'jti-1', 'READ', 'ACME'),
    request('2', 'jti-1', 'READ', 'ACME'),
    request('3', 'jti-1', 'READ', 'GLOBEX'),
    request('4', 'jti-2', 'UPDATE', 'ACME'),
  ];

  it('names the entity and action of each event the rule counts, once', () => {
    expect(hourlyKeysOf(massRead(true), events, new Map())).toEqual([
      { entityType: 'connect_token', accountId: 'ACME', entityId: 'jti-1', action: 'READ' },
      { entityType: 'connect_token', accountId: 'GLOBEX', entityId: 'jti-1', action: 'READ' },
    ]);
  });

  it('names none for a rule that reads no hourly counts', () => {
    expect(hourlyKeysOf(massRead(false), events, new Map())).toEqual([]);
  });
});

describe('seenDimensionsOf', () => {
  it('names each remembered (entity, dimension) the rules read once', () => {
    expect(
      seenDimensionsOf([
        { kind: 'new_value', params: { entity: 'user', field: 'country' } as never },
        { kind: 'new_value', params: { entity: 'user', field: 'country' } as never },
        { kind: 'new_value', params: { entity: 'connect_token', field: 'ip' } as never },
        { kind: 'threshold', params: { windowSeconds: 60, threshold: 5 } },
        { kind: 'heartbeat', params: { sources: [], maxSilenceSeconds: 60 } },
      ]),
    ).toEqual([
      { entityType: 'user', dimension: 'country' },
      { entityType: 'connect_token', dimension: 'ip' },
    ]);
  });
});

describe('replay look-back', () => {
  it.each([
    ['match', {}, 0, 0],
    ['threshold', { windowSeconds: 600, threshold: 5 }, 0, 1_200_000],
    [
      'threshold',
      { windowSeconds: 600, threshold: 5, routine: { baselineDays: 90 } },
      91,
      1_200_000,
    ],
    ['new_value', { learningDays: 14, forgetAfterDays: 120, newForHours: 24 }, 90, 172_800_000],
    ['rate_anomaly', { baselineDays: 28 }, 28, 0],
    ['geo_velocity', { maxSpeedKmh: 900 }, 0, 172_800_000],
    ['sequence', { withinSeconds: 3600 }, 0, 3_600_000],
    ['heartbeat', { sources: [], maxSilenceSeconds: 60 }, 0, 0],
  ])('%s %j: warm-up %d days, window buffer %d ms', (kind, params, warmupDays, retainMs) => {
    const rule = { kind, params } as never;
    expect(warmupDaysOf(rule)).toBe(warmupDays);
    expect(retainMsOf(rule)).toBe(retainMs);
  });
});
