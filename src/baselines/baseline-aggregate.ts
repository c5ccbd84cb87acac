import type { DetectEvent } from '../events/detect-event';
import {
  accountOf,
  type BaselineDimension,
  DIMENSIONS_BY_ENTITY,
  ENTITY_TYPES,
  type EntityType,
  entityOf,
  hourlyActionOf,
  type SeenValue,
} from './baseline-snapshot';
import { HOURLY_RETENTION_DAYS } from './baseline-horizon';

/**
 * Text kept per value, action and label (a long user agent is cut): index entries have a
 * size limit, and one oversized value must never fail a detection batch over and over.
 */
export const MAX_TEXT_LENGTH = 512;
/** Longer ids are no real uuid, jti or server id: such events teach no baseline. */
export const MAX_ENTITY_ID_LENGTH = 256;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** One entity of one account (NO_ACCOUNT for events that name none). */
export interface EntityKey {
  entityType: EntityType;
  accountId: string;
  entityId: string;
}

export interface LocationDelta {
  at: Date;
  latitude: number;
  longitude: number;
  country: string | null;
  city: string | null;
}

/** What one batch adds to an entity's profile. */
export interface ProfileDelta extends EntityKey {
  /** The label of the newest event that carries one, and that event's time. */
  label: string | null;
  labelAt: Date | null;
  firstEventAt: Date;
  lastEventAt: Date;
  eventCount: number;
  successfulSignins: number;
  /** The located event with the greatest event time, if any taught a location. */
  location: LocationDelta | null;
}

/** A UTC day on which the entity was active (`YYYY-MM-DD`). */
export interface ActiveDayRow extends EntityKey {
  day: string;
}

export interface HourlyDelta extends EntityKey {
  action: string;
  hourStart: Date;
  count: number;
}

export interface SeenDelta extends EntityKey {
  dimension: BaselineDimension;
  value: string;
  firstSeen: Date;
  lastSeen: Date;
  count: number;
}

/**
 * One batch folded into the rows it adds, one row per key, each list sorted by its key so
 * that two workers upserting overlapping batches take row locks in the same order.
 */
export interface BatchAggregate {
  profiles: ProfileDelta[];
  activeDays: ActiveDayRow[];
  hourly: HourlyDelta[];
  seen: SeenDelta[];
}

/**
 * Whether an event may teach an entity what is normal for it (seen values, last location).
 * A failed sign-in or a denied Connect request is the attacker's behaviour as often as the
 * owner's: it is counted (hourly, profile) but its country, IP or client is not learned, so
 * a later success from there still looks new.
 */
export function teachesNormal(event: DetectEvent): boolean {
  if (event.stream === 'signin_attempt') return event.result === 'success';
  if (event.stream === 'connect_activity') return event.result?.toUpperCase() !== 'DENY';
  return true;
}

const SEP = '\u0000';

/** One entity of one account as one text, for in-memory maps keyed by entity. */
export const entityKeyOf = (key: EntityKey): string =>
  `${key.entityType}${SEP}${key.accountId}${SEP}${key.entityId}`;

/** The entity a row or key names, without its other fields. */
export const entityKeyFields = ({ entityType, accountId, entityId }: EntityKey): EntityKey => ({
  entityType,
  accountId,
  entityId,
});

/** A remembered value with more sightings of it folded in, as the database's upsert folds them. */
export function mergeSeen(known: SeenValue | undefined, more: SeenValue): SeenValue {
  if (!known) return { firstSeen: more.firstSeen, lastSeen: more.lastSeen, count: more.count };
  return {
    firstSeen:
      more.firstSeen.getTime() < known.firstSeen.getTime() ? more.firstSeen : known.firstSeen,
    lastSeen: more.lastSeen.getTime() > known.lastSeen.getTime() ? more.lastSeen : known.lastSeen,
    count: known.count + more.count,
  };
}

/** Plain code-unit order: the same in every process, whatever the locale or collation. */
export function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

const sortedBy = <T>(rows: Iterable<T>, key: (row: T) => string[]): T[] =>
  [...rows]
    .map((row) => ({ row, key: key(row) }))
    .sort((a, b) => compareKeys(a.key, b.key))
    .map(({ row }) => row);

export const floorToHour = (ms: number): number => Math.floor(ms / HOUR_MS) * HOUR_MS;
export const utcDay = (date: Date): string => date.toISOString().slice(0, 10);

const clip = (text: string | null): string | null =>
  text === null || text.length <= MAX_TEXT_LENGTH ? text : text.slice(0, MAX_TEXT_LENGTH);

function labelOf(entityType: EntityType, event: DetectEvent): string | null {
  return entityType === 'user' ? clip(event.actorEmail ?? event.actorName) : null;
}

/**
 * Keeps the `cap` most recently seen values (as the database keeps them), deleting the others
 * from `values`.
 */
export function evictLeastRecent(values: Map<string, SeenValue>, cap: number): void {
  if (values.size <= cap) return;
  const byRecency = [...values].sort(
    ([va, a], [vb, b]) =>
      b.lastSeen.getTime() - a.lastSeen.getTime() ||
      b.firstSeen.getTime() - a.firstSeen.getTime() ||
      (va < vb ? -1 : va > vb ? 1 : 0),
  );
  for (const [value] of byRecency.slice(cap)) values.delete(value);
}

/** One seen value of one entity: what a batch asks the baselines about. */
export interface SeenKey extends EntityKey {
  dimension: BaselineDimension;
  value: string;
}

// Makers written once: an arrow function written at the call would be a new closure each call.
const newMap = <K, V>(): Map<K, V> => new Map<K, V>();
const newSet = <T>(): Set<T> => new Set<T>();

/**
 * The value under `key`, made by `make` when missing. Batch folds key their maps level by
 * level (entity type, account, id, then what is counted) with texts as they came: one text
 * joining them all would be built, then hashed whole, for every event.
 */
function child<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/** Entity type → account → entity id → what a fold keeps of that entity. */
type ByEntity<T> = Map<EntityType, Map<string, Map<string, T>>>;

function entityEntry<T>(
  byEntity: ByEntity<T>,
  entityType: EntityType,
  accountId: string,
  entityId: string,
  make: () => T,
): T {
  const byAccount = child(byEntity, entityType, newMap<string, Map<string, T>>);
  return child(child(byAccount, accountId, newMap<string, T>), entityId, make);
}

function* entriesOf<T>(byEntity: ByEntity<T>): Generator<T> {
  for (const byAccount of byEntity.values()) {
    for (const byId of byAccount.values()) yield* byId.values();
  }
}

/**
 * The seen values a batch may ask about: for each of its events and each wanted
 * (entity type, dimension), the event's value as judged and as stored (clipped).
 */
export function seenKeysOf(
  events: readonly DetectEvent[],
  wanted: ReadonlyArray<{ entityType: EntityType; dimension: BaselineDimension }>,
): SeenKey[] {
  const valuesOf: ByEntity<Map<BaselineDimension, Set<string>>> = new Map();
  const keys: SeenKey[] = [];
  for (const event of events) {
    const accountId = accountOf(event);
    for (const { entityType, dimension } of wanted) {
      const entityId = entityOf(event, entityType);
      const raw: unknown = event[dimension];
      if (!entityId || typeof raw !== 'string' || raw === '') continue;
      const values = child(
        entityEntry(
          valuesOf,
          entityType,
          accountId,
          entityId,
          newMap<BaselineDimension, Set<string>>,
        ),
        dimension,
        newSet<string>,
      );
      // Written out rather than looped over [raw, clipped]: no array per event and dimension.
      if (!values.has(raw)) {
        values.add(raw);
        keys.push({ entityType, accountId, entityId, dimension, value: raw });
      }
      const clipped = raw.length > MAX_TEXT_LENGTH ? clip(raw)! : null;
      if (clipped !== null && !values.has(clipped)) {
        values.add(clipped);
        keys.push({ entityType, accountId, entityId, dimension, value: clipped });
      }
    }
  }
  return keys;
}

/** What one batch adds to one entity. */
interface EntityFold {
  profile: ProfileDelta;
  days: Set<string>;
  /** action → hour start (epoch ms) → row. */
  hourly: Map<string, Map<number, HourlyDelta>>;
  seen: Map<BaselineDimension, Map<string, SeenDelta>>;
}

/**
 * The fold of one entity, made empty at its first event. Written out rather than with `child`:
 * it runs for every event and entity type, and a closure per call is garbage at that rate.
 */
function foldOf(
  folds: ByEntity<EntityFold>,
  entityType: EntityType,
  accountId: string,
  entityId: string,
  time: Date,
): EntityFold {
  let byAccount = folds.get(entityType);
  if (byAccount === undefined) {
    byAccount = new Map();
    folds.set(entityType, byAccount);
  }
  let byId = byAccount.get(accountId);
  if (byId === undefined) {
    byId = new Map();
    byAccount.set(accountId, byId);
  }
  let fold = byId.get(entityId);
  if (fold === undefined) {
    fold = {
      profile: {
        entityType,
        accountId,
        entityId,
        label: null,
        labelAt: null,
        firstEventAt: time,
        lastEventAt: time,
        eventCount: 0,
        successfulSignins: 0,
        location: null,
      },
      days: new Set<string>(),
      hourly: new Map(),
      seen: new Map(),
    };
    byId.set(entityId, fold);
  }
  return fold;
}

/**
 * Folds a batch into per-key increments (pure; `now` decides which events are too old for
 * hourly counts). Events count in the hour of their event time, so late events land in
 * their own hour; events older than 90 days before `now` still update the profile, the
 * active days and the seen values, but no hourly count.
 */
export function aggregateBatch(events: readonly DetectEvent[], now: Date): BatchAggregate {
  const hourlyFloor = now.getTime() - HOURLY_RETENTION_DAYS * DAY_MS;
  const folds: ByEntity<EntityFold> = new Map();
  // One text per day and per action, so that the sets and maps keyed by them hash each once.
  // This loop's lookups are written out, as in foldOf: through `child` it took a tenth longer.
  const dayTexts = new Map<number, string>();
  const actionTexts = new Map<string, string>();

  for (const event of events) {
    const time = event.eventTime;
    const ms = time.getTime();
    const teaches = teachesNormal(event);
    const action = hourlyActionOf(event);
    let hourAction = action === null ? null : actionTexts.get(action);
    if (hourAction === undefined) {
      hourAction = clip(action)!;
      actionTexts.set(action!, hourAction);
    }
    const accountId = accountOf(event);
    const dayNumber = Math.floor(ms / DAY_MS);
    let day = dayTexts.get(dayNumber);
    if (day === undefined) {
      day = utcDay(time);
      dayTexts.set(dayNumber, day);
    }
    // Null when the event counts in no hour: it has no action, or is too old to be kept.
    const hourStart = hourAction !== null && ms >= hourlyFloor ? floorToHour(ms) : null;
    for (const entityType of ENTITY_TYPES) {
      const entityId = entityOf(event, entityType);
      if (entityId === null || entityId === '' || entityId.length > MAX_ENTITY_ID_LENGTH) continue;
      const fold = foldOf(folds, entityType, accountId, entityId, time);

      const profile = fold.profile;
      profile.eventCount += 1;
      // Dates compared by their numbers: a relational operator on two Dates is ten times slower.
      if (ms < profile.firstEventAt.getTime()) profile.firstEventAt = time;
      if (ms > profile.lastEventAt.getTime()) profile.lastEventAt = time;
      if (event.stream === 'signin_attempt' && event.result === 'success') {
        profile.successfulSignins += 1;
      }
      const label = labelOf(entityType, event);
      if (label !== null && (profile.labelAt === null || ms >= profile.labelAt.getTime())) {
        profile.label = label;
        profile.labelAt = time;
      }
      if (
        teaches &&
        event.latitude !== null &&
        event.longitude !== null &&
        (profile.location === null || ms > profile.location.at.getTime())
      ) {
        profile.location = {
          at: time,
          latitude: event.latitude,
          longitude: event.longitude,
          country: event.country,
          city: event.city,
        };
      }

      fold.days.add(day);

      if (hourStart !== null) {
        let hours = fold.hourly.get(hourAction!);
        if (hours === undefined) {
          hours = new Map<number, HourlyDelta>();
          fold.hourly.set(hourAction!, hours);
        }
        const row = hours.get(hourStart);
        if (row) row.count += 1;
        else {
          hours.set(hourStart, {
            entityType,
            accountId,
            entityId,
            action: hourAction!,
            hourStart: new Date(hourStart),
            count: 1,
          });
        }
      }

      if (!teaches) continue;
      for (const dimension of DIMENSIONS_BY_ENTITY[entityType]) {
        const value = clip(event[dimension]);
        if (value === null || value === '') continue;
        let values = fold.seen.get(dimension);
        if (values === undefined) {
          values = new Map<string, SeenDelta>();
          fold.seen.set(dimension, values);
        }
        const row = values.get(value);
        if (row) {
          row.count += 1;
          if (ms < row.firstSeen.getTime()) row.firstSeen = time;
          if (ms > row.lastSeen.getTime()) row.lastSeen = time;
        } else {
          values.set(value, {
            entityType,
            accountId,
            entityId,
            dimension,
            value,
            firstSeen: time,
            lastSeen: time,
            count: 1,
          });
        }
      }
    }
  }

  const profiles: ProfileDelta[] = [];
  const activeDays: ActiveDayRow[] = [];
  const hourly: HourlyDelta[] = [];
  const seen: SeenDelta[] = [];
  for (const fold of entriesOf(folds)) {
    const { entityType, accountId, entityId } = fold.profile;
    profiles.push(fold.profile);
    for (const day of fold.days) activeDays.push({ entityType, accountId, entityId, day });
    for (const hours of fold.hourly.values()) hourly.push(...hours.values());
    for (const values of fold.seen.values()) seen.push(...values.values());
  }

  return {
    profiles: sortedBy(profiles, (r) => [r.entityType, r.entityId, r.accountId]),
    activeDays: sortedBy(activeDays, (r) => [r.entityType, r.entityId, r.accountId, r.day]),
    // Hour starts are epoch ms of equal length up to year 2286: as strings they sort as numbers.
    hourly: sortedBy(hourly, (r) => [
      r.entityType,
      r.entityId,
      r.accountId,
      r.action,
      String(r.hourStart.getTime()).padStart(15, '0'),
    ]),
    seen: sortedBy(seen, (r) => [r.entityType, r.entityId, r.accountId, r.dimension, r.value]),
  };
}
