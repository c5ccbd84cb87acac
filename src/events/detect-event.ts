import type { NormalizedEvent } from './normalize/normalized-event';

/** A stored event as detection sees it: the normalized fields plus its storage id. */
export interface DetectEvent extends NormalizedEvent {
  /** `events.id` (bigint as a string). */
  id: string;
  ingestedAt: Date;
}

/** Fields a rule may name in filters, group-by and parameters: every normalized field but raw. */
export const EVENT_FIELDS = [
  'stream',
  'externalId',
  'actorType',
  'actorId',
  'actorEmail',
  'actorName',
  'connectServerId',
  'action',
  'result',
  'resultDetail',
  'objectType',
  'objectId',
  'auxId',
  'vaultId',
  'itemId',
  'sessionId',
  'ip',
  'country',
  'region',
  'city',
  'latitude',
  'longitude',
  'clientApp',
  'clientVersion',
  'platform',
  'os',
  'userAgent',
  'accountId',
] as const satisfies ReadonlyArray<keyof NormalizedEvent>;

export type EventField = (typeof EVENT_FIELDS)[number];
