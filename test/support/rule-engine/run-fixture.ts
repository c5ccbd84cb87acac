import { evaluateSources, judgesSources } from '../../../src/rules/engine/evaluate';
import type { AlertCandidate, ListSnapshot } from '../../../src/rules/engine/evaluation';
import type { Rule } from '../../../src/rules/engine/rule-definition';
import { entityBaseline } from './baselines';
import { runInBatches } from './batch-runner';
import { detectEvents } from './detect-events';
import {
  listReferences,
  type BuiltInTemplate,
  type FixtureCase,
} from '../../../src/rules/templates/built-in-template';

export interface FixtureRun {
  /** The events judged in one batch. */
  alerts: AlertCandidate[];
  /** The same events judged one batch per event: must give the same fingerprints. */
  oneByOne: AlertCandidate[];
}

export function templateRule(template: BuiltInTemplate): Rule {
  return {
    ...template.definition,
    id: template.templateId,
    version: 1,
    templateId: template.templateId,
  };
}

/** Runs one fixture through the real evaluators, as the detection worker would. */
export function runFixture(template: BuiltInTemplate, fixture: FixtureCase): FixtureRun {
  const rule = templateRule(template);
  const lists: ListSnapshot = new Map<string, readonly string[]>([
    ...[...listReferences(template.definition)].map((name): [string, string[]] => [name, []]),
    ...Object.entries(fixture.lists ?? {}),
  ]);
  if (judgesSources(rule)) {
    const now = new Date(fixture.now ?? Date.now());
    const sources = (fixture.sources ?? []).map((s) => ({
      id: s.id,
      state: s.state,
      lastSuccessAt: s.lastSuccessAt === null ? null : new Date(s.lastSuccessAt),
      createdAt: new Date(s.createdAt),
    }));
    const alerts = evaluateSources(rule, sources, now);
    return { alerts, oneByOne: alerts };
  }
  const before = detectEvents(fixture.before ?? []);
  const events = detectEvents(fixture.events, before.length + 1);
  const options = {
    lists,
    before,
    baselines: (fixture.baselines ?? []).map(entityBaseline),
    ...(fixture.now ? { now: new Date(fixture.now) } : {}),
  };
  // Fresh baseline objects per run: the runner folds batches into them.
  const again = { ...options, baselines: (fixture.baselines ?? []).map(entityBaseline) };
  return {
    alerts: runInBatches(rule, events, [], options).alerts,
    oneByOne: runInBatches(
      rule,
      events,
      events.map((_, i) => i),
      again,
    ).alerts,
  };
}
