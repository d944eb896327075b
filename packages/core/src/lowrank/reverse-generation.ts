import type { Kernels } from '../kernels.ts';
import type { Score } from '../score.ts';
import { delta } from '../forward.ts';
import { normalsOf, sampleBackward, type SamplerKind } from '../samplers.ts';
import { empiricalScore } from '../scores/empirical.ts';
import { molrgDenoise, molrgScore, type LowRankMixture } from './molrg.ts';

/**
 * The two kinds of denoiser chapter 4 generates with by the reverse process: the closed-form
 * denoiser of a mixture of low-rank Gaussians (the true one, or the trained one, i.e. the same
 * formula with learned bases), and the exact empirical denoiser of a training set (science.md
 * §4.2, last item), which a model able to memorize converges to.
 */
export type GeneratingDenoiser =
  | { kind: 'mixture'; model: LowRankMixture }
  | { kind: 'empirical'; training: Float32Array; count: number; d: number };

/** Its score (Tweedie, science.md §1.4), for the samplers. */
export function generatingScore(g: GeneratingDenoiser, kernels: Kernels): Score {
  return g.kind === 'mixture' ? molrgScore(g.model) : empiricalScore(g.training, g.count, g.d, kernels);
}

/** Its posterior mean x̂_0 = E[x_0 | x_t = x] for the m rows of x. */
export function generatingDenoise(g: GeneratingDenoiser, x: Float32Array, m: number, t: number, kernels: Kernels): Float32Array {
  if (g.kind === 'mixture') return molrgDenoise(g.model, x, m, t).mean;
  return kernels.softmaxDenoise({ queries: x, m, centres: g.training, n: g.count, d: g.d, scale: Math.exp(-t), variance: delta(t) }).mean;
}

export interface ReverseOptions {
  denoiser: GeneratingDenoiser;
  kernels: Kernels;
  /** m × d starting points at grid[0]; a shared start (and seed) pairs the runs of two denoisers. */
  start: Float32Array;
  m: number;
  /** Decreasing times, T down to t_min. */
  grid: Float64Array;
  sampler: SamplerKind;
  /** Seeds the step noise (the sampler's steps stream). */
  seed: number;
  onStep?: (k: number, x: Float32Array) => Promise<void> | void;
}

export interface ReverseRun {
  /** m × d: the state at t_min. */
  final: Float32Array;
  /**
   * m × d: the denoiser's output x̂_0 at t_min, what DDPM and DDIM return at their last step. It
   * removes the √Δ_{t_min} noise still left in every direction, which would otherwise blur the
   * nearest-neighbour tests on the scale of the training points' spacing.
   */
  denoised: Float32Array;
}

/** The reverse (backward) process driven by the denoiser's score, then its output at t_min. */
export async function reverseGenerate(o: ReverseOptions): Promise<ReverseRun> {
  const final = await sampleBackward({
    score: generatingScore(o.denoiser, o.kernels),
    start: o.start,
    m: o.m,
    grid: o.grid,
    sampler: o.sampler,
    seed: o.seed,
    normals: normalsOf(o.kernels),
    onStep: o.onStep,
  });
  const denoised = generatingDenoise(o.denoiser, final, o.m, o.grid[o.grid.length - 1], o.kernels);
  return { final, denoised };
}
