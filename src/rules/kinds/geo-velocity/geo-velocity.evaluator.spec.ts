import { snapshotOf } from '../../../baselines/baseline-snapshot';
import type { DetectEvent } from '../../../events/detect-event';
import { evaluate, historyNeed } from '../../engine/evaluate';
import type { ListSnapshot } from '../../engine/evaluation';
import type { Rule } from '../../engine/rule-definition';
import { detectEvent, type EventSpec } from '../../../../test/support/rule-engine/detect-events';
import { testRule } from '../../../../test/support/rule-engine/rules';
import { geoSpanMs, haversineKm } from './geo-velocity.evaluator';

const T0 = Date.parse('2025-03-25T14:00:00Z');
const MIN = 60_000;
const NO_LISTS: ListSnapshot = new Map();

const TORONTO = { city: 'Toronto', country: 'CA', latitude: 43.6532, longitude: -79.3832 };
const MONTREAL = { city: 'Montreal', country: 'CA', latitude: 45.5017, longitude: -73.5673 };
const MOSCOW = { city: 'Moscow', country: 'RU', latitude: 55.7558, longitude: 37.6173 };
const VANCOUVER = { city: 'Vancouver', country: 'CA', latitude: 49.2827, longitude: -123.1207 };

const travel = (extra: Record<string, unknown> = {}): Rule =>
  testRule({
    name: 'Impossible travel',
    kind: 'geo_velocity',
    streams: ['item_usage', 'signin_attempt'],
    params: { maxSpeedKmh: 900, minDistanceKm: 500, minGapMinutes: 5 },
    ...extra,
  });

let nextId = 1;
const ev = (spec: Partial<EventSpec> & { at: number | string }): DetectEvent =>
  detectEvent(
    {
      stream: 'signin_attempt',
      action: 'signin',
      result: 'success',
      actorType: 'user',
      actorId: 'ALICE',
      actorEmail: 'alice@example.com',
      ...spec,
    },
    String(nextId++),
  );

function run(rule: Rule, batch: DetectEvent[], stored: DetectEvent[] = []) {
  return evaluate({
    rule,
    batch,
    history: [...stored, ...batch],
    baselines: snapshotOf([]),
    lists: NO_LISTS,
    now: new Date(T0),
  });
}

beforeEach(() => {
  nextId = 1;
});

describe('haversineKm', () => {
  it('matches known distances', () => {
    expect(
      haversineKm(TORONTO.latitude, TORONTO.longitude, MOSCOW.latitude, MOSCOW.longitude),
    ).toBeCloseTo(7480, -1);
    expect(haversineKm(0, 0, 0, 180)).toBeCloseTo(20015, -1);
    expect(haversineKm(10, 10, 10, 10)).toBe(0);
  });
});

describe('geo_velocity', () => {
  it('fires for consecutive events faster than a plane', () => {
    const a = ev({ at: T0, ...TORONTO });
    const b = ev({ at: T0 + 35 * MIN, ...MOSCOW });
    const alerts = run(travel(), [a, b]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      fingerprint: `${a.id}|${b.id}`,
      groupKey: 'ALICE',
      eventTime: b.eventTime,
      evidenceEventIds: [a.id, b.id],
    });
    expect(alerts[0].explanation).toBe(
      'alice@example.com: Toronto, CA → Moscow, RU: 7,484 km in 35 minutes (12,830 km/h; limit 900).',
    );
    expect(alerts[0].figures).toMatchObject({ distanceKm: 7484, gapMinutes: 35, speedKmh: 12830 });
  });

  it('does not fire under the distance floor or the speed limit', () => {
    // Toronto → Montreal is 504 km: 20 minutes is too fast, but 40 minutes is 756 km/h.
    expect(
      run(travel(), [ev({ at: T0, ...TORONTO }), ev({ at: T0 + 40 * MIN, ...MONTREAL })]),
    ).toEqual([]);
    expect(
      run(travel(), [ev({ at: T0, ...TORONTO }), ev({ at: T0 + 20 * MIN, ...MONTREAL })]),
    ).toHaveLength(1);
    // 504 km is not more than 600.
    expect(
      run(travel({ params: { minDistanceKm: 600 } }), [
        ev({ at: T0, ...TORONTO }),
        ev({ at: T0 + MIN, ...MONTREAL }),
      ]),
    ).toEqual([]);
    // Moscow 9 hours later: 831 km/h.
    expect(
      run(travel(), [ev({ at: T0, ...TORONTO }), ev({ at: T0 + 9 * 60 * MIN, ...MOSCOW })]),
    ).toEqual([]);
  });

  it('floors the gap at minGapMinutes', () => {
    // 504 km with a 1-minute gap: the 5-minute floor gives 6,051 km/h, still fires.
    const [alert] = run(travel(), [ev({ at: T0, ...TORONTO }), ev({ at: T0 + MIN, ...MONTREAL })]);
    expect(alert.figures.speedKmh).toBe(6051);
    expect(alert.figures.gapMinutes).toBe(1);
    // A floor of 60 minutes makes it 504 km/h.
    expect(
      run(travel({ params: { minGapMinutes: 60 } }), [
        ev({ at: T0, ...TORONTO }),
        ev({ at: T0 + MIN, ...MONTREAL }),
      ]),
    ).toEqual([]);
  });

  it('judges consecutive pairs only, skipping events without coordinates', () => {
    const events = [
      ev({ at: T0, ...TORONTO }),
      ev({ at: T0 + 10 * MIN }), // no location
      ev({ at: T0 + 20 * MIN, latitude: 0, longitude: 0 }), // the "unknown" (0, 0)
      ev({ at: T0 + 30 * MIN, ...TORONTO }),
      ev({ at: T0 + 60 * MIN, ...MOSCOW }),
    ];
    expect(run(travel(), events).map((a) => a.fingerprint)).toEqual([
      `${events[3].id}|${events[4].id}`,
    ]);
  });

  it('a late event between two stored ones makes two new pairs', () => {
    const a = ev({ at: T0, ...TORONTO });
    const c = ev({ at: T0 + 2 * 60 * MIN, ...TORONTO });
    expect(run(travel(), [a, c])).toEqual([]);
    const late = ev({ at: T0 + 60 * MIN, ...MOSCOW });
    expect(
      run(travel(), [late], [a, c])
        .map((x) => x.fingerprint)
        .sort(),
    ).toEqual([`${a.id}|${late.id}`, `${late.id}|${c.id}`].sort());
  });

  it('keeps groups apart and honours the filter', () => {
    const rule = travel({
      filter: {
        any: [
          { field: 'stream', op: 'eq', value: 'item_usage' },
          { field: 'result', op: 'eq', value: 'success' },
        ],
      },
    });
    const events = [
      ev({ at: T0, ...TORONTO }),
      ev({ at: T0 + 30 * MIN, ...MOSCOW, actorId: 'BOB' }),
      ev({ at: T0 + 40 * MIN, ...MOSCOW, result: 'credentials_failed' }),
      ev({ at: T0 + 50 * MIN, ...VANCOUVER, stream: 'item_usage', action: 'reveal' }),
    ];
    expect(run(rule, events).map((a) => a.fingerprint)).toEqual([
      `${events[0].id}|${events[3].id}`,
    ]);
  });

  it('needs the group keys over the span a plane cannot beat', () => {
    const rule = travel();
    expect(geoSpanMs({ maxSpeedKmh: 900, minDistanceKm: 500, minGapMinutes: 5 })).toBe(
      Math.ceil(((Math.PI * 6371.0088) / 900) * 3_600_000),
    );
    const batch = [
      ev({ at: T0, ...TORONTO }),
      ev({ at: T0 + MIN }),
      ev({ at: T0 + 2 * MIN, ...MOSCOW, actorId: 'BOB' }),
    ];
    const span = geoSpanMs({ maxSpeedKmh: 900, minDistanceKm: 500, minGapMinutes: 5 });
    expect(historyNeed(rule, batch, NO_LISTS)).toMatchObject([
      // Every stored event among the batch's own, and the nearest ones around them.
      {
        field: 'actorId',
        keys: ['ALICE', 'BOB'],
        from: new Date(T0),
        to: new Date(T0 + 2 * MIN),
        streams: ['item_usage', 'signin_attempt'],
      },
      {
        field: 'actorId',
        keys: ['ALICE', 'BOB'],
        from: new Date(T0 - span),
        to: new Date(T0 + 2 * MIN + span),
        streams: ['item_usage', 'signin_attempt'],
        neighbours: {
          // Toronto only: Alice's event at T0 + MIN has no coordinates.
          points: [
            { key: 'ALICE', at: new Date(T0) },
            { key: 'BOB', at: new Date(T0 + 2 * MIN) },
          ],
          counts: expect.any(Function) as unknown,
        },
      },
    ]);
    expect(span / 3_600_000).toBeCloseTo(22.24, 1);
  });
});
