/**
 * How far back baselines see. Hourly counts older than this are neither written nor kept, so no
 * rule may ask for more (rate_anomaly's and a routine's `baselineDays` are capped by it).
 */
export const HOURLY_RETENTION_DAYS = 90;

/** The days of hourly counts a rule compares against unless it says otherwise: four weeks. */
export const DEFAULT_BASELINE_DAYS = 28;
