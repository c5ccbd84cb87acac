import { setImmediate } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { type EntityKey, entityKeyOf, seenKeysOf } from '../baselines/baseline-aggregate';
import { HOURLY_RETENTION_DAYS } from '../baselines/baseline-horizon';
import {
  accountOf,
  type BaselineSnapshot,
  type EntityType,
  type HourlyKey,
  snapshotOf,
} from '../baselines/baseline-snapshot';
import { BaselinesService, type PassBaselines } from '../baselines/baselines.service';
import { type BaselineAsk, FOLDED_ENTITY_TYPES, foldWaiting } from '../baselines/waiting-fold';
import { EventsService } from '../events/events.service';
import { RecentBatches } from '../events/recent-batches';
import { MetricsService } from '../metrics/metrics.service';
import { AlertsService, type Finding } from '../incidents/alerts.service';
import type { DetectEvent } from '../events/detect-event';
import {
  evaluateRule,
  historyNeed,
  judgesSources,
  narrowsWithBaselines,
} from '../rules/engine/evaluate';
import {
  baselineEntityOf,
  hourlyDaysOf,
  hourlyKeysOf,
  readsBaselines,
  seenDimensionsOf,
} from '../rules/kinds/look-back';
import type { HistoryNeed, ListSnapshot } from '../rules/engine/evaluation';
import { PER_KEY } from '../rules/engine/key-times';
import type { Rule } from '../rules/engine/rule-definition';
import { StreamSlices } from '../rules/engine/stream-slices';
import { RulesService } from '../rules/rules.service';
import { toDetectEvent } from '../events/detect-event.mapper';
import { compareIds, sortByEventTime } from '../events/event-order';
import { loadHistories } from './history-loader';
import { LiveFirst } from './live-first';
import { passesOf } from './passes';
import { checkNeeds, RuleIsolation, type RuleFailure } from './rule-isolation';

const DAY_MS = 86_400_000;

/**
 * Judging a live batch ahead reads its actors' events whole to find those still waiting; past
 * this many, the rules that read their baselines wait for the batch's turn instead.
 */
const WAITING_SCAN_LIMIT = 50_000;

export interface DetectionOutcome {
  events: number;
  alerts: string[];
  skipped: boolean;
}

/**
 * Undetected batches a job looks at, at most, on either side of its own: the earlier ones it
 * must detect first, and the later ones waiting behind it that fill its pass.
 */
const CATCH_UP_LIMIT = 100;

/**
 * Lets the process's other work run: a pass judges thousands of events, and a live batch
 * judged ahead, an API request or a page to store must not wait for all of it. Between one
 * rule's work and the next, so no stretch is longer than one rule over one pass.
 */
const yieldToOtherWork = (): Promise<void> => setImmediate();
/** For what must not wait for other work: a live batch judged ahead. */
const keepGoing = (): Promise<void> => Promise.resolve();
/** How long a backlog pass waits, at most, for a live batch being judged ahead. */
const LIVE_FIRST_MAX_WAIT_MS = 2_000;

interface JudgingState {
  rules: Rule[];
  lists: ListSnapshot;
  pause: () => Promise<void>;
  /** Events of earlier batches still waiting, folded into the baselines (judging ahead). */
  waiting?: readonly DetectEvent[];
  /**
   * A pass's baselines: read through the cache, and they learn the pass, started once
   * everything the rules read is read (PostgreSQL writes while the rules judge in memory).
   */
  learning?: PassBaselines;
}

/** Undetected batches locked for a pass, their events in event order. */
interface Pass {
  batchIds: string[];
  events: DetectEvent[];
  /** The batch that holds each event. */
  batchOf: Map<string, string>;
}

/**
 * Detection of committed ingest batches, in one transaction: baselines as they were, every
 * enabled rule, alerts recorded once, and the baselines learn the batches. A batch already
 * done (a retried or duplicated job) is skipped.
 */
@Injectable()
export class DetectionService {
  private readonly logger = new Logger(DetectionService.name);
  private readonly liveFirst = new LiveFirst(LIVE_FIRST_MAX_WAIT_MS);
  /** Between a backlog pass's steps: other work, then any live batch judged ahead, goes first. */
  private readonly pauseBacklog = async (): Promise<void> => {
    await yieldToOtherWork();
    await this.liveFirst.clear();
  };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventsService,
    private readonly recent: RecentBatches,
    private readonly rules: RulesService,
    private readonly baselines: BaselinesService,
    private readonly alerts: AlertsService,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Batches are judged in the order they were stored, whichever job runs first: an earlier
   * batch still undetected (its job lost in a crash, retrying, or running in another worker,
   * whose lock this waits for) is detected before this one. Otherwise what the baselines
   * knew — a user's first event, the values seen — would depend on job timing.
   *
   * A backlog is judged in passes of consecutive batches, up to PASS_EVENT_LIMIT events each,
   * the job's own pass filled with the batches waiting behind it (their jobs then find them
   * done): rules judge events in the order they were stored, so what fires does not depend on
   * where the batches were cut. A pass that fails is retried batch by batch; a batch other than
   * the job's own that fails alone is left to its own job's retries, so it stalls no other.
   */
  async processBatch(batchId: string): Promise<DetectionOutcome> {
    const { earlier, fromOwn } = await this.events.findUndetectedAround(batchId, CATCH_UP_LIMIT);
    // Detected already (in the pass of an earlier job), with nothing waiting before it.
    if (earlier.length === 0 && fromOwn[0]?.id !== batchId) {
      return { events: 0, alerts: [], skipped: true };
    }
    const own = fromOwn[0]?.id === batchId ? fromOwn : [{ id: batchId, events: 0 }];
    const passes = passesOf([...earlier, ...own]);
    let outcome: DetectionOutcome = { events: 0, alerts: [], skipped: true };
    for (const pass of passes.slice(0, passes.findIndex((ids) => ids.includes(batchId)) + 1)) {
      const together = pass.length > 1 ? await this.detectBatches(pass).catch(() => null) : null;
      if (together) {
        outcome = together;
        continue;
      }
      for (const one of pass) {
        if (one === batchId) {
          outcome = await this.detectBatches([one]);
          continue;
        }
        await this.detectBatches([one]).catch((error: unknown) => {
          // The error's name and code only: a database message may quote an event's values.
          const { name, code } = error as { name?: string; code?: string };
          this.logger.warn(
            `Batch ${one} (with ${batchId}) failed (${code ?? name ?? 'error'}); left to its own job`,
          );
        });
      }
    }
    return outcome;
  }

  /**
   * A live batch stored while earlier batches still wait for detection (a backfill, a new
   * account catching up) is judged at once, so an attack arriving meanwhile alerts within a
   * second. Rules judge it as they will in its turn: their history ends at the batch's own last
   * event, and the baselines of its users and Connect tokens are the stored ones with the
   * waiting events of those actors folded in (see foldWaiting). Rules that read the baselines
   * of a Connect server, or of actors with more than WAITING_SCAN_LIMIT events together, wait
   * for its turn. It learns nothing and stays undetected: in its turn every rule judges it, and
   * what was found now is recorded once, alerts being unique per rule and fingerprint.
   */
  async judgeAhead(batchId: string): Promise<string[]> {
    if ((await this.events.findUndetectedBefore(batchId, 1)).length === 0) return [];
    // Backlog passes in this process pause meanwhile (LiveFirst).
    const assessed = await this.liveFirst.ahead(() => this.assessAhead(batchId));
    if (!assessed) return [];
    const { alertIds, changeIds } = await this.dataSource.transaction((manager) =>
      assessed.isolation.record(manager, this.alerts, assessed.findings, assessed.now),
    );
    this.metrics.batchesJudgedAhead.inc({ baselines: assessed.baselines });
    await this.alerts.routeChanges(changeIds);
    if (alertIds.length) {
      this.logger.log(`Batch ${batchId}, judged ahead: ${alertIds.length} new alert(s)`);
    }
    return alertIds;
  }

  /**
   * What judging a batch ahead finds, read in one snapshot so that a pass committing meanwhile
   * is not both waiting and learned. Recorded by the caller as a pass records, waiting for (not
   * failing on) a pass's alerts and incidents.
   */
  private assessAhead(batchId: string) {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      // Unlocked: a pass that holds the batch may be judging it right now; what both find is
      // recorded once (alerts are unique per rule and fingerprint).
      const pass = await this.undetected(manager, [batchId], { lock: false });
      if (!pass) return null;
      const { rules, lists } = await this.rules.detectionState();
      const rows = await this.events.findWaitingOf(
        manager,
        foldedActorsOf(pass.events),
        batchId,
        WAITING_SCAN_LIMIT,
      );
      const waiting = rows?.map(toDetectEvent) ?? null;
      const assessment = await this.assess(manager, pass, {
        rules: rules.filter((rule) => {
          if (!readsBaselines(rule)) return true;
          const entity = baselineEntityOf(rule);
          return waiting !== null && entity !== null && FOLDED_ENTITY_TYPES.has(entity);
        }),
        lists,
        pause: keepGoing,
        waiting: waiting ?? [],
      });
      return { ...assessment, baselines: waiting === null ? 'waited' : 'judged' };
    });
  }

  private async detectBatches(batchIds: string[]): Promise<DetectionOutcome> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const pass = await this.undetected(manager, batchIds, { lock: true });
      if (!pass) {
        return {
          events: 0,
          alerts: [] as string[],
          changeIds: [] as string[],
          skipped: true,
          failures: [] as RuleFailure[],
        };
      }
      const { rules, lists } = await this.rules.detectionState();
      const learning = await this.baselines.beginPass(manager);
      const { alertIds, changeIds, failures } = await this.judge(manager, pass, {
        rules,
        lists,
        pause: this.pauseBacklog,
        learning,
      });
      await this.events.markBatchesDetected(manager, pass.batchIds);
      return {
        events: pass.events.length,
        alerts: alertIds,
        changeIds,
        skipped: false,
        failures,
        learning,
      };
    });
    outcome.learning?.committed();
    const label =
      batchIds.length === 1
        ? `Batch ${batchIds[0]}`
        : `${batchIds.length} batches, ${batchIds[0]} to ${batchIds.at(-1)}`;
    await this.alerts.routeChanges(outcome.changeIds);
    await this.noteFailures(label, outcome.failures);
    if (outcome.alerts.length) {
      this.logger.log(`${label}: ${outcome.alerts.length} new alert(s)`);
    }
    return { events: outcome.events, alerts: outcome.alerts, skipped: outcome.skipped };
  }

  /** The given batches not yet detected (locked, when asked), events in event order; or null. */
  private async undetected(
    manager: EntityManager,
    batchIds: string[],
    { lock }: { lock: boolean },
  ): Promise<Pass | null> {
    const batches = lock
      ? await this.events.lockBatches(manager, batchIds)
      : await this.events.readBatches(manager, batchIds);
    const undetected = batches.filter((batch) => !batch.detected).map((batch) => batch.id);
    if (undetected.length === 0) return null;
    // What this process stored lately is held as it was stored; the rest is read back. A pass
    // takes what it judges, a look ahead of the batch's turn leaves it.
    const held = undetected.map((id) => ({
      id,
      events: lock ? this.recent.take(id) : this.recent.peek(id),
    }));
    const unheld = held.filter(({ events }) => events === undefined).map(({ id }) => id);
    const rows = await this.events.findForDetection(manager, unheld);
    const batchOf = new Map(rows.map((row) => [row.id, row.batch_id]));
    const events = rows.map(toDetectEvent);
    for (const { id, events: kept = [] } of held) {
      for (const event of kept) {
        events.push(event);
        batchOf.set(event.id, id);
      }
    }
    return { batchIds: undetected, events: sortByEventTime(events), batchOf };
  }

  /**
   * Every given rule judges the pass's events against its history and, when one of them reads
   * baselines, what they knew before it; the new alerts are recorded and grouped into
   * incidents, each with the batch of its newest evidence.
   */
  private async judge(
    manager: EntityManager,
    pass: Pass,
    state: JudgingState,
  ): Promise<{ alertIds: string[]; changeIds: string[]; failures: RuleFailure[] }> {
    const { findings, isolation, now } = await this.assess(manager, pass, state);
    const { alertIds, changeIds } = await isolation.record(manager, this.alerts, findings, now);
    return { alertIds, changeIds, failures: isolation.failures };
  }

  /** What `judge` finds, not yet recorded. */
  private async assess(
    manager: EntityManager,
    pass: Pass,
    state: JudgingState,
  ): Promise<{ findings: Finding[]; isolation: RuleIsolation; now: Date }> {
    const { rules, lists, pause, waiting = [], learning } = state;
    const judged = pass.events;
    const now = new Date();
    const isolation = new RuleIsolation();
    const judging = rules.filter((one) => !judgesSources(one));
    const slices = new StreamSlices(judged);
    // A rule whose need the baselines narrow reads its history once they are known.
    const histories = await this.readHistories(
      manager,
      judging.filter((rule) => !narrowsWithBaselines(rule)),
      (rule) => historyNeed(rule, slices.of(rule), lists, PER_KEY),
      { pass, isolation, pause },
    );
    const baselines = rules.some(readsBaselines)
      ? await this.baselinesBefore(judged, {
          rules,
          histories,
          slices,
          lists,
          isolation,
          pause,
          waiting,
          now,
          learning,
          // Folding reads in the judging transaction's snapshot, the waiting events' own.
          reader: waiting.length > 0 ? manager : undefined,
        })
      : snapshotOf([]);
    const narrowed = await this.readHistories(
      manager,
      judging.filter(narrowsWithBaselines),
      (rule) => historyNeed(rule, slices.of(rule), lists, PER_KEY, baselines),
      { pass, isolation, pause },
    );
    for (const [rule, history] of narrowed) histories.set(rule, history);
    // Everything the rules read is in memory now: what the baselines learn cannot change it.
    const learned = learning?.learn(pass.events);
    // Awaited below; until then its failure must not count as unhandled (that ends the process).
    learned?.catch(() => undefined);
    try {
      const findings = await this.findings(pass, {
        rules: judging,
        slices,
        histories,
        baselines,
        lists,
        isolation,
        pause,
        now,
      });
      await learned;
      return { findings, isolation, now };
    } catch (error) {
      await learned?.catch(() => undefined);
      throw error;
    }
  }

  /** What each rule with its history finds in the pass's events, with its evidence's batch. */
  private async findings(
    pass: Pass,
    judging: {
      rules: readonly Rule[];
      slices: StreamSlices;
      histories: ReadonlyMap<Rule, DetectEvent[]>;
      baselines: BaselineSnapshot;
      lists: ListSnapshot;
      isolation: RuleIsolation;
      pause: () => Promise<void>;
      now: Date;
    },
  ): Promise<Finding[]> {
    const { rules, slices, histories, baselines, lists, isolation, pause, now } = judging;
    const byId = new Map(pass.events.map((event) => [event.id, event]));
    const findings: Finding[] = [];
    for (const rule of rules.filter((one) => histories.has(one))) {
      await pause();
      const history = histories.get(rule)!;
      const judgedByRule = isolation.attempt(rule, () =>
        evaluateRule({ rule, batch: slices.of(rule), history, baselines, lists, now }),
      );
      if (!judgedByRule.ok) continue;
      for (const candidate of judgedByRule.value) {
        const evidence = candidate.evidenceEventIds.map((id) => byId.get(id)).filter(Boolean);
        const newest = evidence.reduce<DetectEvent | undefined>(
          (latest, event) => (!latest || compareIds(event!.id, latest.id) > 0 ? event : latest),
          undefined,
        );
        findings.push({
          candidate,
          rule,
          batchId: (newest && pass.batchOf.get(newest.id)) ?? pass.batchIds.at(-1)!,
          ingestedAt: evidence.reduce(
            (latest, event) => (event!.ingestedAt > latest ? event!.ingestedAt : latest),
            evidence[0]?.ingestedAt ?? now,
          ),
          // Named after its actor only when the alert is grouped by that actor (not by IP).
          actorLabel:
            candidate.actorId !== null && candidate.groupKey.includes(candidate.actorId)
              ? (evidence.find((event) => event!.actorEmail)?.actorEmail ?? null)
              : null,
        });
      }
    }
    return findings;
  }

  /**
   * The stored events each rule needs besides the pass (as `need` gives them), read together;
   * a rule whose need fails is left out.
   */
  private async readHistories(
    manager: EntityManager,
    rules: readonly Rule[],
    need: (rule: Rule) => HistoryNeed[],
    {
      pass,
      isolation,
      pause,
    }: Pick<JudgingState, 'pause'> & { pass: Pass; isolation: RuleIsolation },
  ): Promise<Map<Rule, DetectEvent[]>> {
    const needs: Array<{ rule: Rule; value: HistoryNeed[] }> = [];
    for (const rule of rules) {
      await pause();
      const ruleNeed = isolation.attempt(rule, () => checkNeeds(need(rule)));
      if (ruleNeed.ok) needs.push({ rule, value: ruleNeed.value });
    }
    const histories = await loadHistories(
      manager,
      this.events,
      needs.map(({ value }) => value),
      pass,
      pause,
    );
    return new Map(needs.map(({ rule }, i) => [rule, histories[i]]));
  }

  /**
   * What the baselines knew before the batch: hourly counts only as far back as the rules
   * that read them look, and only of the entities and actions they judge (with the histories
   * read so far: a rule whose need the baselines narrow reads no hourly counts).
   */
  private async baselinesBefore(
    judged: DetectEvent[],
    judging: {
      rules: Rule[];
      histories: ReadonlyMap<Rule, DetectEvent[]>;
      slices: StreamSlices;
      lists: ListSnapshot;
      isolation: RuleIsolation;
      pause: () => Promise<void>;
      waiting: readonly DetectEvent[];
      now: Date;
      learning?: PassBaselines;
      reader?: EntityManager;
    },
  ): Promise<BaselineSnapshot> {
    const { rules, histories, slices, lists, isolation, pause, waiting, now, learning, reader } =
      judging;
    const first = judged.length ? judged[0].eventTime.getTime() : Date.now();
    const hourlyDays = Math.max(0, ...[...histories.keys()].map(hourlyDaysOf));
    const hourlyKeys: HourlyKey[] = [];
    for (const [rule, history] of histories) {
      await pause();
      const keys = isolation.attempt(rule, () =>
        hourlyKeysOf(rule, [...slices.of(rule), ...history], lists),
      );
      if (keys.ok) hourlyKeys.push(...keys.value);
    }
    await pause();
    const ask: BaselineAsk = {
      since: new Date(first - Math.min(hourlyDays, HOURLY_RETENTION_DAYS) * DAY_MS),
      hourlyKeys,
      seenKeys: seenKeysOf(judged, seenDimensionsOf(rules)),
    };
    const hourly = { since: ask.since, keys: ask.hourlyKeys };
    const stored = learning
      ? await learning.snapshot(entitiesOf(judged), hourly, ask.seenKeys)
      : await this.baselines.loadSnapshot(entitiesOf(judged), hourly, ask.seenKeys, reader);
    return waiting.length > 0 ? foldWaiting(stored, waiting, ask, now) : stored;
  }

  /** The batches are done: their failed rules show the error, count it, and the log names them. */
  private async noteFailures(batches: string, failures: readonly RuleFailure[]): Promise<void> {
    if (failures.length === 0) return;
    const at = new Date();
    for (const { rule } of failures) this.metrics.countRuleFailure(rule.id);
    this.logger.warn(
      `${batches}: ${failures.length} rule(s) failed and were skipped: ${failures
        .map(({ rule }) => rule.id)
        .join(', ')}`,
    );
    try {
      await this.rules.recordFailures(
        failures.map(({ rule, error }) => ({ ruleId: rule.id, error, at })),
      );
    } catch (error) {
      // The batch is detected already; losing the note must not make it run again.
      this.logger.warn(`Could not record rule failures: ${(error as Error).message}`);
    }
  }
}

/** The users and Connect tokens of the events, whose waiting events foldWaiting folds. */
function foldedActorsOf(events: readonly DetectEvent[]): string[] {
  const actors = new Set<string>();
  for (const event of events) {
    if (event.actorId && FOLDED_ENTITY_TYPES.has(event.actorType as EntityType)) {
      actors.add(event.actorId);
    }
  }
  return [...actors];
}

/** The baselines a batch touches: its users, Connect tokens and Connect servers. */
function entitiesOf(events: readonly DetectEvent[]): EntityKey[] {
  const seen = new Map<string, EntityKey>();
  for (const event of events) {
    const accountId = accountOf(event);
    const add = (entityType: EntityType, entityId: string | null) => {
      if (!entityId) return;
      const key: EntityKey = { entityType, accountId, entityId };
      seen.set(entityKeyOf(key), key);
    };
    if (event.actorType === 'user') add('user', event.actorId);
    if (event.actorType === 'connect_token') add('connect_token', event.actorId);
    add('connect_server', event.connectServerId);
  }
  return [...seen.values()];
}
