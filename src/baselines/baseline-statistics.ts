import { mean, medianSorted, standardDeviation } from 'simple-statistics';
import { DAY_MS, floorToHour, HOUR_MS } from './baseline-aggregate';
import { HOURLY_RETENTION_DAYS } from './baseline-horizon';
import type { EntityType } from './baseline-snapshot';

export const HOURS_PER_WEEK = 168;

/** 0 = Monday 00:00–01:00 UTC … 167 = Sunday 23:00–24:00 UTC. */
export function hourOfWeek(ms: number): number {
  const date = new Date(ms);
  return ((date.getUTCDay() + 6) % 7) * 24 + date.getUTCHours();
}

/** One hour of the week over the weeks observed. Null statistics when no week covers it yet. */
export interface HourOfWeekCell {
  hourOfWeek: number;
  /** How many hours of the window fall on this hour of the week (hours without events are 0). */
  weeks: number;
  mean: number | null;
  stdDev: number | null;
  median: number | null;
  mad: number | null;
}

export interface ActionRate {
  action: string;
  /** Events of this action in the window. */
  total: number;
  /** Mean events per hour over the whole window. */
  meanPerHour: number;
  /** 168 cells, index = hour of week. */
  cells: HourOfWeekCell[];
}

/** The hours statistics are computed over: [from, to], both hour starts (epoch ms). */
export interface RateWindow {
  from: number;
  to: number;
  hours: number;
}

/**
 * From the entity's first event (or 90 days back, where hourly counts stop) to the current
 * hour, or to the hour of its last event when a skewed clock put it ahead (a day at most).
 */
export function rateWindow(firstEventAt: Date, lastEventAt: Date, now: Date): RateWindow {
  const retained = floorToHour(now.getTime() - HOURLY_RETENTION_DAYS * DAY_MS);
  const from = Math.max(floorToHour(firstEventAt.getTime()), retained);
  const ahead = Math.min(floorToHour(lastEventAt.getTime()), floorToHour(now.getTime() + DAY_MS));
  const to = Math.max(floorToHour(now.getTime()), ahead, from);
  return { from, to, hours: (to - from) / HOUR_MS + 1 };
}

const round = (value: number) => Math.round(value * 10_000) / 10_000;

/** One action's counts: hour starts (epoch ms) and counts, aligned. */
export interface HourlySeries {
  action: string;
  hourStarts: readonly number[];
  counts: readonly number[];
}

/**
 * Per action, the counts of each hour of the week over the weeks of the window, with mean,
 * population standard deviation, median and median absolute deviation. Hours of the window
 * without a count are zero events; counts outside the window are ignored. Pure: at most
 * 90 × 24 counts per action.
 */
export function hourOfWeekRates(series: readonly HourlySeries[], window: RateWindow): ActionRate[] {
  const byAction = new Map<string, Float64Array>();
  for (const { action, hourStarts, counts } of series) {
    let hours = byAction.get(action);
    if (!hours) {
      hours = new Float64Array(window.hours);
      byAction.set(action, hours);
    }
    for (let i = 0; i < hourStarts.length; i++) {
      const hourStart = hourStarts[i];
      if (hourStart < window.from || hourStart > window.to) continue;
      hours[(hourStart - window.from) / HOUR_MS] += counts[i];
    }
  }

  const firstCell = hourOfWeek(window.from);
  const actions = [...byAction.keys()].sort();
  return actions.map((action) => {
    const hours = byAction.get(action)!;
    const samples: number[][] = Array.from({ length: HOURS_PER_WEEK }, () => []);
    let total = 0;
    for (let i = 0; i < hours.length; i++) {
      samples[(firstCell + i) % HOURS_PER_WEEK].push(hours[i]);
      total += hours[i];
    }
    return {
      action,
      total,
      meanPerHour: round(total / window.hours),
      cells: samples.map((values, cell) => cellOf(cell, values)),
    };
  });
}

const byValue = (a: number, b: number) => a - b;

function cellOf(hour: number, values: number[]): HourOfWeekCell {
  if (values.length === 0) {
    return { hourOfWeek: hour, weeks: 0, mean: null, stdDev: null, median: null, mad: null };
  }
  if (values.every((value) => value === 0)) {
    return { hourOfWeek: hour, weeks: values.length, mean: 0, stdDev: 0, median: 0, mad: 0 };
  }
  // Sorted once: simple-statistics' quickselect-based median is slow on the many equal
  // values (zeros) of hourly counts.
  const sorted = [...values].sort(byValue);
  const middle = medianSorted(sorted);
  const deviations = sorted.map((value) => Math.abs(value - middle)).sort(byValue);
  return {
    hourOfWeek: hour,
    weeks: values.length,
    mean: round(mean(values)),
    stdDev: round(standardDeviation(values)),
    median: round(middle),
    mad: round(medianSorted(deviations)),
  };
}

/** Recommendations §5.4: mature after 14 days observed or 10 successful sign-ins (Entra). */
export const LEARNING_DAYS = 14;
export const MATURE_AFTER_SUCCESSFUL_SIGNINS = 10;

export type MaturityState = 'learning' | 'mature';

export interface Maturity {
  state: MaturityState;
  /** Why it is mature, when it is. */
  reason: 'days_observed' | 'successful_signins' | null;
  /** Days since the first event (fractional). */
  daysObserved: number;
  /** When the 14 days will have passed, while still learning. */
  matureAt: Date | null;
}

export function maturityOf(
  profile: { entityType: EntityType; firstEventAt: Date; successfulSignins: number },
  now: Date,
): Maturity {
  const daysObserved = Math.max(0, (now.getTime() - profile.firstEventAt.getTime()) / DAY_MS);
  const rounded = Math.floor(daysObserved * 100) / 100;
  if (daysObserved >= LEARNING_DAYS) {
    return { state: 'mature', reason: 'days_observed', daysObserved: rounded, matureAt: null };
  }
  if (
    profile.entityType === 'user' &&
    profile.successfulSignins >= MATURE_AFTER_SUCCESSFUL_SIGNINS
  ) {
    return { state: 'mature', reason: 'successful_signins', daysObserved: rounded, matureAt: null };
  }
  return {
    state: 'learning',
    reason: null,
    daysObserved: rounded,
    matureAt: new Date(profile.firstEventAt.getTime() + LEARNING_DAYS * DAY_MS),
  };
}
