import { LIMITS } from '../../engine/rule-limits';
import type { ParamsSchema } from '../kind-module';

export interface HeartbeatParams {
  /** Source ids (`events:item_usage`, `connect:activity`); empty = every enabled source. */
  sources: string[];
  /** No successful poll for this long fires. */
  maxSilenceSeconds: number;
}

export const heartbeatParamsSchema: ParamsSchema<HeartbeatParams> = {
  keys: ['sources', 'maxSilenceSeconds'],
  read(c, obj, path) {
    const sources = c.stringArray(obj, 'sources', path) ?? [];
    const maxSilenceSeconds = c.number(obj, 'maxSilenceSeconds', path, {
      required: true,
      above: 0,
      max: LIMITS.maxWindowSeconds,
    });
    if (maxSilenceSeconds === null) return null;
    return { sources, maxSilenceSeconds };
  },
};
