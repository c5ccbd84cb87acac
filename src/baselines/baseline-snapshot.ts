/**
 * What detection reads of the learned baselines, loaded once per batch for the entities the
 * batch touches, as they were before the batch. Pure data: rules never query.
 */

/** Who a baseline describes: a user, a Connect access token (its `jti`), a Connect server. */
export type EntityType = 'user' | 'connect_token' | 'connect_server';
export const ENTITY_TYPES: readonly EntityType[] = ['user', 'connect_token', 'connect_server'];

/** Dimensions whose values are remembered per entity (named like the event fields they read). */
export const BASELINE_DIMENSIONS = [
  'country',
  'city',
  'ip',
  'clientApp',
  'os',
  'vaultId',
  'itemId',
  'userAgent',
  'action',
] as const;
export type BaselineDimension = (typeof BASELINE_DIMENSIONS)[number];

/** The dimensions each entity type remembers (the others stay empty). */
export const DIMENSIONS_BY_ENTITY: Readonly<Record<EntityType, readonly BaselineDimension[]>> = {
  user: ['country', 'city', 'ip', 'clientApp', 'os', 'vaultId', 'action'],
  connect_token: ['ip', 'userAgent', 'vaultId', 'itemId', 'action'],
  connect_server: ['ip', 'userAgent', 'vaultId', 'action'],
};

/** Sign-in attempts are counted per hour under `signin:<category>`, e.g. `signin:credentials_failed`. */
export const SIGNIN_ACTION_PREFIX = 'signin:';

/** One entity's hourly counts of one action (`hourlyActionOf`): what a rule reads of them. */
export interface HourlyKey {
  entityType: EntityType;
  accountId: string;
  entityId: string;
  action: string;
}

export interface SeenValue {
  firstSeen: Date;
  lastSeen: Date;
  count: number;
}

export interface EntityBaseline {
  entityType: EntityType;
  /** The 1Password account the entity belongs to; NO_ACCOUNT for events that name none. */
  accountId: string;
  entityId: string;
  /** Event time of the entity's first event, and the number of distinct days it was active. */
  firstEventAt: Date;
  lastEventAt: Date;
  activeDays: number;
  /** dimension → value → when it was seen. */
  seen: Map<BaselineDimension, Map<string, SeenValue>>;
  /**
   * action → hour start (epoch ms, UTC) → events in that hour; the last 90 days. The action is
   * `hourlyActionOf(event)`: the event's action, or `signin:<category>` for sign-in attempts.
   */
  hourly: Map<string, Map<number, number>>;
  lastLocation: {
    at: Date;
    latitude: number;
    longitude: number;
    country: string | null;
    city: string | null;
  } | null;
  /** Email (else name) of a user, as its newest event gave it; always set by BaselinesService. */
  label?: string | null;
  /** Events counted for this entity, all time; always set by BaselinesService. */
  eventCount?: number;
  /** Sign-in attempts of category `success` (users only); always set by BaselinesService. */
  successfulSignins?: number;
}

export interface BaselineSnapshot {
  /** Undefined when the entity has no baseline yet (its first events are in this batch). */
  get(entityType: EntityType, accountId: string, entityId: string): EntityBaseline | undefined;
}

/**
 * The account of events that name none (stored before accounts were recorded, or from a
 * source that does not say): such entities keep one baseline, as with a single account.
 */
export const NO_ACCOUNT = '';

/**
 * The account an event's entities belong to. The same user uuid or token id in two accounts
 * is two entities: every baseline, and every rule's grouping, is per account.
 */
export function accountOf(event: { accountId: string | null }): string {
  return event.accountId ?? NO_ACCOUNT;
}

/**
 * One entity of one account as one text, for in-memory keys and alert fingerprints: the id
 * alone without an account (as before accounts were recorded), else `<account>/<id>`.
 */
export function scopedEntity(accountId: string, entityId: string): string {
  return accountId === NO_ACCOUNT ? entityId : `${accountId}/${entityId}`;
}

/** The entity a baseline of the given type keeps for an event, if any. */
export function entityOf(
  event: { actorType: string | null; actorId: string | null; connectServerId: string | null },
  entityType: EntityType,
): string | null {
  switch (entityType) {
    case 'user':
      return event.actorType === 'user' ? event.actorId : null;
    case 'connect_token':
      return event.actorType === 'connect_token' ? event.actorId : null;
    case 'connect_server':
      return event.connectServerId;
  }
}

/**
 * The key under which an event is counted in `EntityBaseline.hourly`: sign-in attempts by
 * category (`signin:success`, `signin:credentials_failed`, `signin:unknown` when it is
 * missing), every other event by its action. Null when the event has no action.
 */
export function hourlyActionOf(event: {
  stream: string;
  action: string | null;
  result: string | null;
}): string | null {
  if (event.stream === 'signin_attempt')
    return `${SIGNIN_ACTION_PREFIX}${event.result ?? 'unknown'}`;
  return event.action;
}

/** A snapshot over baselines already in memory (what loadSnapshot returns; handy in tests). */
export function snapshotOf(baselines: Iterable<EntityBaseline>): BaselineSnapshot {
  const keyOf = (entityType: EntityType, accountId: string, entityId: string) =>
    `${entityType}\u0000${accountId}\u0000${entityId}`;
  const byKey = new Map<string, EntityBaseline>();
  for (const baseline of baselines) {
    byKey.set(keyOf(baseline.entityType, baseline.accountId, baseline.entityId), baseline);
  }
  return {
    get: (entityType, accountId, entityId) => byKey.get(keyOf(entityType, accountId, entityId)),
  };
}
