import { normalAt } from '../random.ts';

/**
 * The geodesic random walk on S² (De Bortoli et al., arXiv 2202.02763): from y, draw a Gaussian in
 * R³, keep its tangent part z − ⟨z, y⟩y, add the drift, and follow the geodesic:
 *   y ← exp_y(h·drift + √h·z_T),   exp_y(v) = cos|v| y + sin|v| v/|v|.
 * With drift 0 this is Brownian motion for the generator ½Δ in Brownian time h per step (the
 * tangent increment has covariance h·I₂). States are count × 3 Float64 rows.
 */

/**
 * One step for row i of x, in place: v must already be tangent at x_i. Returns | |exp_x(v)| − 1 |
 * before the renormalization, so callers can report how far the exponential map itself drifts
 * (rounding only); the stored row is then renormalized so errors cannot accumulate over steps.
 */
export function expMapInPlace(x: Float64Array, i: number, v0: number, v1: number, v2: number): number {
  const o = 3 * i;
  const norm = Math.sqrt(v0 * v0 + v1 * v1 + v2 * v2);
  let y0 = x[o];
  let y1 = x[o + 1];
  let y2 = x[o + 2];
  if (norm > 0) {
    const c = Math.cos(norm);
    const s = Math.sin(norm) / norm;
    y0 = c * y0 + s * v0;
    y1 = c * y1 + s * v1;
    y2 = c * y2 + s * v2;
  }
  const r = Math.sqrt(y0 * y0 + y1 * y1 + y2 * y2);
  x[o] = y0 / r;
  x[o + 1] = y1 / r;
  x[o + 2] = y2 / r;
  return Math.abs(r - 1);
}

/**
 * x_i ← exp_{x_i}(h·drift_i + √h·P_{x_i} z) for every row, z from the counter-based generator at
 * (seed, stream, (step·count + i)·3 + coordinate), so a run is reproducible however it is split.
 * `drift` (count × 3, tangent) may be omitted for the forward walk. Returns the largest norm error
 * of the exponential map in this step.
 */
export function geodesicStep(
  x: Float64Array,
  count: number,
  h: number,
  drift: Float64Array | undefined,
  seed: number,
  stream: number,
  step: number,
): number {
  const sh = Math.sqrt(h);
  let worst = 0;
  for (let i = 0; i < count; i++) {
    const o = 3 * i;
    const base = (step * count + i) * 3;
    const z0 = normalAt(seed, stream, base);
    const z1 = normalAt(seed, stream, base + 1);
    const z2 = normalAt(seed, stream, base + 2);
    const y0 = x[o];
    const y1 = x[o + 1];
    const y2 = x[o + 2];
    const dot = z0 * y0 + z1 * y1 + z2 * y2;
    let v0 = sh * (z0 - dot * y0);
    let v1 = sh * (z1 - dot * y1);
    let v2 = sh * (z2 - dot * y2);
    if (drift) {
      v0 += h * drift[o];
      v1 += h * drift[o + 1];
      v2 += h * drift[o + 2];
    }
    const e = expMapInPlace(x, i, v0, v1, v2);
    if (e > worst) worst = e;
  }
  return worst;
}

export interface ForwardWalkResult {
  /** count × 3 endpoints after Brownian time s. */
  x: Float64Array;
  maxNormError: number;
}

/** Forward noising: `steps` geodesic steps of h = s/steps from `start` (count × 3, not modified). */
export async function geodesicWalkForward(o: {
  start: Float64Array;
  count: number;
  s: number;
  steps: number;
  seed: number;
  stream: number;
  /** After every step; await it to allow cancellation. */
  onStep?: (k: number) => Promise<void> | void;
}): Promise<ForwardWalkResult> {
  const x = Float64Array.from(o.start);
  const h = o.s / o.steps;
  let maxNormError = 0;
  for (let k = 0; k < o.steps; k++) {
    maxNormError = Math.max(maxNormError, geodesicStep(x, o.count, h, undefined, o.seed, o.stream, k));
    await o.onStep?.(k + 1);
  }
  return { x, maxNormError };
}

/** count points uniform on S² (the invariant law of the walk): normalized standard Gaussians. */
export function uniformOnSphere(count: number, seed: number, stream: number): Float64Array {
  const x = new Float64Array(3 * count);
  for (let i = 0; i < count; i++) {
    let r = 0;
    // a zero Gaussian vector has probability 0; redraw from further counters if it ever happens
    for (let attempt = 0; r === 0; attempt++) {
      const base = (attempt * count + i) * 3;
      for (let c = 0; c < 3; c++) x[3 * i + c] = normalAt(seed, stream, base + c);
      r = Math.hypot(x[3 * i], x[3 * i + 1], x[3 * i + 2]);
    }
    for (let c = 0; c < 3; c++) x[3 * i + c] /= r;
  }
  return x;
}

/** Mean and standard error of ⟨x_i, x0_i⟩ over rows. */
export function meanCosine(x: Float64Array, x0: Float64Array, count: number): { mean: number; stdErr: number } {
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < count; i++) {
    const c = x[3 * i] * x0[3 * i] + x[3 * i + 1] * x0[3 * i + 1] + x[3 * i + 2] * x0[3 * i + 2];
    s1 += c;
    s2 += c * c;
  }
  const mean = s1 / count;
  const variance = count > 1 ? Math.max(0, (s2 - count * mean * mean) / (count - 1)) : 0;
  return { mean, stdErr: Math.sqrt(variance / count) };
}
