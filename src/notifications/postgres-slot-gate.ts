import type { DataSource } from 'typeorm';
import type { PostSlotGate, SlackRateGateOptions, SlotReservation } from './slack-rate-gate';

interface ReserveRow {
  granted: boolean;
  wait_ms: string;
  slot_ms: string;
}

/**
 * The Slack rate gate of SlackRateGate, kept in PostgreSQL when the queues do not use Redis:
 * the same GCRA, run by the `slack_rate_reserve` function under a row lock per channel, on
 * the database server's clock.
 */
export class PostgresSlotGate implements PostSlotGate {
  private readonly intervalMs: number;
  private readonly burst: number;
  private readonly now: (() => number) | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly keyPrefix: string,
    options: SlackRateGateOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 1000;
    this.burst = options.burst ?? 1;
    this.now = options.now;
    if (!Number.isInteger(this.intervalMs) || this.intervalMs < 1)
      throw new RangeError('PostgresSlotGate: intervalMs must be a positive integer');
    if (!Number.isInteger(this.burst) || this.burst < 1)
      throw new RangeError('PostgresSlotGate: burst must be a positive integer');
  }

  /** Reserves the channel's next slot; resolves to the milliseconds to wait before sending. */
  async reserve(channelKey: string): Promise<number> {
    return (await this.run(channelKey, -1)).waitMs;
  }

  /** Reserves the next slot only when it is at most `maxWaitMs` away; a refusal takes nothing. */
  tryReserve(channelKey: string, maxWaitMs: number): Promise<SlotReservation> {
    if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0)
      throw new RangeError('PostgresSlotGate: maxWaitMs must be >= 0');
    return this.run(channelKey, Math.min(Math.floor(maxWaitMs), Number.MAX_SAFE_INTEGER));
  }

  private async run(channelKey: string, maxWaitMs: number): Promise<SlotReservation> {
    const rows: ReserveRow[] = await this.dataSource.query(
      'SELECT granted, wait_ms, slot_ms FROM slack_rate_reserve($1, $2, $3, $4, $5)',
      [
        `${this.keyPrefix}${channelKey}`,
        this.intervalMs,
        this.burst,
        maxWaitMs,
        this.now ? Math.floor(this.now()) : null,
      ],
    );
    const [row] = rows;
    return { granted: row.granted, waitMs: Number(row.wait_ms), slotAtMs: Number(row.slot_ms) };
  }
}
