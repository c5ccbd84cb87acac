import type { EventKindModule } from '../kind-module';
import { evaluateSequence, sequenceHistoryNeed } from './sequence.evaluator';
import { sequenceParamsSchema, stageStreams, type SequenceParams } from './sequence.params';

/** Stage A then stage B, joined on a field, within a window. */
export const sequenceKind: EventKindModule<SequenceParams> = {
  judges: 'events',
  params: sequenceParamsSchema,
  streamsRequired: false,
  groupByRequired: false,
  impliedStreams: stageStreams,
  evaluate: evaluateSequence,
  lookBack: {
    historyNeed: sequenceHistoryNeed,
    hourlyDays: () => 0,
    hourlyKeys: () => [],
    seenDimensions: () => [],
    baselineEntity: () => null,
    warmupDays: () => 0,
    retainMs: (params) => params.withinSeconds * 1000,
  },
};
