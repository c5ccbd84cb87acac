import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Rng } from './scenario/prng';
import type { TimedEvent } from './scenario/types';
import type { Clock } from './sim-clock';

/** Shared plumbing of the fake 1Password servers: lifecycle, request log, faults, limits. */

export interface RequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON body, the raw text when it is not JSON, undefined when empty. */
  body: unknown;
  /** 0 when the connection was reset instead of answered. */
  status: number;
  /** Wall-clock epoch ms when the answer was sent. */
  at: number;
  /** The fake's (simulated) clock at that moment. */
  simAt: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless `text` is given. */
  json?: unknown;
  text?: string;
}

export interface IncomingRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  bearer: string | undefined;
}

export interface FaultOptions {
  status: number;
  /** Sent as `Retry-After` (seconds). */
  retryAfterSeconds?: number;
  /** Body to send instead of the server's standard error body. */
  body?: unknown;
}

interface QueuedFault extends FaultOptions {
  remaining: number;
  /** Only requests whose key (stream or path) equals this; any request when undefined. */
  key: string | undefined;
}

/** Faults served before normal handling, in the order they were queued. */
export class FaultQueue {
  private faults: QueuedFault[] = [];

  add(count: number, options: FaultOptions, key?: string): void {
    if (!Number.isInteger(count) || count < 1) throw new RangeError('failNext: count must be >= 1');
    this.faults.push({ ...options, remaining: count, key });
  }

  take(keys: ReadonlyArray<string | undefined>): FaultOptions | undefined {
    const index = this.faults.findIndex((f) => f.key === undefined || keys.includes(f.key));
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.remaining--;
    if (fault.remaining === 0) this.faults.splice(index, 1);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }

  get pending(): number {
    return this.faults.reduce((n, f) => n + f.remaining, 0);
  }
}

/**
 * Seeded random faults on every route: each request independently draws one outcome. The
 * shares add up to at most 1; the rest is answered normally.
 */
export interface RandomFaultOptions {
  /** Same seed, same sequence of requests: same faults. */
  seed: number | string;
  /** Share answered 429 with `Retry-After: retryAfterSeconds`. */
  rateLimited?: number;
  retryAfterSeconds?: number;
  /** Share answered 500. */
  serverError?: number;
  /** Share whose connection is destroyed without an answer (the client sees a reset). */
  reset?: number;
  /** Share answered normally, but only after `slowMs` (past the client's timeout, a timeout). */
  slow?: number;
  slowMs?: number;
}

/**
 * A total share of faulty requests spread evenly over the four kinds (429 with Retry-After 1,
 * 500, reset, a 2-second answer); what `--faults` and `DEMO_FAULTS` turn on.
 */
export function evenFaults(
  share: number,
  seed: number | string,
  slowMs = 2000,
): RandomFaultOptions {
  if (!(share >= 0 && share <= 1)) throw new RangeError('the fault share must be in [0, 1]');
  const each = share / 4;
  return { seed, rateLimited: each, serverError: each, reset: each, slow: each, slowMs };
}

export type RandomFaultKind = 'rateLimited' | 'serverError' | 'reset' | 'slow';

/** Draws each request's fate from a seeded generator, and counts what it injected. */
export class RandomFaults {
  readonly injected: Record<RandomFaultKind, number> = {
    rateLimited: 0,
    serverError: 0,
    reset: 0,
    slow: 0,
  };
  private readonly rng: Rng;
  private readonly shares: Array<[RandomFaultKind, number]>;

  constructor(readonly options: RandomFaultOptions) {
    this.shares = (['rateLimited', 'serverError', 'reset', 'slow'] as const).map((kind) => {
      const share = options[kind] ?? 0;
      if (!(share >= 0 && share <= 1)) throw new RangeError(`${kind} must be a share in [0, 1]`);
      return [kind, share];
    });
    if (this.shares.reduce((sum, [, share]) => sum + share, 0) > 1) {
      throw new RangeError('random fault shares add up to more than 1');
    }
    this.rng = Rng.from(options.seed, 'random-faults');
  }

  /** The fault for the next request, or undefined to answer it normally. */
  draw(): RandomFaultKind | undefined {
    let roll = this.rng.next();
    for (const [kind, share] of this.shares) {
      if (roll < share) {
        this.injected[kind]++;
        return kind;
      }
      roll -= share;
    }
    return undefined;
  }

  get total(): number {
    return Object.values(this.injected).reduce((sum, n) => sum + n, 0);
  }
}

export const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * Sliding-window request limits (real time: rate limits are about how fast a client calls,
 * whatever the simulated clock says). Only accepted requests count against the window.
 */
export class RateLimiter {
  private readonly windows: Array<{ limit: number; ms: number; hits: number[]; head: number }>;

  constructor(
    limits: ReadonlyArray<{ limit: number; windowMs: number }>,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.windows = limits.map((l) => {
      if (!Number.isInteger(l.limit) || l.limit < 1)
        throw new RangeError('rate limit must be >= 1');
      return { limit: l.limit, ms: l.windowMs, hits: [], head: 0 };
    });
  }

  /** 0 when the request may proceed (and is counted), else milliseconds until it could. */
  acquire(): number {
    const now = this.now();
    let wait = 0;
    for (const w of this.windows) {
      while (w.head < w.hits.length && w.hits[w.head] <= now - w.ms) w.head++;
      if (w.head > 1024 && w.head * 2 > w.hits.length) {
        w.hits = w.hits.slice(w.head);
        w.head = 0;
      }
      if (w.hits.length - w.head >= w.limit) {
        wait = Math.max(wait, w.hits[w.head] + w.ms - now);
      }
    }
    if (wait > 0) return wait;
    for (const w of this.windows) w.hits.push(now);
    return 0;
  }
}

/**
 * Events in the order an API first serves them. The first `released` entries are fixed
 * forever (positions in this prefix are what cursors and offsets point at); the rest wait,
 * sorted by availableAt, and are appended to the prefix as the clock passes them. Loading is
 * a merge into the waiting part, never a re-sort of the served part.
 */
export class ReleaseLog<T> {
  private entries: Array<TimedEvent<T>> = [];
  private releasedCount = 0;

  load(events: Iterable<TimedEvent<T>>): void {
    const incoming = Array.from(events).sort(byAvailability);
    if (incoming.length === 0) return;
    const waitingStart = this.releasedCount;
    const lastWaiting = this.entries.at(-1);
    const firstIncoming = incoming[0];
    if (
      this.entries.length === waitingStart ||
      !lastWaiting ||
      byAvailability(lastWaiting, firstIncoming) <= 0
    ) {
      for (const e of incoming) this.entries.push(e);
      return;
    }
    const waiting = this.entries.slice(waitingStart);
    const merged: Array<TimedEvent<T>> = [];
    let i = 0;
    let j = 0;
    while (i < waiting.length && j < incoming.length) {
      const a = waiting[i];
      const b = incoming[j];
      if (byAvailability(a, b) <= 0) {
        merged.push(a);
        i++;
      } else {
        merged.push(b);
        j++;
      }
    }
    while (i < waiting.length) merged.push(waiting[i++]);
    while (j < incoming.length) merged.push(incoming[j++]);
    this.entries.length = waitingStart;
    for (const e of merged) this.entries.push(e);
  }

  /** Releases everything due at `nowMs`; returns how many entries are served. */
  release(nowMs: number): number {
    const entries = this.entries;
    let n = this.releasedCount;
    while (n < entries.length && entries[n].availableAt <= nowMs) n++;
    this.releasedCount = n;
    return n;
  }

  get released(): number {
    return this.releasedCount;
  }

  get waiting(): number {
    return this.entries.length - this.releasedCount;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Entry at a served position (0 = first served). */
  at(position: number): TimedEvent<T> {
    const entry = position < this.releasedCount ? this.entries[position] : undefined;
    if (!entry) throw new RangeError(`position ${position} not served`);
    return entry;
  }

  clear(): void {
    this.entries = [];
    this.releasedCount = 0;
  }
}

function byAvailability<T>(a: TimedEvent<T>, b: TimedEvent<T>): number {
  return a.availableAt - b.availableAt || a.timeMs - b.timeMs;
}

/** Accepts events with or without `timeMs` (parsed from `timestamp` when missing). */
export function toTimed<T extends { timestamp?: unknown }>(event: {
  raw: T;
  availableAt: number;
  timeMs?: number;
}): TimedEvent<T> {
  if (typeof event.timeMs === 'number') return event as TimedEvent<T>;
  const timeMs = typeof event.raw.timestamp === 'string' ? Date.parse(event.raw.timestamp) : NaN;
  if (!Number.isFinite(timeMs)) throw new RangeError('event without a parseable timestamp');
  return { raw: event.raw, timeMs, availableAt: event.availableAt };
}

export function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** header.payload.signature, ES256-looking; the signature is an HMAC only the fake can check. */
export function signJwt(secret: string, header: object, payload: object): string {
  const body = `${base64urlJson(header)}.${base64urlJson(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

export interface FakeHttpServerOptions {
  clock: Clock;
  /** Oldest entries are dropped beyond this. Default 10,000. */
  maxLoggedRequests?: number;
  /** Largest request body accepted. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Seeded random faults on every route from the start (see `setRandomFaults`). */
  randomFaults?: RandomFaultOptions;
}

/** Lifecycle and logging for a fake; subclasses answer requests in `handle`. */
export abstract class FakeHttpServer {
  readonly clock: Clock;
  private server: Server | undefined;
  private baseUrl: string | undefined;
  private requestLog: RequestLogEntry[] = [];
  private randomFaults: RandomFaults | undefined;
  private readonly maxLogged: number;
  private readonly maxBodyBytes: number;

  protected constructor(options: FakeHttpServerOptions) {
    this.clock = options.clock;
    this.maxLogged = options.maxLoggedRequests ?? 10_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 1 << 20;
    this.setRandomFaults(options.randomFaults);
  }

  /** Requests answered so far, oldest first. */
  get requests(): readonly RequestLogEntry[] {
    return this.requestLog;
  }

  clearRequests(): void {
    this.requestLog = [];
  }

  /** Turns seeded random faults on (every route), or off with undefined. */
  setRandomFaults(options: RandomFaultOptions | undefined): void {
    this.randomFaults = options ? new RandomFaults(options) : undefined;
  }

  /** Random faults injected so far, by kind (all zero while off). */
  get injectedFaults(): Readonly<Record<RandomFaultKind, number>> {
    return this.randomFaults?.injected ?? { rateLimited: 0, serverError: 0, reset: 0, slow: 0 };
  }

  get url(): string {
    if (!this.baseUrl) throw new Error(`${this.constructor.name} is not started`);
    return this.baseUrl;
  }

  /** Listens on 127.0.0.1 (port 0: an ephemeral port); resolves to `http://127.0.0.1:<port>`. */
  async start(port = 0): Promise<string> {
    if (this.server) throw new Error(`${this.constructor.name} already started`);
    const server = createServer((req, res) => {
      void this.serve(req, res);
    });
    server.keepAliveTimeout = 5000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${address.port}`;
    return this.baseUrl;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.baseUrl = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
      server.closeAllConnections();
    });
  }

  protected abstract handle(request: IncomingRequest): Reply;

  /** The server's error answer: `{status, message}` unless the server has its own shape. */
  protected error(status: number, message: string): Reply {
    return { status, json: { status, message } };
  }

  /** A queued or random fault's answer: the status, its standard body, Retry-After if any. */
  protected faultReply(fault: FaultOptions): Reply {
    const reply: Reply =
      fault.body !== undefined
        ? { status: fault.status, json: fault.body }
        : this.error(fault.status, STATUS_TEXT[fault.status] ?? 'Error');
    if (fault.retryAfterSeconds !== undefined) {
      reply.headers = { 'retry-after': String(fault.retryAfterSeconds) };
    }
    return reply;
  }

  /** Applies a random fault, if one is drawn: an answer to send, or null once handled. */
  private async randomFault(req: IncomingMessage, url: URL): Promise<Reply | null | undefined> {
    const faults = this.randomFaults;
    const kind = faults?.draw();
    if (!faults || !kind) return undefined;
    const { retryAfterSeconds = 1, slowMs = 2000 } = faults.options;
    switch (kind) {
      case 'rateLimited':
        return this.faultReply({ status: 429, retryAfterSeconds });
      case 'serverError':
        return this.faultReply({ status: 500 });
      case 'reset':
        req.resume();
        this.record(req.method ?? 'GET', url, '', 0);
        req.socket.destroy();
        return null;
      case 'slow':
        await new Promise((resolve) => setTimeout(resolve, slowMs));
        return undefined;
    }
  }

  /** Headers sent with every answer. */
  protected commonHeaders(): Record<string, string> {
    return {};
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const fault = await this.randomFault(req, url);
    if (fault === null) return;
    let rawBody = '';
    let reply: Reply;
    if (fault) {
      req.resume();
      reply = fault;
    } else {
      try {
        rawBody = await readBody(req, this.maxBodyBytes);
        reply = this.handle(toIncoming(req, url, rawBody));
      } catch (error) {
        reply =
          error instanceof BodyTooLargeError
            ? { status: 413, text: 'request body too large' }
            : { status: 500, json: { status: 500, message: (error as Error).message } };
      }
    }
    this.record(req.method ?? 'GET', url, rawBody, reply.status);
    if (res.destroyed) return; // the client gave up (a timeout) while a slow answer waited
    const body = reply.text ?? JSON.stringify(reply.json ?? null);
    res.writeHead(reply.status, {
      'content-type': reply.text !== undefined ? 'text/plain; charset=utf-8' : 'application/json',
      'content-length': Buffer.byteLength(body),
      ...this.commonHeaders(),
      ...reply.headers,
    });
    res.end(body);
  }

  private record(method: string, url: URL, rawBody: string, status: number): void {
    let body: unknown = undefined;
    if (rawBody !== '') {
      try {
        body = JSON.parse(rawBody) as unknown;
      } catch {
        body = rawBody;
      }
    }
    this.requestLog.push({
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
      status,
      at: Date.now(),
      simAt: this.clock.nowMs(),
    });
    if (this.requestLog.length > this.maxLogged * 2)
      this.requestLog = this.requestLog.slice(-this.maxLogged);
  }
}

class BodyTooLargeError extends Error {}

function toIncoming(req: IncomingMessage, url: URL, rawBody: string): IncomingRequest {
  const auth = req.headers.authorization;
  const bearer =
    auth && /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, '').trim() : undefined;
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: req.headers,
    rawBody,
    bearer,
  };
}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        reject(new BodyTooLargeError());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}
