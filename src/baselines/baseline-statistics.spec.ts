import { mean, median, medianAbsoluteDeviation, standardDeviation } from 'simple-statistics';
import { DAY_MS, HOUR_MS } from './baseline-aggregate';
import {
  HOURS_PER_WEEK,
  hourOfWeek,
  hourOfWeekRates,
  maturityOf,
  rateWindow,
} from './baseline-statistics';

// A Monday.
const MONDAY = Date.parse('2026-11-16T00:00:00Z');
const at = (iso: string) => new Date(iso);

describe('hourOfWeek', () => {
  it('numbers the hours of the week from Monday 00:00 UTC', () => {
    expect(hourOfWeek(MONDAY)).toBe(0);
    expect(hourOfWeek(MONDAY + 13 * HOUR_MS + 59 * 60_000)).toBe(13);
    expect(hourOfWeek(Date.parse('2026-11-22T23:30:00Z'))).toBe(167);
    expect(hourOfWeek(Date.parse('2026-11-23T00:00:00Z'))).toBe(0);
  });
});

describe('rateWindow', () => {
  it('runs from the first event hour to the current hour', () => {
    const window = rateWindow(
      at('2026-11-16T09:40:00Z'),
      at('2026-11-18T10:00:00Z'),
      at('2026-11-18T12:10:00Z'),
    );
    expect(window).toEqual({
      from: Date.parse('2026-11-16T09:00:00Z'),
      to: Date.parse('2026-11-18T12:00:00Z'),
      hours: 2 * 24 + 4,
    });
  });

  it('starts 90 days back at most, and reaches at most a day ahead of the clock', () => {
    const now = at('2026-11-18T12:10:00Z');
    const window = rateWindow(at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'), now);
    expect(window.from).toBe(Date.parse('2026-08-20T12:00:00Z'));
    expect(window.to).toBe(Date.parse('2026-11-19T12:00:00Z'));
    expect(window.hours).toBe(91 * 24 + 1);
  });
});

describe('hourOfWeekRates', () => {
  it('gives each hour of the week the mean, deviation, median and MAD over its weeks', () => {
    // Three weeks; Monday 09:00 saw 2, 4 and 9 reveals; the other hours none.
    const window = { from: MONDAY, to: MONDAY + 3 * 168 * HOUR_MS - HOUR_MS, hours: 3 * 168 };
    const series = {
      action: 'reveal',
      hourStarts: [0, 1, 2].map((week) => MONDAY + (week * 168 + 9) * HOUR_MS),
      counts: [2, 4, 9],
    };

    const [rate] = hourOfWeekRates([series], window);

    expect(rate.action).toBe('reveal');
    expect(rate.total).toBe(15);
    expect(rate.meanPerHour).toBeCloseTo(15 / 504, 4);
    expect(rate.cells).toHaveLength(HOURS_PER_WEEK);
    expect(rate.cells[9]).toEqual({
      hourOfWeek: 9,
      weeks: 3,
      mean: 5,
      stdDev: 2.9439, // population: sqrt(((2-5)² + (4-5)² + (9-5)²) / 3)
      median: 4,
      mad: 2, // |2-4|, |4-4|, |9-4| → median 2
    });
    expect(rate.cells[10]).toEqual({
      hourOfWeek: 10,
      weeks: 3,
      mean: 0,
      stdDev: 0,
      median: 0,
      mad: 0,
    });
  });

  it('counts missing hours as zeros only from the window start, and leaves unseen hours empty', () => {
    // Two days of data starting Wednesday 10:00: Monday's hours have no sample yet.
    const from = MONDAY + (2 * 24 + 10) * HOUR_MS;
    const window = { from, to: from + 47 * HOUR_MS, hours: 48 };
    const [rate] = hourOfWeekRates([{ action: 'copy', hourStarts: [from], counts: [3] }], window);

    expect(rate.cells[58]).toMatchObject({ weeks: 1, mean: 3, median: 3, stdDev: 0 });
    expect(rate.cells[59]).toMatchObject({ weeks: 1, mean: 0 });
    expect(rate.cells[0]).toEqual({
      hourOfWeek: 0,
      weeks: 0,
      mean: null,
      stdDev: null,
      median: null,
      mad: null,
    });
    expect(rate.cells.filter((cell) => cell.weeks === 1)).toHaveLength(48);
  });

  it('agrees with simple-statistics on every cell, odd and even numbers of weeks alike', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (const weeks of [4, 5]) {
      const hours = weeks * 168;
      const window = { from: MONDAY, to: MONDAY + (hours - 1) * HOUR_MS, hours };
      const counts = Array.from({ length: hours }, () =>
        random() < 0.6 ? 0 : Math.floor(random() * 12),
      );
      const hourStarts = counts.map((_, i) => MONDAY + i * HOUR_MS);

      const [rate] = hourOfWeekRates([{ action: 'fill', hourStarts, counts }], window);

      rate.cells.forEach((cell, hour) => {
        const values = Array.from({ length: weeks }, (_, week) => counts[week * 168 + hour]);
        expect(cell.weeks).toBe(weeks);
        expect(cell.mean).toBeCloseTo(mean(values), 4);
        expect(cell.stdDev).toBeCloseTo(standardDeviation(values), 4);
        expect(cell.median).toBeCloseTo(median(values), 4);
        expect(cell.mad).toBeCloseTo(medianAbsoluteDeviation(values), 4);
      });
    }
  });

  it('sums series per action, ignores hours outside the window, and sorts actions', () => {
    const window = { from: MONDAY, to: MONDAY + 167 * HOUR_MS, hours: 168 };
    const rates = hourOfWeekRates(
      [
        { action: 'reveal', hourStarts: [MONDAY], counts: [1] },
        {
          action: 'copy',
          hourStarts: [MONDAY + HOUR_MS, MONDAY - HOUR_MS, MONDAY + 168 * HOUR_MS],
          counts: [2, 50, 50],
        },
        { action: 'copy', hourStarts: [MONDAY + 2 * HOUR_MS], counts: [5] },
      ],
      window,
    );
    expect(rates.map((rate) => [rate.action, rate.total])).toEqual([
      ['copy', 7],
      ['reveal', 1],
    ]);
  });
});

describe('maturityOf', () => {
  const now = at('2026-11-20T12:00:00Z');

  it('is learning for 14 days, and says when that ends', () => {
    const first = new Date(now.getTime() - 3.5 * DAY_MS);
    expect(
      maturityOf({ entityType: 'user', firstEventAt: first, successfulSignins: 9 }, now),
    ).toEqual({
      state: 'learning',
      reason: null,
      daysObserved: 3.5,
      matureAt: new Date(first.getTime() + 14 * DAY_MS),
    });
  });

  it('is mature after 14 days observed', () => {
    const first = new Date(now.getTime() - 14 * DAY_MS);
    expect(
      maturityOf({ entityType: 'connect_token', firstEventAt: first, successfulSignins: 0 }, now),
    ).toMatchObject({ state: 'mature', reason: 'days_observed', matureAt: null });
  });

  it('is mature for a user after 10 successful sign-ins', () => {
    expect(
      maturityOf({ entityType: 'user', firstEventAt: now, successfulSignins: 10 }, now),
    ).toMatchObject({ state: 'mature', reason: 'successful_signins', daysObserved: 0 });
  });
});
