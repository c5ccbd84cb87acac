import type { EventKindModule } from '../kind-module';
import { evaluateNewValue, newValueHistoryNeed } from './new-value.evaluator';
import { newValueParamsSchema, type NewValueParams } from './new-value.params';

/** An entity uses a value of a dimension (country, IP, client app…) its baseline has not seen. */
export const newValueKind: EventKindModule<NewValueParams> = {
  judges: 'events',
  params: newValueParamsSchema,
  streamsRequired: true,
  groupByRequired: false,
  impliedStreams: () => [],
  evaluate: evaluateNewValue,
  readsEveryStream: true,
  lookBack: {
    historyNeed: newValueHistoryNeed,
    historyNeedKnowing: newValueHistoryNeed,
    hourlyDays: () => 0,
    hourlyKeys: () => [],
    seenDimensions: ({ entity, field }) => [{ entityType: entity, dimension: field }],
    baselineEntity: (params) => params.entity,
    warmupDays: (params) => Math.min(90, Math.max(params.learningDays, params.forgetAfterDays)),
    retainMs: (params) => 2 * (params.newForHours ?? 0) * 3_600_000,
  },
};
