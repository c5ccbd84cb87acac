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
import type {
  AlertCandidate,
  EvaluationInput,
  HistoryNeed,
  ListSnapshot,
} from '../../engine/evaluation';
import { arrivalsOf, splitArrivals } from '../../engine/event-order';
import {
  actionWord,
  formatApproxDuration,
  formatNumber,
  pluralize,
  who,
} from '../../engine/explain';
import { isPrivateIp, networkOf } from './ip-network';
import {
  baselinesOf,
  passSightings,
  valueOf,
  type PassSightings,
  type Seen,
  type SightedEntity,
} from './pass-sightings';
import { KeyTimes, type NeedShape } from '../../engine/key-times';
import type { Rule } from '../../engine/rule-definition';
import type { NetworkParams, NewValueParams } from './new-value.params';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

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

/** A value as the baseline remembers it, in epoch milliseconds. */
const seenOf = (b: SeenValue): Seen => ({
  first: b.firstSeen.getTime(),
  last: b.lastSeen.getTime(),
  count: b.count,
});

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
 * a denied Connect request teaches nothing), whether or not it counts for the rule (what the
 * pass teaches is worked out once for every rule on the same entity type and field, see
 * PassSightings). Judging in storage order makes the result independent of how the stream was
 * cut into batches: the first of five reveals from a new country fires, the four stored after
 * it do not.
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

  // What the pass's events taught, shared with every rule on this entity type and dimension.
  const sightings = passSightings(arrivals, params.entity, dimension);
  const baselineOf = baselinesOf(input.baselines, params.entity);
  /** First and last seen of a value, baseline and batch together (undefined: never seen). */
  const lookup = (baseline: EntityBaseline | undefined, value: string, p: number) => {
    const b = baseline?.seen.get(dimension)?.get(value);
    const s = sightings.seenBefore(p);
    return b === undefined ? s : merge(seenOf(b), s);
  };

  const out: AlertCandidate[] = [];
  for (let p = 0; p < arrivals.length; p++) {
    const entity = sightings.entities[p];
    const value = sightings.values[p];
    if (entity === null || value === null) continue;
    const e = arrivals[p];
    if (!rule.counts(e)) continue;
    const t = e.eventTime.getTime();
    const groupKey = rule.groupKey(e);
    if (groupKey !== null) {
      const baseline = baselineOf(entity);
      const first = Math.min(baseline?.firstEventAt.getTime() ?? Infinity, sightings.firstUpTo(p));
      if (first <= t - learningMs) {
        const seen = lookup(baseline, value, p);
        const fresh = seen !== undefined && seen.first > t - newForMs && seen.first < t;
        const known =
          seen !== undefined &&
          seen.first < t &&
          seen.last >= t - forgetMs &&
          (!fresh || usedNear(entity.scoped, value, t));
        if (!known) {
          const all = lookupAll(baseline, entity, p);
          if (!knownNetwork(all, value, t)) {
            out.push(alertFor(entity, value, e, first, groupKey, seen, fresh, all));
          }
        }
      }
    }
    if (newForMs > 0) markUsed(entity.scoped, value, t);
  }
  return out;

  /** Another address of the same network known at t (only with `network`, field ip). */
  function knownNetwork(all: Map<string, Seen>, value: string, t: number): boolean {
    const network = params.network;
    if (network === undefined || field !== 'ip') return false;
    if (network.privateOnly && !isPrivateIp(value)) return false;
    const own = networkKey(value, network);
    if (own === null) return false;
    for (const [other, s] of all) {
      if (other === value || s.first >= t || s.last < t - forgetMs) continue;
      if (network.privateOnly && !isPrivateIp(other)) continue;
      if (networkKey(other, network) === own) return true;
    }
    return false;
  }

  /** Every value known of the entity before position p, baseline and batch together. */
  function lookupAll(
    baseline: EntityBaseline | undefined,
    entity: SightedEntity,
    p: number,
  ): Map<string, Seen> {
    const all = new Map<string, Seen>();
    for (const [value, b] of baseline?.seen.get(dimension) ?? []) all.set(value, seenOf(b));
    for (const [value, s] of sightings.allSeenBefore(entity, p)) {
      all.set(value, merge(all.get(value), s)!);
    }
    return all;
  }

  function alertFor(
    entity: SightedEntity,
    value: string,
    e: DetectEvent,
    first: number,
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
      fingerprint: `${entity.scoped}|${field}|${value}|${e.id}`,
      groupKey,
      trigger: e,
      evidence: [e],
      explanation,
      count: 1,
      figures: {
        entityType: params.entity,
        entity: entity.id,
        field,
        value,
        usual: usual.slice(0, 20),
        learningDays: params.learningDays,
        forgetAfterDays: params.forgetAfterDays,
        entityFirstEventAt: new Date(first).toISOString(),
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
  const arrivals = arrivalsOf(batch);
  const sightings = passSightings(arrivals, params.entity, params.field);
  const readsHistory = baselines ? mayReadHistory(params, sightings, baselines) : () => true;
  const times = new KeyTimes();
  for (let p = 0; p < arrivals.length; p++) {
    const entity = sightings.entities[p];
    if (entity !== null && compiled.counts(arrivals[p]) && readsHistory(p)) {
      times.add(entity.id, arrivals[p].eventTime.getTime());
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
  sightings: PassSightings,
  baselines: BaselineSnapshot,
): (p: number) => boolean {
  const learningMs = params.learningDays * DAY_MS;
  const newForMs = (params.newForHours ?? 0) * HOUR_MS;
  const baselineOf = baselinesOf(baselines, params.entity);
  return (p) => {
    const entity = sightings.entities[p]!;
    const t = sightings.arrivals[p].eventTime.getTime();
    const baseline = baselineOf(entity);
    if (Math.min(baseline?.firstEventAt.getTime() ?? Infinity, entity.first) > t - learningMs) {
      return false;
    }
    const value = sightings.values[p];
    if (value === null) return false;
    const known = baseline?.seen.get(params.field)?.get(value);
    return known === undefined || known.firstSeen.getTime() > t - newForMs;
  };
}
