import type { Stream } from '../events/normalize/normalized-event';
import { answerJson, SourceError, sourceRequest } from './source-errors';

export const EVENTS_API_PAGE_LIMIT = 1000;
const DEFAULT_EVENTS_URL = 'https://events.1password.com';
const SERVICE = 'Events API';

/** The Events API feature that grants each stream, and the v2 path that serves it. */
export const EVENTS_API_STREAMS = {
  item_usage: { feature: 'itemusages', path: '/api/v2/itemusages' },
  signin_attempt: { feature: 'signinattempts', path: '/api/v2/signinattempts' },
  audit_event: { feature: 'auditevents', path: '/api/v2/auditevents' },
} as const satisfies Partial<Record<Stream, { feature: string; path: string }>>;

export type EventsApiStream = keyof typeof EVENTS_API_STREAMS;

export type EventsApiRequest =
  { limit: number; start_time: string; end_time?: string } | { cursor: string };

export interface EventsApiPage {
  items: unknown[];
  cursor: string;
  has_more: boolean;
}

export interface Introspection {
  uuid: string;
  issuedAt: string | null;
  features: string[];
  accountUuid: string | null;
}

/**
 * The host named in the token's `aud` claim, as 1Password's own collectors read it
 * (decoded, not verified: the API verifies it). Old tokens name no host.
 */
export function eventsUrlFromToken(token: string): string | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      aud?: unknown;
    };
    const audience: unknown = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
    if (typeof audience !== 'string' || !/^events\.[a-z0-9.-]+$/i.test(audience)) return null;
    return `https://${audience}`;
  } catch {
    return null;
  }
}

export function resolveEventsUrl(configured: string | undefined, token: string): string {
  return (configured ?? eventsUrlFromToken(token) ?? DEFAULT_EVENTS_URL).replace(/\/+$/, '');
}

/** 1Password Events API v2: introspection and cursor-paged streams. */
export class EventsApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    private readonly timeoutMs?: number,
  ) {}

  async introspect(): Promise<Introspection> {
    const answer = await sourceRequest(
      SERVICE,
      `${this.baseUrl}/api/v2/auth/introspect`,
      this.token,
      { timeoutMs: this.timeoutMs },
    );
    const body = (answerJson(SERVICE, answer) ?? {}) as Record<string, unknown>;
    if (!Array.isArray(body.features)) {
      throw new SourceError('unavailable', `${SERVICE} introspection answered without features`);
    }
    return {
      uuid: typeof body.uuid === 'string' ? body.uuid : '',
      issuedAt: typeof body.issued_at === 'string' ? body.issued_at : null,
      features: body.features.filter((feature): feature is string => typeof feature === 'string'),
      accountUuid: typeof body.account_uuid === 'string' ? body.account_uuid : null,
    };
  }

  async page(stream: EventsApiStream, request: EventsApiRequest): Promise<EventsApiPage> {
    const url = `${this.baseUrl}${EVENTS_API_STREAMS[stream].path}`;
    const answer = await sourceRequest(SERVICE, url, this.token, {
      method: 'POST',
      body: request,
      timeoutMs: this.timeoutMs,
    });
    const body = (answerJson(SERVICE, answer) ?? {}) as Partial<EventsApiPage>;
    if (!Array.isArray(body.items) || typeof body.cursor !== 'string') {
      throw new SourceError('unavailable', `${SERVICE} page without items or cursor`);
    }
    return { items: body.items, cursor: body.cursor, has_more: body.has_more === true };
  }
}
