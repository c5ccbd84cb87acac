import { HOURLY_RETENTION_DAYS } from '../../../baselines/baseline-horizon';
import type { EventKindModule } from '../kind-module';
import { compileRule } from '../../engine/compiled-rule';
import { countedHourlyKeys } from '../hourly-keys';
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
    // A crossing by any counted event, stored or new, is judged against its routine.
    hourlyKeys: (rule, events, lists) => {
      const { routine } = rule.params as ThresholdParams;
      return routine ? countedHourlyKeys(compileRule(rule, lists), routine.entity, events) : [];
    },
    seenDimensions: () => [],
    baselineEntity: (params) => params.routine?.entity ?? null,
    warmupDays: (params) => Math.min(HOURLY_RETENTION_DAYS + 1, routineDays(params)),
    retainMs: (params) => 2 * params.windowSeconds * 1000,
  },
};
