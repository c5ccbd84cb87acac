import fc from 'fast-check';
import { type BatchAggregate, HOUR_MS, type SeenKey } from './baseline-aggregate';
import { BaselineCache, compareCodePoints, type EntityDimension } from './baseline-cache';
import type { BaselineDimension, HourlyKey } from './baseline-snapshot';
import type { EntityHourlySeries, StoredSeen } from './baselines-query.repository';

const CITED = 3;
const CAP = 4;
const ENTITIES = ['u1', 'u2'];
const DIMENSIONS: BaselineDimension[] = ['ip', 'country'];
const ACTIONS = ['reveal', 'export'];
// Ties in count are broken by these: case, accents, the end of the BMP and beyond it.
const VALUES = ['b', 'bb', 'é', '\uffff', '\u{1F600}'];
const HOURS = [0, 1, 2, 3, 5, 8].map((h) => h * HOUR_MS);

const user = (entityId: string) => ({ entityType: 'user' as const, accountId: 'A', entityId });
const groupOf = (key: { entityId: string; dimension: string }) =>
  `${key.entityId}|${key.dimension}`;
const runOf = (key: { entityId: string; action: string }) => `${key.entityId}|${key.action}`;

interface Held {
  first: number;
  last: number;
  count: number;
}

/**
 * What PostgreSQL holds, kept by its statements' rules: the upserts' folds, eviction of the
 * least recently seen past the cap, and the snapshot queries (ties in byte order, as "C").
 */
class Stored {
  version = 0;
  readonly seen = new Map<string, Map<string, Held>>();
  readonly hourly = new Map<string, Map<number, number>>();

  seenFor(keys: readonly SeenKey[]): StoredSeen[] {
    const rows = new Map<string, StoredSeen>();
    const add = (entityId: string, dimension: BaselineDimension, value: string) => {
      const one = this.seen.get(groupOf({ entityId, dimension }))?.get(value);
      if (!one) return;
      rows.set(`${entityId}|${dimension}|${value}`, {
        ...user(entityId),
        dimension,
        value,
        firstSeen: new Date(one.first),
        lastSeen: new Date(one.last),
        count: one.count,
      });
    };
    for (const key of keys) add(key.entityId, key.dimension, key.value);
    for (const key of keys) {
      const values = [...(this.seen.get(groupOf(key)) ?? [])].sort(
        ([a, x], [b, y]) => y.count - x.count || Buffer.compare(Buffer.from(a), Buffer.from(b)),
      );
      for (const [value] of values.slice(0, CITED)) add(key.entityId, key.dimension, value);
    }
    return [...rows.values()];
  }

  hourlyFor(keys: readonly HourlyKey[], since: number): EntityHourlySeries[] {
    const series: EntityHourlySeries[] = [];
    for (const key of keys) {
      const hours = [...(this.hourly.get(runOf(key)) ?? [])]
        .filter(([hour]) => hour >= since)
        .sort(([a], [b]) => a - b);
      if (hours.length === 0) continue;
      series.push({
        ...user(key.entityId),
        action: key.action,
        hourStarts: hours.map(([hour]) => hour),
        counts: hours.map(([, count]) => count),
      });
    }
    return series;
  }

  learn(aggregate: BatchAggregate): EntityDimension[] {
    for (const row of aggregate.hourly) {
      const hours = this.hourly.get(runOf(row)) ?? new Map<number, number>();
      this.hourly.set(runOf(row), hours);
      const hour = row.hourStart.getTime();
      hours.set(hour, (hours.get(hour) ?? 0) + row.count);
    }
    const grown = new Set<string>();
    for (const row of aggregate.seen) {
      const values = this.seen.get(groupOf(row)) ?? new Map<string, Held>();
      this.seen.set(groupOf(row), values);
      const known = values.get(row.value);
      const first = row.firstSeen.getTime();
      const last = row.lastSeen.getTime();
      if (known) {
        values.set(row.value, {
          first: Math.min(known.first, first),
          last: Math.max(known.last, last),
          count: known.count + row.count,
        });
      } else {
        values.set(row.value, { first, last, count: row.count });
        grown.add(groupOf(row));
      }
    }
    const evicted: EntityDimension[] = [];
    for (const group of grown) {
      const values = this.seen.get(group)!;
      if (values.size <= CAP) continue;
      const byRecency = [...values].sort(
        ([a, x], [b, y]) => y.last - x.last || y.first - x.first || (a < b ? -1 : 1),
      );
      for (const [value] of byRecency.slice(CAP)) values.delete(value);
      const [entityId, dimension] = group.split('|');
      evicted.push({ ...user(entityId), dimension: dimension as BaselineDimension });
    }
    this.version += 1;
    return evicted;
  }
}

const seenKeyArb = fc.record({
  entityId: fc.constantFrom(...ENTITIES),
  dimension: fc.constantFrom(...DIMENSIONS),
  value: fc.constantFrom(...VALUES),
});
const hourlyKeyArb = fc.record({
  entityId: fc.constantFrom(...ENTITIES),
  action: fc.constantFrom(...ACTIONS),
});
const timeArb = fc.integer({ min: 0, max: 10 }).map((h) => h * HOUR_MS);

const aggregateArb: fc.Arbitrary<BatchAggregate> = fc
  .record({
    seen: fc.array(
      fc.record({
        key: seenKeyArb,
        times: fc.tuple(timeArb, timeArb),
        count: fc.integer({ min: 1, max: 2 }),
      }),
      { maxLength: 12 },
    ),
    hourly: fc.array(
      fc.record({
        key: hourlyKeyArb,
        hour: fc.constantFrom(...HOURS),
        count: fc.integer({ min: 1, max: 4 }),
      }),
      { maxLength: 6 },
    ),
  })
  .map(({ seen, hourly }) => ({
    profiles: [],
    activeDays: [],
    // One row per key, as aggregateBatch folds a batch.
    seen: [
      ...new Map(seen.map((one) => [`${groupOf(one.key)}|${one.key.value}`, one])).values(),
    ].map(({ key, times: [a, b], count }) => ({
      ...user(key.entityId),
      dimension: key.dimension,
      value: key.value,
      firstSeen: new Date(Math.min(a, b)),
      lastSeen: new Date(Math.max(a, b)),
      count,
    })),
    hourly: [...new Map(hourly.map((one) => [`${runOf(one.key)}|${one.hour}`, one])).values()].map(
      ({ key, hour, count }) => ({
        ...user(key.entityId),
        action: key.action,
        hourStart: new Date(hour),
        count,
      }),
    ),
  }));

/** A detection pass in this worker, a change by another process, or a pass rolled back. */
const stepArb = fc.oneof(
  fc.record({
    kind: fc.constant('pass' as const),
    seen: fc.array(seenKeyArb, { maxLength: 6 }),
    hourly: fc.array(hourlyKeyArb, { maxLength: 3 }),
    since: fc.constantFrom(...HOURS),
    learned: aggregateArb,
    commits: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('elsewhere' as const), learned: aggregateArb }),
);

const sorted = (rows: StoredSeen[]) =>
  rows
    .map((row) => `${groupOf(row)}|${row.value}|${+row.firstSeen}|${+row.lastSeen}|${row.count}`)
    .sort();
const sortedSeries = (series: EntityHourlySeries[]) =>
  series.map((one) => `${runOf(one)}|${one.hourStarts.join(',')}|${one.counts.join(',')}`).sort();

describe('BaselineCache', () => {
  it('answers every pass as the database would, whatever this and other processes learned', () => {
    fc.assert(
      fc.property(
        fc.array(stepArb, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 0, max: 40 }),
        (steps, maxHeld) => {
          const stored = new Stored();
          const cache = new BaselineCache(CITED, maxHeld);
          for (const step of steps) {
            if (step.kind === 'elsewhere') {
              stored.learn(step.learned);
              continue;
            }
            const pass = cache.begin(String(stored.version));
            const seenKeys = step.seen.map((key) => ({ ...user(key.entityId), ...key }));
            const { answers, unknown } = cache.seen(seenKeys);
            const read = stored.seenFor(unknown);
            cache.holdSeen(unknown, read);
            expect(answers.every((answer) => answer.values.size > 0)).toBe(true);
            const answered = answers.flatMap(({ values, ...dimension }) =>
              [...values].map(([value, seen]) => ({ ...dimension, value, ...seen })),
            );
            expect(sorted([...answered, ...read])).toEqual(sorted(stored.seenFor(seenKeys)));

            const hourlyKeys = [
              ...new Map(
                step.hourly.map((key) => [runOf(key), { ...user(key.entityId), ...key }]),
              ).values(),
            ];
            const cached = cache.hourly(hourlyKeys, step.since);
            const readHours = stored.hourlyFor(cached.unknown, step.since);
            cache.holdHourly(cached.unknown, step.since, readHours);
            expect(sortedSeries([...cached.series, ...readHours])).toEqual(
              sortedSeries(stored.hourlyFor(hourlyKeys, step.since)),
            );

            if (!step.commits) continue;
            const evicted = stored.learn(step.learned);
            cache.committed(pass, { to: String(stored.version), aggregate: step.learned, evicted });
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('forgets all it held when another process changed the baselines', () => {
    const cache = new BaselineCache(CITED, 100);
    const key = { ...user('u1'), dimension: 'ip' as const, value: 'a' };
    const first = cache.begin('7');
    cache.holdSeen([key], []);
    const learned: BatchAggregate = { profiles: [], activeDays: [], hourly: [], seen: [] };
    cache.committed(first, { to: '8', aggregate: learned, evicted: [] });
    cache.begin('8');
    expect(cache.seen([key]).unknown).toEqual([]);

    // Another process learned in between: its pass moved the version by two.
    const second = cache.begin('8');
    cache.committed(second, { to: '10', aggregate: learned, evicted: [] });
    cache.begin('10');
    expect(cache.seen([key]).unknown).toEqual([key]);

    // Or it changed the baselines after this process's last pass.
    cache.holdSeen([key], []);
    cache.begin('11');
    expect(cache.seen([key]).unknown).toEqual([key]);
  });

  it('starts over past its bound, so that a pass reads again what it held', () => {
    const cache = new BaselineCache(CITED, 3);
    cache.begin('1');
    const key = (value: string) => ({ ...user('u1'), dimension: 'ip' as const, value });
    cache.holdSeen([key('a'), key('b'), key('c')], []);
    expect(cache.seen([key('a')]).unknown).toEqual([]);
    cache.holdSeen([{ ...key('d'), entityId: 'u2' }], []);
    expect(cache.seen([key('a')]).unknown).toEqual([key('a')]);
  });

  it('orders text by code point, as PostgreSQL\'s "C" collation does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'grapheme' }), (a, b) => {
        expect(Math.sign(compareCodePoints(a, b))).toBe(
          Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))),
        );
      }),
    );
  });
});
