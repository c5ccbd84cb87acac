import { HOURLY_RETENTION_DAYS } from '../../../baselines/baseline-horizon';
import type { EventKindModule } from '../kind-module';
import { evaluateThreshold, thresholdHistoryNeed } from './threshold.evaluator';
import { thresholdParamsSchema, type ThresholdParams } from './threshold.params';

/** Days of hourly counts the routine reads: whole days before the event's day. */
const routineDays = (params: ThresholdParams): number =>
  params.routine ? params.routine.baselineDays + 1 : 0;

/** A group's count (or distinct count) within a sliding window reaches the threshold. */
export const thresholdKind: EventKindModule<ThresholdParams> = {
  judges: 'events',
  params: thresholdParamsSchema,
  streamsRequired: true,
  groupByRequired: true,
  impliedStreams: () => [],
  evaluate: evaluateThreshold,
  lookBack: {
    historyNeed: thresholdHistoryNeed,
    hourlyDays: routineDays,
    seenDimensions: () => [],
    warmupDays: (params) => Math.min(HOURLY_RETENTION_DAYS + 1, routineDays(params)),
    retainMs: (params) => 2 * params.windowSeconds * 1000,
  },
};
