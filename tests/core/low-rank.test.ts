import { describe, expect, it } from 'vitest';
import {
  AtlasError,
  Rng,
  directContext,
  referenceKernels,
  resolveParams,
  lowRankMixture,
  runExperiment,
  subspaceEditing,
  subspaceTransition,
  type DataSources,
  type ExperimentDefinition,
  type ImageSet,
  type ParamSpecs,
  type ResultRecord,
  type ResultValue,
} from '@diffusion-atlas/core';
import { runTyped } from './typed-run.ts';

function run<P extends ParamSpecs, R extends ResultRecord>(experiment: ExperimentDefinition<P, R>, params: Record<string, unknown>, data?: DataSources): Promise<R> {
  return runTyped(experiment, params, directContext(referenceKernels, { data }));
}

/** Every typed array in a result, with where it sits. */
function typedArrays(value: ResultValue, path = 'result', out: [string, ArrayBufferView][] = []): [string, ArrayBufferView][] {
  if (value === null || typeof value !== 'object') return out;
  if (ArrayBuffer.isView(value)) {
    out.push([path, value]);
    return out;
  }
  if (Array.isArray(value)) {
    (value as readonly ResultValue[]).forEach((v, i) => typedArrays(v, `${path}[${i}]`, out));
    return out;
  }
  for (const [k, v] of Object.entries(value)) typedArrays(v, `${path}.${k}`, out);
  return out;
}

/** Two runs share no buffer, and no buffer appears twice in one result: each can be transferred. */
function expectFreshBuffers(a: ResultRecord, b: ResultRecord, avoid: ArrayBufferLike[] = []): void {
  const buffers = [...typedArrays(a), ...typedArrays(b)].map(([path, v]) => [path, v.buffer] as const);
  const seen = new Map<ArrayBufferLike, string>();
  for (const [path, buffer] of buffers) {
    expect(seen.get(buffer), `${path} shares its buffer`).toBeUndefined();
    expect(avoid.includes(buffer), `${path} is a view of the input`).toBe(false);
    seen.set(buffer, path);
  }
}

/**
 * Stand-in digits (the real MNIST source is tested in tests/worker): per class, a stroke whose
 * slant and thickness vary continuously from image to image, plus pixel noise, clipped to [0, 1].
 */
function syntheticDigits(count = 150): DataSources & { served: ArrayBufferLike[] } {
  const served: ArrayBufferLike[] = [];
  return {
    served,
    async mnistDigit(digit: number): Promise<ImageSet> {
      const rng = new Rng(200 + digit, 1);
      const side = 28;
      const images = new Float32Array(count * side * side);
      for (let i = 0; i < count; i++) {
        const slant = 0.4 * rng.normal();
        const width = 1.5 + 0.5 * rng.uniform();
        for (let y = 0; y < side; y++) {
          const centre = 14 + slant * (y - 14) + digit * 0.1;
          for (let x = 0; x < side; x++) {
            const v = Math.exp(-(((x - centre) / width) ** 2)) * (y > 3 && y < 25 ? 1 : 0) + 0.05 * rng.normal();
            images[(i * side + y) * side + x] = Math.min(1, Math.max(0, v));
          }
        }
      }
      served.push(images.buffer);
      return { images, count, width: side, height: side };
    },
  };
}

describe('low-rank-mixture', () => {
  it('returns the listed fields with consistent shapes, fresh buffers, reproducibly', async () => {
    const a = await run(lowRankMixture, {});
    const b = await run(lowRankMixture, {});
    const { d, K, r } = a;
    expect([d, K, r]).toEqual([3, 2, 1]);
    expect(a.t).toHaveLength(24);
    expect(a.t[0]).toBeCloseTo(0.005, 12);
    expect(a.t[23]).toBeCloseTo(3, 12);
    for (let i = 1; i < 24; i++) expect(a.t[i]).toBeGreaterThan(a.t[i - 1]);
    for (const key of ['mseOptimal', 'mseTrained', 'mseEmpirical', 'mseKnownComponent', 'mseOptimalStdErr', 'mseEmpiricalStdErr'] as const) {
      expect(a[key]).toHaveLength(24);
    }
    expect(a.subspaceError).toHaveLength(K);
    expect(a.bases).toHaveLength(K * r * d);
    expect(a.learnedBases).toHaveLength(K * r * d);
    expect(a.training).toHaveLength(K * 40 * d);
    expect(a.learnedLabels).toHaveLength(K * 40);
    const frames = a.frameTimes.length;
    expect(a.frameTimes[0]).toBe(5);
    expect(a.frameTimes[frames - 1]).toBeCloseTo(1e-3, 12);
    expect(a.trajectoriesOptimal).toHaveLength(frames * a.generated * d);
    expect(a.trajectoriesEmpirical).toHaveLength(frames * a.generated * d);
    // paired runs: the same start
    expect(Array.from(a.trajectoriesOptimal.subarray(0, a.generated * d))).toEqual(Array.from(a.trajectoriesEmpirical.subarray(0, a.generated * d)));
    expect(Array.from(a.samplesOptimal)).toEqual(Array.from(a.trajectoriesOptimal.subarray((frames - 1) * a.generated * d)));
    expect(Array.from(b.mseEmpirical)).toEqual(Array.from(a.mseEmpirical));
    expect(Array.from(b.samplesEmpirical)).toEqual(Array.from(a.samplesEmpirical));
    expectFreshBuffers(a, b);
  });

  it('the optimal denoiser beats the memorizing one on fresh points at every t', async () => {
    for (const params of [{}, { d: 8, K: 2, r: 2, n: 20, noise: 0.05, orthogonal: false }]) {
      const res = await run(lowRankMixture, params);
      for (let i = 0; i < res.t.length; i++) expect(res.mseOptimal[i]).toBeLessThan(res.mseEmpirical[i]);
      // and the known-component lower bound holds up to Monte-Carlo error
      for (let i = 0; i < res.t.length; i++) expect(res.mseOptimal[i]).toBeGreaterThan(res.mseKnownComponent[i] - 4.5 * res.mseOptimalStdErr[i]);
    }
  });

  it('with n ≥ r noiseless samples, subspace clustering finds the true bases and the trained denoiser is the optimal one', async () => {
    const res = await run(lowRankMixture, { d: 10, K: 3, r: 2, n: 12 });
    for (const e of res.subspaceError) expect(e).toBeLessThan(1e-5);
    for (let i = 0; i < res.t.length; i++) expect(res.mseTrained[i]).toBeCloseTo(res.mseOptimal[i], 5);
    expect(Array.from(res.learnedLabels)).toEqual(Array.from(res.trainingLabels));
  });

  it('K = 1: the error follows the closed-form posterior variance; below n = r training fails', async () => {
    const good = await run(lowRankMixture, { d: 10, K: 1, r: 4, n: 30, noise: 0.1 });
    // one test set for every t, so the deviations are correlated across t: 4.5 standard errors at each
    for (let i = 0; i < good.t.length; i++) {
      expect(good.mseOptimalStdErr[i]).toBeLessThan(0.05 * good.mseOptimal[i]);
      expect(Math.abs(good.mseOptimal[i] - good.mseKnownComponent[i])).toBeLessThan(4.5 * good.mseOptimalStdErr[i]);
    }
    const bad = await run(lowRankMixture, { d: 10, K: 1, r: 4, n: 2 });
    expect(bad.subspaceError[0]).toBeGreaterThan(1);
    expect(bad.mseTrained[0]).toBeGreaterThan(5 * bad.mseOptimal[0]);
  });

  it('rejects inconsistent parameters, naming the one to change', () => {
    const reject = (params: Record<string, unknown>, param: string, message: RegExp): void => {
      try {
        resolveParams('low-rank-mixture', params);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(AtlasError);
        expect((error as AtlasError).code).toBe('invalid-params');
        expect((error as AtlasError).param).toBe(param);
        expect((error as AtlasError).message).toMatch(message);
      }
    };
    reject({ tMin: 0.5, tMax: 0.2 }, 'tMin', /tMin \(0.5\) must be smaller than tMax \(0.2\)/);
    reject({ d: 3, r: 3 }, 'r', /r \(3\) must be smaller than d \(3\)/);
    reject({ d: 3, K: 2, r: 2 }, 'K', /orthogonal subspaces need K·r ≤ d/);
    expect(() => resolveParams('low-rank-mixture', { d: 3, K: 2, r: 2, orthogonal: false })).not.toThrow();
    reject({ K: 7 }, 'K', /K must be an integer from 1 to 6/);
  });

  it('stops at a checkpoint once cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(runExperiment('low-rank-mixture', {}, directContext(referenceKernels, { signal: controller.signal }))).rejects.toMatchObject({
      code: 'cancelled',
    });
  });
});

describe('subspace-transition', () => {
  it('lays the cells out row-major over (r, n) and switches from failure to success across n = r', async () => {
    const res = await run(subspaceTransition, { d: 24, K: 2, rValues: [2, 4], nValues: [1, 3, 6, 12], trials: 4 });
    const { rows, columns } = res.grid;
    expect([rows, columns]).toEqual([2, 4]);
    expect(res.grid.layout).toMatch(/i·columns \+ j/);
    for (const key of ['n', 'r', 'subspaceError', 'subspaceErrorTheory', 'successProbability', 'memorizedFraction', 'memorizedBaseline'] as const) {
      expect(res[key]).toHaveLength(rows * columns);
    }
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < columns; j++) {
        const c = i * columns + j;
        expect(res.r[c]).toBe(res.grid.rValues[i]);
        expect(res.n[c]).toBe(res.grid.nValues[j]);
        if (res.n[c] < res.r[c]) {
          expect(res.successProbability[c]).toBe(0);
          expect(res.subspaceErrorTheory[c]).toBeGreaterThan(1);
        } else {
          expect(res.subspaceErrorTheory[c]).toBeNaN();
        }
        if (res.n[c] >= 3 * res.r[c]) expect(res.successProbability[c]).toBe(1);
        expect(res.memorizedFraction[c]).toBeGreaterThanOrEqual(0);
        expect(res.memorizedFraction[c]).toBeLessThanOrEqual(1);
      }
    }
  });

  it('K = 1 without noise: the measured error below n = r is the derived PCA formula', async () => {
    const res = await run(subspaceTransition, { d: 16, K: 1, rValues: [6], nValues: [1, 3, 5, 6, 9], noise: 0, trials: 40 });
    for (let j = 0; j < 3; j++) expect(res.subspaceError[j] / res.subspaceErrorTheory[j]).toBeCloseTo(1, 1);
    expect(res.subspaceError[3]).toBeLessThan(1e-5);
    expect(res.subspaceError[4]).toBeLessThan(1e-5);
    expect(Array.from(res.successProbability)).toEqual([0, 0, 0, 1, 1]);
  });

  it('a cell’s result does not depend on the grid around it (live and precomputed maps agree)', async () => {
    const small = await run(subspaceTransition, { d: 20, rValues: [3], nValues: [2, 5], trials: 3 });
    const large = await run(subspaceTransition, { d: 20, rValues: [1, 3], nValues: [5, 2, 9], trials: 3 });
    // large: r = 3 is row 1; n = 5 column 0, n = 2 column 1
    for (const key of ['subspaceError', 'successProbability', 'memorizedFraction'] as const) {
      expect(large[key][3 + 1]).toBe(small[key][0]);
      expect(large[key][3 + 0]).toBe(small[key][1]);
    }
  });

  it('rejects more orthogonal dimensions than fit in d', () => {
    expect(() => resolveParams('subspace-transition', { d: 16, K: 3, rValues: [2, 6] })).toThrow(/K·r must not exceed d/);
    expect(() => resolveParams('subspace-transition', { nValues: [0, 3] })).toThrow(/nValues must be a comma-separated list/);
  });
});

describe('subspace-editing (with stand-in digits)', () => {
  it('edits along one principal direction, keeping the image norm within the stated bounds', async () => {
    const data = syntheticDigits();
    for (const [direction, strength] of [
      [1, 2.5],
      [2, -4],
      [5, 1],
    ] as const) {
      const res = await run(subspaceEditing, { digit: 4, direction, strength, method: 'pca' }, data);
      const dim = res.width * res.height;
      expect(dim).toBe(784);
      expect(res.strip).toHaveLength(7 * dim);
      [-1, -2 / 3, -1 / 3, 0, 1 / 3, 2 / 3, 1].forEach((f, i) => expect(res.strengths[i]).toBeCloseTo(f * strength, 14));
      // the middle frame is the base digit itself
      expect(Array.from(res.strip.subarray(3 * dim, 4 * dim))).toEqual(Array.from(res.base));
      for (let f = 0; f < 7; f++) {
        expect(res.norms[f]).toBeGreaterThanOrEqual(res.normLower[f] - 1e-9);
        expect(res.norms[f]).toBeLessThanOrEqual(res.normUpper[f] + 1e-9);
        expect(res.normUpper[f] - res.baseNorm).toBeCloseTo(Math.abs(res.strengths[f]) * Math.sqrt(res.variances[direction - 1]), 10);
        for (const v of res.strip.subarray(f * dim, (f + 1) * dim)) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
      }
      expect(res.pcaConverged).toBe(true);
    }
  });

  it('returns orthonormal directions in decreasing variance, the base digit from the data, and fresh buffers', async () => {
    const data = syntheticDigits();
    const a = await run(subspaceEditing, { digit: 7, seed: 3, method: 'pca' }, data);
    const b = await run(subspaceEditing, { digit: 7, seed: 3, method: 'pca' }, data);
    const dim = 784;
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 8; j++) {
        let s = 0;
        for (let l = 0; l < dim; l++) s += a.directions[i * dim + l] * a.directions[j * dim + l];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 5);
      }
      if (i > 0) expect(a.variances[i]).toBeLessThanOrEqual(a.variances[i - 1]);
    }
    const total = a.explainedVariance.reduce((s, x) => s + x, 0);
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(1);
    // the slant of the stand-in strokes is the dominant attribute
    expect(a.explainedVariance[0]).toBeGreaterThan(0.2);
    const set = await data.mnistDigit(7);
    expect(Array.from(a.base)).toEqual(Array.from(set.images.subarray(a.baseIndex * dim, (a.baseIndex + 1) * dim)));
    expect(Array.from(b.strip)).toEqual(Array.from(a.strip));
    expectFreshBuffers(a, b, data.served);
    const other = await run(subspaceEditing, { digit: 7, seed: 4, method: 'pca' }, data);
    expect(other.baseIndex).not.toBe(a.baseIndex);
  });

  it('says so when the environment supplies no MNIST data', async () => {
    await expect(run(subspaceEditing, {})).rejects.toThrow(/needs the MNIST data source/);
  });

  it('rejects a direction beyond the eight computed, and strengths beyond ±4', () => {
    expect(() => resolveParams('subspace-editing', { direction: 9 })).toThrow(/direction must be an integer from 1 to 8/);
    expect(() => resolveParams('subspace-editing', { strength: 5 })).toThrow(/strength must be a number from -4 to 4/);
  });
});
