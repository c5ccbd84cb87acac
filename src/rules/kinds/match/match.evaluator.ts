import { compileRule, makeAlert } from '../../engine/compiled-rule';
import type { AlertCandidate, EvaluationInput, HistoryNeed } from '../../engine/evaluation';
import { describeEvent } from '../../engine/explain';

/** match: one alert per counting event of the batch; fingerprint = the event id. */
export function evaluateMatch(input: EvaluationInput): AlertCandidate[] {
  const rule = compileRule(input.rule, input.lists);
  const out: AlertCandidate[] = [];
  const seen = new Set<string>();
  for (const e of input.batch) {
    if (seen.has(e.id) || !rule.counts(e)) continue;
    const groupKey = rule.groupKey(e);
    if (groupKey === null) continue;
    seen.add(e.id);
    out.push(
      makeAlert(rule, {
        fingerprint: e.id,
        groupKey,
        trigger: e,
        evidence: [e],
        explanation: `${input.rule.name}: ${describeEvent(e)}.`,
        figures: { stream: e.stream, action: e.action, objectType: e.objectType },
        count: 1,
      }),
    );
  }
  return out;
}

export function matchHistoryNeed(): HistoryNeed[] {
  return [];
}
