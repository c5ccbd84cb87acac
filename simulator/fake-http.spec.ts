import { FakeConnectServer } from './fake-connect';
import {
  evenFaults,
  FaultQueue,
  RandomFaults,
  RateLimiter,
  ReleaseLog,
  toTimed,
} from './fake-http';
import { SimClock } from './sim-clock';
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

describe('random faults', () => {
  it('draws the same faults for the same seed, in about the shares asked', () => {
    const options = { seed: 9, rateLimited: 0.05, serverError: 0.025, reset: 0.02, slow: 0.01 };
    const a = new RandomFaults(options);
    const b = new RandomFaults(options);
    const drawsA = Array.from({ length: 20_000 }, () => a.draw());
    const drawsB = Array.from({ length: 20_000 }, () => b.draw());
    expect(drawsA).toEqual(drawsB);
    expect(a.injected.rateLimited / 20_000).toBeCloseTo(0.05, 2);
    expect(a.injected.serverError / 20_000).toBeCloseTo(0.025, 2);
    expect(a.injected.reset / 20_000).toBeCloseTo(0.02, 2);
    expect(a.injected.slow / 20_000).toBeCloseTo(0.01, 2);
    expect(() => new RandomFaults({ seed: 1, rateLimited: 0.7, serverError: 0.5 })).toThrow(
      RangeError,
    );
  });

  it.each([
    ['rateLimited', { status: 429, retryAfter: '3' }],
    ['serverError', { status: 500 }],
    ['reset', { failed: 'fetch failed' }],
    ['slow', { status: 200, body: '.', slow: true }],
  ] as const)('answers a %s fault as the real world would', async (kind, expected) => {
    const connect = new FakeConnectServer({ clock: SimClock.frozen(0), seed: 1 });
    const url = await connect.start();
    try {
      connect.setRandomFaults({ seed: 1, [kind]: 1, retryAfterSeconds: 3, slowMs: 300 });
      const started = Date.now();
      const outcome = await fetch(`${url}/heartbeat`).then(
        async (response) => ({
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          body: await response.text(),
          slow: Date.now() - started >= 290,
        }),
        (error: unknown) => ({ failed: (error as Error).message }),
      );
      expect(outcome).toMatchObject(expected);
      expect(connect.injectedFaults[kind]).toBe(1);
      connect.setRandomFaults(undefined);
      expect((await fetch(`${url}/heartbeat`)).status).toBe(200);
    } finally {
      await connect.stop();
    }
  });

  it('spreads a total share evenly over the four kinds', () => {
    expect(evenFaults(0.1, 's')).toMatchObject({
      rateLimited: 0.025,
      serverError: 0.025,
      reset: 0.025,
      slow: 0.025,
    });
    expect(() => evenFaults(1.5, 's')).toThrow(RangeError);
  });
});
