import type { EventKindModule } from '../kind-module';
import { evaluateMatch, matchHistoryNeed } from './match.evaluator';

/** match: has no parameters. */
export type MatchParams = Record<string, never>;

/** Every counting event of the batch fires on its own. */
export const matchKind: EventKindModule<MatchParams> = {
  judges: 'events',
  params: { keys: [], read: () => ({}) },
  streamsRequired: true,
  groupByRequired: false,
  impliedStreams: () => [],
  evaluate: evaluateMatch,
  lookBack: {
    historyNeed: matchHistoryNeed,
    hourlyDays: () => 0,
    hourlyKeys: () => [],
    seenDimensions: () => [],
    baselineEntity: () => null,
    warmupDays: () => 0,
    retainMs: () => 0,
  },
};
