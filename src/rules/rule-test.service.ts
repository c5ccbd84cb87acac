import { BadRequestException, Injectable } from '@nestjs/common';
import { toDetectEvent } from '../events/detect-event.mapper';
import { EventsService } from '../events/events.service';
import type { DetectEvent } from '../events/detect-event';
import type { AlertCandidate } from './engine/evaluation';
import { answersNeed, evaluateRule, historyNeed, judgesSources } from './engine/evaluate';
import type { Rule, RuleDefinition } from './engine/rule-definition';
import { retainMsOf, warmupDaysOf } from './kinds/look-back';
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
      trim(buffer, after.time.getTime() - retainMsOf(definition));
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

function trim(buffer: DetectEvent[], before: number): void {
  let drop = 0;
  while (drop < buffer.length && buffer[drop].eventTime.getTime() < before) drop++;
  buffer.splice(0, drop);
}
