import { delayAfterFailure } from './backoff';
import { SourceError } from './source-errors';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** A wait longer than this (a long Retry-After) is left to the poll loop's backoff. */
  maxWaitMs: number;
}

/**
 * One request's retries: six attempts spread over about half a minute ride out isolated
 * 429s, 5xx, resets and timeouts; anything longer is an outage for the poll loop.
 */
export const REQUEST_RETRY: RetryPolicy = { attempts: 6, maxWaitMs: 60_000 };

/** A health check retried briefly: one blip is not an outage, a server that says so is. */
export const HEALTH_CHECK_RETRY: RetryPolicy = { attempts: 3, maxWaitMs: 10_000 };

export interface RetryHooks {
  /** True once the process is shutting down: stop waiting and give up. */
  shouldStop: () => boolean;
  /** Called before each wait, to count and log the retry. */
  onRetry: (error: SourceError, attempt: number, delayMs: number) => void | Promise<void>;
  sleep?: (ms: number, shouldStop: () => boolean) => Promise<void>;
  random?: () => number;
}

/** 429, 5xx, connection errors and timeouts pass; a refused token or a bad request does not. */
export function isTransient(error: unknown): error is SourceError {
  return (
    error instanceof SourceError && (error.kind === 'rate_limited' || error.kind === 'unavailable')
  );
}

/**
 * Sends a request and, on a transient failure, sends it again after a jittered backoff
 * (Retry-After when the service sent one), so that what a poll has read so far is kept.
 * The last failure is thrown once the attempts are spent, a wait would be too long, or
 * the process stops.
 */
export async function retryInPlace<T>(
  send: () => Promise<T>,
  policy: RetryPolicy,
  hooks: RetryHooks,
): Promise<T> {
  const sleep = hooks.sleep ?? pause;
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!isTransient(error) || attempt >= policy.attempts || hooks.shouldStop()) throw error;
      const delay = delayAfterFailure(error, attempt, hooks.random);
      if (delay > policy.maxWaitMs) throw error;
      await hooks.onRetry(error, attempt, delay);
      await sleep(delay, hooks.shouldStop);
      if (hooks.shouldStop()) throw error;
    }
  }
}

const STOP_CHECK_MS = 200;

/** Waits `ms`, or less if the process starts shutting down. */
export async function pause(ms: number, shouldStop: () => boolean): Promise<void> {
  const until = Date.now() + ms;
  while (!shouldStop()) {
    const left = until - Date.now();
    if (left <= 0) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(left, STOP_CHECK_MS)));
  }
}

/** A small fixed word for metrics: why a request was retried. */
export function retryReason(error: SourceError): 'rate_limited' | 'server_error' | 'connection' {
  if (error.kind === 'rate_limited') return 'rate_limited';
  return error.status !== undefined ? 'server_error' : 'connection';
}
