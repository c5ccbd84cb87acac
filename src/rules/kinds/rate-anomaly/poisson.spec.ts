import { poissonUpperTail, poissonUpperTailLog } from './poisson';

// Reference values from mpmath (50 digits): ln P(X >= x) = ln gammainc(x, 0, λ, regularized).
const REFERENCE: Array<[number, number, number]> = [
  [1, 1, -0.4586751453870819],
  [10, 1, -16.009909825202023],
  [10, 0.4, -24.63039590223299],
  [37, 0.4, -133.62279032358015],
  [40, 0.4, -147.36246729859855],
  [100, 1, -364.7294262047196],
  [5, 5, -0.5806997496314213],
  [3, 10, -0.002773237586573018],
  [1000, 900, -7.5057699942338925],
  [20, 2, -30.37308352072455],
  [10, 1 / 672, -80.20834878453391],
  [1, 1 / 672, -6.511002295874389],
  [2, 1 / 672, -13.714655863582367],
  [60, 0.5, -230.70877485918587],
  [200, 0.1, -1323.848508156203],
  [1001, 1000, -0.7101089559235979],
  [50, 50, -0.6562207983875686],
];

describe('poissonUpperTailLog', () => {
  it.each(REFERENCE)('P(X >= %d | λ = %d) matches the reference in log space', (x, lambda, ln) => {
    const got = poissonUpperTailLog(x, lambda);
    expect(Math.abs(got - ln)).toBeLessThan(1e-9 * Math.max(1, Math.abs(ln)));
  });

  it('gives tiny probabilities such as 1e-30 and far below what a double holds', () => {
    expect(poissonUpperTail(20, 2)).toBeCloseTo(6.44373139311209e-14, 25);
    // 1e-35 and 1e-59: still representable, and exact to ~12 digits.
    expect(poissonUpperTail(10, 1 / 672) / 1.46540179880006e-35).toBeCloseTo(1, 9);
    expect(poissonUpperTail(37, 0.4) / 9.29735697069812e-59).toBeCloseTo(1, 9);
    // 1e-575 underflows a double: the log form still carries it.
    expect(poissonUpperTail(200, 0.1)).toBe(0);
    expect(poissonUpperTailLog(200, 0.1) / Math.LN10).toBeCloseTo(-574.94, 2);
  });

  it('is 1 for x <= 0 and 0 (log -Infinity) for λ = 0 and x >= 1', () => {
    expect(poissonUpperTailLog(0, 3)).toBe(0);
    expect(poissonUpperTailLog(-2, 3)).toBe(0);
    expect(poissonUpperTailLog(1, 0)).toBe(-Infinity);
  });

  it('decreases as x grows and increases as λ grows', () => {
    let previous = 0;
    for (let x = 1; x < 60; x++) {
      const ln = poissonUpperTailLog(x, 3);
      expect(ln).toBeLessThan(previous);
      previous = ln;
    }
    expect(poissonUpperTailLog(10, 2)).toBeGreaterThan(poissonUpperTailLog(10, 1));
  });

  it('handles large rates near the mean', () => {
    expect(poissonUpperTail(1_000_000, 1_000_000)).toBeCloseTo(0.5001329807, 6);
  });
});
