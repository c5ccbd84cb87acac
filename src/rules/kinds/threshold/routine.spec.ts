import { describeRoutine, inRoutineHours, learnRoutine } from './routine';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const D0 = Date.parse('2025-03-01T00:00:00Z');

/** count at hour h of day d. */
const hours = (days: number, at: (d: number, h: number) => number) => {
  const map = new Map<number, number>();
  for (let d = 0; d < days; d++) {
    for (let h = 0; h < 24; h++) {
      const c = at(d, h);
      if (c > 0) map.set(D0 + d * DAY + h * HOUR, c);
    }
  }
  return map;
};

describe('learnRoutine', () => {
  it('learns the daily peak, its days and its hours', () => {
    const baseline = hours(10, (d, h) => (h === 2 ? 280 + d * 4 : 3));
    const routine = learnRoutine(baseline, undefined, D0, D0 + 10 * DAY, 50);
    expect(routine).toEqual({ burstDays: 10, usualBurst: 298, hours: [2], days: 10 });
    expect(describeRoutine(routine)).toBe(
      'bursts of about 298 an hour on 10 of 10 days, in the hours from 02:00 UTC',
    );
  });

  it('counts only hours reaching the threshold, inside the span, with the batch added', () => {
    const baseline = hours(10, (d, h) => (h === 2 && d < 2 ? 100 : 40));
    const batch = new Map([[D0 + 5 * DAY + 2 * HOUR, 20]]);
    const routine = learnRoutine(baseline, batch, D0 + DAY, D0 + 10 * DAY, 50);
    // Day 0 is outside; day 1 bursts; day 5 reaches 60 with the batch.
    expect(routine).toMatchObject({ burstDays: 2, usualBurst: 80, hours: [2] });
  });

  it('an hour within one of a routine hour is routine, across midnight too', () => {
    const routine = { burstDays: 5, usualBurst: 300, hours: [0, 2], days: 28 };
    expect(inRoutineHours(routine, Date.parse('2025-03-05T03:59:00Z'))).toBe(true);
    expect(inRoutineHours(routine, Date.parse('2025-03-05T23:10:00Z'))).toBe(true);
    expect(inRoutineHours(routine, Date.parse('2025-03-05T14:00:00Z'))).toBe(false);
  });
});
