import { delta } from '../forward.ts';
import { normalAt } from '../random.ts';

/**
 * The OU bridge: x_s given x₀ and x_T for dx = −x dt + √2 dW, per coordinate,
 *   N(e^{−s}x₀ + (e^{−(T−s)}Δ_s/Δ_T)(x_T − e^{−T}x₀), Δ_sΔ_{T−s}/Δ_T)
 * (Gaussian conditioning on cov(x_s, x_T) = e^{−(T−s)}Δ_s, var x_T = Δ_T given x₀). A dynamic
 * Schrödinger bridge is its static coupling composed with these bridges.
 */
export function ouBridgeMoments(x0: number, xT: number, s: number, T: number): { mean: number; variance: number } {
  const dT = delta(T);
  const gain = (Math.exp(-(T - s)) * delta(s)) / dT;
  return { mean: Math.exp(-s) * x0 + gain * (xT - Math.exp(-T) * x0), variance: (delta(s) * delta(T - s)) / dT };
}

/**
 * Paths between paired endpoints (count × d each) at `frames` equally spaced times on [0, T],
 * drawn forward: each frame from the bridge between the previous frame and x_T (the bridge is
 * Markov), so the last frame is x_T exactly. Noise from (seed, stream, (frame·count + i)·d + k).
 */
export function sampleOuBridges(o: {
  x0: ArrayLike<number>;
  xT: ArrayLike<number>;
  count: number;
  d: number;
  T: number;
  frames: number;
  seed: number;
  stream: number;
}): { times: Float64Array; paths: Float32Array } {
  const { count, d, T, frames } = o;
  const times = Float64Array.from({ length: frames }, (_, f) => (T * f) / (frames - 1));
  const paths = new Float32Array(frames * count * d);
  const x = Float64Array.from({ length: count * d }, (_, i) => o.x0[i]);
  paths.set(x, 0);
  for (let f = 1; f < frames; f++) {
    const remaining = T - times[f - 1];
    const step = times[f] - times[f - 1];
    for (let i = 0; i < count * d; i++) {
      if (f === frames - 1) {
        x[i] = o.xT[i];
        continue;
      }
      const { mean, variance } = ouBridgeMoments(x[i], o.xT[i], step, remaining);
      x[i] = mean + Math.sqrt(variance) * normalAt(o.seed, o.stream, ((f - 1) * count) * d + i);
    }
    paths.set(x, f * count * d);
  }
  return { times, paths };
}
