import { formatNumber, plural } from '../../engine/explain';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * What an entity does routinely in bursts, learned from its hourly counts: a deploy job that
 * reads a few hundred secrets every night at 02:00 has bursts on most days, of about the
 * same size, in the same hours. A burst hour is an hour whose count reached the rule's
 * threshold (what would have fired without a routine).
 */
export interface Routine {
  /** UTC days of the span with at least one burst hour. */
  burstDays: number;
  /** Median over those days of the day's largest burst hour. */
  usualBurst: number;
  /** Hours of the day (UTC) in which bursts happened, sorted. */
  hours: number[];
  /** The span learned from, as days. */
  days: number;
}

/**
 * Learns the routine over [from, to) from the baseline's hourly counts plus counts not yet in
 * it (the batch stored so far). Pure; at most 90 × 24 hours per call.
 */
export function learnRoutine(
  baseline: ReadonlyMap<number, number> | undefined,
  extra: ReadonlyMap<number, number> | undefined,
  from: number,
  to: number,
  threshold: number,
): Routine {
  const counts = new Map<number, number>();
  for (const source of [baseline, extra]) {
    for (const [h, c] of source ?? []) {
      if (h >= from && h < to) counts.set(h, (counts.get(h) ?? 0) + c);
    }
  }
  const peaks = new Map<number, number>();
  const hours = new Set<number>();
  for (const [h, c] of counts) {
    if (c < threshold) continue;
    const day = Math.floor(h / DAY_MS);
    peaks.set(day, Math.max(peaks.get(day) ?? 0, c));
    hours.add(new Date(h).getUTCHours());
  }
  const sorted = [...peaks.values()].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const usualBurst =
    sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return {
    burstDays: peaks.size,
    usualBurst,
    hours: [...hours].sort((a, b) => a - b),
    days: (to - from) / DAY_MS,
  };
}

/** A burst at this hour of the day is the routine's when a routine burst happened within an hour of it. */
export function inRoutineHours(routine: Routine, t: number): boolean {
  const hour = new Date(t).getUTCHours();
  return routine.hours.some((h) => {
    const d = Math.abs(h - hour);
    return Math.min(d, 24 - d) <= 1;
  });
}

/** "bursts of about 300 on 27 of 28 days, at 01:00–03:00 UTC". */
export function describeRoutine(routine: Routine): string {
  const hours = routine.hours.map((h) => `${String(h).padStart(2, '0')}:00`).join(', ');
  return (
    `bursts of about ${formatNumber(routine.usualBurst, 0)} an hour on ${routine.burstDays} of ` +
    `${plural(routine.days, 'day')}, in the hours from ${hours} UTC`
  );
}
