import type { SourceError } from './source-errors';

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/** Full-jitter exponential backoff: a random delay up to base · 2^(attempt-1), capped. */
export function jitteredBackoff(
  attempt: number,
  baseMs: number,
  capMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * How long a poller waits after its `failures`-th consecutive failure. Retry-After wins
 * when the service sent one; a rejected token is retried slowly, never in a tight loop.
 */
export function delayAfterFailure(
  error: SourceError,
  failures: number,
  random = Math.random,
): number {
  switch (error.kind) {
    case 'rate_limited':
      return error.retryAfterMs !== undefined
        ? error.retryAfterMs + Math.round(random() * SECOND)
        : jitteredBackoff(failures, 2 * SECOND, 2 * MINUTE, random);
    case 'unavailable':
      return Math.max(
        error.retryAfterMs ?? 0,
        jitteredBackoff(failures, SECOND, 2 * MINUTE, random),
      );
    case 'unauthorized':
      return jitteredBackoff(failures, MINUTE, 15 * MINUTE, random);
    case 'rejected':
      return jitteredBackoff(failures, 5 * SECOND, 5 * MINUTE, random);
  }
}
