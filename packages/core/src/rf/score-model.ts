import { delta } from '../forward.ts';
import { normalAt, Streams } from '../random.ts';
import { activationFunctions, type RfActivation } from './constants.ts';
import type { ProgressReport } from '../progress.ts';

/** A trained random-features score s(x) = B σ(Wx/√d), B (d × p) = A/√p, W (p × d). */
export interface RandomFeaturesScore {
  d: number;
  p: number;
  weights: Float64Array;
  readout: Float64Array;
  activation: RfActivation;
}

/** s(x) for m rows of x (m × d), Float64 (the matrices behind B are Float64 and so is this path). */
export function evaluateRandomFeatures(model: RandomFeaturesScore, x: Float64Array, m: number, out = new Float64Array(m * model.d)): Float64Array {
  const { d, p, weights, readout } = model;
  const { f } = activationFunctions(model.activation);
  const inv = 1 / Math.sqrt(d);
  const phi = new Float64Array(p);
  for (let r = 0; r < m; r++) {
    const xr = r * d;
    for (let i = 0; i < p; i++) {
      const wi = i * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += weights[wi + k] * x[xr + k];
      phi[i] = f(s * inv);
    }
    for (let k = 0; k < d; k++) {
      const bk = k * p;
      let s = 0;
      for (let i = 0; i < p; i++) s += readout[bk + i] * phi[i];
      out[xr + k] = s;
    }
  }
  return out;
}

export interface FixedTimeSamplerOptions {
  /** The diffusion time the model was trained at. */
  t: number;
  /** Number of chains. */
  m: number;
  steps: number;
  /** Langevin step as a fraction of Δ_t: the trained score is stiff on the scale Δ_t around each well. */
  stepFraction: number;
  seed: number;
  onProgress?: ProgressReport;
}

/**
 * Generation with a score known at one small time t only. The exact backward dynamics from T down
 * to t lands on P_t, which for N(0, I) data is N(0, I) itself, so chains start there. Langevin
 * dynamics x ← x + η s(x) + √(2η) ξ at fixed t then moves them to the model's own P_t (the
 * stationary law of that dynamics: a generalizing model leaves N(0, I) in place, a memorizing one
 * gathers the chains around the noised training points), and Tweedie's formula
 * x̂_0 = e^{t}(x + Δ_t s(x)) reads each chain out at t = 0 (a copy when the model's denoiser returns
 * a training point). Running the backward SDE on to t = 0 with the score frozen at t does not work:
 * over a time t the frozen drift only contracts by ~e^{−1}, too little to reach a well, even for
 * the exact empirical score.
 * Chain r's noise depends on (seed, r, step) only, so every training time and every n see the same
 * chains, and the memorized fraction varies smoothly with τ.
 */
export function sampleAtFixedTime(model: RandomFeaturesScore, o: FixedTimeSamplerOptions): Float64Array {
  const { d } = model;
  const { m, steps, seed } = o;
  const dt = delta(o.t);
  const eta = o.stepFraction * dt;
  const kick = Math.sqrt(2 * eta);
  const x = new Float64Array(m * d);
  for (let i = 0; i < x.length; i++) x[i] = normalAt(seed, Streams.init, i);
  const s = new Float64Array(m * d);
  for (let l = 0; l < steps; l++) {
    o.onProgress?.(l / steps);
    evaluateRandomFeatures(model, x, m, s);
    for (let r = 0; r < m; r++) {
      const base = (r * steps + l) * d;
      for (let k = 0; k < d; k++) {
        const i = r * d + k;
        x[i] += eta * s[i] + kick * normalAt(seed, Streams.steps, base + k);
      }
    }
  }
  evaluateRandomFeatures(model, x, m, s);
  const out = new Float64Array(m * d);
  const grow = Math.exp(o.t);
  for (let i = 0; i < out.length; i++) out[i] = grow * (x[i] + dt * s[i]);
  return out;
}
