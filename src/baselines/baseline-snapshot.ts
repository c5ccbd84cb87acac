/**
 * What detection reads of the learned baselines, loaded once per batch for the entities the
 * batch touches, as they were before the batch. Pure data: rules never query.
 */

/** Who a baseline describes: a user, a Connect access token (its `jti`), a Connect server. */
export type EntityType = 'user' | 'connect_token' | 'connect_server';

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

export interface SeenValue {
  firstSeen: Date;
  lastSeen: Date;
  count: number;
}

export interface EntityBaseline {
  entityType: EntityType;
  entityId: string;
  /** Event time of the entity's first event, and the number of distinct days it was active. */
  firstEventAt: Date;
  lastEventAt: Date;
  activeDays: number;
  /** dimension → value → when it was seen. */
  seen: Map<BaselineDimension, Map<string, SeenValue>>;
  /** action → hour start (epoch ms, UTC) → events in that hour; the last 90 days. */
  hourly: Map<string, Map<number, number>>;
  lastLocation: {
    at: Date;
    latitude: number;
    longitude: number;
    country: string | null;
    city: string | null;
  } | null;
}

export interface BaselineSnapshot {
  /** Undefined when the entity has no baseline yet (its first events are in this batch). */
  get(entityType: EntityType, entityId: string): EntityBaseline | undefined;
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
