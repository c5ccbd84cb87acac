import type { FieldIssue } from './field-readers';

/** The streams vaultwatch reads. Names follow the detection catalogue. */
export const STREAMS = ['item_usage', 'signin_attempt', 'audit_event', 'connect_activity'] as const;
export type Stream = (typeof STREAMS)[number];

export type ActorType = 'user' | 'connect_token';

/**
 * One 1Password event in the shape every module reads. Ids are case-normalised
 * (Events API uuids upper-case, vault/item and Connect ids lower-case) so they join;
 * enumerations are stored as they arrive, unknown values included.
 */
export interface NormalizedEvent {
  stream: Stream;
  /** Event uuid (Events API) or request id (Connect): unique per stream. */
  externalId: string;
  eventTime: Date;
  actorType: ActorType | null;
  /** User uuid, or the Connect access token's `jti`. */
  actorId: string | null;
  actorEmail: string | null;
  actorName: string | null;
  /** Connect server uuid (`actor.id`) for Connect activity. */
  connectServerId: string | null;
  /** Item-usage action, audit action, Connect action, or `signin` for sign-in attempts. */
  action: string | null;
  /** Sign-in category or Connect result. */
  result: string | null;
  /** Sign-in type. */
  resultDetail: string | null;
  /** Audit events: the object acted on. */
  objectType: string | null;
  objectId: string | null;
  auxId: string | null;
  vaultId: string | null;
  itemId: string | null;
  sessionId: string | null;
  ip: string | null;
  /** ISO 3166-1 alpha-2 when it could be mapped, otherwise the value as received. */
  country: string | null;
  region: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  clientApp: string | null;
  clientVersion: string | null;
  platform: string | null;
  os: string | null;
  userAgent: string | null;
  accountId: string | null;
  /** The object as received, made storable (NUL, lone surrogates, depth and size bounded). */
  raw: Record<string, unknown>;
  /** Fields dropped, shortened or made safe, and why; absent when there were none. */
  issues?: FieldIssue[];
}

export type NormalizeResult =
  { ok: true; event: NormalizedEvent } | { ok: false; reason: string; externalId: string | null };
