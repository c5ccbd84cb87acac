import type { DetectEvent } from '../../events/detect-event';
import type { AlertCandidate, ListSnapshot } from '../engine/evaluation';
import { evaluateRule, historyNeed } from '../engine/evaluate';
import { PER_KEY } from '../engine/key-times';
import type { Rule } from '../engine/rule-definition';
import { hourlyDaysOf, retainMsOf, seenDimensionsOf } from '../kinds/look-back';
import { InMemoryBaselines, seenKeyOf } from './in-memory-baselines';
import { ReplayWindow } from './replay-window';

/** The page after `after` (null: the first), in event time then id order; empty at the end. */
export type PageReader = (
  after: { time: Date; id: string } | null,
  limit: number,
) => Promise<DetectEvent[]>;

export interface ReplayLimits {
  /** Events read per page. */
  pageSize: number;
  /** Alerts kept for the answer; the rest are only counted. */
  maxAlerts: number;
  /** Events the look-back window may keep at once (ReplayWindowFull beyond). */
  maxWindowEvents: number;
}

export interface ReplayOutcome {
  eventsScanned: number;
  wouldFire: number;
  /** The first `maxAlerts` alerts found, in the order they were found. */
  alerts: AlertCandidate[];
}

/**
 * Replays a rule over stored events read page by page, each page judged as one batch against
 * baselines learned from the pages before it and the window of events it looks back on.
 * Events before `judgeFrom` (the warm-up) only teach the baselines and fill the window.
 * What it holds does not grow with the range: one page, the events of the rule's look-back
 * that count for it, the baselines, the first alerts, and the fingerprints still reachable.
 */
export async function replayRule(options: {
  rule: Rule;
  lists: ListSnapshot;
  judgeFrom: Date;
  now: Date;
  read: PageReader;
  limits: ReplayLimits;
}): Promise<ReplayOutcome> {
  const { rule, lists, judgeFrom, now, read, limits } = options;
  const retainMs = retainMsOf(rule);
  const window = new ReplayWindow(retainMs, limits.maxWindowEvents);
  const baselines = new InMemoryBaselines(undefined, {
    hourly: hourlyDaysOf(rule) > 0,
    seen: new Set(seenDimensionsOf([rule]).map((d) => seenKeyOf(d.entityType, d.dimension))),
  });
  const fired = new FiredFingerprints();
  const alerts: AlertCandidate[] = [];
  let wouldFire = 0;
  let eventsScanned = 0;
  let after: { time: Date; id: string } | null = null;
  for (;;) {
    const page = await read(after, limits.pageSize);
    if (page.length === 0) break;
    eventsScanned += page.length;
    const last = page[page.length - 1];
    after = { time: last.eventTime, id: last.id };
    const needs = historyNeed(rule, page, lists, PER_KEY);
    const judged = page.filter((event) => event.eventTime >= judgeFrom);
    if (judged.length) {
      const judgedNeeds =
        judged.length === page.length ? needs : historyNeed(rule, judged, lists, PER_KEY);
      const history = window.history(judgedNeeds, page);
      for (const alert of evaluateRule({ rule, batch: judged, history, baselines, lists, now })) {
        if (!fired.add(alert)) continue;
        wouldFire++;
        if (alerts.length < limits.maxAlerts) alerts.push(alert);
      }
    }
    baselines.learn(page, now);
    window.advance(page, needs);
    fired.forgetBefore(last.eventTime.getTime() - retainMs);
  }
  return { eventsScanned, wouldFire, alerts };
}

/**
 * Fingerprints already raised, so a finding raised again by a later page counts once. A
 * candidate's event is in its batch or history, never older than the window keeps, so a
 * fingerprint whose event left the window cannot come back and is forgotten.
 */
class FiredFingerprints {
  private readonly at = new Map<string, number>();
  private sizeAfterForget = 0;

  /** False when it was raised before. */
  add(alert: AlertCandidate): boolean {
    if (this.at.has(alert.fingerprint)) return false;
    this.at.set(alert.fingerprint, alert.eventTime.getTime());
    return true;
  }

  forgetBefore(cutoff: number): void {
    // Amortized: a sweep only once the set has doubled since the last one.
    if (this.at.size < 1024 || this.at.size < 2 * this.sizeAfterForget) return;
    for (const [fingerprint, t] of this.at) if (t < cutoff) this.at.delete(fingerprint);
    this.sizeAfterForget = this.at.size;
  }
}
