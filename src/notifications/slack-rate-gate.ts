import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/**
 * Slack accepts about one message per second per channel. Several notify workers share that
 * budget, so the next free slot of each channel lives in Redis and is taken by one atomic
 * script (GCRA): the stored value is the theoretical arrival time (TAT) of the next message,
 * `burst` messages may go at once, then one per interval. With burst 1 this is exactly
 * next = max(now, stored); stored = next + interval; wait = next - now.
 *
 * Time comes from the Redis server (TIME), not from the workers, whose clocks may disagree.
 * Redis 7 replicates script effects, so the non-deterministic TIME is allowed.
 */
const RESERVE_SCRIPT = `
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local maxWait = tonumber(ARGV[3])
local now
if ARGV[4] ~= '' then
  now = tonumber(ARGV[4])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local stored = tonumber(redis.call('GET', KEYS[1]) or '0') or 0
local tat = math.max(now, stored) + interval
local slot = math.max(now, tat - burst * interval)
local wait = slot - now
if maxWait >= 0 and wait > maxWait then
  return {0, wait, slot}
end
redis.call('SET', KEYS[1], string.format('%d', tat), 'PX', string.format('%d', tat - now + interval))
return {1, wait, slot}
`;
const RESERVE_SHA = createHash('sha1').update(RESERVE_SCRIPT).digest('hex');

export interface SlackRateGateOptions {
  /** Milliseconds between two messages of one channel. Default 1000. */
  intervalMs?: number;
  /** Messages allowed at once before the interval applies. Default 1. */
  burst?: number;
  /**
   * Epoch milliseconds to use instead of the Redis server's clock (tests). Every gate sharing
   * a key must use the same source of time.
   */
  now?: () => number;
}

/**
 * The channel's next slot, `slotAtMs` on the gate's clock. When `granted` is false nothing was
 * reserved: the slot is further away than the caller would wait.
 */
export interface SlotReservation {
  granted: boolean;
  waitMs: number;
  slotAtMs: number;
}

/** What a sender needs from a gate; SlackChannel depends on this, not on Redis. */
export interface PostSlotGate {
  tryReserve(channelKey: string, maxWaitMs: number): Promise<SlotReservation>;
}

export class SlackRateGate implements PostSlotGate {
  private readonly intervalMs: number;
  private readonly burst: number;
  private readonly now: (() => number) | undefined;

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly keyPrefix: string,
    options: SlackRateGateOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.burst = options.burst ?? 1;
    this.now = options.now;
    if (!Number.isInteger(this.intervalMs) || this.intervalMs < 1)
      throw new RangeError('SlackRateGate: intervalMs must be a positive integer');
    if (!Number.isInteger(this.burst) || this.burst < 1)
      throw new RangeError('SlackRateGate: burst must be a positive integer');
  }

  /** Reserves the channel's next slot; resolves to the milliseconds to wait before sending. */
  async reserve(channelKey: string): Promise<number> {
    const reservation = await this.run(channelKey, -1);
    return reservation.waitMs;
  }

  /**
   * Reserves the next slot only when it is at most `maxWaitMs` away. A refused reservation
   * takes nothing, so a job sent back to the queue does not push later messages further out.
   */
  tryReserve(channelKey: string, maxWaitMs: number): Promise<SlotReservation> {
    if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0)
      throw new RangeError('SlackRateGate: maxWaitMs must be >= 0');
    return this.run(channelKey, Math.floor(maxWaitMs));
  }

  /** Reserves a slot and sleeps until it; resolves to the milliseconds waited. */
  async waitForSlot(channelKey: string): Promise<number> {
    const waitMs = await this.reserve(channelKey);
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    return waitMs;
  }

  private async run(channelKey: string, maxWaitMs: number): Promise<SlotReservation> {
    const key = `${this.keyPrefix}${channelKey}`;
    const args = [
      String(this.intervalMs),
      String(this.burst),
      String(maxWaitMs),
      this.now ? String(Math.floor(this.now())) : '',
    ];
    let reply: unknown;
    try {
      reply = await this.redis.evalsha(RESERVE_SHA, 1, key, ...args);
    } catch (error) {
      // The script cache is empty after a Redis restart or on a new node: send it once.
      const message = (error as { message?: unknown } | null)?.message;
      if (typeof message !== 'string' || !message.startsWith('NOSCRIPT')) throw error;
      reply = await this.redis.eval(RESERVE_SCRIPT, 1, key, ...args);
    }
    return toReservation(reply);
  }
}

function toReservation(reply: unknown): SlotReservation {
  if (
    !Array.isArray(reply) ||
    reply.length !== 3 ||
    !reply.every((value): value is number => typeof value === 'number')
  ) {
    throw new Error('SlackRateGate: unexpected script reply');
  }
  const [granted, waitMs, slotAtMs] = reply;
  return { granted: granted === 1, waitMs, slotAtMs };
}
