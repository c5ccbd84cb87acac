import type { NormalizedEvent } from '../../../src/events/normalize/normalized-event';
import type { DetectEvent } from '../../../src/events/detect-event';
import type { EventSpec } from '../../../src/rules/templates/fixture-data';

export type { EventSpec } from '../../../src/rules/templates/fixture-data';

/** A DetectEvent from its data form (tests, template fixtures): unnamed fields are null. */

export function detectEvent(spec: EventSpec, id: string): DetectEvent {
  const { at, ...fields } = spec;
  const eventTime = new Date(at);
  if (Number.isNaN(eventTime.getTime())) throw new RangeError(`bad event time ${String(at)}`);
  return {
    id,
    stream: fields.stream ?? 'item_usage',
    externalId: fields.externalId ?? `ext-${id}`,
    eventTime,
    ingestedAt: eventTime,
    actorType: fields.actorType ?? null,
    actorId: fields.actorId ?? null,
    actorEmail: fields.actorEmail ?? null,
    actorName: fields.actorName ?? null,
    connectServerId: fields.connectServerId ?? null,
    action: fields.action ?? null,
    result: fields.result ?? null,
    resultDetail: fields.resultDetail ?? null,
    objectType: fields.objectType ?? null,
    objectId: fields.objectId ?? null,
    auxId: fields.auxId ?? null,
    vaultId: fields.vaultId ?? null,
    itemId: fields.itemId ?? null,
    sessionId: fields.sessionId ?? null,
    ip: fields.ip ?? null,
    country: fields.country ?? null,
    region: fields.region ?? null,
    city: fields.city ?? null,
    latitude: fields.latitude ?? null,
    longitude: fields.longitude ?? null,
    clientApp: fields.clientApp ?? null,
    clientVersion: fields.clientVersion ?? null,
    platform: fields.platform ?? null,
    os: fields.os ?? null,
    userAgent: fields.userAgent ?? null,
    accountId: fields.accountId ?? null,
    raw: {},
  };
}

/**
 * A DetectEvent from a normalized event, built as one fixed-shape literal (as the worker's
 * row mapper does): objects made by spreading a normalized event read many times slower.
 */
export function detectEventFrom(n: NormalizedEvent, id: string, ingestedAt: Date): DetectEvent {
  return {
    id,
    stream: n.stream,
    externalId: n.externalId,
    eventTime: n.eventTime,
    ingestedAt,
    actorType: n.actorType,
    actorId: n.actorId,
    actorEmail: n.actorEmail,
    actorName: n.actorName,
    connectServerId: n.connectServerId,
    action: n.action,
    result: n.result,
    resultDetail: n.resultDetail,
    objectType: n.objectType,
    objectId: n.objectId,
    auxId: n.auxId,
    vaultId: n.vaultId,
    itemId: n.itemId,
    sessionId: n.sessionId,
    ip: n.ip,
    country: n.country,
    region: n.region,
    city: n.city,
    latitude: n.latitude,
    longitude: n.longitude,
    clientApp: n.clientApp,
    clientVersion: n.clientVersion,
    platform: n.platform,
    os: n.os,
    userAgent: n.userAgent,
    accountId: n.accountId,
    raw: {},
  };
}

/** Events in storage order: ids 1, 2, 3… (or from `firstId`) in the order given. */
export function detectEvents(specs: readonly EventSpec[], firstId = 1): DetectEvent[] {
  return specs.map((spec, i) => detectEvent(spec, String(firstId + i)));
}

/** Seeded PRNG (mulberry32) for property-style tests. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}
