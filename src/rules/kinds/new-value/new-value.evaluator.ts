import { teachesNormal } from '../../../baselines/baseline-aggregate';
import {
  accountOf,
  entityOf,
  scopedEntity,
  type BaselineDimension,
  type BaselineSnapshot,
  type EntityBaseline,
  type SeenValue,
} from '../../../baselines/baseline-snapshot';
import { compileRule, makeAlert } from '../../engine/compiled-rule';
import type { DetectEvent } from '../../../events/detect-event';
import type { EventField } from '../../../events/detect-event';
import type {
  AlertCandidate,
  EvaluationInput,
  HistoryNeed,
  ListSnapshot,
} from '../../engine/evaluation';
import { splitArrivals } from '../../engine/event-order';
import {
  actionWord,
  formatApproxDuration,
  formatNumber,
  pluralize,
  who,
} from '../../engine/explain';
import { readField } from '../../engine/filter';
import { isPrivateIp, networkOf } from './ip-network';
import { KeyTimes, type NeedShape } from '../../engine/key-times';
import type { Rule } from '../../engine/rule-definition';
import type { NetworkParams, NewValueParams } from './new-value.params';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** What is remembered of a value: first and last time seen, how often (as the baseline keeps it). */
interface Seen {
  first: number;
  last: number;
  count: number;
}

interface EntityState {
  /** The entity of its account (scopedEntity). */
  scoped: string;
  baseline: EntityBaseline | undefined;
  /** Earliest event time of the entity: baseline first event, then the batch so far. */
  first: number;
  /** Values seen in this batch so far, merged with the baseline's on lookup. */
  batchSeen: Map<string, Seen>;
}

const NOUNS: Record<BaselineDimension, [string, string, string]> = {
  // [noun, plural, how the sentence introduces the value]
  country: ['country', 'countries', 'from'],
  city: ['city', 'cities', 'from'],
  ip: ['IP address', 'IP addresses', 'from'],
  clientApp: ['client app', 'client apps', 'using'],
  os: ['operating system', 'operating systems', 'on'],
  vaultId: ['vault', 'vaults', 'in vault'],
  itemId: ['item', 'items', 'on item'],
  userAgent: ['user agent', 'user agents', 'with user agent'],
  action: ['action', 'actions', ''],
};

function merge(a: Seen | undefined, b: Seen | undefined): Seen | undefined {
  if (!a) return b;
  if (!b) return a;
  return {
    first: Math.min(a.first, b.first),
    last: Math.max(a.last, b.last),
    count: a.count + b.count,
  };
}

/**
 * new_value: a value of `field` not seen for the entity before the event (within
 * forgetAfterDays), once the entity is past its learning period.
 *
 * The batch is judged in the order it was stored, each event against the baseline from before
 * the batch plus the batch events stored before it, all summarised as the baseline summarises
 * them (first seen, last seen). A value is known for event e when it was first seen before e
 * and last seen no longer than forgetAfterDays before e. Every batch event of the entity updates
 * what is known exactly as the baseline aggregation would (`teachesNormal`: a failed sign-in or
 * a denied Connect request teaches nothing), whether or not it counts for the rule. Judging in
 * storage order makes the result independent of how the stream was cut into batches: the first
 * of five reveals from a new country fires, the four stored after it do not.
 *
 * What other events taught does not silence the rule at once: a value first seen less than
 * newForHours before the event is still new unless an event the rule counts, stored before it,
 * used it within newForHours (read from the stored history). So a sign-in from a new country
 * followed minutes later by reveals from there fires the reveal rule too (once), while a
 * country known from earlier trips stays known. With `network` (field ip), an address is also
 * known when a known address shares its network (private addresses only with privateOnly).
 */
export function evaluateNewValue(input: EvaluationInput): AlertCandidate[] {
  const rule = compileRule(input.rule, input.lists);
  const params = input.rule.params as NewValueParams;
  const learningMs = params.learningDays * DAY_MS;
  const forgetMs = params.forgetAfterDays * DAY_MS;
  const newForMs = (params.newForHours ?? 0) * HOUR_MS;
  const field = params.field;
  const dimension = field;

  const { before, arrivals } = splitArrivals(input.history, input.batch);
  /** entity|value → event times of counting events stored so far (history, then the batch). */
  const used = new Map<string, number[]>();
  // `entity` here is the entity of its account (scopedEntity).
  const markUsed = (entity: string, value: string, t: number): void => {
    const key = `${entity}\u0000${value}`;
    const times = used.get(key);
    if (times) times.push(t);
    else used.set(key, [t]);
  };
  const usedNear = (entity: string, value: string, t: number): boolean =>
    (used.get(`${entity}\u0000${value}`) ?? []).some((u) => Math.abs(u - t) < newForMs);
  if (newForMs > 0) {
    for (const e of before) {
      const entity = entityOf(e, params.entity);
      const value = valueOf(e, field);
      if (entity && value !== null && rule.counts(e))
        markUsed(scopedEntity(accountOf(e), entity), value, e.eventTime.getTime());
    }
  }

  /** Account → entity → state: no joined text to build and hash for every event. */
  const states = new Map<string, Map<string, EntityState>>();
  const stateOf = (accountId: string, entity: string): EntityState => {
    let ofAccount = states.get(accountId);
    if (!ofAccount) {
      ofAccount = new Map();
      states.set(accountId, ofAccount);
    }
    let st = ofAccount.get(entity);
    if (!st) {
      const baseline = input.baselines.get(params.entity, accountId, entity);
      st = {
        scoped: scopedEntity(accountId, entity),
        baseline,
        first: baseline ? baseline.firstEventAt.getTime() : Infinity,
        batchSeen: new Map(),
      };
      ofAccount.set(entity, st);
    }
    return st;
  };
  /** First and last seen of a value, baseline and batch together (undefined: never seen). */
  const lookup = (st: EntityState, value: string): Seen | undefined => {
    const b = st.baseline?.seen.get(dimension)?.get(value);
    const s = st.batchSeen.get(value);
    if (b === undefined) return s;
    const first = b.firstSeen.getTime();
    const last = b.lastSeen.getTime();
    if (s === undefined) return { first, last, count: b.count };
    return {
      first: Math.min(first, s.first),
      last: Math.max(last, s.last),
      count: b.count + s.count,
    };
  };

  const out: AlertCandidate[] = [];
  for (const e of arrivals) {
    const plainEntity = entityOf(e, params.entity);
    if (plainEntity === null || plainEntity === '') continue;
    const st = stateOf(accountOf(e), plainEntity);
    const entity = st.scoped;
    const t = e.eventTime.getTime();
    const value = valueOf(e, field);
    if (t < st.first) st.first = t;

    if (value !== null && rule.counts(e)) {
      const groupKey = rule.groupKey(e);
      if (groupKey !== null && st.first <= t - learningMs) {
        const seen = lookup(st, value);
        const fresh = seen !== undefined && seen.first > t - newForMs && seen.first < t;
        const known =
          seen !== undefined &&
          seen.first < t &&
          seen.last >= t - forgetMs &&
          (!fresh || usedNear(entity, value, t));
        if (!known && !knownNetwork(st, value, t)) {
          out.push(alertFor(plainEntity, value, e, st, groupKey, seen, fresh, lookupAll(st)));
        }
      }
      if (newForMs > 0) markUsed(entity, value, t);
    }

    // Learned as the baseline learns it: only from events that teach what is normal.
    if (value !== null && value !== '' && teachesNormal(e)) {
      const seen = st.batchSeen.get(value);
      if (seen === undefined) st.batchSeen.set(value, { first: t, last: t, count: 1 });
      else {
        if (t < seen.first) seen.first = t;
        if (t > seen.last) seen.last = t;
        seen.count++;
      }
    }
  }
  return out;

  /** Another address of the same network known at t (only with `network`, field ip). */
  function knownNetwork(st: EntityState, value: string, t: number): boolean {
    const network = params.network;
    if (network === undefined || field !== 'ip') return false;
    if (network.privateOnly && !isPrivateIp(value)) return false;
    const own = networkKey(value, network);
    if (own === null) return false;
    for (const [other, s] of lookupAll(st)) {
      if (other === value || s.first >= t || s.last < t - forgetMs) continue;
      if (network.privateOnly && !isPrivateIp(other)) continue;
      if (networkKey(other, network) === own) return true;
    }
    return false;
  }

  function lookupAll(st: EntityState): Map<string, Seen> {
    const all = new Map<string, Seen>();
    for (const [value, b] of st.baseline?.seen.get(dimension) ?? []) {
      all.set(value, { first: b.firstSeen.getTime(), last: b.lastSeen.getTime(), count: b.count });
    }
    for (const [value, s] of st.batchSeen) all.set(value, merge(all.get(value), s)!);
    return all;
  }

  function alertFor(
    entity: string,
    value: string,
    e: DetectEvent,
    st: EntityState,
    groupKey: string,
    seen: Seen | undefined,
    fresh: boolean,
    all: Map<string, Seen>,
  ): AlertCandidate {
    const t = e.eventTime.getTime();
    const [noun, nouns, intro] = NOUNS[dimension];
    const usual = [...all.entries()]
      .filter(([v, s]) => v !== value && s.first < t && s.last >= t - forgetMs)
      .sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1))
      .map(([v]) => v);
    const shown = usual.slice(0, 5).sort();
    const usualText =
      shown.length === 0
        ? `no ${nouns} seen in that time`
        : `usual ${nouns}: ${shown.join(', ')}${usual.length > shown.length ? ', …' : ''}`;
    const action = actionWord(e);
    const lead =
      dimension === 'action'
        ? `${value}, an action`
        : `${action} ${intro} ${value}, a${/^[aeioAEIO]/.test(noun) ? 'n' : ''} ${noun}`;
    let explanation: string;
    if (fresh && seen) {
      const ago = formatApproxDuration((t - seen.first) / 1000);
      explanation = `${lead} new for ${who(e)}: first seen only ${ago} before, by another kind of event (${usualText}).`;
    } else {
      const forgot =
        seen && seen.first < t
          ? ` (last seen ${formatNumber((t - seen.last) / DAY_MS, 0)} days before)`
          : '';
      explanation = `${lead} not seen for ${who(e)} in the last ${plural(params.forgetAfterDays)}${forgot} (${usualText}).`;
    }
    return makeAlert(rule, {
      fingerprint: `${scopedEntity(accountOf(e), entity)}|${field}|${value}|${e.id}`,
      groupKey,
      trigger: e,
      evidence: [e],
      explanation,
      count: 1,
      figures: {
        entityType: params.entity,
        entity,
        field,
        value,
        usual: usual.slice(0, 20),
        learningDays: params.learningDays,
        forgetAfterDays: params.forgetAfterDays,
        entityFirstEventAt: new Date(st.first).toISOString(),
        lastSeenBefore: seen && seen.first < t && !fresh ? new Date(seen.last).toISOString() : null,
        firstSeenRecently: fresh && seen ? new Date(seen.first).toISOString() : null,
        newForHours: params.newForHours ?? 0,
      },
    });
  }
}

function plural(days: number): string {
  return `${formatNumber(days, 1)} ${days === 1 ? 'day' : pluralize('day')}`;
}

function valueOf(e: DetectEvent, field: EventField): string | null {
  const raw = readField(e, field);
  return raw === null || typeof raw === 'string' ? raw : String(raw);
}

function networkKey(ip: string, network: NetworkParams): string | null {
  return networkOf(ip, network.ipv4Prefix, network.ipv6Prefix);
}

/** The field an entity type is read from (see entityOf). */
const ENTITY_FIELD = {
  user: 'actorId',
  connect_token: 'actorId',
  connect_server: 'connectServerId',
} as const;

/**
 * With newForHours: the stored events of the batch's entities within newForHours of the batch
 * (the rule's own recent uses of a value). Without: nothing. Given the baselines from before
 * the batch, only around the events whose judging can read them (see mayReadHistory).
 */
export function newValueHistoryNeed(
  rule: Rule,
  batch: readonly DetectEvent[],
  lists: ListSnapshot,
  shape: NeedShape,
  baselines?: BaselineSnapshot,
): HistoryNeed[] {
  const params = rule.params as NewValueParams;
  const newForMs = (params.newForHours ?? 0) * HOUR_MS;
  if (newForMs === 0) return [];
  const compiled = compileRule(rule, lists);
  const readsHistory = baselines ? mayReadHistory(params, batch, baselines) : () => true;
  const times = new KeyTimes();
  for (const e of batch) {
    const entity = entityOf(e, params.entity);
    if (entity && compiled.counts(e) && readsHistory(e, entity)) {
      times.add(entity, e.eventTime.getTime());
    }
  }
  const around = times.around(newForMs, shape);
  if (around === null) return [];
  return [{ field: ENTITY_FIELD[params.entity], ...around, streams: [...rule.streams] }];
}

/**
 * Whether judging a counting event can read the history (the value's recent uses): only when
 * its entity is past the learning period and its value may be fresh, i.e. the baseline did
 * not see it first newForHours or more before the event. Both bounds hold however the batch
 * is ordered: the entity's first event is at most the baseline's and the batch's earliest,
 * and the batch only makes a value's first sighting earlier.
 */
function mayReadHistory(
  params: NewValueParams,
  batch: readonly DetectEvent[],
  baselines: BaselineSnapshot,
): (e: DetectEvent, entity: string) => boolean {
  const learningMs = params.learningDays * DAY_MS;
  const newForMs = (params.newForHours ?? 0) * HOUR_MS;
  /** Account → entity → its earliest event (baseline and batch), its known values. */
  const entities = new Map<
    string,
    Map<string, { first: number; seen: Map<string, SeenValue> | undefined }>
  >();
  const stateOf = (e: DetectEvent, entity: string) => {
    const accountId = accountOf(e);
    let ofAccount = entities.get(accountId);
    if (!ofAccount) {
      ofAccount = new Map();
      entities.set(accountId, ofAccount);
    }
    let state = ofAccount.get(entity);
    if (!state) {
      const baseline = baselines.get(params.entity, accountId, entity);
      state = {
        first: baseline?.firstEventAt.getTime() ?? Infinity,
        seen: baseline?.seen.get(params.field),
      };
      ofAccount.set(entity, state);
    }
    return state;
  };
  for (const e of batch) {
    const entity = entityOf(e, params.entity);
    if (!entity) continue;
    const state = stateOf(e, entity);
    state.first = Math.min(state.first, e.eventTime.getTime());
  }
  return (e, entity) => {
    const t = e.eventTime.getTime();
    const { first, seen } = stateOf(e, entity);
    if (first > t - learningMs) return false;
    const value = valueOf(e, params.field);
    if (value === null) return false;
    const known = seen?.get(value);
    return known === undefined || known.firstSeen.getTime() > t - newForMs;
  };
}
