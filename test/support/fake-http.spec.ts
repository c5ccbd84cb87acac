import { FaultQueue, RateLimiter, ReleaseLog, toTimed } from './fake-http';
import type { TimedEvent } from './scenario/types';

const ev = (id: string, timeMs: number, availableAt: number): TimedEvent<{ id: string }> => ({
  raw: { id },
  timeMs,
  availableAt,
});

describe('ReleaseLog', () => {
  it('serves in availability order and never reorders what it already served', () => {
    const log = new ReleaseLog<{ id: string }>();
    log.load([ev('c', 3, 30), ev('a', 1, 10), ev('b', 2, 20)]);
    expect(log.release(15)).toBe(1);
    // Loaded later but available earlier than the waiting ones: merged into the waiting part.
    log.load([ev('late', 0, 12), ev('d', 4, 25), ev('e', 5, 40)]);
    expect(log.release(26)).toBe(4);
    const served = [0, 1, 2, 3].map((i) => log.at(i).raw.id);
    expect(served).toEqual(['a', 'late', 'b', 'd']);
    expect(log.waiting).toBe(2);
    expect(log.release(100)).toBe(6);
    expect(log.at(4).raw.id).toBe('c');
    expect(log.at(5).raw.id).toBe('e');
    expect(() => log.at(6)).toThrow(RangeError);
  });

  it('breaks availability ties by event time', () => {
    const log = new ReleaseLog<{ id: string }>();
    log.load([ev('y', 2, 10), ev('x', 1, 10)]);
    log.release(10);
    expect([log.at(0).raw.id, log.at(1).raw.id]).toEqual(['x', 'y']);
  });
});

describe('toTimed', () => {
  it('parses timeMs from the timestamp when missing', () => {
    const timed = toTimed({ raw: { timestamp: '2025-03-03T00:00:01.5Z' }, availableAt: 7 });
    expect(timed.timeMs).toBe(Date.parse('2025-03-03T00:00:01.500Z'));
    expect(() => toTimed({ raw: { timestamp: 'never' }, availableAt: 7 })).toThrow(RangeError);
  });
});

describe('FaultQueue', () => {
  it('serves keyed and unkeyed faults in order, each as many times as asked', () => {
    const faults = new FaultQueue();
    faults.add(1, { status: 503 }, 'auditevents');
    faults.add(2, { status: 500 });
    expect(faults.take(['itemusages'])?.status).toBe(500);
    expect(faults.take(['auditevents'])?.status).toBe(503);
    expect(faults.take(['auditevents'])?.status).toBe(500);
    expect(faults.take(['auditevents'])).toBeUndefined();
    expect(faults.pending).toBe(0);
  });
});

describe('RateLimiter', () => {
  it('limits per sliding window and says how long to wait', () => {
    let now = 0;
    const limiter = new RateLimiter([{ limit: 2, windowMs: 60_000 }], () => now);
    expect(limiter.acquire()).toBe(0);
    now = 10_000;
    expect(limiter.acquire()).toBe(0);
    expect(limiter.acquire()).toBe(50_000);
    now = 60_000;
    expect(limiter.acquire()).toBe(0);
    expect(limiter.acquire()).toBe(10_000);
  });
});
