import { teachesNormal } from '../../../baselines/baseline-aggregate';
import {
  accountOf,
  entityOf,
  scopedEntity,
  type BaselineDimension,
  type BaselineSnapshot,
  type EntityBaseline,
  type EntityType,
} from '../../../baselines/baseline-snapshot';
import type { DetectEvent } from '../../../events/detect-event';
import { readField } from '../../engine/filter';

/** One entity of one account, as a pass names it. */
export interface SightedEntity {
  readonly accountId: string;
  /** The entity's id (entityOf). */
  readonly id: string;
  /** The entity of its account (scopedEntity). */
  readonly scoped: string;
  /** Earliest time of its events in the whole pass. */
  first: number;
  /** Positions of its events that teach a value (teachesNormal, a value not empty). */
  readonly taughtAt: number[];
}

/** What is known of a value: first and last time seen, how often (as the baseline keeps it). */
export interface Seen {
  first: number;
  last: number;
  count: number;
}

/**
 * One dimension of one entity type through a pass, event by event in the order the events
 * were stored (position p of `arrivals`): the event's entity and value, the entity's earliest
 * event up to p, and what the entity's events stored before p taught of that value, as the
 * baseline aggregation learns it (`teachesNormal`: a failed sign-in or a denied Connect request
 * teaches nothing). Worked out once per pass for every new_value rule on the same entity type
 * and dimension: each would otherwise walk the whole pass to learn the same.
 */
export class PassSightings {
  readonly entities: Array<SightedEntity | null>;
  readonly values: Array<string | null>;
  private readonly firstAt: Float64Array;
  private readonly seenFirst: Float64Array;
  private readonly seenLast: Float64Array;
  private readonly seenCount: Float64Array;

  constructor(
    readonly arrivals: readonly DetectEvent[],
    entityType: EntityType,
    dimension: BaselineDimension,
  ) {
    const n = arrivals.length;
    this.entities = new Array<SightedEntity | null>(n).fill(null);
    this.values = new Array<string | null>(n).fill(null);
    this.firstAt = new Float64Array(n);
    this.seenFirst = new Float64Array(n);
    this.seenLast = new Float64Array(n);
    this.seenCount = new Float64Array(n);
    /** Account → entity → the entity and the values its events taught so far. */
    const states = new Map<
      string,
      Map<string, { entity: SightedEntity; seen: Map<string, Seen> }>
    >();
    for (let p = 0; p < n; p++) {
      const e = arrivals[p];
      const id = entityOf(e, entityType);
      if (id === null || id === '') continue;
      const accountId = accountOf(e);
      let ofAccount = states.get(accountId);
      if (!ofAccount) {
        ofAccount = new Map();
        states.set(accountId, ofAccount);
      }
      let state = ofAccount.get(id);
      if (!state) {
        const scoped = scopedEntity(accountId, id);
        state = {
          entity: { accountId, id, scoped, first: Infinity, taughtAt: [] },
          seen: new Map(),
        };
        ofAccount.set(id, state);
      }
      const { entity, seen } = state;
      const t = e.eventTime.getTime();
      if (t < entity.first) entity.first = t;
      this.entities[p] = entity;
      this.firstAt[p] = entity.first;
      const value = valueOf(e, dimension);
      this.values[p] = value;
      if (value === null) continue;
      const known = seen.get(value);
      if (known !== undefined) {
        this.seenFirst[p] = known.first;
        this.seenLast[p] = known.last;
        this.seenCount[p] = known.count;
      }
      if (value === '' || !teachesNormal(e)) continue;
      entity.taughtAt.push(p);
      see(seen, value, t, known);
    }
  }

  /** The entity's earliest event time among the events up to and including position p. */
  firstUpTo(p: number): number {
    return this.firstAt[p];
  }

  /** What the entity's events stored before position p taught of p's value; undefined: nothing. */
  seenBefore(p: number): Seen | undefined {
    const count = this.seenCount[p];
    if (count === 0) return undefined;
    return { first: this.seenFirst[p], last: this.seenLast[p], count };
  }

  /** Every value the entity's events stored before position p taught. */
  allSeenBefore(entity: SightedEntity, p: number): Map<string, Seen> {
    const all = new Map<string, Seen>();
    for (const q of entity.taughtAt) {
      if (q >= p) break;
      see(all, this.values[q]!, this.arrivals[q].eventTime.getTime());
    }
    return all;
  }
}

/** One more sighting of the value at t, folded as the baseline folds them. */
function see(
  seen: Map<string, Seen>,
  value: string,
  t: number,
  known: Seen | undefined = seen.get(value),
): void {
  if (known === undefined) seen.set(value, { first: t, last: t, count: 1 });
  else {
    if (t < known.first) known.first = t;
    if (t > known.last) known.last = t;
    known.count++;
  }
}

/** The pass's sightings per arrivals array, entity type and dimension: made once, read by all. */
const sightingsByPass = new WeakMap<readonly DetectEvent[], Map<string, PassSightings>>();

export function passSightings(
  arrivals: readonly DetectEvent[],
  entityType: EntityType,
  dimension: BaselineDimension,
): PassSightings {
  let ofPass = sightingsByPass.get(arrivals);
  if (!ofPass) {
    ofPass = new Map();
    sightingsByPass.set(arrivals, ofPass);
  }
  const key = `${entityType}\u0000${dimension}`;
  let sightings = ofPass.get(key);
  if (!sightings) {
    sightings = new PassSightings(arrivals, entityType, dimension);
    ofPass.set(key, sightings);
  }
  return sightings;
}

/** Each sighted entity's baseline, looked up once. */
export function baselinesOf(
  snapshot: BaselineSnapshot,
  entityType: EntityType,
): (entity: SightedEntity) => EntityBaseline | undefined {
  const found = new Map<SightedEntity, EntityBaseline | undefined>();
  return (entity) => {
    if (found.has(entity)) return found.get(entity);
    const baseline = snapshot.get(entityType, entity.accountId, entity.id);
    found.set(entity, baseline);
    return baseline;
  };
}

/** The event's value of the dimension as text (null: it has none). */
export function valueOf(e: DetectEvent, dimension: BaselineDimension): string | null {
  const raw = readField(e, dimension);
  return raw === null || typeof raw === 'string' ? raw : String(raw);
}
