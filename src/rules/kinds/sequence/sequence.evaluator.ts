import { compileCounting, compileRule, makeAlert, withAccount } from '../../engine/compiled-rule';
import type { DetectEvent } from '../../../events/detect-event';
import type {
  AlertCandidate,
  EvaluationInput,
  HistoryNeed,
  ListSnapshot,
} from '../../engine/evaluation';
import { compareTimed, firstAtOrAfter, splitArrivals, type Timed } from '../../engine/event-order';
import { describeEvent, formatApproxDuration, formatDuration, who } from '../../engine/explain';
import { readField, type EventPredicate } from '../../engine/filter';
import { KeyTimes, type NeedShape } from '../../engine/key-times';
import type { Rule } from '../../engine/rule-definition';
import type { SequenceParams, SequenceStage } from './sequence.params';

interface Stage {
  def: SequenceStage;
  matches: EventPredicate;
}

interface Hit extends Timed {
  /** The join value. */
  value: string;
  /** The join value of the event's account: events of two accounts never join. */
  key: string;
  /** Whether the event is one of the batch's (else of the history). */
  inBatch: boolean;
}

function compileStages(rule: Rule, lists: ListSnapshot): [Stage, Stage] {
  const params = rule.params as SequenceParams;
  const base = compileRule(rule, lists);
  const stage = (def: SequenceStage): Stage => {
    const own = compileCounting(def.streams, def.filter, () => false, lists);
    return { def, matches: (e) => base.counts(e) && own(e) };
  };
  return [stage(params.stages[0]), stage(params.stages[1])];
}

function hitOf(stage: Stage, e: DetectEvent, inBatch: boolean): Hit | null {
  if (!stage.matches(e)) return null;
  const raw = readField(e, stage.def.key);
  if (raw === null) return null;
  const value = typeof raw === 'string' ? raw : String(raw);
  return { e, t: e.eventTime.getTime(), value, key: withAccount(value, e), inBatch };
}

/**
 * sequence: stage A then stage B for one join value (A's key field equals B's key field)
 * with A.t ≤ B.t ≤ A.t + within. One alert per B (fingerprint = B's id; evidence the earliest
 * such A and B). A pair fires when either end is in the batch: a late A makes stored Bs fire.
 * Whether a B fires depends only on the events stored, so batching never changes the result,
 * and forward and retro rules fire the same way (retro only describes how the need looks back
 * when B arrives).
 */
export function evaluateSequence(input: EvaluationInput): AlertCandidate[] {
  const rule = compileRule(input.rule, input.lists);
  const params = input.rule.params as SequenceParams;
  const withinMs = params.withinSeconds * 1000;
  const [stageA, stageB] = compileStages(input.rule, input.lists);

  const { before, arrivals } = splitArrivals(input.history, input.batch);
  const aByKey = new Map<string, Hit[]>();
  const bByKey = new Map<string, Hit[]>();
  const collect = (events: readonly DetectEvent[], inBatch: boolean): void => {
    for (const e of events) {
      const a = hitOf(stageA, e, inBatch);
      if (a) pushTo(aByKey, a);
      const b = hitOf(stageB, e, inBatch);
      if (b) pushTo(bByKey, b);
    }
  };
  collect(before, false);
  collect(arrivals, true);
  for (const list of aByKey.values()) list.sort(compareTimed);
  for (const list of bByKey.values()) list.sort(compareTimed);

  // Bs to judge: those of the batch, and those a batch A can reach.
  const toJudge = new Map<string, Hit>();
  for (const [key, bs] of bByKey) {
    for (const b of bs) if (b.inBatch) toJudge.set(b.e.id, b);
    for (const a of aByKey.get(key) ?? []) {
      if (!a.inBatch) continue;
      for (let i = firstAtOrAfter(bs, a.t); i < bs.length && bs[i].t <= a.t + withinMs; i++) {
        toJudge.set(bs[i].e.id, bs[i]);
      }
    }
  }

  const out: AlertCandidate[] = [];
  for (const b of toJudge.values()) {
    const as = aByKey.get(b.key);
    if (!as) continue;
    const minCount = stageA.def.minCount ?? 1;
    const found: Hit[] = [];
    for (let i = firstAtOrAfter(as, b.t - withinMs); i < as.length && as[i].t <= b.t; i++) {
      if (as[i].e.id !== b.e.id) found.push(as[i]);
    }
    if (found.length < minCount) continue;
    const a = found[0];
    const groupKey = b.key;
    const gapSeconds = Math.round((b.t - a.t) / 1000);
    out.push(
      makeAlert(rule, {
        fingerprint: b.e.id,
        groupKey,
        trigger: b.e,
        // Every A that made the count when a count is asked for, else the earliest.
        evidence: minCount > 1 ? [...found.map((h) => h.e), b.e] : [a.e, b.e],
        actorId: a.e.actorId ?? b.e.actorId,
        count: minCount > 1 ? found.length + 1 : 2,
        explanation:
          `${minCount > 1 ? `${found.length} × ` : ''}${stageA.def.name} then ${stageB.def.name} for ${subjectOf(a.e, b.e, b.value)} ` +
          `${formatApproxDuration(gapSeconds)} apart (limit ${formatDuration(params.withinSeconds)}): ` +
          `${describeEvent(a.e)}, then ${describeEvent(b.e)}.`,
        figures: {
          joinKey: b.value,
          stageA: { name: stageA.def.name, eventId: a.e.id, at: a.e.eventTime.toISOString() },
          stageACount: found.length,
          stageB: { name: stageB.def.name, eventId: b.e.id, at: b.e.eventTime.toISOString() },
          gapSeconds,
          withinSeconds: params.withinSeconds,
          mode: params.mode,
        },
      }),
    );
  }
  return out;
}

/** The joined user by email when one of the events is theirs, else the join value. */
function subjectOf(a: DetectEvent, b: DetectEvent, key: string): string {
  if (a.actorId === key) return who(a);
  if (b.actorId === key) return who(b);
  return key;
}

function pushTo(map: Map<string, Hit[]>, hit: Hit): void {
  const list = map.get(hit.key);
  if (list) list.push(hit);
  else map.set(hit.key, [hit]);
}

/**
 * Two needs, one per stage (the stages' key fields may differ: actorId of an export, objectId
 * of a suspend): every join value of the batch's A and B events, over [min − within, max + within].
 * With `perKey`, only what judging reads of each value: for a B of the batch, the As up to
 * `within` before it; for an A, the As around it and the Bs up to `within` after it (the Bs
 * it reaches, and the As those count). A stored B is never read for a B of the batch: a
 * 14-day sequence would otherwise read a fortnight of every exporting user's item usages.
 */
export function sequenceHistoryNeed(
  rule: Rule,
  batch: readonly DetectEvent[],
  lists: ListSnapshot,
  shape: NeedShape,
): HistoryNeed[] {
  const params = rule.params as SequenceParams;
  const withinMs = params.withinSeconds * 1000;
  const [stageA, stageB] = compileStages(rule, lists);
  const aTimes = new KeyTimes();
  const bTimes = new KeyTimes();
  // The whole range (no `perKey`): every value of either stage over the batch's span.
  const allTimes = shape.perKey ? null : new KeyTimes();
  for (const e of batch) {
    const a = hitOf(stageA, e, true);
    if (a !== null) aTimes.add(a.value, a.t);
    const b = hitOf(stageB, e, true);
    if (b !== null) bTimes.add(b.value, b.t);
    for (const hit of [a, b]) if (hit !== null) allTimes?.add(hit.value, hit.t);
  }
  const aStreams = [...stageA.def.streams];
  const bStreams = [...stageB.def.streams];
  if (allTimes) {
    const around = allTimes.around(withinMs, shape);
    if (around === null) return [];
    return [
      { field: stageA.def.key, ...around, streams: aStreams },
      { field: stageB.def.key, ...around, streams: bStreams },
    ];
  }
  const needs: HistoryNeed[] = [];
  const asAroundAs = aTimes.around(withinMs, shape);
  const asBeforeBs = bTimes.around(withinMs, shape, 0);
  const bsAfterAs = aTimes.around(0, shape, withinMs);
  if (asAroundAs) needs.push({ field: stageA.def.key, ...asAroundAs, streams: aStreams });
  if (asBeforeBs) needs.push({ field: stageA.def.key, ...asBeforeBs, streams: aStreams });
  if (bsAfterAs) needs.push({ field: stageB.def.key, ...bsAfterAs, streams: bStreams });
  return needs;
}
