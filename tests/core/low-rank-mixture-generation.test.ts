import { describe, expect, it } from 'vitest';
import { directContext, referenceKernels, runExperiment } from '@diffusion-atlas/core';

interface Generation {
  d: number;
  K: number;
  r: number;
  generated: number;
  learnedBases: Float64Array;
  subspaceError: Float64Array;
  samplesOptimal: Float32Array;
  samplesTrained: Float32Array;
  samplesEmpirical: Float32Array;
  trajectoriesTrained: Float32Array;
  trajectoriesOptimal: Float32Array;
  frameTimes: Float64Array;
  memorizedFractionTrained: number;
  memorizedFractionEmpirical: number;
}

async function run(params: Record<string, unknown>): Promise<Generation> {
  const { result } = await runExperiment('low-rank-mixture', params, directContext(referenceKernels));
  return result as unknown as Generation;
}

/** Distance from x to the nearest of K learned subspaces (rows of `bases`, K × r × d). */
function offSubspace(x: Float32Array, i: number, bases: Float64Array, K: number, r: number, d: number): number {
  let best = Infinity;
  for (let k = 0; k < K; k++) {
    let inside = 0;
    for (let j = 0; j < r; j++) {
      let c = 0;
      for (let l = 0; l < d; l++) c += bases[(k * r + j) * d + l] * x[i * d + l];
      inside += c * c;
    }
    let total = 0;
    for (let l = 0; l < d; l++) total += x[i * d + l] ** 2;
    best = Math.min(best, Math.sqrt(Math.max(0, total - inside)));
  }
  return best;
}

describe('low-rank-mixture: samples of the trained denoiser by the reverse process', () => {
  it('with the subspaces recovered, the trained run follows the optimal one from the same noise', async () => {
    // σ = 0 and n = 40 ≥ r: K-subspaces recovers the lines to rounding (subspaceError ≈ 1e-7), so
    // both runs use the same score up to that rounding and the same noise sequence
    const r = await run({});
    for (const e of r.subspaceError) expect(e).toBeLessThan(1e-5);
    const m = r.generated;
    const frames = r.frameTimes.length;
    expect(r.samplesTrained).toHaveLength(m * r.d);
    expect(r.trajectoriesTrained).toHaveLength(frames * m * r.d);
    expect(Array.from(r.trajectoriesTrained.subarray(0, m * r.d))).toEqual(Array.from(r.trajectoriesOptimal.subarray(0, m * r.d)));
    let worst = 0;
    for (let i = 0; i < r.samplesTrained.length; i++) worst = Math.max(worst, Math.abs(r.samplesTrained[i] - r.samplesOptimal[i]));
    expect(worst).toBeLessThan(1e-3);
  });

  it('below n = r they end on the learned, wrong plane, not on the training points', async () => {
    // K = 1, r = 2, n = 1 in R³: the learned plane contains the training point and a random
    // direction. At t_min = 10⁻³ the SDE leaves a normal residue of about √(2·10⁻³) ≈ 0.045.
    const r = await run({ K: 1, r: 2, n: 1 });
    for (let i = 0; i < r.generated; i++) expect(offSubspace(r.samplesTrained, i, r.learnedBases, 1, 2, 3)).toBeLessThan(0.2);
    // the samples spread over the plane: their mean distance from the single training point is of
    // the order of the plane's unit spread, not the 0.045 residue of a copy
    let spread = 0;
    for (let i = 0; i < r.generated; i++) {
      let s = 0;
      for (let l = 0; l < 3; l++) s += (r.samplesTrained[i * 3 + l] - r.samplesEmpirical[i * 3 + l]) ** 2;
      spread += Math.sqrt(s) / r.generated;
    }
    expect(spread).toBeGreaterThan(0.5);
  });
});
