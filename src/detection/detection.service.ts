import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { type EntityKey, seenKeysOf } from '../baselines/baseline-aggregate';
import { HOURLY_RETENTION_DAYS } from '../baselines/baseline-horizon';
import {
  accountOf,
  type BaselineSnapshot,
  type EntityType,
  snapshotOf,
} from '../baselines/baseline-snapshot';
import { BaselinesService } from '../baselines/baselines.service';
import { EventsService } from '../events/events.service';
import { MetricsService } from '../metrics/metrics.service';
import { AlertsService } from '../incidents/alerts.service';
import type { DetectEvent } from '../events/detect-event';
import { evaluateRule, historyNeed, judgesSources } from '../rules/engine/evaluate';
import {
  hourlyDaysOf,
  hourlyKeysOf,
  readsBaselines,
  seenDimensionsOf,
} from '../rules/kinds/look-back';
import type { ListSnapshot } from '../rules/engine/evaluation';
import type { Rule } from '../rules/engine/rule-definition';
import { RulesService } from '../rules/rules.service';
import { toDetectEvent } from '../events/detect-event.mapper';
import { byEventTime } from '../events/event-order';
import { loadHistories } from './history-loader';
import { checkNeeds, RuleIsolation, type RuleFailure } from './rule-isolation';

const DAY_MS = 86_400_000;

export interface DetectionOutcome {
  events: number;
  alerts: string[];
  skipped: boolean;
}

/** Earlier batches a job detects before its own, at most (the rest wait for their own jobs). */
const CATCH_UP_LIMIT = 100;

/**
 * Detection of one committed ingest batch, in one transaction: baselines as they were,
 * every enabled rule, alerts recorded once, then the baselines learn the batch. A batch
 * already done (a retried or duplicated job) is skipped.
 */
@Injectable()
export class DetectionService {
  private readonly logger = new Logger(DetectionService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: EventsService,
    private readonly rules: RulesService,
    private readonly baselines: BaselinesService,
    private readonly alerts: AlertsService,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Batches are judged in the order they were stored, whichever job runs first: an earlier
   * batch still undetected (its job lost in a crash, retrying, or running in another worker,
   * whose lock this waits for) is detected before this one. Otherwise what the baselines
   * knew — a user's first event, the values seen — would depend on job timing. An earlier
   * batch that fails is left to its own job's retries: it must not stall the ones after it.
   */
  async processBatch(batchId: string): Promise<DetectionOutcome> {
    for (const earlier of await this.events.findUndetectedBefore(batchId, CATCH_UP_LIMIT)) {
      try {
        await this.detectBatch(earlier);
      } catch (error) {
        // The error's name and code only: a database message may quote an event's values.
        const { name, code } = error as { name?: string; code?: string };
        this.logger.warn(
          `Batch ${earlier} (before ${batchId}) failed (${code ?? name ?? 'error'}); left to its own job`,
        );
      }
    }
    return this.detectBatch(batchId);
  }

  /**
   * A live batch stored while earlier batches still wait for detection (a backfill, a new
   * account catching up): the rules that read no baseline judge it at once, so an attack
   * arriving meanwhile alerts within a second. They judge it exactly as they will in its turn
   * (their history ends at the batch's own last event), learn nothing from it and leave it
   * undetected: in its turn every rule judges it, and what was found now is recorded once,
   * alerts being unique per rule and fingerprint.
   */
  async judgeAhead(batchId: string): Promise<string[]> {
    if ((await this.events.findUndetectedBefore(batchId, 1)).length === 0) return [];
    const outcome = await this.dataSource.transaction(async (manager) => {
      const judged = await this.undetectedEvents(manager, batchId);
      if (!judged) return { alerts: [] as string[], changeIds: [] as string[] };
      const { rules, lists } = await this.rules.detectionState();
      const { alertIds, changeIds } = await this.judge(manager, batchId, judged, {
        rules: rules.filter((rule) => !readsBaselines(rule)),
        lists,
      });
      return { alerts: alertIds, changeIds };
    });
    await this.alerts.routeChanges(outcome.changeIds);
    if (outcome.alerts.length) {
      this.logger.log(`Batch ${batchId}, judged ahead: ${outcome.alerts.length} new alert(s)`);
    }
    return outcome.alerts;
  }

  private async detectBatch(batchId: string): Promise<DetectionOutcome> {
    const outcome = await this.dataSource.transaction(async (manager) => {
      const judged = await this.undetectedEvents(manager, batchId);
      if (!judged) {
        return {
          events: 0,
          alerts: [] as string[],
          changeIds: [] as string[],
          skipped: true,
          failures: [] as RuleFailure[],
        };
      }
      const { rules, lists } = await this.rules.detectionState();
      const { alertIds, changeIds, failures } = await this.judge(manager, batchId, judged, {
        rules,
        lists,
      });
      await this.baselines.applyBatch(manager, judged);
      await this.events.markBatchDetected(manager, batchId);
      return { events: judged.length, alerts: alertIds, changeIds, skipped: false, failures };
    });
    await this.alerts.routeChanges(outcome.changeIds);
    await this.noteFailures(batchId, outcome.failures);
    if (outcome.alerts.length) {
      this.logger.log(`Batch ${batchId}: ${outcome.alerts.length} new alert(s)`);
    }
    return { events: outcome.events, alerts: outcome.alerts, skipped: outcome.skipped };
  }

  /** The batch's events, locked, in event order; null when it is gone or already detected. */
  private async undetectedEvents(
    manager: EntityManager,
    batchId: string,
  ): Promise<DetectEvent[] | null> {
    const batch = await this.events.lockBatch(manager, batchId);
    if (!batch || batch.detected) return null;
    const rows = await this.events.findForDetection(manager, batch.eventIds);
    return rows.map(toDetectEvent).sort(byEventTime);
  }

  /**
   * Every given rule judges the batch against its history and, when one of them reads
   * baselines, what they knew before it; the new alerts are recorded and grouped into incidents.
   */
  private async judge(
    manager: EntityManager,
    batchId: string,
    judged: DetectEvent[],
    state: { rules: Rule[]; lists: ListSnapshot },
  ): Promise<{ alertIds: string[]; changeIds: string[]; failures: RuleFailure[] }> {
    const { rules, lists } = state;
    const now = new Date();
    const isolation = new RuleIsolation();
    const needs = rules
      .filter((rule) => !judgesSources(rule))
      .map((rule) => ({
        rule,
        need: isolation.attempt(rule, () =>
          checkNeeds(historyNeed(rule, judged, lists, { perKey: true })),
        ),
      }));
    const batchRules = needs.flatMap(({ rule, need }) => (need.ok ? [rule] : []));
    const histories = await loadHistories(
      manager,
      this.events,
      needs.flatMap(({ need }) => (need.ok ? [need.value] : [])),
      judged.reduce((max, event) => (BigInt(event.id) > max ? BigInt(event.id) : max), 0n),
    );
    const baselines = rules.some(readsBaselines)
      ? await this.baselinesBefore(judged, {
          rules,
          batchRules,
          histories,
          lists,
          isolation,
        })
      : snapshotOf([]);
    const byId = new Map(judged.map((event) => [event.id, event]));
    const findings = batchRules.flatMap((rule, i) => {
      const judgedByRule = isolation.attempt(rule, () =>
        evaluateRule({ rule, batch: judged, history: histories[i], baselines, lists, now }),
      );
      if (!judgedByRule.ok) return [];
      return judgedByRule.value.map((candidate) => {
        const evidence = candidate.evidenceEventIds.map((id) => byId.get(id)).filter(Boolean);
        return {
          candidate,
          rule,
          batchId,
          ingestedAt: evidence.reduce(
            (latest, event) => (event!.ingestedAt > latest ? event!.ingestedAt : latest),
            evidence[0]?.ingestedAt ?? now,
          ),
          // Named after its actor only when the alert is grouped by that actor (not by IP).
          actorLabel:
            candidate.actorId !== null && candidate.groupKey.includes(candidate.actorId)
              ? (evidence.find((event) => event!.actorEmail)?.actorEmail ?? null)
              : null,
        };
      });
    });
    const { alertIds, changeIds } = await isolation.record(manager, this.alerts, findings, now);
    return { alertIds, changeIds, failures: isolation.failures };
  }

  /**
   * What the baselines knew before the batch: hourly counts only as far back as the rules
   * that read them look, and only of the entities and actions they judge.
   */
  private baselinesBefore(
    judged: DetectEvent[],
    judging: {
      rules: Rule[];
      batchRules: Rule[];
      histories: DetectEvent[][];
      lists: ListSnapshot;
      isolation: RuleIsolation;
    },
  ): Promise<BaselineSnapshot> {
    const { rules, batchRules, histories, lists, isolation } = judging;
    const first = judged.length ? judged[0].eventTime.getTime() : Date.now();
    const hourlyDays = Math.max(0, ...batchRules.map(hourlyDaysOf));
    const hourlyKeys = batchRules.flatMap((rule, i) => {
      const keys = isolation.attempt(rule, () =>
        hourlyKeysOf(rule, [...judged, ...histories[i]], lists),
      );
      return keys.ok ? keys.value : [];
    });
    return this.baselines.loadSnapshot(
      entitiesOf(judged),
      {
        since: new Date(first - Math.min(hourlyDays, HOURLY_RETENTION_DAYS) * DAY_MS),
        keys: hourlyKeys,
      },
      seenKeysOf(judged, seenDimensionsOf(rules)),
    );
  }

  /** The batch is done: its failed rules show the error, count it, and the log names them. */
  private async noteFailures(batchId: string, failures: readonly RuleFailure[]): Promise<void> {
    if (failures.length === 0) return;
    const at = new Date();
    for (const { rule } of failures) this.metrics.countRuleFailure(rule.id);
    this.logger.warn(
      `Batch ${batchId}: ${failures.length} rule(s) failed and were skipped: ${failures
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

/** The baselines a batch touches: its users, Connect tokens and Connect servers. */
function entitiesOf(events: readonly DetectEvent[]): EntityKey[] {
  const seen = new Map<string, EntityKey>();
  for (const event of events) {
    const accountId = accountOf(event);
    const add = (entityType: EntityType, entityId: string | null) => {
      if (entityId) {
        seen.set(`${entityType}\u0000${accountId}\u0000${entityId}`, {
          entityType,
          accountId,
          entityId,
        });
      }
    };
    if (event.actorType === 'user') add('user', event.actorId);
    if (event.actorType === 'connect_token') add('connect_token', event.actorId);
    add('connect_server', event.connectServerId);
  }
  return [...seen.values()];
}
