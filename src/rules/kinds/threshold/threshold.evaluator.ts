import { HOURLY_RETENTION_DAYS } from '../../../baselines/baseline-horizon';
import { compileRule, makeAlert, type CompiledRule } from '../../engine/compiled-rule';
import type { DetectEvent, EventField } from '../../../events/detect-event';
import type {
  AlertCandidate,
  EvaluationInput,
  HistoryNeed,
  ListSnapshot,
} from '../../engine/evaluation';
import {
  compareTimed,
  firstAfter,
  firstAtOrAfter,
  insertionIndex,
  splitArrivals,
  type Timed,
} from '../../engine/event-order';
import {
  accountOf,
  entityOf,
  hourlyActionOf,
  scopedEntity,
} from '../../../baselines/baseline-snapshot';
import { describeEvents, formatDuration, formatTime, who } from '../../engine/explain';
import { readField } from '../../engine/filter';
import { KeyTimes, type NeedShape } from '../../engine/key-times';
import type { Rule } from '../../engine/rule-definition';
import type { ThresholdParams } from './threshold.params';
import { describeRoutine, inRoutineHours, learnRoutine, type Routine } from './routine';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The threshold that applies to one crossing, and the routine that set it. */
interface Judged {
  threshold: number;
  routine: Routine | null;
  inHours: boolean;
}

/**
 * threshold: a sliding event-time window (t − W, t] per group key; the count of counting
 * events, or the distinct count of `distinctField`, reaches the threshold.
 *
 * It fires at a crossing: event e, with the window at e holding the events up to e (event-time
 * order, ties by id), reaches the threshold while the same window without e was below it.
 * Events are judged in the order they were stored (batch by id, after everything stored
 * before the batch), each as if it were the only new event: a stored event becomes a crossing
 * when a late event lands in its window. So what fires depends only on the order events were
 * stored, never on how that order was cut into batches, and a late event cannot retract an
 * alert another batching would have raised.
 *
 * With `routine`, a burst the entity makes routinely does not fire: when the entity had burst
 * hours (hours whose count of the trigger's action reached the threshold) on at least minDays
 * of the baselineDays before the trigger's UTC day, and one of them within an hour of the
 * trigger's hour of day, the threshold there is factor × its usual burst (the median of its
 * daily peaks). Counts are the baseline's hourly counts plus the batch events stored before,
 * counted as the baseline counts them, so batching still does not change what fires.
 */

interface Item extends Timed {
  /** The distinct value, or the event id when counting. */
  readonly v: string;
}

interface Counter {
  /** True when the value was not yet in the window. */
  add(v: string): boolean;
  remove(v: string): void;
  size(): number;
}

class PlainCounter implements Counter {
  private n = 0;
  add(): boolean {
    this.n++;
    return true;
  }
  remove(): void {
    this.n--;
  }
  size(): number {
    return this.n;
  }
}

class DistinctCounter implements Counter {
  private readonly counts = new Map<string, number>();
  add(v: string): boolean {
    const c = this.counts.get(v) ?? 0;
    this.counts.set(v, c + 1);
    return c === 0;
  }
  remove(v: string): void {
    const c = this.counts.get(v) ?? 0;
    if (c <= 1) this.counts.delete(v);
    else this.counts.set(v, c - 1);
  }
  size(): number {
    return this.counts.size;
  }
}

interface Group {
  key: string;
  items: Item[];
  sorted: boolean;
  /** Window of the last item, items[lo..]: kept while events arrive in time order. */
  tail: Counter | null;
  lo: number;
}

function thresholdParams(rule: Rule): ThresholdParams {
  return rule.params as ThresholdParams;
}

function itemOf(
  rule: CompiledRule,
  distinctField: EventField | undefined,
  e: DetectEvent,
): (Item & { key: string }) | null {
  if (!rule.counts(e)) return null;
  const key = rule.groupKey(e);
  if (key === null) return null;
  let v = e.id;
  if (distinctField !== undefined) {
    const value = readField(e, distinctField);
    if (value === null) return null;
    v = typeof value === 'string' ? value : String(value);
  }
  return { e, t: e.eventTime.getTime(), v, key };
}

export function evaluateThreshold(input: EvaluationInput): AlertCandidate[] {
  const rule = compileRule(input.rule, input.lists);
  const params = thresholdParams(input.rule);
  const windowMs = params.windowSeconds * 1000;
  const threshold = params.threshold;
  const distinct = params.distinctField;
  const newCounter = (): Counter =>
    distinct === undefined ? new PlainCounter() : new DistinctCounter();

  const { before, arrivals } = splitArrivals(input.history, input.batch);
  const groups = new Map<string, Group>();
  const groupOf = (key: string): Group => {
    let g = groups.get(key);
    if (!g) {
      g = { key, items: [], sorted: true, tail: null, lo: 0 };
      groups.set(key, g);
    }
    return g;
  };
  for (const e of before) {
    const item = itemOf(rule, distinct, e);
    if (item === null) continue;
    const g = groupOf(item.key);
    const last = g.items.at(-1);
    if (last !== undefined && compareTimed(last, item) > 0) g.sorted = false;
    g.items.push(item);
  }

  const routine = params.routine;
  const retentionFloor = input.now.getTime() - HOURLY_RETENTION_DAYS * DAY_MS;
  /** entity \0 action → hour → batch events stored so far (counted as the baseline counts). */
  const batchHours = new Map<string, Map<number, number>>();
  const plain: Judged = { threshold, routine: null, inHours: false };
  const judge = (e: DetectEvent): Judged => {
    if (routine === undefined) return plain;
    const plainEntity = entityOf(e, routine.entity);
    const action = hourlyActionOf(e);
    if (!plainEntity || action === null) return plain;
    const entity = scopedEntity(accountOf(e), plainEntity);
    const t = e.eventTime.getTime();
    const day = Math.floor(t / DAY_MS) * DAY_MS;
    const learned = learnRoutine(
      input.baselines.get(routine.entity, accountOf(e), plainEntity)?.hourly.get(action),
      batchHours.get(`${entity}\u0000${action}`),
      day - routine.baselineDays * DAY_MS,
      day,
      threshold,
    );
    if (learned.burstDays < routine.minDays) return plain;
    const inHours = inRoutineHours(learned, t);
    const raised = inHours
      ? Math.max(threshold, Math.ceil(routine.factor * learned.usualBurst))
      : threshold;
    return { threshold: raised, routine: learned, inHours };
  };
  /** Crossing of the threshold that applies at the event (never below the rule's). */
  const crosses = (e: DetectEvent, size: number): Judged | null => {
    if (size < threshold) return null;
    const judged = judge(e);
    return size === judged.threshold ? judged : null;
  };

  const emitted = new Map<string, AlertCandidate>();
  const emit = (g: Group, at: number, lo: number, judged: Judged): void => {
    const e = g.items[at];
    if (emitted.has(e.e.id)) return;
    const window = g.items.slice(lo, at + 1).map((i) => i.e);
    emitted.set(e.e.id, alertFor(rule, params, g.key, e.e, window, judged));
  };

  for (const x of arrivals) {
    if (routine !== undefined) {
      const entity = entityOf(x, routine.entity);
      const action = hourlyActionOf(x);
      const t = x.eventTime.getTime();
      if (entity && action !== null && t >= retentionFloor) {
        const key = `${scopedEntity(accountOf(x), entity)}\u0000${action}`;
        let hours = batchHours.get(key);
        if (!hours) {
          hours = new Map();
          batchHours.set(key, hours);
        }
        const hour = Math.floor(t / HOUR_MS) * HOUR_MS;
        hours.set(hour, (hours.get(hour) ?? 0) + 1);
      }
    }
    const item = itemOf(rule, distinct, x);
    if (item === null) continue;
    const g = groupOf(item.key);
    if (!g.sorted) {
      g.items.sort(compareTimed);
      g.sorted = true;
    }
    const items = g.items;
    const p = insertionIndex(items, item);

    if (p === items.length) {
      // In time order: slide the tail window.
      if (g.tail === null) {
        g.tail = newCounter();
        const last = items.at(-1);
        g.lo = last ? firstAfter(items, last.t - windowMs) : 0;
        for (let j = g.lo; j < items.length; j++) g.tail.add(items[j].v);
      }
      while (g.lo < items.length && items[g.lo].t <= item.t - windowMs) {
        g.tail.remove(items[g.lo].v);
        g.lo++;
      }
      const wasNew = g.tail.add(item.v);
      items.push(item);
      const judged = wasNew ? crosses(item.e, g.tail.size()) : null;
      if (judged) emit(g, items.length - 1, g.lo, judged);
      continue;
    }

    // Late (or tied) event: insert it, then re-judge every event whose window now holds it.
    items.splice(p, 0, item);
    if (g.tail !== null) {
      const last = items[items.length - 1];
      if (item.t > last.t - windowMs) g.tail.add(item.v);
      else g.lo++;
    }
    const q = firstAtOrAfter(items, item.t + windowMs, p);
    let lo = firstAfter(items, items[p].t - windowMs);
    const counter = newCounter();
    for (let j = lo; j < p; j++) counter.add(items[j].v);
    for (let i = p; i < q; i++) {
      while (items[lo].t <= items[i].t - windowMs) {
        counter.remove(items[lo].v);
        lo++;
      }
      const wasNew = counter.add(items[i].v);
      const judged = wasNew ? crosses(items[i].e, counter.size()) : null;
      if (judged) emit(g, i, lo, judged);
    }
  }
  return [...emitted.values()];
}

const DISTINCT_NOUNS: Partial<Record<EventField, string>> = {
  itemId: 'items',
  vaultId: 'vaults',
  actorId: 'users',
  actorEmail: 'users',
  ip: 'IP addresses',
  country: 'countries',
  city: 'cities',
  clientApp: 'client apps',
  objectId: 'objects',
  userAgent: 'user agents',
};

/** "by alice@example.com", "for alice@…" (sign-ins), "from 203.0.113.9", "for vaultId v1". */
function subject(rule: Rule, e: DetectEvent, groupKey: string): string {
  const first = rule.groupBy.at(0);
  const rest = rule.groupBy.slice(1);
  const extra =
    rest.length > 0 ? ` (${rest.map((f) => `${f} ${String(readField(e, f))}`).join(', ')})` : '';
  if (first === 'actorId' || first === 'actorEmail') {
    return `${e.stream === 'signin_attempt' ? 'for' : 'by'} ${who(e)}${extra}`;
  }
  if (first === 'ip') return `from ${String(e.ip)}${extra}`;
  if (first === undefined) return 'in all';
  return `for ${first} ${groupKey.split('|')[0]}${extra}`;
}

function alertFor(
  rule: CompiledRule,
  params: ThresholdParams,
  groupKey: string,
  trigger: DetectEvent,
  window: DetectEvent[],
  judged: Judged,
): AlertCandidate {
  const reached = judged.threshold;
  const first = window[0];
  const what = describeEvents(window);
  const span = formatDuration(params.windowSeconds);
  let routine = '';
  if (judged.routine !== null) {
    routine = judged.inHours
      ? `, raised from ${params.threshold} by the routine: ${describeRoutine(judged.routine)}`
      : `, outside the routine: ${describeRoutine(judged.routine)}`;
  }
  const tail = `in ${span} (threshold ${reached}${routine}); first at ${formatTime(first.eventTime)}.`;
  const sub = subject(rule.rule, trigger, groupKey);
  let explanation: string;
  if (params.distinctField !== undefined) {
    let noun = DISTINCT_NOUNS[params.distinctField] ?? `${params.distinctField} values`;
    if (params.distinctField === 'actorId' && trigger.actorType === 'connect_token')
      noun = 'tokens';
    explanation = `${reached} distinct ${noun} in ${window.length} ${what} ${sub} ${tail}`;
  } else {
    explanation = `${window.length} ${what} ${sub} ${tail}`;
  }
  return makeAlert(rule, {
    fingerprint: trigger.id,
    groupKey,
    trigger,
    evidence: window,
    explanation,
    count: reached,
    figures: {
      events: window.length,
      ...(params.distinctField !== undefined
        ? { distinct: reached, distinctField: params.distinctField }
        : {}),
      threshold: reached,
      ruleThreshold: params.threshold,
      ...(judged.routine !== null
        ? { routine: { ...judged.routine, inRoutineHours: judged.inHours } }
        : {}),
      windowSeconds: params.windowSeconds,
      firstAt: first.eventTime.toISOString(),
      crossingAt: trigger.eventTime.toISOString(),
    },
  });
}

/** Group keys of the batch's counting events over [min t − W, max t + W]. */
export function thresholdHistoryNeed(
  rule: Rule,
  batch: readonly DetectEvent[],
  lists: ListSnapshot,
  shape: NeedShape,
): HistoryNeed[] {
  const compiled = compileRule(rule, lists);
  const params = thresholdParams(rule);
  const field = rule.groupBy.at(0);
  if (field === undefined) return [];
  const times = new KeyTimes();
  for (const e of batch) {
    const item = itemOf(compiled, params.distinctField, e);
    if (item === null) continue;
    const value = readField(e, field);
    if (value !== null) times.add(String(value), item.t);
  }
  const around = times.around(params.windowSeconds * 1000, shape);
  return around === null ? [] : [{ field, ...around, streams: [...rule.streams] }];
}
