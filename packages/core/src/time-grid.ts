/** Backward time grids: decreasing arrays from tMax (noise) to tMin (> 0; Δ_0 = 0 is singular). */
export function uniformGrid(tMax: number, tMin: number, steps: number): Float64Array {
  const g = new Float64Array(steps + 1);
  for (let k = 0; k <= steps; k++) g[k] = tMax + ((tMin - tMax) * k) / steps;
  return g;
}

/**
 * Geometric grid t_k = T (t_min/T)^{k/L}: the empirical score's stiffness grows like 1/t, so the
 * step must shrink in proportion to t.
 */
export function geometricGrid(tMax: number, tMin: number, steps: number): Float64Array {
  const g = new Float64Array(steps + 1);
  const r = Math.log(tMin / tMax);
  for (let k = 0; k <= steps; k++) g[k] = tMax * Math.exp((r * k) / steps);
  g[steps] = tMin;
  return g;
}
