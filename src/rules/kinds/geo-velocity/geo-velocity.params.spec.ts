import { accepted } from '../../../../test/support/rule-engine/rule-validation';

describe('geo_velocity params', () => {
  it('fills its parameter defaults', () => {
    expect(
      accepted({ name: 'x', kind: 'geo_velocity', streams: ['signin_attempt'] }).params,
    ).toEqual({ maxSpeedKmh: 900, minDistanceKm: 500, minGapMinutes: 5 });
  });
});
