import { compileRule, makeAlert, type CompiledRule } from '../compiled-rule';
import type { DetectEvent, EventField } from '../detect-event';
import type { AlertCandidate, EvaluationInput, HistoryNeed, ListSnapshot } from '../evaluation';
import {
  compareTimed,
  firstAfter,
  firstAtOrAfter,
  insertionIndex,
  splitArrivals,
  type Timed,
} from '../event-order';
import { describeEvents, formatDuration, formatTime, who } from '../explain';
import { readField } from '../filter';
import type { Rule, ThresholdParams } from '../rule-definition';

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

  const emitted = new Map<string, AlertCandidate>();
  const emit = (g: Group, at: number, lo: number, count: number): void => {
    const e = g.items[at];
    if (emitted.has(e.e.id)) return;
    const window = g.items.slice(lo, at + 1).map((i) => i.e);
    emitted.set(e.e.id, alertFor(rule, params, g.key, e.e, window, count));
  };

  for (const x of arrivals) {
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
      if (wasNew && g.tail.size() === threshold) emit(g, items.length - 1, g.lo, threshold);
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
      if (wasNew && counter.size() === threshold) emit(g, i, lo, threshold);
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
  reached: number,
): AlertCandidate {
  const first = window[0];
  const what = describeEvents(window);
  const span = formatDuration(params.windowSeconds);
  const tail = `in ${span} (threshold ${params.threshold}); first at ${formatTime(first.eventTime)}.`;
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
      threshold: params.threshold,
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
): HistoryNeed[] {
  const compiled = compileRule(rule, lists);
  const params = thresholdParams(rule);
  const field = rule.groupBy.at(0);
  if (field === undefined) return [];
  const windowMs = params.windowSeconds * 1000;
  const keys = new Set<string>();
  let min = Infinity;
  let max = -Infinity;
  for (const e of batch) {
    const item = itemOf(compiled, params.distinctField, e);
    if (item === null) continue;
    const value = readField(e, field);
    if (value === null) continue;
    keys.add(String(value));
    if (item.t < min) min = item.t;
    if (item.t > max) max = item.t;
  }
  if (keys.size === 0) return [];
  return [
    {
      field,
      keys: [...keys].sort(),
      from: new Date(min - windowMs),
      to: new Date(max + windowMs),
      streams: [...rule.streams],
    },
  ];
}
