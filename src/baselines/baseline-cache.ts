import {
  type BatchAggregate,
  type EntityKey,
  entityKeyFields,
  entityKeyOf,
  mergeSeen,
  type SeenKey,
} from './baseline-aggregate';
import { lowerBound } from '../common/lower-bound';
import type { BaselineDimension, HourlyKey, SeenValue } from './baseline-snapshot';
import type { EntityHourlySeries, StoredSeen } from './baselines-query.repository';

/** An entity's dimension: what eviction reports, and what the cache then forgets. */
export type EntityDimension = EntityKey & { dimension: BaselineDimension };

/** The seen values a snapshot loads of one entity's dimension (never none). */
export interface SeenOfDimension extends EntityDimension {
  values: Map<string, SeenValue>;
}

/** What is held of one entity's dimension. */
interface SeenGroup {
  kind: 'seen';
  /**
   * Values whose stored row is known: held, or null when there is none. A held value is
   * replaced, never changed, when a pass learns it: a snapshot may share it.
   */
  values: Map<string, SeenValue | null>;
  /** The `cited` most frequent values, as the snapshot query orders them. */
  top: string[];
  /** Every stored value is in `values`: the dimension holds fewer than `cited`. */
  complete: boolean;
}

/** What is held of one entity's counts of one action: every hour since `from`. */
interface HourlyRun {
  kind: 'hourly';
  from: number;
  hourStarts: number[];
  counts: number[];
}

type Held = SeenGroup | HourlyRun;

/** A detection pass's dealings with the cache, from the version it began at. */
export interface CachePass {
  readonly from: string;
}

/** What a committed pass changed: the version its transaction left, what it learned. */
export interface PassChange {
  to: string;
  aggregate: BatchAggregate;
  /** Entities' dimensions of which the pass's learning evicted values. */
  evicted: readonly EntityDimension[];
}

/**
 * The baselines a worker read and learned lately, so that a pass does not read back what the
 * pass before it wrote. It is only a cache of what PostgreSQL holds: trusted while the stored
 * version (bumped by every transaction that changes the baselines) is the one this process's
 * own last pass left, cleared as soon as another process has changed anything. Of seen values
 * it holds exactly what the snapshot query would answer (the values asked about and the
 * `cited` most frequent of each dimension), so a pass judges the same snapshot either way.
 * Bounded: past `maxHeld` values and hours it starts over.
 */
export class BaselineCache {
  private version: string | null = null;
  private readonly held = new Map<string, Held>();
  /** The dimensions of the seen values held: a pass learns many more it never asks about. */
  private readonly heldDimensions = new Set<BaselineDimension>();
  private size = 0;

  constructor(
    private readonly cited: number,
    private readonly maxHeld: number,
  ) {}

  /** At a pass's start, with the stored version read in its transaction. */
  begin(stored: string): CachePass {
    if (stored !== this.version) {
      this.clear();
      this.version = stored;
    }
    return { from: stored };
  }

  /**
   * After a pass committed: what it learned is held too, unless the baselines changed in
   * between by another hand (the version moved by more than the pass's own step).
   */
  committed(pass: CachePass, change: PassChange): void {
    if (this.version !== pass.from || BigInt(change.to) !== BigInt(pass.from) + 1n) {
      this.clear();
      return;
    }
    this.version = change.to;
    for (const pair of change.evicted) this.drop(seenIdOf(pair, pair.dimension));
    this.learnHourly(change.aggregate.hourly);
    this.learnSeen(change.aggregate.seen);
    this.bound();
  }

  clear(): void {
    this.startOver();
    this.version = null;
  }

  /**
   * What the snapshot query would answer for `keys`, of each entity's dimension whose every
   * value asked about is known; and the keys of the others (to read, then `holdSeen`).
   */
  seen(keys: readonly SeenKey[]): { answers: SeenOfDimension[]; unknown: SeenKey[] } {
    const answers: SeenOfDimension[] = [];
    const unknown: SeenKey[] = [];
    for (const [id, asked] of groupBy(keys, (key) => seenIdOf(key, key.dimension))) {
      const group = this.held.get(id);
      if (
        group?.kind !== 'seen' ||
        !asked.every(({ value }) => group.complete || group.values.has(value))
      ) {
        unknown.push(...asked);
        continue;
      }
      const values = new Map<string, SeenValue>();
      for (const { value } of asked) {
        const one = group.values.get(value);
        if (one) values.set(value, one);
      }
      for (const value of group.top) values.set(value, group.values.get(value)!);
      if (values.size > 0)
        answers.push({ ...entityKeyFields(asked[0]), dimension: asked[0].dimension, values });
    }
    return { answers, unknown };
  }

  /** Holds what the snapshot query answered for `asked`. */
  holdSeen(asked: readonly SeenKey[], rows: readonly StoredSeen[]): void {
    const rowsOf = groupBy(rows, (row) => seenIdOf(row, row.dimension));
    for (const [id, keys] of groupBy(asked, (key) => seenIdOf(key, key.dimension))) {
      const found = rowsOf.get(id) ?? [];
      const values = new Map<string, SeenValue | null>();
      for (const { value } of keys) values.set(value, null);
      for (const { value, firstSeen, lastSeen, count } of found) {
        values.set(value, { firstSeen, lastSeen, count });
      }
      // The answer holds the `cited` most frequent values, so it is every value when shorter.
      const group: SeenGroup = {
        kind: 'seen',
        values,
        top: [],
        complete: found.length < this.cited,
      };
      group.top = this.topOf(group, values.keys());
      this.hold(id, group, values.size);
      this.heldDimensions.add(keys[0].dimension);
    }
    this.bound();
  }

  /**
   * Of `keys`, the counts since `since` the cache holds, and the keys it does not. Hours
   * before `since` are let go: passes move forward in time, a late one reads them again. The
   * series are the cache's own arrays, to be read before the pass commits.
   */
  hourly(
    keys: readonly HourlyKey[],
    since: number,
  ): { series: EntityHourlySeries[]; unknown: HourlyKey[] } {
    const series: EntityHourlySeries[] = [];
    const unknown: HourlyKey[] = [];
    for (const key of keys) {
      const run = this.held.get(hourlyIdOf(key));
      if (run?.kind !== 'hourly' || run.from > since) {
        unknown.push(key);
        continue;
      }
      const before = lowerBound(run.hourStarts, since);
      run.hourStarts.splice(0, before);
      run.counts.splice(0, before);
      run.from = since;
      this.size -= before;
      if (run.hourStarts.length === 0) continue;
      series.push({
        ...entityKeyFields(key),
        action: key.action,
        hourStarts: run.hourStarts,
        counts: run.counts,
      });
    }
    return { series, unknown };
  }

  /** Holds the counts read for `keys` since `since` (a key without a series has none). */
  holdHourly(
    keys: readonly HourlyKey[],
    since: number,
    series: readonly EntityHourlySeries[],
  ): void {
    const found = new Map(series.map((one) => [hourlyIdOf(one), one]));
    for (const key of keys) {
      const id = hourlyIdOf(key);
      const one = found.get(id);
      // Kept as read: the pass reads them before it commits, and the cache changes them after.
      const run: HourlyRun = {
        kind: 'hourly',
        from: since,
        hourStarts: one?.hourStarts ?? [],
        counts: one?.counts ?? [],
      };
      this.hold(id, run, run.hourStarts.length);
    }
    this.bound();
  }

  private learnHourly(rows: BatchAggregate['hourly']): void {
    // Rows come sorted by key: one lookup per entity and action.
    let last: { row: HourlyKey; run: HourlyRun | undefined } | null = null;
    for (const row of rows) {
      if (!last || !sameHourlyKey(last.row, row)) {
        const held = this.held.get(hourlyIdOf(row));
        last = { row, run: held?.kind === 'hourly' ? held : undefined };
      }
      const run = last.run;
      const hour = row.hourStart.getTime();
      if (!run || hour < run.from) continue;
      const i = lowerBound(run.hourStarts, hour);
      if (run.hourStarts[i] === hour) {
        run.counts[i] += row.count;
      } else {
        run.hourStarts.splice(i, 0, hour);
        run.counts.splice(i, 0, row.count);
        this.size += 1;
      }
    }
  }

  private learnSeen(rows: BatchAggregate['seen']): void {
    const grown = new Map<SeenGroup, string[]>();
    // Rows come sorted by key: one lookup per entity and dimension.
    let last: { row: EntityDimension; group: SeenGroup | undefined } | null = null;
    for (const row of rows) {
      if (!this.heldDimensions.has(row.dimension)) continue;
      if (!last || !sameDimension(last.row, row)) {
        const held = this.held.get(seenIdOf(row, row.dimension));
        last = { row, group: held?.kind === 'seen' ? held : undefined };
      }
      const group = last.group;
      if (!group) continue;
      const known = group.values.get(row.value);
      if (known === undefined && !group.complete) {
        // A value this process never asked about: its stored row is not known.
        this.drop(seenIdOf(row, row.dimension));
        grown.delete(group);
        last.group = undefined;
        continue;
      }
      if (known === undefined) this.size += 1;
      group.values.set(row.value, mergeSeen(known ?? undefined, row));
      const values = grown.get(group);
      if (values) values.push(row.value);
      else grown.set(group, [row.value]);
    }
    // Only values that grew can enter the most frequent; the others kept their order. While
    // none of the most frequent grew, the last of them is still the one to pass.
    for (const [group, values] of grown) {
      const last = group.top.length === this.cited ? group.top[this.cited - 1] : undefined;
      const entering =
        last === undefined || values.some((value) => group.top.includes(value))
          ? values
          : values.filter((value) => ranksBefore(group, value, last));
      if (entering.length > 0) group.top = this.topOf(group, new Set([...group.top, ...entering]));
    }
  }

  /** The `cited` most frequent of `candidates`, ties by value in code point order. */
  private topOf(group: SeenGroup, candidates: Iterable<string>): string[] {
    const counted: Array<[string, number]> = [];
    for (const value of candidates) {
      const one = group.values.get(value);
      if (one) counted.push([value, one.count]);
    }
    counted.sort((a, b) => b[1] - a[1] || compareCodePoints(a[0], b[0]));
    return counted.slice(0, this.cited).map(([value]) => value);
  }

  private hold(id: string, one: Held, size: number): void {
    this.drop(id);
    this.held.set(id, one);
    this.size += size;
  }

  private drop(id: string): void {
    const one = this.held.get(id);
    if (!one) return;
    this.held.delete(id);
    this.size -= one.kind === 'seen' ? one.values.size : one.hourStarts.length;
  }

  /** Past the bound it starts over, at the same version: what it held stays true. */
  private bound(): void {
    if (this.size > this.maxHeld) this.startOver();
  }

  private startOver(): void {
    this.held.clear();
    this.heldDimensions.clear();
    this.size = 0;
  }
}

/**
 * Code point order, which is the byte order of UTF-8: how PostgreSQL's "C" collation sorts.
 * A surrogate (half of a code point above U+FFFF) sorts after every code unit of the BMP.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xHigh = x >= 0xd800 && x <= 0xdfff;
    const yHigh = y >= 0xd800 && y <= 0xdfff;
    if (xHigh !== yHigh) return xHigh ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Whether `value` comes before `other` among the most frequent: more often, or tied and first. */
function ranksBefore(group: SeenGroup, value: string, other: string): boolean {
  const count = group.values.get(value)!.count;
  const otherCount = group.values.get(other)!.count;
  return count > otherCount || (count === otherCount && compareCodePoints(value, other) < 0);
}

const sameEntity = (a: EntityKey, b: EntityKey): boolean =>
  a.entityId === b.entityId && a.accountId === b.accountId && a.entityType === b.entityType;
const sameDimension = (a: EntityDimension, b: EntityDimension): boolean =>
  a.dimension === b.dimension && sameEntity(a, b);
const sameHourlyKey = (a: HourlyKey, b: HourlyKey): boolean =>
  a.action === b.action && sameEntity(a, b);

const seenIdOf = (entity: EntityKey, dimension: BaselineDimension): string =>
  `s\u0000${entityKeyOf(entity)}\u0000${dimension}`;

const hourlyIdOf = (key: HourlyKey): string => `h\u0000${entityKeyOf(key)}\u0000${key.action}`;

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
