import { SimClock } from './sim-clock';

describe('SimClock', () => {
  const start = new Date('2025-03-03T00:00:00.000Z');

  function withFakeRealTime(): { clock: (speed: number) => SimClock; tick: (ms: number) => void } {
    let real = 1000;
    return {
      clock: (speed) => new SimClock({ start, speed, realNow: () => real }),
      tick: (ms) => {
        real += ms;
      },
    };
  }

  it('runs at `speed` times real time from the start', () => {
    const { clock, tick } = withFakeRealTime();
    const c = clock(60);
    expect(c.now().toISOString()).toBe(start.toISOString());
    tick(1000);
    expect(c.nowMs()).toBe(start.getTime() + 60_000);
  });

  it('is frozen at speed 0 and moves only by advance() and set()', () => {
    const { clock, tick } = withFakeRealTime();
    const c = clock(0);
    tick(10_000);
    expect(c.nowMs()).toBe(start.getTime());
    c.advance(5 * 60_000);
    expect(c.nowMs()).toBe(start.getTime() + 300_000);
    c.set(new Date('2025-04-01T00:00:00.000Z'));
    expect(c.now().toISOString()).toBe('2025-04-01T00:00:00.000Z');
    expect(SimClock.frozen(start).speed).toBe(0);
  });

  it('keeps time continuous when the speed changes', () => {
    const { clock, tick } = withFakeRealTime();
    const c = clock(10);
    tick(1000); // +10 s
    c.setSpeed(1);
    tick(1000); // +1 s
    expect(c.nowMs()).toBe(start.getTime() + 11_000);
    c.freeze();
    tick(1000);
    expect(c.nowMs()).toBe(start.getTime() + 11_000);
  });

  it('tells how long in real time until a simulated moment', () => {
    const { clock } = withFakeRealTime();
    const c = clock(60);
    expect(c.realMsUntil(start.getTime() + 60_000)).toBe(1000);
    expect(c.realMsUntil(start.getTime() - 1)).toBe(0);
    expect(clock(0).realMsUntil(start.getTime() + 1)).toBe(Infinity);
  });

  it('rejects a negative speed and an invalid start', () => {
    expect(() => new SimClock({ start, speed: -1 })).toThrow(RangeError);
    expect(() => new SimClock({ start: new Date('nope') })).toThrow(RangeError);
  });

  it('uses real time by default', () => {
    const c = new SimClock({ start, speed: 1 });
    expect(Math.abs(c.nowMs() - start.getTime())).toBeLessThan(1000);
  });
});
