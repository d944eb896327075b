import { NOISE_WGSL } from './noise-wgsl.ts';

/*
 * The Euler–Maruyama step of the backward SDE, after the three softmaxDenoise stages of the same
 * step: x ← x + η (x + 2F) + √(2η) ξ, F = (scale·mean − x) / variance, as core's sampler and the
 * empirical score form them (there in float64 from the float32 mean and state; here in float32).
 * ξ is core's normal at index base + g of (seed, stream), g the coordinate. The new state goes to
 * x in place (the next step's queries) and to the block's history, with the step's nearest.
 */

/** Threads per workgroup of the update: one coordinate each. */
export const UPDATE_THREADS = 256;

export const UPDATE_WGSL = /* wgsl */ `${NOISE_WGSL}
struct Step {
  count: u32,    // m·d
  m: u32,
  slot: u32,     // the step's place in the block's history
  seed: u32,
  stream: u32,
  baseLo: u32,   // index of the step's first normal: baseHi·2³² + baseLo
  baseHi: u32,
  pad: u32,
  scale: f32,
  variance: f32,
  eta: f32,
  noise: f32,    // √(2η)
}
@group(0) @binding(0) var<uniform> p: Step;
@group(0) @binding(1) var<storage, read_write> x: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> nearest: array<u32>;
@group(0) @binding(4) var<storage, read_write> history: array<f32>;
@group(0) @binding(5) var<storage, read_write> historyNearest: array<u32>;

@compute @workgroup_size(${UPDATE_THREADS})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let g = gid.x;
  if (g >= p.count) { return; }
  let lo = p.baseLo + g;
  let hi = p.baseHi + select(0u, 1u, lo < g);
  let xi = normalAt(p.seed, p.stream, lo, hi);
  let xv = x[g];
  let f = (p.scale * mean[g] - xv) / p.variance;
  let next = xv + p.eta * (xv + 2.0 * f) + p.noise * xi;
  x[g] = next;
  history[p.slot * p.count + g] = next;
  if (g < p.m) { historyNearest[p.slot * p.m + g] = nearest[g]; }
}
`;
