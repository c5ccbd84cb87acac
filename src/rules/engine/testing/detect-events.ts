import type { DetectEvent } from '../detect-event';

/**
 * Builders for detection tests and template fixtures: a DetectEvent from the few fields a
 * case cares about, every other field null.
 */
export type EventSpec = Partial<Omit<DetectEvent, 'eventTime' | 'ingestedAt' | 'raw'>> & {
  /** Event time: ISO text or epoch ms. */
  at: string | number;
};

export function detectEvent(spec: EventSpec, id: string): DetectEvent {
  const { at, ...fields } = spec;
  const eventTime = new Date(at);
  if (Number.isNaN(eventTime.getTime())) throw new RangeError(`bad event time ${String(at)}`);
  return {
    stream: 'item_usage',
    externalId: `ext-${id}`,
    actorType: null,
    actorId: null,
    actorEmail: null,
    actorName: null,
    connectServerId: null,
    action: null,
    result: null,
    resultDetail: null,
    objectType: null,
    objectId: null,
    auxId: null,
    vaultId: null,
    itemId: null,
    sessionId: null,
    ip: null,
    country: null,
    region: null,
    city: null,
    latitude: null,
    longitude: null,
    clientApp: null,
    clientVersion: null,
    platform: null,
    os: null,
    userAgent: null,
    accountId: null,
    ...fields,
    raw: {},
    id,
    eventTime,
    ingestedAt: eventTime,
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
