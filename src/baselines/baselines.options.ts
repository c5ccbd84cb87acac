export const BASELINES_OPTIONS = Symbol('BASELINES_OPTIONS');

export interface BaselinesOptions {
  /**
   * Seen values unseen for longer than this are deleted. new_value rules apply their own,
   * shorter `forgetAfterDays` when they read; this only bounds storage.
   */
  seenValueMaxAgeDays: number;
  /**
   * Values kept per entity and dimension: past it the least recently seen go. An attacker who
   * rotates user agents or IPs through one Connect token cannot grow its baseline further.
   */
  seenValuesPerDimension: number;
  /** How often worker processes run retention, and how long after start-up the first run is. */
  retentionEveryMs: number;
  retentionFirstRunDelayMs: number;
  /** Rows deleted per statement by retention. */
  retentionChunk: number;
  /** Seen values and hourly counts a worker keeps in memory between passes (BaselineCache). */
  cachedPerProcess: number;
}

export const DEFAULT_BASELINES_OPTIONS: BaselinesOptions = {
  seenValueMaxAgeDays: 180,
  seenValuesPerDimension: 5_000,
  retentionEveryMs: 86_400_000,
  retentionFirstRunDelayMs: 60_000,
  retentionChunk: 10_000,
  cachedPerProcess: 400_000,
};
