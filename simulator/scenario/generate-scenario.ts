import { planAttacks, type AttackPlan } from './attacks';
import { generateBenignDay, type DayContext } from './benign-day';
import { DAY, EventFactory, MAX_DAYS, sortByTime } from './event-factory';
import { buildPopulation, publicUser, type Population } from './population';
import { Rng } from './prng';
import {
  ATTACK_KINDS,
  type AttackLabel,
  type AttackSpec,
  type Scenario,
  type ScenarioConnectServer,
  type ScenarioConnectToken,
  type ScenarioDay,
  type ScenarioMeta,
  type ScenarioOptions,
  type ScenarioUser,
  type TimedEvent,
} from './types';

export const DEFAULT_SCENARIO_START = new Date('2025-03-03T00:00:00.000Z');

/**
 * Everything about a scenario except its bulk traffic: the tenant, the attack labels and a way
 * to produce any day's events on demand. Days are independent (each has its own seeded stream),
 * so a benchmark can walk them one at a time and never hold more than one day of intermediates.
 */
export interface ScenarioPlan {
  readonly meta: ScenarioMeta;
  readonly users: ScenarioUser[];
  readonly connectServers: ScenarioConnectServer[];
  readonly connectTokens: ScenarioConnectToken[];
  readonly labels: AttackLabel[];
  readonly dayCount: number;
  /**
   * Events of day `day` (0-based), each stream sorted by event time. A user's day is their
   * local calendar day, so a batch can reach a few hours into the neighbouring UTC days; the
   * injected attacks are in the batch of the UTC day they start in. Same day → same output.
   */
  generateDay(day: number): ScenarioDay;
  days(): Generator<ScenarioDay, void, undefined>;
}

interface Resolved {
  startMs: number;
  endMs: number;
  dayCount: number;
  window: { start: number; end: number };
  specs: AttackSpec[];
}

function resolve(options: ScenarioOptions): Resolved {
  const startMs = (options.start ?? DEFAULT_SCENARIO_START).getTime();
  const endMs = options.end ? options.end.getTime() : startMs + (options.days ?? 30) * DAY;
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || endMs <= startMs) {
    throw new RangeError('scenario: end must be after start');
  }
  const dayCount = Math.ceil((endMs - startMs) / DAY);
  if (dayCount > MAX_DAYS) throw new RangeError(`scenario: at most ${MAX_DAYS} days`);
  const span = endMs - startMs;
  const window = options.attackWindow
    ? { start: options.attackWindow.start.getTime(), end: options.attackWindow.end.getTime() }
    : span >= 22 * DAY
      ? { start: startMs + 21 * DAY, end: endMs }
      : { start: startMs + Math.floor(span * 0.7), end: endMs };
  const specs = (options.attacks ?? ATTACK_KINDS).map((a) =>
    typeof a === 'string' ? { kind: a } : a,
  );
  return { startMs, endMs, dayCount, window, specs };
}

export function createScenarioPlan(options: ScenarioOptions): ScenarioPlan {
  const r = resolve(options);
  const users = options.users ?? 50;
  if (!Number.isInteger(users) || users < 1) throw new RangeError('scenario: users must be >= 1');
  const population: Population = buildPopulation({
    seed: options.seed,
    startMs: r.startMs,
    days: r.dayCount,
    users,
    connectServers: options.connectServers ?? 1,
    connectTokens: options.connectTokens ?? 3,
    accountUuid: options.accountUuid,
    emailDomain: options.emailDomain ?? 'acme.example',
  });
  const attacks: AttackPlan = planAttacks(
    {
      seed: options.seed,
      startMs: r.startMs,
      endMs: r.endMs,
      window: r.window,
      population,
    },
    r.specs,
  );
  const ctx: DayContext = {
    seed: options.seed,
    startMs: r.startMs,
    endMs: r.endMs,
    population,
    rates: {
      itemUsages: options.rates?.itemUsages ?? 1,
      signInAttempts: options.rates?.signInAttempts ?? 1,
      auditEvents: options.rates?.auditEvents ?? 1,
      connectActivity: options.rates?.connectActivity ?? 1,
    },
    lateItemUsageFraction: options.lateItemUsageFraction ?? 0.08,
  };
  // Attack events outside the span (an explicit attack window) go to the first or last day.
  const dayOf = (e: TimedEvent<unknown>): number =>
    Math.min(r.dayCount - 1, Math.max(0, Math.floor((e.timeMs - r.startMs) / DAY)));
  const generateDay = (day: number): ScenarioDay => {
    if (!Number.isInteger(day) || day < 0 || day >= r.dayCount) {
      throw new RangeError(`scenario: day ${day} outside 0..${r.dayCount - 1}`);
    }
    const out: ScenarioDay = {
      day,
      itemUsages: [],
      signInAttempts: [],
      auditEvents: [],
      connectActivity: [],
    };
    generateBenignDay(
      ctx,
      day,
      new EventFactory(population.accountUuid, day, Rng.from(options.seed, 'ids', day)),
      out,
    );
    for (const e of attacks.itemUsages) if (dayOf(e) === day) out.itemUsages.push(e);
    for (const e of attacks.signInAttempts) if (dayOf(e) === day) out.signInAttempts.push(e);
    for (const e of attacks.auditEvents) if (dayOf(e) === day) out.auditEvents.push(e);
    for (const e of attacks.connectActivity) if (dayOf(e) === day) out.connectActivity.push(e);
    sortByTime(out.itemUsages);
    sortByTime(out.signInAttempts);
    sortByTime(out.auditEvents);
    sortByTime(out.connectActivity);
    return out;
  };
  return {
    meta: {
      seed: options.seed,
      start: new Date(r.startMs).toISOString(),
      end: new Date(r.endMs).toISOString(),
      days: r.dayCount,
      accountUuid: population.accountUuid,
      attackWindow: {
        start: new Date(r.window.start).toISOString(),
        end: new Date(r.window.end).toISOString(),
      },
    },
    users: population.users.map((u) => publicUser(u, r.startMs)),
    connectServers: population.connectServers.map((s) => ({ ...s })),
    connectTokens: population.connectTokens.map((t) => ({ ...t.public, vaults: [...t.vaultIds] })),
    labels: attacks.labels,
    dayCount: r.dayCount,
    generateDay,
    *days() {
      for (let day = 0; day < r.dayCount; day++) yield generateDay(day);
    },
  };
}

/** The whole scenario in memory, each stream sorted by event time. */
export function generateScenario(options: ScenarioOptions): Scenario {
  const plan = createScenarioPlan(options);
  const scenario: Scenario = {
    meta: plan.meta,
    users: plan.users,
    connectServers: plan.connectServers,
    connectTokens: plan.connectTokens,
    labels: plan.labels,
    itemUsages: [],
    signInAttempts: [],
    auditEvents: [],
    connectActivity: [],
  };
  for (const day of plan.days()) {
    append(scenario.itemUsages, day.itemUsages);
    append(scenario.signInAttempts, day.signInAttempts);
    append(scenario.auditEvents, day.auditEvents);
    append(scenario.connectActivity, day.connectActivity);
  }
  // Day batches overlap a little (local days); TimSort makes this nearly-sorted pass cheap.
  sortByTime(scenario.itemUsages);
  sortByTime(scenario.signInAttempts);
  sortByTime(scenario.auditEvents);
  sortByTime(scenario.connectActivity);
  return scenario;
}

function append<T>(target: T[], source: readonly T[]): void {
  for (const item of source) target.push(item);
}

export interface ScenarioCounts {
  itemUsages: number;
  signInAttempts: number;
  auditEvents: number;
  connectActivity: number;
  total: number;
}

/** Counts per stream, for summaries and the CLI. */
export function scenarioCounts(
  s: Pick<Scenario, 'itemUsages' | 'signInAttempts' | 'auditEvents' | 'connectActivity'>,
): ScenarioCounts {
  const counts = {
    itemUsages: s.itemUsages.length,
    signInAttempts: s.signInAttempts.length,
    auditEvents: s.auditEvents.length,
    connectActivity: s.connectActivity.length,
  };
  return {
    ...counts,
    total: counts.itemUsages + counts.signInAttempts + counts.auditEvents + counts.connectActivity,
  };
}

/** How many events the fakes serve at `atMs`: item usages that sync later are not served yet. */
export function servedCount(
  s: Pick<Scenario, 'itemUsages' | 'signInAttempts' | 'auditEvents' | 'connectActivity'>,
  atMs: number,
): number {
  return [s.itemUsages, s.signInAttempts, s.auditEvents, s.connectActivity]
    .flat()
    .filter((event) => event.availableAt <= atMs).length;
}
