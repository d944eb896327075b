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

/**
 * The geometric grid with every step longer than maxStep split evenly: Euler–Maruyama holds a mode
 * at equilibrium at variance 1 + η/2 instead of 1, so the long early steps of a geometric grid
 * leave a bias of several per cent that the slow modes carry to t = 0.
 */
export function geometricGridWithMaxStep(tMax: number, tMin: number, steps: number, maxStep: number): Float64Array {
  const g = geometricGrid(tMax, tMin, steps);
  const out: number[] = [g[0]];
  for (let k = 0; k < steps; k++) {
    const pieces = Math.ceil((g[k] - g[k + 1]) / maxStep - 1e-9);
    for (let j = 1; j <= pieces; j++) out.push(j === pieces ? g[k + 1] : g[k] + ((g[k + 1] - g[k]) * j) / pieces);
  }
  return Float64Array.from(out);
}
