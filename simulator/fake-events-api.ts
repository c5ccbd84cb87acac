import { randomBytes } from 'node:crypto';
import {
  FakeHttpServer,
  FaultQueue,
  RateLimiter,
  ReleaseLog,
  signJwt,
  toTimed,
  type FaultOptions,
  type IncomingRequest,
  type RandomFaultOptions,
  type Reply,
} from './fake-http';
import { hashSeed, Rng, upperId } from './scenario/prng';
import type { EventsStream, Scenario, TimedEvent } from './scenario/types';
import { SimClock, type Clock } from './sim-clock';

export type EventsFeature = EventsStream;
export const EVENTS_FEATURES: readonly EventsFeature[] = [
  'itemusages',
  'signinattempts',
  'auditevents',
];

export interface FakeEventsApiOptions {
  /** Decides what is due. Default: a real-time SimClock starting now. */
  clock?: Clock;
  /** Returned by introspection. Default: random. */
  accountUuid?: string;
  /** Token audience (the events host). Default 'events.1password.com'. */
  host?: string;
  /** Requests per minute / hour before 429 (the real API: 600 and 30,000). Default: none. */
  rateLimit?: { perMinute?: number; perHour?: number };
  /** Makes tokens and ids reproducible (given the same clock). Default: random. */
  seed?: number | string;
  /** Error body shape: spec 1.2.0 `{"Error":{"Message"}}` (default) or 1.4.1 `{status, message}`. */
  errorShape?: 'Error' | 'status';
  /** Served entries examined per request to fill a page (bounds the cost of filtered pages). */
  maxScanPerRequest?: number;
  /** Answer 400 unless the request says `Content-Type: application/json`. Default true. */
  requireJsonContentType?: boolean;
  maxLoggedRequests?: number;
  /** Seeded random 429s, 500s, resets and slow answers on every route. Default: none. */
  randomFaults?: RandomFaultOptions;
}

export interface CreateEventsTokenOptions {
  /** Default: all three. */
  features?: readonly EventsFeature[];
  /** JWT `aud[0]`. Default: the server's host. */
  aud?: string;
  issuedAt?: Date;
  expiresAt?: Date;
}

export interface EventsTokenInfo {
  uuid: string;
  features: EventsFeature[];
  issuedAt: Date;
  expiresAt: Date | undefined;
  revoked: boolean;
}

/** A loadable event: a scenario event, or any raw object with its availability time. */
export interface LoadableEvent {
  raw: { timestamp?: unknown } & object;
  availableAt: number;
  timeMs?: number;
}

interface CursorState {
  v: 1;
  s: EventsFeature;
  /** Position in the stream's served order. */
  p: number;
  l: number;
  /** Event-time filter: from (inclusive), to (exclusive, null = open). */
  f: number;
  t: number | null;
}

const HOUR_MS = 3_600_000;
const PATH = /^\/api\/(v1|v2)\/(itemusages|signinattempts|auditevents)$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The 1Password Events API over HTTP on 127.0.0.1, with the contract real pollers meet:
 * reset cursors and continuing cursors, `has_more`, limits 1..1000, 400/401/429 and late data.
 *
 * Each stream is served in availability order (the order the events became visible), so an
 * item usage that syncs late is served after newer events; the cursor is the position in that
 * order plus the reset cursor's filter, so it keeps working as events keep arriving.
 */
export class FakeEventsApi extends FakeHttpServer {
  readonly accountUuid: string;
  readonly host: string;
  private readonly logs: Record<EventsFeature, ReleaseLog<object>> = {
    itemusages: new ReleaseLog(),
    signinattempts: new ReleaseLog(),
    auditevents: new ReleaseLog(),
  };
  private readonly tokens = new Map<string, EventsTokenInfo>();
  private readonly faults = new FaultQueue();
  private limiter: RateLimiter | undefined;
  private readonly secret: string;
  private readonly ids: Rng;
  private tokenCount = 0;
  private readonly errorShape: 'Error' | 'status';
  private readonly maxScan: number;
  private readonly requireJson: boolean;

  constructor(options: FakeEventsApiOptions = {}) {
    super({
      clock: options.clock ?? new SimClock({ start: Date.now() }),
      maxLoggedRequests: options.maxLoggedRequests,
      randomFaults: options.randomFaults,
    });
    const seed = options.seed ?? randomBytes(8).toString('hex');
    this.ids = Rng.from(seed, 'fake-events-api');
    this.secret = String(hashSeed(seed, 'secret'));
    const generatedAccount = upperId(0x7fff0000, this.ids); // drawn always: tokens stay reproducible
    this.accountUuid = options.accountUuid ?? generatedAccount;
    this.host = options.host ?? 'events.1password.com';
    this.errorShape = options.errorShape ?? 'Error';
    this.maxScan = options.maxScanPerRequest ?? 100_000;
    this.requireJson = options.requireJsonContentType ?? true;
    this.setRateLimit(options.rateLimit);
  }

  // ---- tokens -------------------------------------------------------------------------------

  /** A JWT-shaped bearer token with `aud: [host]` and `1password.com/fts: features`. */
  createToken(options: CreateEventsTokenOptions = {}): string {
    const features = [...(options.features ?? EVENTS_FEATURES)];
    const issuedAt = options.issuedAt ?? this.clock.now();
    const n = ++this.tokenCount;
    const uuid = upperId(0x7fff0000 + n, this.ids);
    const token = signJwt(
      this.secret,
      { alg: 'ES256', kid: upperId(0x7ffe0000 + n, this.ids).toLowerCase(), typ: 'JWT' },
      {
        '1password.com/auuid': this.accountUuid,
        '1password.com/token': upperId(0x7ffd0000 + n, this.ids)
          .toLowerCase()
          .slice(0, 16),
        '1password.com/fts': features,
        aud: [options.aud ?? this.host],
        sub: uuid,
        iat: Math.floor(issuedAt.getTime() / 1000),
        ...(options.expiresAt ? { exp: Math.floor(options.expiresAt.getTime() / 1000) } : {}),
        iss: 'com.1password.b5',
      },
    );
    this.tokens.set(token, {
      uuid,
      features,
      issuedAt,
      expiresAt: options.expiresAt,
      revoked: false,
    });
    return token;
  }

  revokeToken(token: string): void {
    const info = this.tokens.get(token);
    if (info) info.revoked = true;
  }

  tokenInfo(token: string): Readonly<EventsTokenInfo> | undefined {
    return this.tokens.get(token);
  }

  // ---- faults and limits --------------------------------------------------------------------

  /** The next `count` requests (of `stream` only, if given) fail with `status`. */
  failNext(count: number, options: FaultOptions & { stream?: EventsFeature }): void {
    this.faults.add(count, options, options.stream);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  setRateLimit(limit: { perMinute?: number; perHour?: number } | undefined): void {
    const windows: Array<{ limit: number; windowMs: number }> = [];
    if (limit?.perMinute !== undefined) windows.push({ limit: limit.perMinute, windowMs: 60_000 });
    if (limit?.perHour !== undefined) windows.push({ limit: limit.perHour, windowMs: HOUR_MS });
    this.limiter = windows.length > 0 ? new RateLimiter(windows) : undefined;
  }

  // ---- data ---------------------------------------------------------------------------------

  /** Adds events to a stream; each is served once the clock reaches its `availableAt`. */
  load(stream: EventsFeature, events: Iterable<LoadableEvent>): void {
    const log = this.logs[stream];
    const timed: Array<TimedEvent<object>> = [];
    for (const e of events) timed.push(toTimed(e));
    log.load(timed);
  }

  /** Serves any values as they are, malformed or not an object at all, in the order given. */
  loadRaw(
    stream: EventsFeature,
    values: readonly unknown[],
    timeMs: number,
    availableAt = timeMs,
  ): void {
    this.logs[stream].load(values.map((raw) => ({ raw: raw as object, timeMs, availableAt })));
  }

  loadScenario(scenario: Pick<Scenario, 'itemUsages' | 'signInAttempts' | 'auditEvents'>): void {
    this.load('itemusages', scenario.itemUsages);
    this.load('signinattempts', scenario.signInAttempts);
    this.load('auditevents', scenario.auditEvents);
  }

  /** One raw event, served from `availableAt` (default: now). */
  push(stream: EventsFeature, raw: { timestamp: string } & object, availableAt?: number): void {
    this.load(stream, [{ raw, availableAt: availableAt ?? this.clock.nowMs() }]);
  }

  /** Events served so far (as of the clock now) and still waiting. */
  stats(stream: EventsFeature): { served: number; waiting: number } {
    const log = this.logs[stream];
    log.release(this.clock.nowMs());
    return { served: log.released, waiting: log.waiting };
  }

  clear(): void {
    for (const log of Object.values(this.logs)) log.clear();
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  protected handle(req: IncomingRequest): Reply {
    if (req.path === '/api/v2/auth/introspect' || req.path === '/api/auth/introspect') {
      if (req.method !== 'GET') return this.error(405, 'Method Not Allowed');
      const fault = this.faults.take([]);
      if (fault) return this.faultReply(fault);
      const info = this.authenticate(req.bearer);
      if (!info) return this.error(401, 'Unauthorized');
      const issuedAt = info.issuedAt.toISOString();
      return req.path === '/api/auth/introspect'
        ? { status: 200, json: { UUID: info.uuid, IssuedAt: issuedAt, Features: info.features } }
        : {
            status: 200,
            json: {
              uuid: info.uuid,
              issued_at: issuedAt,
              features: info.features,
              account_uuid: this.accountUuid,
            },
          };
    }
    const match = PATH.exec(req.path);
    if (!match) return { status: 404, text: '404 page not found' };
    const stream = match[2] as EventsFeature;
    if (req.method !== 'POST') return this.error(405, 'Method Not Allowed');
    const fault = this.faults.take([stream]);
    if (fault) return this.faultReply(fault);
    const info = this.authenticate(req.bearer);
    if (!info || !info.features.includes(stream)) return this.error(401, 'Unauthorized');
    const waitMs = this.limiter?.acquire() ?? 0;
    if (waitMs > 0) {
      return {
        ...this.error(429, 'Too Many Requests'),
        headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
      };
    }
    const contentType = req.headers['content-type'] ?? '';
    if (this.requireJson && !/^application\/json\b/i.test(contentType)) {
      return this.error(400, 'Bad Request');
    }
    const state = this.parseRequest(stream, req.rawBody);
    if (!state) return this.error(400, 'Bad Request');
    return { status: 200, json: this.page(state) };
  }

  private authenticate(bearer: string | undefined): EventsTokenInfo | undefined {
    const info = bearer ? this.tokens.get(bearer) : undefined;
    if (!info || info.revoked) return undefined;
    if (info.expiresAt && info.expiresAt.getTime() <= this.clock.nowMs()) return undefined;
    return info;
  }

  private parseRequest(stream: EventsFeature, rawBody: string): CursorState | undefined {
    let body: unknown;
    try {
      body = JSON.parse(rawBody) as unknown;
    } catch {
      return undefined;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
    const fields = body as Record<string, unknown>;
    if ('cursor' in fields) {
      return typeof fields.cursor === 'string'
        ? this.decodeCursor(stream, fields.cursor)
        : undefined;
    }
    const limit = fields.limit ?? 100;
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 1000) {
      return undefined;
    }
    const end = fields.end_time === undefined ? null : parseTime(fields.end_time);
    const start =
      fields.start_time === undefined
        ? (end ?? this.clock.nowMs()) - HOUR_MS
        : parseTime(fields.start_time);
    if (start === undefined || end === undefined) return undefined;
    return { v: 1, s: stream, p: 0, l: limit, f: start, t: end };
  }

  private decodeCursor(stream: EventsFeature, cursor: string): CursorState | undefined {
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
    if (typeof value !== 'object' || value === null) return undefined;
    const c = value as Partial<CursorState>;
    const valid =
      c.v === 1 &&
      c.s === stream &&
      Number.isInteger(c.p) &&
      (c.p as number) >= 0 &&
      (c.p as number) <= this.logs[stream].size &&
      Number.isInteger(c.l) &&
      (c.l as number) >= 1 &&
      (c.l as number) <= 1000 &&
      typeof c.f === 'number' &&
      (c.t === null || typeof c.t === 'number');
    return valid ? (c as CursorState) : undefined;
  }

  private page(state: CursorState): { items: object[]; cursor: string; has_more: boolean } {
    const log = this.logs[state.s];
    const served = log.release(this.clock.nowMs());
    const items: object[] = [];
    let position = state.p;
    const scanEnd = Math.min(served, position + this.maxScan);
    while (position < scanEnd && items.length < state.l) {
      const entry = log.at(position++);
      if (entry.timeMs >= state.f && (state.t === null || entry.timeMs < state.t)) {
        items.push(entry.raw);
      }
    }
    const next: CursorState = { ...state, p: position };
    return {
      items,
      cursor: Buffer.from(JSON.stringify(next)).toString('base64url'),
      has_more: position < served,
    };
  }

  protected override error(status: number, message: string): Reply {
    return {
      status,
      json: this.errorShape === 'Error' ? { Error: { Message: message } } : { status, message },
    };
  }
}

/** RFC 3339 only (what the API documents); undefined when malformed. */
function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || !RFC3339.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
