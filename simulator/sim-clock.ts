/** Anything that can tell the (possibly simulated) time. The fakes depend on this, not on SimClock. */
export interface Clock {
  now(): Date;
  nowMs(): number;
}

export interface SimClockOptions {
  /** Simulated time at construction. */
  start: Date | number;
  /** Simulated milliseconds per real millisecond: 1 = real time, 60 = a minute per second, 0 = frozen. */
  speed?: number;
  /** Real monotonic milliseconds; injectable so the clock itself can be tested without sleeping. */
  realNow?: () => number;
}

/**
 * A clock that runs at `speed` times real time from `start`, and can be moved by hand.
 * Simulated time is `anchorSim + (realNow() - anchorReal) * speed`; every change re-anchors,
 * so the time never jumps when the speed changes. A monotonic source (performance.now) keeps
 * the clock from going backwards when the wall clock is adjusted.
 */
export class SimClock implements Clock {
  private anchorSim: number;
  private anchorReal: number;
  private currentSpeed: number;
  private readonly realNow: () => number;

  constructor(options: SimClockOptions) {
    const speed = options.speed ?? 1;
    assertSpeed(speed);
    this.realNow = options.realNow ?? (() => performance.now());
    this.anchorSim = typeof options.start === 'number' ? options.start : options.start.getTime();
    if (!Number.isFinite(this.anchorSim)) throw new RangeError('SimClock: invalid start time');
    this.anchorReal = this.realNow();
    this.currentSpeed = speed;
  }

  /** A clock frozen at `start`: time moves only through advance() or set(). */
  static frozen(start: Date | number): SimClock {
    return new SimClock({ start, speed: 0 });
  }

  get speed(): number {
    return this.currentSpeed;
  }

  /** Simulated epoch milliseconds, whole. */
  nowMs(): number {
    return Math.floor(this.anchorSim + (this.realNow() - this.anchorReal) * this.currentSpeed);
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /** Moves simulated time forward (or back, with a negative value) by `ms`. */
  advance(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('SimClock.advance: ms must be finite');
    this.reanchor();
    this.anchorSim += ms;
  }

  /** Jumps to an absolute simulated time. */
  set(time: Date | number): void {
    const ms = typeof time === 'number' ? time : time.getTime();
    if (!Number.isFinite(ms)) throw new RangeError('SimClock.set: invalid time');
    this.reanchor();
    this.anchorSim = ms;
  }

  setSpeed(speed: number): void {
    assertSpeed(speed);
    this.reanchor();
    this.currentSpeed = speed;
  }

  freeze(): void {
    this.setSpeed(0);
  }

  /** Real milliseconds until simulated time reaches `target` (0 if past, Infinity if frozen). */
  realMsUntil(target: Date | number): number {
    const ms = typeof target === 'number' ? target : target.getTime();
    const remaining = ms - this.nowMs();
    if (remaining <= 0) return 0;
    return this.currentSpeed === 0 ? Infinity : remaining / this.currentSpeed;
  }

  private reanchor(): void {
    const real = this.realNow();
    this.anchorSim += (real - this.anchorReal) * this.currentSpeed;
    this.anchorReal = real;
  }
}

function assertSpeed(speed: number): void {
  if (!Number.isFinite(speed) || speed < 0) {
    throw new RangeError('SimClock: speed must be a finite number >= 0');
  }
}
