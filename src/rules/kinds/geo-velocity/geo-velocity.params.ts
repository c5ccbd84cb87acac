import { LIMITS } from '../../engine/rule-limits';
import type { ParamsSchema } from '../kind-module';

export interface GeoVelocityParams {
  maxSpeedKmh: number;
  minDistanceKm: number;
  /** Gaps shorter than this are treated as this long (clock skew, VPN hops). */
  minGapMinutes: number;
}

export const geoVelocityParamsSchema: ParamsSchema<GeoVelocityParams> = {
  keys: ['maxSpeedKmh', 'minDistanceKm', 'minGapMinutes'],
  read(c, obj, path) {
    const maxSpeedKmh =
      c.number(obj, 'maxSpeedKmh', path, { above: 0, max: LIMITS.maxSpeedKmh }) ?? 900;
    const minDistanceKm =
      c.number(obj, 'minDistanceKm', path, { min: 0, max: LIMITS.maxDistanceKm }) ?? 500;
    const minGapMinutes =
      c.number(obj, 'minGapMinutes', path, { min: 0, max: LIMITS.maxGapMinutes }) ?? 5;
    return { maxSpeedKmh, minDistanceKm, minGapMinutes };
  },
};
