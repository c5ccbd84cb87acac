import { geoVelocityKind } from './geo-velocity/geo-velocity.kind';
import { heartbeatKind } from './heartbeat/heartbeat.kind';
import type { RuleKindModule } from './kind-module';
import { matchKind } from './match/match.kind';
import { newValueKind } from './new-value/new-value.kind';
import { rateAnomalyKind } from './rate-anomaly/rate-anomaly.kind';
import { sequenceKind } from './sequence/sequence.kind';
import { thresholdKind } from './threshold/threshold.kind';

/**
 * The rule kinds, by the name rules state in `kind`. This is the only list: the kind names,
 * their parameter types, the API's enum, the validator, the evaluator and the detection
 * worker's look-back all derive from it. See README.md.
 */
export const RULE_KIND_MODULES = {
  match: matchKind,
  threshold: thresholdKind,
  new_value: newValueKind,
  rate_anomaly: rateAnomalyKind,
  geo_velocity: geoVelocityKind,
  sequence: sequenceKind,
  heartbeat: heartbeatKind,
};

export type RuleKind = keyof typeof RULE_KIND_MODULES;

type ParamsOf<M> = M extends RuleKindModule<infer P> ? P : never;

export type RuleParamsByKind = { [K in RuleKind]: ParamsOf<(typeof RULE_KIND_MODULES)[K]> };

type AnyParams = RuleParamsByKind[RuleKind];

/** The kind names, in registry order (the API documents them in this order). */
export const RULE_KINDS = Object.keys(RULE_KIND_MODULES) as RuleKind[];

/**
 * The module of a kind, its parameter type widened to any kind's: its hooks are called with
 * the params of a rule of this kind, which the validator read with this same module.
 */
export function kindModule(kind: RuleKind): RuleKindModule<AnyParams> {
  return RULE_KIND_MODULES[kind] as RuleKindModule<AnyParams>;
}
