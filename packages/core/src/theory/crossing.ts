/**
 * Where a sampled curve y(t) crosses a level, scanning from the largest t downwards: the backward
 * dynamics meets large t first, so the first crossing met there is the regime boundary. Linear
 * interpolation between the bracketing samples; null when the curve never crosses.
 */
export function lastCrossing(t: ArrayLike<number>, y: ArrayLike<number>, level: number): number | null {
  const order = Array.from({ length: t.length }, (_, i) => i).sort((a, b) => t[b] - t[a]);
  for (let k = 0; k + 1 < order.length; k++) {
    const hi = order[k];
    const lo = order[k + 1];
    const above = y[hi] - level;
    const below = y[lo] - level;
    if (above === 0) return t[hi];
    if (Math.sign(above) !== Math.sign(below) && Number.isFinite(above) && Number.isFinite(below)) {
      if (below === 0) return t[lo];
      return t[hi] + ((t[lo] - t[hi]) * above) / (above - below);
    }
  }
  return null;
}

/**
 * The largest zero of a function on [lo, hi]: scan from hi down on a grid fine enough to separate
 * zeros, then bisect the first bracket found. null when f does not change sign.
 */
export function largestZero(f: (t: number) => number, lo: number, hi: number, scan = 400): number | null {
  let tHi = hi;
  let fHi = f(hi);
  if (fHi === 0) return hi;
  for (let k = 1; k <= scan; k++) {
    // geometric scan: the entropy curves vary on the scale of t itself near t → 0
    const tLo = k === scan ? lo : hi * (lo / hi) ** (k / scan);
    const fLo = f(tLo);
    if (fLo === 0) return tLo;
    if (Math.sign(fLo) !== Math.sign(fHi)) {
      let a = tLo;
      let b = tHi;
      const fa = fLo;
      for (let i = 0; i < 200 && b - a > 1e-14 * b; i++) {
        const mid = 0.5 * (a + b);
        const fm = f(mid);
        if (fm === 0) return mid;
        if (Math.sign(fm) === Math.sign(fa)) a = mid;
        else b = mid;
      }
      return 0.5 * (a + b);
    }
    tHi = tLo;
    fHi = fLo;
  }
  return null;
}
