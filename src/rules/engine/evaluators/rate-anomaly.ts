import { mean, median, medianAbsoluteDeviation, standardDeviation } from 'simple-statistics';
import {
  entityOf,
  hourlyActionOf,
  SIGNIN_ACTION_PREFIX,
  type EntityBaseline,
} from '../../../baselines/baseline-snapshot';
import { compileRule, makeAlert } from '../compiled-rule';
import type { DetectEvent } from '../detect-event';
import type { AlertCandidate, EvaluationInput, HistoryNeed } from '../evaluation';
import { compareIds, uniqueById } from '../event-order';
import { formatNumber, formatProbability, plural, pluralize, who } from '../explain';
import { poissonUpperTailLog } from '../poisson';
import type { RateAnomalyParams } from '../rule-definition';

const HOUR_MS = 3_600_000;
/** The baseline keeps (and counts) hourly buckets this far back from now. */
const HOURLY_RETENTION_DAYS = 90;

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

function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sum of the baseline's counts over hours in [from, to). */
function rangeSum(index: HourIndex, from: number, to: number): number {
  return index.prefix[lowerBound(index.hours, to)] - index.prefix[lowerBound(index.hours, from)];
}

/**
 * rate_anomaly: per entity and action, the count of the current UTC hour is improbable under
 * the entity's own hourly rate. Expected λ = mean hourly count over the baselineDays before the
 * hour (missing hours are zeros; only hours from the entity's first event on; at least one day
 * of history or no alert). The action is the baseline's hourly key (`hourlyActionOf`: the
 * action, or `signin:<category>` for sign-ins). x = the hour's count so far, including the event. Fires at the first
 * event where x ≥ minCount, x ≥ minRatio·λ and P(X ≥ x | Poisson(max(λ, 1/(24·days)))) < pValue.
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

  const states = new Map<string, EntityState>();
  const stateOf = (entity: string): EntityState => {
    let st = states.get(entity);
    if (!st) {
      const baseline = input.baselines.get(params.entity, entity);
      st = {
        baseline,
        first: baseline ? baseline.firstEventAt.getTime() : Infinity,
        index: new Map(),
        batchHours: new Map(),
      };
      states.set(entity, st);
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
  const arrivals = uniqueById(input.batch).sort((a, b) => compareIds(a.id, b.id));
  for (const e of arrivals) {
    const entity = entityOf(e, params.entity);
    if (entity === null || entity === '') continue;
    const st = stateOf(entity);
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
    const fingerprint = `${entity}|${action}|${new Date(hour).toISOString()}`;
    if (fired.has(fingerprint)) continue;
    const start = Math.max(hour - baselineMs, Math.floor(st.first / HOUR_MS) * HOUR_MS);
    const hours = (hour - start) / HOUR_MS;
    if (hours < 24) continue;
    let sum = rangeSum(index, start, hour);
    for (const [h, c] of batchHours) if (h >= start && h < hour) sum += c;
    const expected = sum / hours;
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
      series: number[];
    },
  ): AlertCandidate {
    const days = (f.hour - f.start) / (24 * HOUR_MS);
    const hourIso = new Date(f.hour).toISOString();
    const p = formatProbability(f.logP);
    const explanation =
      `${countOf(f.x, f.action)} ${e.stream === 'signin_attempt' ? 'for' : 'by'} ${who(e)} in the hour from ` +
      `${hourIso.slice(11, 16)} UTC on ${hourIso.slice(0, 10)}; usual ${formatNumber(f.expected, 2)} ` +
      `per hour (mean over ${formatNumber(days, 1)} days), p = ${p}.`;
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
