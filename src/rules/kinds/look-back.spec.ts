import { hourlyDaysOf } from './look-back';

describe('hourlyDaysOf', () => {
  it('tells how many days of hourly counts a rule reads', () => {
    expect(hourlyDaysOf({ kind: 'rate_anomaly', params: { baselineDays: 28 } as never })).toBe(28);
    expect(
      hourlyDaysOf({
        kind: 'threshold',
        params: { windowSeconds: 60, threshold: 5, routine: { baselineDays: 14 } } as never,
      }),
    ).toBe(15);
    expect(hourlyDaysOf({ kind: 'threshold', params: { windowSeconds: 60, threshold: 5 } })).toBe(
      0,
    );
  });
});
