import { describe, expect, it } from 'vitest';
import { LOG_WEIGHT_FLOOR, Rng, referenceKernels, type SoftmaxDenoiseArgs } from '@diffusion-atlas/core';
import { WasmDenoiser, checkAgainstReference, createWasmKernels, wasmModule, wasmSimdSupported } from '@diffusion-atlas/worker';
import { expectClose, floorProblem, randomProblem } from './problems.ts';

/*
 * Tolerance, relative to max(1, max|mean|): 1e-5. The kernel keeps squared distances as float32
 * differences summed in short float32 chunks and float64 across chunks, so a logit's absolute
 * error is about 2⁻²⁴·dist²/(2Δ)/√d, and a weight's relative error equals it. For states a sampler
 * produces (queries near noised centres) that is ≤ 2e-6 up to d = 784. Queries far from every
 * centre at large d have logits of order 10³ and reach ~2e-5: FAR_TOL there (the inherent float32
 * limit; the GPU path is held to 1e-4).
 */
const TOL = 1e-5;
const FAR_TOL = 5e-5;

/** Training data from the two-class mixture and queries s·a_μ + √Δ z, as at time t of a backward run. */
function samplerState(d: number, t: number, seed: number, n = 300, m = 40): SoftmaxDenoiseArgs {
  const rng = new Rng(seed);
  const data = rng.stream(1);
  const centres = new Float32Array(n * d);
  for (let mu = 0; mu < n; mu++) {
    const sign = data.uniform() < 0.5 ? 1 : -1;
    for (let j = 0; j < d; j++) centres[mu * d + j] = sign + data.normal();
  }
  const scale = Math.exp(-t);
  const variance = -Math.expm1(-2 * t);
  const noise = rng.stream(2);
  const queries = new Float32Array(m * d);
  for (let i = 0; i < m; i++) {
    const mu = noise.int(n);
    for (let j = 0; j < d; j++) queries[i * d + j] = scale * centres[mu * d + j] + Math.sqrt(variance) * noise.normal();
  }
  return { queries, m, centres, n, d, scale, variance };
}

it('Node 24 runs both builds, and prefers the one with relaxed SIMD', () => {
  expect(wasmSimdSupported()).toBe(true);
  expect(createWasmKernels().variant).toBe('relaxed');
});

it('lay out config c (d = 784, n = 1000, m = 64) in under 8 MB per thread, blocks of steps included, so a pool of two stays far below 64 MB', () => {
  const instance = new WasmDenoiser(wasmModule());
  instance.setCentres(new Float32Array(1000 * 784), 1000, 784, 'c', 64);
  // two float32 copies of the centres (3.1 MB each) dominate
  expect(instance.memoryBytes).toBeLessThan(8 << 20);
  // blocks of steps add the room for the rows' normals: 64 × 784 float64, 0.4 MB
  instance.ensureRows(64, true);
  expect(instance.memoryBytes).toBeLessThan(8 << 20);
});

describe.each(['relaxed', 'simd'] as const)('wasm-simd kernels (%s build)', (variant) => {
  const kernels = createWasmKernels({ variant });

  it('report their backend', () => {
    expect(kernels.backend).toBe('wasm-simd');
    expect(kernels.variant).toBe(variant);
    expect(kernels.workers).toBe(1);
  });

  const cases = [
    { m: 1, n: 1, d: 1, variance: 1 },
    { m: 13, n: 50, d: 3, variance: 0.5 },
    { m: 17, n: 200, d: 16, variance: 0.05 },
    { m: 9, n: 300, d: 2, variance: 1e-3 },
    { m: 33, n: 120, d: 64, variance: 1e-3 },
    { m: 8, n: 64, d: 7, variance: 1e-5 },
    { m: 6, n: 37, d: 130, variance: 2 },
    { m: 21, n: 150, d: 784, variance: 1e-3 },
  ];
  for (const c of cases) {
    for (const withLogWeights of [false, true]) {
      for (const nearCentres of [false, true]) {
        const far = !nearCentres && c.d >= 256;
        it(`match the reference: m=${c.m} n=${c.n} d=${c.d} variance=${c.variance}${withLogWeights ? ' +logWeights' : ''}${nearCentres ? ' near' : ''}`, () => {
          const args = randomProblem({ ...c, seed: c.m * 31 + c.n, withLogWeights, nearCentres });
          expectClose(kernels.softmaxDenoise(args), referenceKernels.softmaxDenoise(args), far ? FAR_TOL : TOL);
        });
      }
    }
  }

  // the backward run's own states, large t (mixing) to small t (one-hot, nearly all flushed)
  for (const d of [2, 64, 784]) {
    for (const t of [3, 1, 0.3, 0.03, 1e-3]) {
      it(`match the reference on sampler states: d=${d} t=${t}`, () => {
        const args = samplerState(d, t, d * 1000 + Math.round(t * 1000));
        expectClose(kernels.softmaxDenoise(args), referenceKernels.softmaxDenoise(args), TOL);
      });
    }
  }

  // d = 2 pads the centres to a multiple of eight with far-away ones that must neither weigh nor
  // win: every n mod 8, queries near the data and ten units away (float32 distances of order 10²
  // there meet the far-query limit), variance 1e-4 to 1
  it('keep d = 2 padding out of the result for every n mod 8, near and far, with and without log-weights', () => {
    const rng = new Rng(77).stream(1);
    for (let n = 1; n <= 17; n++) {
      for (const variance of [1e-4, 0.1, 1]) {
        for (const reach of [1, 10]) {
          for (const withLogWeights of [false, true]) {
            const m = 7;
            const centres = Float32Array.from({ length: n * 2 }, () => rng.normal());
            const queries = Float32Array.from({ length: m * 2 }, () => reach * rng.normal());
            const logWeights = withLogWeights ? Float32Array.from({ length: n }, () => 3 * rng.normal()) : undefined;
            const args: SoftmaxDenoiseArgs = { queries, m, centres, n, d: 2, scale: 0.9, variance, logWeights };
            const want = referenceKernels.softmaxDenoise(args);
            const got = kernels.softmaxDenoise(args);
            let sc = 1;
            for (const x of want.mean) sc = Math.max(sc, Math.abs(x));
            for (let j = 0; j < want.mean.length; j++) {
              expect(Math.abs(got.mean[j] - want.mean[j]) / sc, `n=${n} variance=${variance} reach=${reach}`).toBeLessThanOrEqual(reach > 1 ? FAR_TOL : TOL);
            }
            for (let i = 0; i < m; i++) expect(got.nearest[i], `n=${n} row ${i}`).toBeLessThan(n);
            expect(Array.from(got.nearest)).toEqual(Array.from(want.nearest));
          }
        }
      }
    }
  });

  // a slab's last 1–4 rows go in pair tiles (2 rows × 24 centres or coordinates, relaxed build),
  // whose sums run in the same order as a whole tile's: every row must get the bits it gets in a
  // whole 6-row tile, for every remainder, and for nP and dp at each residue mod 24 (the pair
  // tiles' tails of 8 and 16)
  it('give every row the bits of a whole tile, whatever is left over after the whole tiles', () => {
    const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 10, 50, 52];
    for (const d of [20, 30, 64]) {
      for (const n of [40, 48, 56]) {
        for (const variance of [10, 1e-2]) {
          const base = randomProblem({ m: 52, n, d, variance, seed: d * 100 + n, nearCentres: true, withLogWeights: variance > 1 });
          const alone = (i: number): SoftmaxDenoiseArgs => {
            const queries = new Float32Array(6 * d);
            for (let r = 0; r < 6; r++) queries.set(base.queries.subarray(i * d, (i + 1) * d), r * d);
            return { ...base, queries, m: 6 };
          };
          const wholeTile = Array.from({ length: 52 }, (_, i) => kernels.softmaxDenoise(alone(i)));
          for (const m of sizes) {
            const got = kernels.softmaxDenoise({ ...base, queries: base.queries.subarray(0, m * d), m });
            for (let i = 0; i < m; i++) {
              const where = `d=${d} n=${n} variance=${variance} m=${m} row ${i}`;
              expect(Array.from(got.mean.subarray(i * d, (i + 1) * d)), where).toEqual(Array.from(wholeTile[i].mean.subarray(0, d)));
              expect(got.nearest[i], where).toBe(wholeTile[i].nearest[0]);
            }
          }
        }
      }
    }
  });

  it('keep their accuracy at variance 1e-3 with |a|² ~ d (where the expanded form would cancel)', () => {
    // two centres at distance ~√(2d), query between them: both weights matter, so any error in the
    // distance difference shows directly in the mean
    const d = 784;
    const rng = new Rng(9).stream(1);
    const a = Float32Array.from({ length: d }, () => 1 + rng.normal());
    const b = Float32Array.from(a, (x) => x + 0.1 * rng.normal());
    const centres = new Float32Array(2 * d);
    centres.set(a, 0);
    centres.set(b, d);
    const queries = Float32Array.from({ length: d }, (_, j) => (a[j] + b[j]) / 2 + 0.001 * rng.normal());
    const args = { queries, m: 1, centres, n: 2, d, scale: 1, variance: 1e-3 };
    const want = referenceKernels.softmaxDenoise(args);
    expectClose(kernels.softmaxDenoise(args), want, TOL);
  });

  it('flush weights below the floor to exactly 0', () => {
    const below = floorProblem(LOG_WEIGHT_FLOOR - 0.6);
    expect(referenceKernels.softmaxDenoise(below).mean[0]).toBe(0);
    expect(kernels.softmaxDenoise(below).mean[0]).toBe(0);
    const above = floorProblem(LOG_WEIGHT_FLOOR + 0.1);
    const want = referenceKernels.softmaxDenoise(above).mean[0];
    expect(want).toBeGreaterThan(0);
    expect(Math.abs(kernels.softmaxDenoise(above).mean[0] - want) / want).toBeLessThan(1e-5);
  });

  it('pick the first of tied nearest centres, as the reference does', () => {
    const args = { queries: new Float32Array([0, 0]), m: 1, centres: new Float32Array([1, 0, -1, 0, 0, 1]), n: 3, d: 2, scale: 1, variance: 1 };
    expect(kernels.softmaxDenoise(args).nearest[0]).toBe(0);
    expect(referenceKernels.softmaxDenoise(args).nearest[0]).toBe(0);
  });

  it('see new data written into the same centres array', () => {
    const args = randomProblem({ m: 10, n: 40, d: 5, variance: 0.3, seed: 4, nearCentres: true });
    kernels.softmaxDenoise(args);
    const refilled = randomProblem({ m: 10, n: 40, d: 5, variance: 0.3, seed: 5, nearCentres: true });
    args.centres.set(refilled.centres);
    expectClose(kernels.softmaxDenoise(args), referenceKernels.softmaxDenoise(args), TOL);
  });

  it('handle shapes changing between calls and m = 0', () => {
    for (const [m, n, d] of [[5, 9, 3], [70, 9, 3], [3, 200, 33], [0, 4, 2], [12, 1, 1]]) {
      const args = randomProblem({ m, n, d, variance: 0.2, seed: m + n + d, nearCentres: true });
      expectClose(kernels.softmaxDenoise(args), referenceKernels.softmaxDenoise(args), TOL);
    }
  });

  it('pass the start-up check against the reference', () => {
    expect(checkAgainstReference(kernels)).toBeLessThan(1e-6);
  });

  it('reject inconsistent shapes instead of reading NaN', () => {
    const args = randomProblem({ m: 4, n: 5, d: 3, variance: 1, seed: 1 });
    expect(() => kernels.softmaxDenoise({ ...args, m: 5 })).toThrow(/inconsistent shapes/);
  });
});
