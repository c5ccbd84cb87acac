import { DESTINATION_REFUSED, type DestinationGuard } from '../destinations/destination-guard';
import { guardedRequest } from '../destinations/guarded-request';
import { PermanentDeliveryError, RetryableDeliveryError } from './channel';
import { errorDetails, findErrorWithCode, networkErrorClass } from './error-details';

export interface PostOptions {
  headers: Record<string, string>;
  body: string;
  guard: DestinationGuard;
  /** Whole request, answer included. */
  timeoutMs: number;
  /** The answer's body is kept up to this size; 0 discards it unread. */
  maxBodyBytes: number;
  /** Epoch milliseconds, to read a Retry-After given as a date. */
  nowMs: number;
}

export interface PostAnswer {
  /** What was asked, for error messages: "webhook POST https://hooks.example.com". */
  target: string;
  status: number;
  retryAfterMs: number | undefined;
  body: Buffer;
}

/**
 * An HTTP POST of a channel, through the destination guard and never following a redirect
 * (it would resend the body somewhere the operator did not configure). `what` names the
 * request in errors ("webhook POST"); only the URL's origin is quoted, as webhook paths and
 * queries often carry a secret. A refused destination stays permanent, a network failure is
 * retryable.
 */
export async function guardedPost(
  what: string,
  url: string,
  options: PostOptions,
): Promise<PostAnswer> {
  const target = `${what} ${urlOrigin(url)}`;
  if (!isHttpUrl(url)) throw new PermanentDeliveryError(`${target}: the URL is not http(s)`);
  try {
    const answer = await guardedRequest(new URL(url), {
      method: 'POST',
      headers: options.headers,
      body: options.body,
      signal: AbortSignal.timeout(options.timeoutMs),
      guard: options.guard,
      maxBodyBytes: options.maxBodyBytes,
    });
    const header = answer.headers['retry-after'];
    return {
      target,
      status: answer.status,
      retryAfterMs: retryAfterMs(typeof header === 'string' ? header : null, options.nowMs),
      body: answer.body,
    };
  } catch (error) {
    const refused = findErrorWithCode(error, DESTINATION_REFUSED);
    if (refused) throw refused;
    const kind = networkErrorClass(error);
    const { name, code } = errorDetails(error);
    throw new RetryableDeliveryError(
      `${target} failed: ${kind === 'timeout' ? 'timed out' : (code ?? name)}`,
      undefined,
      kind,
    );
  }
}

/** The delivery error for an answer that is not 2xx: 408, 429 and 5xx may pass, others not. */
export function answerError(
  answer: PostAnswer,
  text = `${answer.target} answered HTTP ${answer.status}`,
): Error {
  const errorClass = answer.status >= 500 ? 'http_5xx' : 'http_4xx';
  const status = answer.status;
  return status === 429 || status === 408 || status >= 500
    ? new RetryableDeliveryError(text, answer.retryAfterMs, errorClass)
    : new PermanentDeliveryError(text, errorClass);
}

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function isHttpUrl(url: string): boolean {
  try {
    const protocol = new URL(url).protocol;
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '[invalid URL]';
  }
}
