import { gammaln } from 'simple-statistics';

/**
 * ln P(X ≥ x) for X ~ Poisson(λ), accurate far below what a double holds (p = 1e-300 and
 * beyond come back as their logarithm). simple-statistics' Poisson distribution is truncated,
 * so the tail is summed here from its `gammaln`: the first term in log space, the rest as
 * ratios (λ / k) that shrink once k > λ.
 */
export function poissonUpperTailLog(x: number, lambda: number): number {
  const k0 = Math.ceil(x);
  if (k0 <= 0) return 0;
  if (!(lambda > 0)) return -Infinity;
  const logLambda = Math.log(lambda);
  if (k0 > lambda) {
    const logFirst = -lambda + k0 * logLambda - gammaln(k0 + 1);
    let term = 1;
    let sum = 1;
    for (let k = k0 + 1; k < k0 + 10_000_000; k++) {
      term *= lambda / k;
      sum += term;
      if (term <= sum * 1e-17) break;
    }
    return Math.min(0, logFirst + Math.log(sum));
  }
  // x ≤ λ: the tail is large (about one half or more): one minus the lower tail, summed down
  // from k0 − 1 as ratios (k / λ) that shrink below the mean.
  const top = k0 - 1;
  let term = 1;
  let sum = 1;
  for (let k = top; k > 0; k--) {
    term *= k / lambda;
    sum += term;
    if (term <= sum * 1e-17) break;
  }
  const lower = Math.exp(-lambda + top * logLambda - gammaln(top + 1) + Math.log(sum));
  return Math.log(Math.min(1, Math.max(Number.MIN_VALUE, 1 - lower)));
}

/** P(X ≥ x) for X ~ Poisson(λ) (0 when it underflows: use the log form for tiny values). */
export function poissonUpperTail(x: number, lambda: number): number {
  return Math.exp(poissonUpperTailLog(x, lambda));
}
