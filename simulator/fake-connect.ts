import { randomBytes } from 'node:crypto';
import {
  FakeHttpServer,
  FaultQueue,
  ReleaseLog,
  signJwt,
  toTimed,
  type FaultOptions,
  type IncomingRequest,
  type RandomFaultOptions,
  type Reply,
} from './fake-http';
import { hashSeed, lowerId, Rng, upperId } from './scenario/prng';
import type { ApiRequest, Scenario, TimedEvent } from './scenario/types';
import { SimClock, type Clock } from './sim-clock';

/**
 * `spec`: `requestId`, `actor.requestIp` (the OpenAPI file); `docs`: `requestID`, `actor.ip`
 * (the prose docs); `alternate`: switch on every activity request, starting with `spec`.
 */
export type ConnectFieldSpelling = 'spec' | 'docs' | 'alternate';

export interface FakeConnectServerOptions {
  clock?: Clock;
  /** The Connect server's id (`actor.id`). Default: seeded or random. */
  serverId?: string;
  accountUuid?: string;
  /** `1Password-Connect-Version` header and /health version. Default '1.7.1'. */
  version?: string;
  fieldSpelling?: ConnectFieldSpelling;
  /** Keep only the newest N served requests (retention is undocumented). Default: all. */
  maxRetained?: number;
  /** How `/v1/activity` lists (undocumented). Default 'newest_first'. */
  listing?: 'newest_first' | 'oldest_first';
  /** Largest page served whatever `limit` asks. Default 1000. */
  maxLimit?: number;
  /** A broken server: every page is served from the start of the list, whatever `offset` says. */
  ignoresOffset?: boolean;
  seed?: number | string;
  maxLoggedRequests?: number;
  /** Seeded random 429s, 500s, resets and slow answers on every route. Default: none. */
  randomFaults?: RandomFaultOptions;
}

export interface CreateConnectTokenOptions {
  jti?: string;
  vaults?: readonly string[];
}

export interface LoadableApiRequest {
  raw: ApiRequest;
  availableAt: number;
  timeMs?: number;
}

/** Connect's `APIRequest` in the docs spelling. */
export interface ApiRequestDocsSpelling {
  requestID: string;
  timestamp: string;
  action: string;
  result: string;
  actor: { id: string; account: string; jti: string; userAgent: string; ip: string };
  resource: ApiRequest['resource'];
}

/**
 * A 1Password Connect server's `/v1/activity`, `/heartbeat` and `/health` on 127.0.0.1.
 * Activity is served newest first by default (the order is undocumented; newest first is the
 * likely one and the hardest for a poller, since every new request shifts all offsets by one).
 */
export class FakeConnectServer extends FakeHttpServer {
  serverId: string;
  readonly accountUuid: string;
  readonly version: string;
  private readonly log = new ReleaseLog<ApiRequest>();
  private readonly tokens = new Map<string, { jti: string; revoked: boolean }>();
  private readonly faults = new FaultQueue();
  private readonly secret: string;
  private readonly ids: Rng;
  private tokenCount = 0;
  private spelling: ConnectFieldSpelling;
  private activityRequests = 0;
  private maxRetained: number;
  private readonly maxLimit: number;
  private readonly ignoresOffset: boolean;
  private readonly listing: 'newest_first' | 'oldest_first';
  private healthy = true;

  constructor(options: FakeConnectServerOptions = {}) {
    super({
      clock: options.clock ?? new SimClock({ start: Date.now() }),
      maxLoggedRequests: options.maxLoggedRequests,
      randomFaults: options.randomFaults,
    });
    const seed = options.seed ?? randomBytes(8).toString('hex');
    this.ids = Rng.from(seed, 'fake-connect');
    this.secret = String(hashSeed(seed, 'secret'));
    // Both drawn always, so tokens stay reproducible whichever options are given.
    const generatedServer = lowerId(0x7fff0000, this.ids);
    const generatedAccount = upperId(0x7fff0001, this.ids);
    this.serverId = options.serverId ?? generatedServer;
    this.accountUuid = options.accountUuid ?? generatedAccount;
    this.version = options.version ?? '1.7.1';
    this.spelling = options.fieldSpelling ?? 'spec';
    this.maxRetained = options.maxRetained ?? Number.POSITIVE_INFINITY;
    this.maxLimit = options.maxLimit ?? 1000;
    this.ignoresOffset = options.ignoresOffset ?? false;
    this.listing = options.listing ?? 'newest_first';
  }

  // ---- tokens -------------------------------------------------------------------------------

  /** A Connect-style JWT (aud com.1password.connect, sub = server id, jti) that this server accepts. */
  createToken(options: CreateConnectTokenOptions = {}): string {
    const n = ++this.tokenCount;
    const jti = options.jti ?? lowerId(0x7ffe0000 + n, this.ids);
    const token = signJwt(
      this.secret,
      { alg: 'ES256', kid: this.serverId, typ: 'JWT' },
      {
        '1password.com/auuid': this.accountUuid,
        '1password.com/token': lowerId(0x7ffd0000 + n, this.ids).slice(0, 16),
        '1password.com/fts': ['vaultaccess'],
        '1password.com/vts': (options.vaults ?? []).map((u) => ({ u, a: 16 })),
        aud: ['com.1password.connect'],
        sub: this.serverId,
        iat: Math.floor(this.clock.nowMs() / 1000),
        iss: 'com.1password.b5',
        jti,
      },
    );
    this.tokens.set(token, { jti, revoked: false });
    return token;
  }

  /** Accepts a token minted elsewhere (the scenario's Connect tokens). */
  addToken(token: string): void {
    const payload = token.split('.')[1] ?? '';
    let jti = '';
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        jti?: unknown;
      };
      jti = typeof claims.jti === 'string' ? claims.jti : '';
    } catch {
      // an opaque token: accepted as is
    }
    this.tokens.set(token, { jti, revoked: false });
  }

  revokeToken(token: string): void {
    const info = this.tokens.get(token);
    if (info) info.revoked = true;
  }

  // ---- behaviour ----------------------------------------------------------------------------

  /** The next `count` requests (to `path` only, if given) fail with `status`. */
  failNext(count: number, options: FaultOptions & { path?: string }): void {
    this.faults.add(count, options, options.path);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** While unhealthy, /heartbeat and /health answer 503. */
  setHealthy(healthy: boolean): void {
    this.healthy = healthy;
  }

  /** `alternate` restarts with the spec spelling on the next request. */
  setFieldSpelling(spelling: ConnectFieldSpelling): void {
    this.spelling = spelling;
    this.activityRequests = 0;
  }

  setMaxRetained(maxRetained: number | undefined): void {
    this.maxRetained = maxRetained ?? Number.POSITIVE_INFINITY;
  }

  // ---- data ---------------------------------------------------------------------------------

  load(events: Iterable<LoadableApiRequest>): void {
    const timed: Array<TimedEvent<ApiRequest>> = [];
    for (const e of events) timed.push(toTimed(e));
    this.log.load(timed);
  }

  /** Serves any values as they are, malformed or not an object at all, in the order given. */
  loadRaw(values: readonly unknown[], timeMs: number, availableAt = timeMs): void {
    this.log.load(values.map((raw) => ({ raw: raw as ApiRequest, timeMs, availableAt })));
  }

  /**
   * Loads the scenario's activity of one Connect server (default: this server's id when the
   * scenario has it, else the scenario's first server, whose id this fake then takes) and
   * accepts that server's tokens.
   */
  loadScenario(
    scenario: Pick<Scenario, 'connectActivity' | 'connectServers' | 'connectTokens'>,
    options: { serverId?: string } = {},
  ): void {
    const known = scenario.connectServers.some((s) => s.id === this.serverId);
    const serverId =
      options.serverId ?? (known ? this.serverId : scenario.connectServers.at(0)?.id);
    if (serverId !== undefined) this.serverId = serverId;
    for (const t of scenario.connectTokens)
      if (t.serverId === this.serverId) this.addToken(t.token);
    const all = serverId === undefined;
    this.load(
      all
        ? scenario.connectActivity
        : scenario.connectActivity.filter((e) => e.raw.actor.id === serverId),
    );
  }

  push(raw: ApiRequest, availableAt?: number): void {
    this.load([{ raw, availableAt: availableAt ?? this.clock.nowMs() }]);
  }

  /** Requests visible now (after retention) and still waiting. */
  stats(): { total: number; served: number; waiting: number } {
    const served = this.log.release(this.clock.nowMs());
    return { total: Math.min(served, this.maxRetained), served, waiting: this.log.waiting };
  }

  clear(): void {
    this.log.clear();
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  protected override commonHeaders(): Record<string, string> {
    return { '1Password-Connect-Version': this.version };
  }

  protected handle(req: IncomingRequest): Reply {
    const fault = this.faults.take([req.path]);
    if (fault) return this.faultReply(fault);
    switch (req.path) {
      case '/heartbeat':
        if (req.method !== 'GET') return this.error(405, 'Method not allowed');
        return this.healthy ? { status: 200, text: '.' } : { status: 503, text: 'unavailable' };
      case '/health':
        if (req.method !== 'GET') return this.error(405, 'Method not allowed');
        return {
          status: this.healthy ? 200 : 503,
          json: {
            name: '1Password Connect API',
            version: this.version,
            dependencies: [
              {
                service: 'sync',
                status: this.healthy ? 'ACTIVE' : 'ERROR',
                ...(this.healthy ? {} : { message: 'sync unreachable' }),
              },
              { service: 'sqlite', status: 'ACTIVE', message: 'Connected to./1password.sqlite' },
            ],
          },
        };
      case '/v1/activity':
        if (req.method !== 'GET') return this.error(405, 'Method not allowed');
        return this.activity(req);
      default:
        return this.error(404, 'Not found');
    }
  }

  private activity(req: IncomingRequest): Reply {
    const info = req.bearer ? this.tokens.get(req.bearer) : undefined;
    if (!info || info.revoked) return this.error(401, 'Invalid token signature');
    const limit = parseCount(req.query.get('limit'), 50);
    const asked = parseCount(req.query.get('offset'), 0);
    if (limit === undefined || limit < 1) return this.error(400, 'Invalid limit');
    if (asked === undefined) return this.error(400, 'Invalid offset');
    const offset = this.ignoresOffset ? 0 : asked;
    const served = this.log.release(this.clock.nowMs());
    const total = Math.min(served, this.maxRetained);
    const count = Math.max(0, Math.min(limit, this.maxLimit, total - offset));
    const docs =
      this.spelling === 'docs' ||
      (this.spelling === 'alternate' && this.activityRequests % 2 === 1);
    this.activityRequests++;
    const items: Array<ApiRequest | ApiRequestDocsSpelling> = [];
    for (let i = 0; i < count; i++) {
      const position =
        this.listing === 'newest_first' ? served - 1 - (offset + i) : served - total + offset + i;
      const raw = this.log.at(position).raw;
      items.push(docs ? toDocsSpelling(raw) : raw);
    }
    // 1-based inclusive range, as in the documented `1-50/1134`; an empty page reads `n+1-n/total`.
    return {
      status: 200,
      headers: { 'content-range': `${offset + 1}-${offset + count}/${total}` },
      json: items,
    };
  }
}

function parseCount(value: string | null, fallback: number): number | undefined {
  if (value === null || value === '') return fallback;
  if (!/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

export function toDocsSpelling(raw: ApiRequest): ApiRequestDocsSpelling {
  const { requestIp, ...actor } = raw.actor;
  return {
    requestID: raw.requestId,
    timestamp: raw.timestamp,
    action: raw.action,
    result: raw.result,
    actor: { ...actor, ip: requestIp },
    resource: raw.resource,
  };
}
