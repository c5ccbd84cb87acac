const DAY_SECONDS = 86_400;

/**
 * Upper bounds of what a rule may state. Each is far beyond any sensible rule and keeps a
 * rule from making detection read or compute without end (a window of 1e300 seconds is no
 * date at all). Named lists have their own (LIST_LIMITS).
 */
export const LIMITS = {
  /** Threshold windows, silences, dedup and suppression periods, repeat intervals. */
  maxWindowSeconds: 30 * DAY_SECONDS,
  /** A sequence's stages may be this far apart. */
  maxSequenceSeconds: 90 * DAY_SECONDS,
  /** Learning and forgetting periods of new_value rules. */
  maxDays: 365,
  /** Thresholds, minimum counts and ratios, escalation counts. */
  maxCount: 1_000_000,
  maxSpeedKmh: 100_000,
  /** The length of the equator. */
  maxDistanceKm: 40_075,
  maxGapMinutes: 7 * 24 * 60,
  /** Nesting of all / any / not. */
  maxFilterDepth: 16,
  /** Conditions and groups over all the filters of a rule (filter, escalations, stages). */
  maxFilterNodes: 256,
  /** Values of one `in` or `cidr` condition. */
  maxFilterValues: 1_000,
  /** Any array of a rule (streams, groupBy, tags, channels, escalations…). */
  maxArrayItems: 50,
  /** Nesting of the JSON body as a whole. */
  maxJsonDepth: 64,
  /** Description and runbook. */
  maxText: 10_000,
  /** Names, tags and channel names. */
  maxNameText: 200,
  /** A value compared with a field. */
  maxValueText: 1_000,
} as const;

/** PUT /api/v1/lists/:name */
export const LIST_LIMITS = {
  maxItems: 10_000,
  maxItemLength: 512,
  /** Items with `*`: each is scanned for every value checked against the list. */
  maxWildcardItems: 500,
} as const;
