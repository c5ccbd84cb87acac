import type { SourceKindModule } from '../kind-module';
import { evaluateHeartbeat } from './heartbeat.evaluator';
import { heartbeatParamsSchema, type HeartbeatParams } from './heartbeat.params';

/** A source has not polled successfully for too long. */
export const heartbeatKind: SourceKindModule<HeartbeatParams> = {
  judges: 'sources',
  params: heartbeatParamsSchema,
  streamsRequired: false,
  groupByRequired: false,
  impliedStreams: () => [],
  evaluate: evaluateHeartbeat,
};
