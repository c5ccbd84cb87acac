export const BASELINES_OPTIONS = Symbol('BASELINES_OPTIONS');

export interface BaselinesOptions {
  /**
   * Seen values unseen for longer than this are deleted. new_value rules apply their own,
   * shorter `forgetAfterDays` when they read; this only bounds storage.
   */
  seenValueMaxAgeDays: number;
  /** How often worker processes run retention, and how long after start-up the first run is. */
  retentionEveryMs: number;
  retentionFirstRunDelayMs: number;
  /** Rows deleted per statement by retention. */
  retentionChunk: number;
}

export const DEFAULT_BASELINES_OPTIONS: BaselinesOptions = {
  seenValueMaxAgeDays: 180,
  retentionEveryMs: 86_400_000,
  retentionFirstRunDelayMs: 60_000,
  retentionChunk: 10_000,
};
