/** Why a call to a 1Password service failed, in the terms the pollers act on. */
export type SourceFailureKind =
  | 'rate_limited' // 429: wait, honouring Retry-After
  | 'unavailable' // 5xx, timeouts, connection errors: back off and retry
  | 'unauthorized' // 401/403: the token is wrong, revoked or lacks a feature; retry slowly
  | 'rejected'; // other 4xx: the request itself is wrong (such as an expired cursor)

export class SourceError extends Error {
  constructor(
    readonly kind: SourceFailureKind,
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SourceError';
  }
}

/** How long a request may take, answer included, unless the caller says otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface SourceRequestInit {
  method?: string;
  body?: unknown;
  accept?: string;
  timeoutMs?: number;
}

/** A successful answer, read to its end. */
export interface SourceAnswer {
  headers: Headers;
  text: string;
}

/**
 * A bearer-authenticated request whose failures become SourceErrors, the answer's body
 * included: a connection reset or timeout while the body streams is as transient as one
 * before the headers. Messages name the service and status, never the token.
 */
export async function sourceRequest(
  service: string,
  url: string,
  token: string,
  init: SourceRequestInit = {},
): Promise<SourceAnswer> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        accept: init.accept ?? 'application/json',
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
      signal: AbortSignal.timeout(init.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    throw new SourceError('unavailable', `${service} unreachable (${networkCause(error)})`);
  }
  if (response.ok) return { headers: response.headers, text };
  const detail = errorDetail(text);
  const what = `${service} answered ${response.status}${detail ? `: ${detail}` : ''}`;
  if (response.status === 429) {
    throw new SourceError(
      'rate_limited',
      what,
      429,
      retryAfterMs(response.headers.get('retry-after')),
    );
  }
  if (response.status === 401 || response.status === 403) {
    throw new SourceError('unauthorized', what, response.status);
  }
  if (response.status >= 500) {
    throw new SourceError(
      'unavailable',
      what,
      response.status,
      retryAfterMs(response.headers.get('retry-after')),
    );
  }
  throw new SourceError('rejected', what, response.status);
}

/** Parses a successful answer's JSON; a truncated or garbled body is a passing failure. */
export function answerJson(service: string, answer: SourceAnswer): unknown {
  try {
    return JSON.parse(answer.text) as unknown;
  } catch {
    throw new SourceError('unavailable', `${service} answered a body that is not JSON`);
  }
}

/** `TimeoutError`, `ECONNRESET`, `UND_ERR_SOCKET`…: a word for the log, never the URL. */
function networkCause(error: unknown): string {
  const { cause, name } = error as { cause?: { code?: unknown; name?: unknown }; name?: unknown };
  const code = cause?.code ?? cause?.name ?? name;
  return typeof code === 'string' ? code : 'network error';
}

/** Both documented error shapes: `{"Error":{"Message"}}` and `{status, message}`. */
function errorDetail(answer: string): string {
  const text = answer.slice(0, 500);
  try {
    const body = JSON.parse(text) as { Error?: { Message?: unknown }; message?: unknown };
    const message = body.Error?.Message ?? body.message;
    if (typeof message === 'string') return message.slice(0, 200);
  } catch {
    // not JSON: a plain text body such as "404 page not found"
  }
  return text.trim().slice(0, 200);
}

/** Retry-After is either seconds or an HTTP date. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The Connect heartbeat failed: the server is down, whatever the cause. */
export class HeartbeatError extends SourceError {}
