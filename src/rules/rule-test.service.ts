import { BadRequestException, Injectable } from '@nestjs/common';
import { toDetectEvent } from '../events/detect-event.mapper';
import { EventsService } from '../events/events.service';
import type { AlertCandidate } from './engine/evaluation';
import { judgesSources } from './engine/evaluate';
import type { Rule, RuleDefinition } from './engine/rule-definition';
import { warmupDaysOf } from './kinds/look-back';
import { replayRule, type ReplayLimits } from './replay/replay';
import { ReplayWindowFull } from './replay/replay-window';
import { RulesService } from './rules.service';

const DAY_MS = 86_400_000;
/** A test reads at most this many stored events (warm-up included). */
export const MAX_TEST_EVENTS = 1_000_000;

/**
 * What one test holds at most, whatever its range and the tenant's size: a page of events,
 * the events of the rule's look-back that count for it (a 14-day sequence of exports keeps
 * only exports and suspensions), and the alerts it answers with (the rest are counted).
 */
export const REPLAY_LIMITS: ReplayLimits = {
  pageSize: 1000,
  maxAlerts: 500,
  maxWindowEvents: 100_000,
};

export interface RuleTestResult {
  rule: { id: string | null; version: number | null; name: string; kind: string };
  range: { from: string; to: string; warmupFrom: string };
  eventsScanned: number;
  wouldFire: number;
  /** More would fire than are listed: `alertsReturned` of `wouldFire`. */
  truncated: boolean;
  alertsReturned: number;
  alerts: Array<Omit<AlertCandidate, 'eventTime'> & { eventTime: string }>;
}

/**
 * Replays a rule over stored events, as the live worker would have judged them: baselines
 * are learned in memory from a warm-up period before the range, page by page, and windows
 * see the events before each one (replay/replay.ts). Nothing is recorded and nobody is
 * notified.
 */
@Injectable()
export class RuleTestService {
  constructor(
    private readonly events: EventsService,
    private readonly rules: RulesService,
  ) {}

  async run(
    definition: RuleDefinition,
    from: Date,
    to: Date,
    stored?: Rule,
  ): Promise<RuleTestResult> {
    if (!(from < to)) throw new BadRequestException('from: must be before to');
    const rule: Rule = stored ?? { ...definition, id: 'unsaved', version: 0, templateId: null };
    if (judgesSources(rule)) {
      throw new BadRequestException(`kind: ${rule.kind} rules judge sources, not stored events`);
    }
    const warmupFrom = new Date(from.getTime() - warmupDaysOf(definition) * DAY_MS);
    const total = await this.events.countInRange(warmupFrom, to);
    if (total > MAX_TEST_EVENTS) {
      throw new BadRequestException(
        `from: the range and its ${warmupDaysOf(definition)}-day warm-up hold ${total} events; a test reads at most ${MAX_TEST_EVENTS}`,
      );
    }

    const lists = await this.rules.listSnapshot();
    const outcome = await replayRule({
      rule,
      lists,
      judgeFrom: from,
      now: to,
      read: async (after, limit) =>
        (await this.events.scanForDetection(warmupFrom, to, after, limit)).map(toDetectEvent),
      limits: REPLAY_LIMITS,
    }).catch((error: unknown) => {
      if (!(error instanceof ReplayWindowFull)) throw error;
      throw new BadRequestException(
        `from: ${error.message} (the range holds too many of the events it counts); narrow the range, the rule's filter or its window`,
      );
    });
    return {
      rule: {
        id: stored?.id ?? null,
        version: stored?.version ?? null,
        name: rule.name,
        kind: rule.kind,
      },
      range: {
        from: from.toISOString(),
        to: to.toISOString(),
        warmupFrom: warmupFrom.toISOString(),
      },
      eventsScanned: outcome.eventsScanned,
      wouldFire: outcome.wouldFire,
      truncated: outcome.wouldFire > outcome.alerts.length,
      alertsReturned: outcome.alerts.length,
      alerts: outcome.alerts.map((alert) => ({
        ...alert,
        eventTime: alert.eventTime.toISOString(),
      })),
    };
  }
}
