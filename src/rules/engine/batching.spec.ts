/**
 * Property-style checks, with seeded randomness: for every kind, the fingerprints a stream
 * produces are the same whether it is judged in one batch or cut at random points (each
 * batch seeing the history stored up to and including it, and the baselines from before it),
 * and they match a brute-force reading of each kind's definition.
 */
import type { DetectEvent } from '../../events/detect-event';
import { compareIds } from '../../events/event-order';
import { haversineKm } from '../kinds/geo-velocity/geo-velocity.evaluator';
import type { Rule } from './rule-definition';
import { randomCuts, runInBatches } from '../../../test/support/rule-engine/batch-runner';
import {
  detectEvent,
  SeededRandom,
  type EventSpec,
} from '../../../test/support/rule-engine/detect-events';
import { testRule } from '../../../test/support/rule-engine/rules';

const T0 = Date.parse('2025-03-25T00:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Specs in event-time order, then some moved later in the stream (late arrivals); ids follow. */
function streamOf(
  rng: SeededRandom,
  specs: EventSpec[],
  lateShare: number,
  firstId = 1000,
): DetectEvent[] {
  const sorted = [...specs].sort((a, b) => Number(a.at) - Number(b.at));
  const order = sorted.map((spec, i) => ({ spec, key: i }));
  for (const entry of order) {
    if (rng.chance(lateShare)) entry.key += 1 + rng.int(sorted.length / 2);
  }
  order.sort((a, b) => a.key - b.key);
  return order.map((entry, i) => detectEvent(entry.spec, String(firstId + i)));
}

function splitsAgree(
  rule: Rule,
  stream: DetectEvent[],
  rng: SeededRandom,
  options: Parameters<typeof runInBatches>[3] = {},
  rounds = 6,
): Set<string> {
  const whole = runInBatches(rule, stream, [], options).fingerprints;
  const single = runInBatches(
    rule,
    stream,
    stream.map((_, i) => i),
    options,
  ).fingerprints;
  expect([...single].sort()).toEqual([...whole].sort());
  for (let round = 0; round < rounds; round++) {
    const p = [0.02, 0.1, 0.3, 0.7][round % 4];
    const cuts = randomCuts(stream.length, p, () => rng.next());
    expect([...runInBatches(rule, stream, cuts, options).fingerprints].sort()).toEqual(
      [...whole].sort(),
    );
    // Detection reads each key's history only around its own batch events: the same findings.
    expect(
      [...runInBatches(rule, stream, cuts, { ...options, perKey: true }).fingerprints].sort(),
    ).toEqual([...whole].sort());
  }
  return whole;
}

const byTimeThenId = (a: DetectEvent, b: DetectEvent): number =>
  a.eventTime.getTime() - b.eventTime.getTime() || compareIds(a.id, b.id);

/** Crossings of the stored set S, by brute force. */
function crossings(
  stored: DetectEvent[],
  windowMs: number,
  threshold: number,
  value: (e: DetectEvent) => string | null,
  counts: (e: DetectEvent) => boolean,
): string[] {
  const out: string[] = [];
  const groups = new Map<string, DetectEvent[]>();
  for (const e of stored) {
    if (!counts(e) || e.actorId === null || value(e) === null) continue;
    groups.set(e.actorId, [...(groups.get(e.actorId) ?? []), e]);
  }
  for (const list of groups.values()) {
    list.sort(byTimeThenId);
    list.forEach((e, i) => {
      const window = list
        .slice(0, i + 1)
        .filter((f) => f.eventTime.getTime() > e.eventTime.getTime() - windowMs);
      const after = new Set(window.map(value)).size;
      const before = new Set(window.slice(0, -1).map(value)).size;
      if (before < threshold && after >= threshold) out.push(e.id);
    });
  }
  return out;
}

/** The union over every storage step of what the definition says fires. */
function unionOverSteps(stream: DetectEvent[], judge: (stored: DetectEvent[]) => string[]) {
  const all = new Set<string>();
  for (let n = 1; n <= stream.length; n++) for (const f of judge(stream.slice(0, n))) all.add(f);
  return [...all].sort();
}

describe('batching never changes what fires', () => {
  it.each([1, 2, 3, 4, 5])('threshold count (seed %d)', (seed) => {
    const rng = new SeededRandom(seed);
    const specs: EventSpec[] = Array.from({ length: 70 }, () => ({
      at: T0 + rng.int(45) * MIN + rng.int(60_000),
      stream: 'item_usage',
      actorType: 'user',
      actorId: rng.pick(['A', 'B', null]),
      action: rng.pick(['export', 'export', 'reveal']),
    }));
    const stream = streamOf(rng, specs, 0.25);
    const rule = testRule({
      name: 't',
      kind: 'threshold',
      streams: ['item_usage'],
      filter: { field: 'action', op: 'eq', value: 'export' },
      params: { windowSeconds: 600, threshold: 4 },
    });
    const got = splitsAgree(rule, stream, rng);
    expect([...got].sort()).toEqual(
      unionOverSteps(stream, (s) =>
        crossings(
          s,
          600_000,
          4,
          (e) => e.id,
          (e) => e.action === 'export',
        ),
      ),
    );
    expect(got.size).toBeGreaterThan(0);
  });

  it.each([11, 12, 13, 14, 15, 16])('threshold count with many ties in time (seed %d)', (seed) => {
    const rng = new SeededRandom(seed);
    const specs: EventSpec[] = Array.from({ length: 60 }, () => ({
      at: T0 + rng.int(30) * MIN,
      stream: 'item_usage',
      actorType: 'user',
      actorId: rng.pick(['A', 'B']),
      action: 'export',
    }));
    const stream = streamOf(rng, specs, 0.4);
    const rule = testRule({
      name: 't',
      kind: 'threshold',
      streams: ['item_usage'],
      params: { windowSeconds: 300, threshold: 6 },
    });
    const got = splitsAgree(rule, stream, rng);
    expect([...got].sort()).toEqual(
      unionOverSteps(stream, (s) =>
        crossings(
          s,
          300_000,
          6,
          (e) => e.id,
          () => true,
        ),
      ),
    );
    expect(got.size).toBeGreaterThan(0);
  });

  it.each([1, 2, 3, 4, 5])('threshold distinct (seed %d)', (seed) => {
    const rng = new SeededRandom(100 + seed);
    const specs: EventSpec[] = Array.from({ length: 70 }, () => ({
      at: T0 + rng.int(120) * MIN,
      stream: 'item_usage',
      actorType: 'user',
      actorId: rng.pick(['A', 'B']),
      action: 'reveal',
      itemId: rng.chance(0.1) ? null : rng.pick(['i1', 'i2', 'i3', 'i4', 'i5', 'i6']),
    }));
    const stream = streamOf(rng, specs, 0.3);
    const rule = testRule({
      name: 't',
      kind: 'threshold',
      streams: ['item_usage'],
      params: { windowSeconds: 1800, threshold: 4, distinctField: 'itemId' },
    });
    const got = splitsAgree(rule, stream, rng);
    expect([...got].sort()).toEqual(
      unionOverSteps(stream, (s) =>
        crossings(
          s,
          1_800_000,
          4,
          (e) => e.itemId,
          () => true,
        ),
      ),
    );
    expect(got.size).toBeGreaterThan(0);
  });

  it.each([1, 2, 3, 4])('geo_velocity (seed %d)', (seed) => {
    const rng = new SeededRandom(200 + seed);
    const places = [
      { city: 'Toronto', country: 'CA', latitude: 43.65, longitude: -79.38 },
      { city: 'Montreal', country: 'CA', latitude: 45.5, longitude: -73.57 },
      { city: 'Moscow', country: 'RU', latitude: 55.75, longitude: 37.62 },
      { city: 'Sydney', country: 'AU', latitude: -33.87, longitude: 151.21 },
    ];
    const specs: EventSpec[] = Array.from({ length: 50 }, () => ({
      at: T0 + rng.int(48 * 60) * MIN,
      stream: rng.pick(['item_usage', 'signin_attempt'] as const),
      actorType: 'user',
      actorId: rng.pick(['A', 'B']),
      ...(rng.chance(0.15) ? {} : rng.pick(places)),
    }));
    const stream = streamOf(rng, specs, 0.3);
    const rule = testRule({
      name: 'g',
      kind: 'geo_velocity',
      streams: ['item_usage', 'signin_attempt'],
      params: { maxSpeedKmh: 900, minDistanceKm: 500, minGapMinutes: 5 },
    });
    const got = splitsAgree(rule, stream, rng);
    const oracle = unionOverSteps(stream, (stored) => {
      const out: string[] = [];
      for (const actor of ['A', 'B']) {
        const list = stored
          .filter((e) => e.actorId === actor && e.latitude !== null)
          .sort(byTimeThenId);
        for (let i = 1; i < list.length; i++) {
          const [a, b] = [list[i - 1], list[i]];
          const d = haversineKm(a.latitude!, a.longitude!, b.latitude!, b.longitude!);
          const gapH = Math.max(b.eventTime.getTime() - a.eventTime.getTime(), 5 * MIN) / HOUR;
          if (d > 500 && d / gapH > 900) out.push(`${a.id}|${b.id}`);
        }
      }
      return out;
    });
    expect([...got].sort()).toEqual(oracle);
    expect(got.size).toBeGreaterThan(0);
  });

  it.each([1, 2, 3, 4])('sequence (seed %d)', (seed) => {
    const rng = new SeededRandom(300 + seed);
    const users = ['U1', 'U2', 'U3'];
    const specs: EventSpec[] = Array.from({ length: 60 }, () => {
      const user = rng.pick(users);
      return rng.chance(0.6)
        ? {
            at: T0 + rng.int(20 * 24) * HOUR,
            stream: 'item_usage',
            actorType: 'user',
            actorId: user,
            action: rng.pick(['export', 'reveal']),
          }
        : {
            at: T0 + rng.int(20 * 24) * HOUR,
            stream: 'audit_event',
            actorType: 'user',
            actorId: 'ADMIN',
            action: rng.pick(['suspend', 'delete', 'update']),
            objectType: 'user',
            objectId: user,
          };
    });
    const stream = streamOf(rng, specs, 0.3);
    const within = 3 * DAY;
    const rule = testRule({
      name: 's',
      kind: 'sequence',
      streams: ['item_usage', 'audit_event'],
      params: {
        mode: 'retro',
        withinSeconds: within / 1000,
        stages: [
          {
            name: 'export',
            streams: ['item_usage'],
            filter: { field: 'action', op: 'eq', value: 'export' },
            key: 'actorId',
          },
          {
            name: 'offboarding',
            streams: ['audit_event'],
            filter: { field: 'action', op: 'in', value: ['suspend', 'delete'] },
            key: 'objectId',
          },
        ],
      },
    });
    const got = splitsAgree(rule, stream, rng);
    const as = stream.filter((e) => e.action === 'export');
    const oracle = stream
      .filter((b) => b.action === 'suspend' || b.action === 'delete')
      .filter((b) =>
        as.some(
          (a) =>
            a.actorId === b.objectId &&
            a.eventTime.getTime() <= b.eventTime.getTime() &&
            b.eventTime.getTime() <= a.eventTime.getTime() + within,
        ),
      )
      .map((b) => b.id)
      .sort();
    expect([...got].sort()).toEqual(oracle);
    expect(got.size).toBeGreaterThan(0);
  });

  it.each([1, 2, 3, 4])('sequence counting several As (seed %d)', (seed) => {
    const rng = new SeededRandom(350 + seed);
    const specs: EventSpec[] = Array.from({ length: 80 }, () => {
      const user = rng.pick(['U1', 'U2']);
      const at = T0 + rng.int(10 * 24) * HOUR;
      return rng.chance(0.75)
        ? { at, stream: 'item_usage', actorType: 'user', actorId: user, action: 'export' }
        : {
            at,
            stream: 'audit_event',
            actorType: 'user',
            actorId: 'ADMIN',
            action: 'suspend',
            objectType: 'user',
            objectId: user,
          };
    });
    const stream = streamOf(rng, specs, 0.3);
    const within = DAY;
    const rule = testRule({
      name: 's',
      kind: 'sequence',
      streams: ['item_usage', 'audit_event'],
      params: {
        mode: 'forward',
        withinSeconds: within / 1000,
        stages: [
          { name: 'export', streams: ['item_usage'], key: 'actorId', minCount: 4 },
          { name: 'offboarding', streams: ['audit_event'], key: 'objectId' },
        ],
      },
    });
    const got = splitsAgree(rule, stream, rng);
    // A suspension fires with four exports of its user in the day before it.
    const oracle = stream
      .filter((b) => b.action === 'suspend')
      .filter(
        (b) =>
          stream.filter(
            (a) =>
              a.action === 'export' &&
              a.actorId === b.objectId &&
              a.eventTime.getTime() <= b.eventTime.getTime() &&
              b.eventTime.getTime() <= a.eventTime.getTime() + within,
          ).length >= 4,
      )
      .map((b) => b.id)
      .sort();
    expect([...got].sort()).toEqual(oracle);
    expect(got.size).toBeGreaterThan(0);
  });

  it.each([
    [1, 0],
    [2, 0],
    [3, 0],
    [4, 0],
    [5, 12],
    [6, 48],
  ])('new_value (seed %d, new for %d hours)', (seed, newForHours) => {
    const rng = new SeededRandom(400 + seed);
    const before = ['A', 'B', 'C'].flatMap((user, u) =>
      ['CA', 'US'].map((country, c) =>
        detectEvent(
          {
            at: T0 - (40 + u + c) * DAY,
            stream: 'item_usage',
            actorType: 'user',
            actorId: user,
            action: 'reveal',
            country,
          },
          String(10 + u * 2 + c),
        ),
      ),
    );
    const specs: EventSpec[] = Array.from({ length: 60 }, () => ({
      at: T0 + rng.int(10 * 24) * HOUR,
      stream: rng.pick(['item_usage', 'item_usage', 'signin_attempt'] as const),
      actorType: 'user',
      actorId: rng.pick(['A', 'B', 'C', 'D']),
      action: 'reveal',
      result: rng.pick(['success', 'credentials_failed']),
      country: rng.pick(['CA', 'US', 'RU', 'FR', null]),
    }));
    const stream = streamOf(rng, specs, 0.3);
    const rule = testRule({
      name: 'nv',
      kind: 'new_value',
      streams: ['item_usage', 'signin_attempt'],
      params: {
        entity: 'user',
        field: 'country',
        learningDays: 14,
        forgetAfterDays: 90,
        ...(newForHours ? { newForHours } : {}),
      },
    });
    const got = splitsAgree(rule, stream, rng, { before });
    expect(got.size).toBeGreaterThan(0);
  });

  it.each([1, 2, 3, 4])('new_value as users leave their learning period (seed %d)', (seed) => {
    const rng = new SeededRandom(450 + seed);
    // Learning ends half a day into the stream for A, a day and a half in for B.
    const before = [
      { user: 'A', at: T0 - 12 * HOUR },
      { user: 'B', at: T0 + 12 * HOUR },
    ].map(({ user, at }, i) =>
      detectEvent(
        { at, stream: 'item_usage', actorType: 'user', actorId: user, action: 'reveal' },
        String(10 + i),
      ),
    );
    const specs: EventSpec[] = Array.from({ length: 90 }, () => {
      const at = T0 + 13 * HOUR + rng.int(36 * 60) * MIN;
      // A new country every few hours, used again soon after: values are fresh all along.
      const country = `C${Math.floor((at - T0) / (4 * HOUR)) + rng.int(2)}`;
      const actorId = rng.pick(['A', 'B']);
      return { at, stream: 'item_usage', actorType: 'user', actorId, action: 'reveal', country };
    });
    const stream = streamOf(rng, specs, 0.2);
    const rule = testRule({
      name: 'nv',
      kind: 'new_value',
      streams: ['item_usage'],
      params: {
        entity: 'user',
        field: 'country',
        learningDays: 1,
        forgetAfterDays: 90,
        newForHours: 6,
      },
    });
    const got = splitsAgree(rule, stream, rng, { before }, 12);
    expect(got.size).toBeGreaterThan(0);
  });

  it.each([1, 2, 3])('rate_anomaly (seed %d)', (seed) => {
    const rng = new SeededRandom(500 + seed);
    let id = 10;
    const before: DetectEvent[] = [];
    for (let h = 0; h < 10 * 24; h++) {
      for (const user of ['A', 'B']) {
        if (rng.chance(0.3)) {
          before.push(
            detectEvent(
              {
                at: T0 - 10 * DAY + h * HOUR + rng.int(HOUR),
                stream: 'item_usage',
                actorType: 'user',
                actorId: user,
                action: 'reveal',
              },
              String(id++),
            ),
          );
        }
      }
    }
    const specs: EventSpec[] = [];
    for (const hour of [2, 5, 9]) {
      const user = rng.pick(['A', 'B']);
      // Active hours hold about one reveal each: a spike needs several times that.
      const n = 8 + rng.int(10);
      for (let i = 0; i < n; i++) {
        specs.push({
          at: T0 + hour * HOUR + rng.int(HOUR),
          stream: 'item_usage',
          actorType: 'user',
          actorId: user,
          action: rng.pick(['reveal', 'reveal', 'copy']),
        });
      }
    }
    const stream = streamOf(rng, specs, 0.4, 100_000);
    const rule = testRule({
      name: 'ra',
      kind: 'rate_anomaly',
      streams: ['item_usage'],
      filter: { field: 'action', op: 'eq', value: 'reveal' },
      params: { entity: 'user', pValue: 1e-3, minCount: 5, minRatio: 4, baselineDays: 7 },
    });
    const got = splitsAgree(rule, stream, rng, { before, now: new Date(T0 + DAY) });
    expect(got.size).toBeGreaterThan(0);
  });

  it('match', () => {
    const rng = new SeededRandom(600);
    const specs: EventSpec[] = Array.from({ length: 40 }, () => ({
      at: T0 + rng.int(1000) * MIN,
      stream: 'audit_event',
      actorType: 'user',
      actorId: 'A',
      action: rng.pick(['export', 'update']),
      objectType: 'vault',
    }));
    const stream = streamOf(rng, specs, 0.3);
    const rule = testRule({
      name: 'm',
      kind: 'match',
      streams: ['audit_event'],
      filter: { field: 'action', op: 'eq', value: 'export' },
    });
    const got = splitsAgree(rule, stream, rng);
    expect([...got].sort()).toEqual(
      stream
        .filter((e) => e.action === 'export')
        .map((e) => e.id)
        .sort(),
    );
  });
});
