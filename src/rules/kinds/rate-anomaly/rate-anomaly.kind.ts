import { HOURLY_RETENTION_DAYS } from '../../../baselines/baseline-horizon';
import type { EventKindModule } from '../kind-module';
import { compileRule } from '../../engine/compiled-rule';
import { countedHourlyKeys } from '../hourly-keys';
import { evaluateRateAnomaly, rateAnomalyHistoryNeed } from './rate-anomaly.evaluator';
import { rateAnomalyParamsSchema, type RateAnomalyParams } from './rate-anomaly.params';

/** An entity's hourly count is improbably high against its own hourly history. */
export const rateAnomalyKind: EventKindModule<RateAnomalyParams> = {
  judges: 'events',
  params: rateAnomalyParamsSchema,
  streamsRequired: true,
  groupByRequired: false,
  impliedStreams: () => [],
  evaluate: evaluateRateAnomaly,
  lookBack: {
    historyNeed: rateAnomalyHistoryNeed,
    hourlyDays: (params) => params.baselineDays,
    // Each counted event is judged against its entity's counts of its own action.
    hourlyKeys: (rule, events, lists) =>
      countedHourlyKeys(
        compileRule(rule, lists),
        (rule.params as RateAnomalyParams).entity,
        events,
      ),
    seenDimensions: () => [],
    baselineEntity: (params) => params.entity,
    warmupDays: (params) => Math.min(HOURLY_RETENTION_DAYS + 1, params.baselineDays),
    retainMs: () => 0,
  },
};
