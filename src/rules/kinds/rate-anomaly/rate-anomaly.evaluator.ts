import { HOURLY_RETENTION_DAYS } from '../../../baselines/baseline-horizon';
import { mean, median, medianAbsoluteDeviation, standardDeviation } from 'simple-statistics';
import {
  accountOf,
  entityOf,
  scopedEntity,
  hourlyActionOf,
  SIGNIN_ACTION_PREFIX,
  type EntityBaseline,
} from '../../../baselines/baseline-snapshot';
import { compileRule, makeAlert } from '../../engine/compiled-rule';
import type { DetectEvent } from '../../../events/detect-event';
import type { AlertCandidate, EvaluationInput, HistoryNeed } from '../../engine/evaluation';
import { arrivalsOf } from '../../engine/event-order';
import { formatNumber, formatProbability, plural, pluralize, who } from '../../engine/explain';
import { hourOfWeek } from '../../../baselines/baseline-statistics';
import { poissonUpperTailLog } from './poisson';
import type { RateAnomalyParams } from './rate-anomaly.params';
import { lowerBound } from '../../../common/lower-bound';

const HOUR_MS = 3_600_000;
const WEEK_MS = 7 * 24 * HOUR_MS;
/** The baseline's hourly counts of one action, sorted, with prefix sums for range totals. */
interface HourIndex {
  hours: number[];
  counts: Map<number, number>;
  /** prefix[i] = sum of counts of hours[0..i). */
  prefix: number[];
}

interface EntityState {
  baseline: EntityBaseline | undefined;
  first: number;
  index: Map<string, HourIndex>;
  /** action → hour → events of the batch stored so far. */
  batchHours: Map<string, Map<number, number>>;
}

function buildIndex(hourly: Map<number, number> | undefined): HourIndex {
  const counts = hourly ?? new Map<number, number>();
  const hours = [...counts.keys()].sort((a, b) => a - b);
  const prefix = [0];
  for (const h of hours) prefix.push(prefix[prefix.length - 1] + (counts.get(h) ?? 0));
  return { hours, counts, prefix };
}

/** Sum of the baseline's counts over hours in [from, to). */
function rangeSum(index: HourIndex, from: number, to: number): number {
  return index.prefix[lowerBound(index.hours, to)] - index.prefix[lowerBound(index.hours, from)];
}

/**
 * rate_anomaly: per entity and action, the count of the current UTC hour is improbable under
 * the entity's own profile of that hour. Expected λ = the larger of the mean count of the same
 * hour of the week over the baselineDays before the hour, and the mean count of the entity's
 * active hours in that span (hours with at least one such event): a heavy user's ordinary
 * working hour is judged against their working hours, not against a mean diluted by nights and
 * weekends. Only hours from the entity's first event on count; at least one day of history or
 * no alert. The action is the baseline's hourly key (`hourlyActionOf`: the action, or
 * `signin:<category>` for sign-ins). x = the hour's count so far, including the event. Fires
 * at the first event where x ≥ minCount, x ≥ minRatio·λ and
 * P(X ≥ x | Poisson(max(λ, 1/(24·days)))) < pValue.
 *
 * The batch is judged in the order it was stored, against the baseline from before the batch
 * plus the batch events stored before each event, counted exactly as the baseline aggregation
 * counts them (every event of the entity, by hourlyActionOf, in its event-time hour, within
 * the 90-day retention; whether or not the rule's filter chooses it): so the result does not
 * depend on how the stream was cut into batches.
 */
export function evaluateRateAnomaly(input: EvaluationInput): AlertCandidate[] {
  const rule = compileRule(input.rule, input.lists);
  const params = input.rule.params as RateAnomalyParams;
  const baselineMs = params.baselineDays * 24 * HOUR_MS;
  const floor = 1 / (24 * params.baselineDays);
  const logPValue = Math.log(params.pValue);
  const retentionFloor = input.now.getTime() - HOURLY_RETENTION_DAYS * 24 * HOUR_MS;

  /** Keyed by the entity of its account (scopedEntity). */
  const states = new Map<string, EntityState>();
  const stateOf = (accountId: string, entity: string): EntityState => {
    const key = scopedEntity(accountId, entity);
    let st = states.get(key);
    if (!st) {
      const baseline = input.baselines.get(params.entity, accountId, entity);
      st = {
        baseline,
        first: baseline ? baseline.firstEventAt.getTime() : Infinity,
        index: new Map(),
        batchHours: new Map(),
      };
      states.set(key, st);
    }
    return st;
  };
  const indexOf = (st: EntityState, action: string): HourIndex => {
    let index = st.index.get(action);
    if (!index) {
      index = buildIndex(st.baseline?.hourly.get(action));
      st.index.set(action, index);
    }
    return index;
  };

  const fired = new Set<string>();
  const out: AlertCandidate[] = [];
  const arrivals = arrivalsOf(input.batch);
  for (const e of arrivals) {
    const entity = entityOf(e, params.entity);
    if (entity === null || entity === '') continue;
    const accountId = accountOf(e);
    const st = stateOf(accountId, entity);
    const t = e.eventTime.getTime();
    if (t < st.first) st.first = t;
    // Counted as the baseline counts it: by hourlyActionOf, in its hour, within retention.
    const action = hourlyActionOf(e);
    if (action === null || t < retentionFloor) continue;
    const hour = Math.floor(t / HOUR_MS) * HOUR_MS;
    let batchHours = st.batchHours.get(action);
    if (!batchHours) {
      batchHours = new Map();
      st.batchHours.set(action, batchHours);
    }
    batchHours.set(hour, (batchHours.get(hour) ?? 0) + 1);

    if (!rule.counts(e)) continue;
    const groupKey = rule.groupKey(e);
    if (groupKey === null) continue;
    const index = indexOf(st, action);
    const x = (index.counts.get(hour) ?? 0) + (batchHours.get(hour) ?? 0);
    if (x < params.minCount) continue;
    const fingerprint = `${scopedEntity(accountId, entity)}|${action}|${new Date(hour).toISOString()}`;
    if (fired.has(fingerprint)) continue;
    const start = Math.max(hour - baselineMs, Math.floor(st.first / HOUR_MS) * HOUR_MS);
    const hours = (hour - start) / HOUR_MS;
    if (hours < 24) continue;
    const profile = hourProfile(index, batchHours, start, hour);
    const expected = Math.max(profile.sameHourMean ?? 0, profile.activeMean);
    if (x < params.minRatio * expected) continue;
    const logP = poissonUpperTailLog(x, Math.max(expected, floor));
    if (!(logP < logPValue)) continue;

    fired.add(fingerprint);
    out.push(
      alertFor(e, {
        fingerprint,
        groupKey,
        entity,
        action,
        hour,
        start,
        x,
        expected,
        logP,
        profile,
        series: hourlySeries(index, batchHours, start, hour),
      }),
    );
  }
  return out;

  function alertFor(
    e: DetectEvent,
    f: {
      fingerprint: string;
      groupKey: string;
      entity: string;
      action: string;
      hour: number;
      start: number;
      x: number;
      expected: number;
      logP: number;
      profile: HourProfile;
      series: number[];
    },
  ): AlertCandidate {
    const days = (f.hour - f.start) / (24 * HOUR_MS);
    const hourIso = new Date(f.hour).toISOString();
    const p = formatProbability(f.logP);
    const weekday = WEEKDAYS[new Date(f.hour).getUTCDay()];
    const same =
      f.profile.sameHour.length === 0
        ? `no earlier ${weekday} in the baseline`
        : `the same hour on the previous ${plural(f.profile.sameHour.length, weekday)}: ` +
          f.profile.sameHour.join(', ');
    const explanation =
      `${countOf(f.x, f.action)} ${e.stream === 'signin_attempt' ? 'for' : 'by'} ${who(e)} in the hour from ` +
      `${hourIso.slice(11, 16)} UTC on ${weekday} ${hourIso.slice(0, 10)}; ${same}; ` +
      `${formatNumber(f.profile.activeMean, 2)} per active hour (${f.profile.activeHours} active ` +
      `of ${formatNumber(days * 24, 0)} hours in ${formatNumber(days, 1)} days); ` +
      `expected ${formatNumber(f.expected, 2)}, p = ${p}.`;
    return makeAlert(rule, {
      fingerprint: f.fingerprint,
      groupKey: f.groupKey,
      trigger: e,
      evidence: [e],
      explanation,
      count: f.x,
      figures: {
        entityType: params.entity,
        entity: f.entity,
        action: f.action,
        hourStart: hourIso,
        x: f.x,
        expected: f.expected,
        mean: mean(f.series),
        stdev: standardDeviation(f.series),
        median: median(f.series),
        mad: medianAbsoluteDeviation(f.series),
        p: Math.exp(f.logP),
        log10p: f.logP / Math.LN10,
        baselineHours: f.series.length,
        hourOfWeek: hourOfWeek(f.hour),
        sameHourOfWeek: f.profile.sameHour,
        sameHourMean: f.profile.sameHourMean,
        activeHours: f.profile.activeHours,
        activeMean: f.profile.activeMean,
        pValue: params.pValue,
        minCount: params.minCount,
        minRatio: params.minRatio,
      },
    });
  }
}

/** "37 reveals", "12 sign-in attempts (credentials_failed)". */
function countOf(n: number, action: string): string {
  if (action.startsWith(SIGNIN_ACTION_PREFIX)) {
    return `${plural(n, 'sign-in attempt')} (${action.slice(SIGNIN_ACTION_PREFIX.length)})`;
  }
  return plural(n, action, pluralize(action));
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** What an hour is judged against: the same hour of earlier weeks, and the active hours. */
export interface HourProfile {
  /** Counts of the same hour of the week, most recent week first. */
  sameHour: number[];
  sameHourMean: number | null;
  /** Hours of [start, hour) with at least one event of the action, and their mean count. */
  activeHours: number;
  activeMean: number;
}

/**
 * The entity's own profile of an hour: a heavy user's ordinary working hour is judged
 * against their working hours (the same hour of earlier weeks, and the hours they are active
 * at all), never against a mean diluted by every night and weekend.
 */
function hourProfile(
  index: HourIndex,
  batchHours: Map<number, number>,
  start: number,
  hour: number,
): HourProfile {
  const countAt = (h: number) => (index.counts.get(h) ?? 0) + (batchHours.get(h) ?? 0);
  const sameHour: number[] = [];
  for (let h = hour - WEEK_MS; h >= start; h -= WEEK_MS) sameHour.push(countAt(h));
  let activeHours = 0;
  let total = rangeSum(index, start, hour);
  for (let i = lowerBound(index.hours, start); i < index.hours.length; i++) {
    const h = index.hours[i];
    if (h >= hour) break;
    if (countAt(h) > 0) activeHours++;
  }
  for (const [h, c] of batchHours) {
    if (h < start || h >= hour) continue;
    total += c;
    if (!index.counts.has(h) && c > 0) activeHours++;
  }
  return {
    sameHour,
    sameHourMean: sameHour.length === 0 ? null : mean(sameHour),
    activeHours,
    activeMean: activeHours === 0 ? 0 : total / activeHours,
  };
}

/** Hourly counts over [start, hour), zeros included: the series the figures describe. */
function hourlySeries(
  index: HourIndex,
  batchHours: Map<number, number>,
  start: number,
  hour: number,
): number[] {
  const series = new Array<number>((hour - start) / HOUR_MS).fill(0);
  for (let i = lowerBound(index.hours, start); i < index.hours.length; i++) {
    const h = index.hours[i];
    if (h >= hour) break;
    series[(h - start) / HOUR_MS] += index.counts.get(h) ?? 0;
  }
  for (const [h, c] of batchHours) if (h >= start && h < hour) series[(h - start) / HOUR_MS] += c;
  return series;
}

export function rateAnomalyHistoryNeed(): HistoryNeed[] {
  return [];
}
