/**
 * The exact empirical score (science.md §1.5) of n training rows (n × d, Float32) at one state x,
 * into `out`, in Float64 with log-sum-exp; returns the largest posterior weight, which tends to 1
 * once the trajectory has collapsed onto one training row.
 */
export function empiricalRowScore(
  x: Float64Array,
  training: Float32Array,
  n: number,
  d: number,
  a: number,
  delta: number,
  logits: Float64Array,
  out: Float64Array,
): number {
  let max = -Infinity;
  for (let mu = 0; mu < n; mu++) {
    let r2 = 0;
    for (let i = 0; i < d; i++) {
      const diff = x[i] - a * training[mu * d + i];
      r2 += diff * diff;
    }
    logits[mu] = -r2 / (2 * delta);
    if (logits[mu] > max) max = logits[mu];
  }
  let z = 0;
  for (let mu = 0; mu < n; mu++) {
    logits[mu] = logits[mu] - max > -87 ? Math.exp(logits[mu] - max) : 0;
    z += logits[mu];
  }
  out.fill(0);
  let top = 0;
  for (let mu = 0; mu < n; mu++) {
    const w = logits[mu] / z;
    if (w === 0) continue;
    top = Math.max(top, w);
    for (let i = 0; i < d; i++) out[i] += w * a * training[mu * d + i];
  }
  for (let i = 0; i < d; i++) out[i] = (out[i] - x[i]) / delta;
  return top;
}

