/**
 * Gauss–Hermite quadrature in Float64: ∫ e^{−x²} f(x) dx ≈ Σ_i w_i f(x_i), exact for polynomials
 * of degree < 2n. Expectations over a Gaussian are the only integrals the theory curves need. Their
 * integrands (logistic functions, binary entropies) are analytic but have complex poles at
 * distance π/(2u) from the real axis, so convergence is geometric yet slow when u ≈ 3; at the
 * default order the error stays below 3·10⁻⁸ (checked against Simpson in the tests), far below
 * any Monte Carlo error the curves are compared with.
 */
export interface HermiteRule {
  nodes: Float64Array;
  weights: Float64Array;
}

const rules = new Map<number, HermiteRule>();

export const MAX_HERMITE_ORDER = 180;

/**
 * Nodes by Newton's method on the orthonormal Hermite recurrence (Numerical Recipes' gauher),
 * which avoids the overflow of the unnormalised polynomials. Past n ≈ 190 the initial guesses
 * for the inner roots fail in double precision (nodes out of order, weights summing to ~0), so
 * the order is capped at 180.
 */
export function gaussHermite(n: number): HermiteRule {
  const cached = rules.get(n);
  if (cached) return cached;
  if (!Number.isInteger(n) || n < 1 || n > MAX_HERMITE_ORDER) throw new RangeError(`gaussHermite: order ${n} is not an integer from 1 to ${MAX_HERMITE_ORDER}`);
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const pim4 = Math.PI ** -0.25;
  const half = Math.floor((n + 1) / 2);
  let z = 0;
  for (let i = 0; i < half; i++) {
    // Initial guesses for the largest roots first, each next one from the previous ones.
    if (i === 0) z = Math.sqrt(2 * n + 1) - 1.85575 * (2 * n + 1) ** -0.16667;
    else if (i === 1) z -= (1.14 * n ** 0.426) / z;
    else if (i === 2) z = 1.86 * z - 0.86 * nodes[0];
    else if (i === 3) z = 1.91 * z - 0.91 * nodes[1];
    else z = 2 * z - nodes[i - 2];
    let pp = 0;
    for (let iter = 0; iter < 100; iter++) {
      let p1 = pim4;
      let p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = z * Math.sqrt(2 / (j + 1)) * p2 - Math.sqrt(j / (j + 1)) * p3;
      }
      pp = Math.sqrt(2 * n) * p2;
      const z1 = z;
      z = z1 - p1 / pp;
      if (Math.abs(z - z1) <= 1e-15 * Math.max(1, Math.abs(z))) break;
    }
    nodes[i] = z;
    nodes[n - 1 - i] = -z;
    weights[i] = 2 / (pp * pp);
    weights[n - 1 - i] = weights[i];
  }
  const rule = { nodes, weights };
  rules.set(n, rule);
  return rule;
}

/** Order used by the theory curves. */
export const DEFAULT_HERMITE_ORDER = MAX_HERMITE_ORDER;

/** E[f(Y)] for Y ~ N(mean, sd²), by Gauss–Hermite. */
export function gaussianExpectation(f: (y: number) => number, mean: number, sd: number, order = DEFAULT_HERMITE_ORDER): number {
  const { nodes, weights } = gaussHermite(order);
  let s = 0;
  for (let i = 0; i < nodes.length; i++) s += weights[i] * f(mean + Math.SQRT2 * sd * nodes[i]);
  return s / Math.sqrt(Math.PI);
}
