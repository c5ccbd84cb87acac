import { delayAfterFailure, jitteredBackoff } from './backoff';
import { retryAfterMs, SourceError } from './source-errors';

const low = () => 0;
const high = () => 0.999;

describe('backoff', () => {
  it('doubles the ceiling with each failure up to the cap, with jitter in its upper half', () => {
    expect(jitteredBackoff(1, 1000, 60_000, low)).toBe(500);
    expect(jitteredBackoff(3, 1000, 60_000, low)).toBe(2000);
    expect(jitteredBackoff(3, 1000, 60_000, high)).toBeCloseTo(4000, -1);
    expect(jitteredBackoff(20, 1000, 60_000, high)).toBeLessThanOrEqual(60_000);
  });

  it('waits what Retry-After says on a 429, plus at most a second of jitter', () => {
    const limited = new SourceError('rate_limited', '429', 429, 30_000);
    expect(delayAfterFailure(limited, 1, low)).toBe(30_000);
    expect(delayAfterFailure(limited, 5, high)).toBeLessThan(31_000);
  });

  it('retries a refused token slowly, never sooner than half a minute', () => {
    const refused = new SourceError('unauthorized', '401', 401);
    expect(delayAfterFailure(refused, 1, low)).toBe(30_000);
    expect(delayAfterFailure(refused, 10, high)).toBeLessThanOrEqual(15 * 60_000);
  });

  it('never retries a 5xx sooner than its Retry-After', () => {
    const unavailable = new SourceError('unavailable', '503', 503, 20_000);
    expect(delayAfterFailure(unavailable, 1, low)).toBe(20_000);
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, and ignores what it cannot read', () => {
    expect(retryAfterMs('7')).toBe(7000);
    expect(retryAfterMs('Fri, 20 Nov 2026 12:00:30 GMT', Date.parse('2026-11-20T12:00:00Z'))).toBe(
      30_000,
    );
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
