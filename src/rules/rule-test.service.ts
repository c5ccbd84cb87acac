import { BadRequestException, Injectable } from '@nestjs/common';
import { HOURLY_RETENTION_DAYS } from '../baselines/baseline-horizon';
import { toDetectEvent } from '../events/detect-event.mapper';
import { EventsService } from '../events/events.service';
import type { DetectEvent } from '../events/detect-event';
import type { AlertCandidate } from './engine/evaluation';
import { answersNeed, evaluateRule, historyNeed } from './engine/evaluate';
import type { Rule, RuleDefinition } from './engine/rule-definition';
import { hourlyDaysOf } from './engine/routine';
import { InMemoryBaselines } from './replay/in-memory-baselines';
import { RulesService } from './rules.service';

const DAY_MS = 86_400_000;
const CHUNK = 1000;
/** A test reads at most this many stored events (warm-up included). */
export const MAX_TEST_EVENTS = 1_000_000;
const MAX_RESULTS = 500;

export interface RuleTestResult {
  rule: { id: string | null; version: number | null; name: string; kind: string };
  range: { from: string; to: string; warmupFrom: string };
  eventsScanned: number;
  wouldFire: number;
  truncated: boolean;
  alerts: Array<Omit<AlertCandidate, 'eventTime'> & { eventTime: string }>;
}

/**
 * Replays a rule over stored events, as the live worker would have judged them: baselines
 * are learned in memory from a warm-up period before the range, event by event batch, and
 * windows see the events before each one. Nothing is recorded and nobody is notified.
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
    if (definition.kind === 'heartbeat') {
      throw new BadRequestException('kind: heartbeat rules judge sources, not stored events');
    }
    const rule: Rule = stored ?? { ...definition, id: 'unsaved', version: 0, templateId: null };
    const warmupFrom = new Date(from.getTime() - warmupDays(definition) * DAY_MS);
    const total = await this.events.countInRange(warmupFrom, to);
    if (total > MAX_TEST_EVENTS) {
      throw new BadRequestException(
        `from: the range and its ${warmupDays(definition)}-day warm-up hold ${total} events; a test reads at most ${MAX_TEST_EVENTS}`,
      );
    }

    const lists = await this.rules.listSnapshot();
    const baselines = new InMemoryBaselines();
    const buffer: DetectEvent[] = [];
    const found: AlertCandidate[] = [];
    const seen = new Set<string>();
    let after: { time: Date; id: string } | null = null;
    let scanned = 0;
    for (;;) {
      const rows = await this.events.scanForDetection(warmupFrom, to, after, CHUNK);
      const page: DetectEvent[] = rows.map(toDetectEvent);
      if (page.length === 0) break;
      scanned += page.length;
      after = { time: page[page.length - 1].eventTime, id: page[page.length - 1].id };
      buffer.push(...page);
      const judged = page.filter((event) => event.eventTime >= from);
      if (judged.length) {
        const needs = historyNeed(rule, judged, lists);
        const history = needs.length
          ? buffer.filter((event) => needs.some((need) => answersNeed(need, event)))
          : [];
        for (const alert of evaluateRule({
          rule,
          batch: judged,
          history,
          baselines,
          lists,
          now: to,
        })) {
          if (!seen.has(alert.fingerprint)) {
            seen.add(alert.fingerprint);
            found.push(alert);
          }
        }
      }
      baselines.learn(page, to);
      trim(buffer, after.time.getTime() - retainMs(definition));
    }
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
      eventsScanned: scanned,
      wouldFire: found.length,
      truncated: found.length > MAX_RESULTS,
      alerts: found
        .slice(0, MAX_RESULTS)
        .map((alert) => ({ ...alert, eventTime: alert.eventTime.toISOString() })),
    };
  }
}

/** Days of events before the range that the rule's baselines learn from. */
function warmupDays(definition: RuleDefinition): number {
  const params = definition.params as Partial<Record<string, number>>;
  switch (definition.kind) {
    case 'new_value':
      return Math.min(90, Math.max(params.learningDays ?? 0, params.forgetAfterDays ?? 0));
    default:
      // A routine reads whole days: one more than the hourly counts kept.
      return Math.min(HOURLY_RETENTION_DAYS + 1, hourlyDaysOf(definition));
  }
}

/** How long events stay in the replay's window buffer: the longest look-back of the rule. */
function retainMs(definition: RuleDefinition): number {
  const params = definition.params as Partial<Record<string, number>>;
  switch (definition.kind) {
    case 'threshold':
      return 2 * (params.windowSeconds ?? 0) * 1000;
    case 'sequence':
      return (params.withinSeconds ?? 0) * 1000;
    case 'new_value':
      return 2 * (params.newForHours ?? 0) * 3_600_000;
    case 'geo_velocity':
      return 2 * DAY_MS;
    default:
      return 0;
  }
}

function trim(buffer: DetectEvent[], before: number): void {
  let drop = 0;
  while (drop < buffer.length && buffer[drop].eventTime.getTime() < before) drop++;
  buffer.splice(0, drop);
}
