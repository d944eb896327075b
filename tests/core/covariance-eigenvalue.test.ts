import { describe, expect, it } from 'vitest';
import { Rng, chiSquare, powerIteration, sampleCovarianceOperator, topCovarianceEigenvalue, wishartCholesky } from '@diffusion-atlas/core';

/** A random orthogonal Q (product of Householder reflections) and C = Q diag(λ) Qᵀ, in Float64. */
function matrixWithSpectrum(lambda: number[], rng: Rng): Float64Array {
  const n = lambda.length;
  const Q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  for (let r = 0; r < 3; r++) {
    const v = Float64Array.from({ length: n }, () => rng.normal());
    const vv = v.reduce((s, x) => s + x * x, 0);
    // Q ← (I − 2vvᵀ/vᵀv) Q
    for (let c = 0; c < n; c++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += v[i] * Q[i * n + c];
      for (let i = 0; i < n; i++) Q[i * n + c] -= (2 * v[i] * dot) / vv;
    }
  }
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) C[i * n + j] += Q[i * n + k] * lambda[k] * Q[j * n + k];
  return C;
}

function matVec(C: Float64Array, n: number) {
  return (v: Float64Array, out: Float64Array): void => {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += C[i * n + j] * v[j];
      out[i] = s;
    }
  };
}

describe('power iteration', () => {
  it('finds the top eigenpair of an explicit covariance with known spectrum', () => {
    const lambda = [7.5, 3, 2.5, 1, 0.5, 0.25, 0.1, 0];
    const n = lambda.length;
    const C = matrixWithSpectrum(lambda, new Rng(11, 1));
    const top = powerIteration(matVec(C, n), n, { tolerance: 1e-10 });
    expect(top.converged).toBe(true);
    expect(Math.abs(top.value - 7.5)).toBeLessThan(1e-12 * 7.5);
    // eigenvector: C v = λ v
    const Cv = new Float64Array(n);
    matVec(C, n)(top.vector, Cv);
    for (let i = 0; i < n; i++) expect(Math.abs(Cv[i] - 7.5 * top.vector[i])).toBeLessThan(1e-8);
  });

  it('converges with a small gap (λ₂/λ₁ = 0.95), just more slowly', () => {
    const lambda = [2, 1.9, 1, 0.3];
    const C = matrixWithSpectrum(lambda, new Rng(12, 1));
    const top = powerIteration(matVec(C, 4), 4);
    expect(top.converged).toBe(true);
    expect(Math.abs(top.value - 2)).toBeLessThan(1e-10);
  });

  it('the sample-covariance operator is the centred covariance matrix, 1/(count − 1) normalised', () => {
    const count = 40;
    const dim = 5;
    const rng = new Rng(13, 1);
    const x = Float32Array.from({ length: count * dim }, (_, i) => rng.normal() * (1 + (i % dim)) + 3);
    const mean = new Float64Array(dim);
    for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) mean[j] += x[i * dim + j] / count;
    const C = new Float64Array(dim * dim);
    for (let i = 0; i < count; i++)
      for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) C[a * dim + b] += ((x[i * dim + a] - mean[a]) * (x[i * dim + b] - mean[b])) / (count - 1);
    const v = Float64Array.from({ length: dim }, (_, i) => i - 2);
    const got = new Float64Array(dim);
    const want = new Float64Array(dim);
    sampleCovarianceOperator(x, count, dim)(v, got);
    matVec(C, dim)(v, want);
    for (let j = 0; j < dim; j++) expect(got[j]).toBeCloseTo(want[j], 9);
    expect(topCovarianceEigenvalue(x, count, dim).value).toBeCloseTo(powerIteration(matVec(C, dim), dim).value, 9);
  });
});

describe('Wishart sampling (Bartlett)', () => {
  it('χ²_k has mean k and variance 2k', () => {
    const rng = new Rng(14, 1);
    for (const k of [0.5, 3, 50, 5000]) {
      const M = 20000;
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < M; i++) {
        const x = chiSquare(k, rng);
        s += x;
        s2 += x * x;
      }
      const mean = s / M;
      const variance = s2 / M - mean * mean;
      expect(Math.abs(mean - k)).toBeLessThan(5 * Math.sqrt((2 * k) / M));
      expect(Math.abs(variance / (2 * k) - 1)).toBeLessThan(0.1);
    }
  });

  it('L Lᵀ has the moments of Z Zᵀ, Z a p × k Gaussian matrix: E W = k I, var W_ij = k', () => {
    const p = 6;
    const k = 40;
    const reps = 3000;
    const rng = new Rng(15, 1);
    const sum = new Float64Array(p * p);
    const sum2 = new Float64Array(p * p);
    for (let r = 0; r < reps; r++) {
      const L = wishartCholesky(p, k, rng);
      for (let i = 0; i < p; i++)
        for (let j = 0; j < p; j++) {
          let w = 0;
          for (let q = 0; q <= Math.min(i, j); q++) w += L[i * p + q] * L[j * p + q];
          sum[i * p + j] += w;
          sum2[i * p + j] += w * w;
        }
    }
    for (let i = 0; i < p; i++)
      for (let j = 0; j < p; j++) {
        const mean = sum[i * p + j] / reps;
        const variance = sum2[i * p + j] / reps - mean * mean;
        const expectedVar = i === j ? 2 * k : k;
        expect(Math.abs(mean - (i === j ? k : 0))).toBeLessThan(5 * Math.sqrt(expectedVar / reps));
        expect(Math.abs(variance / expectedVar - 1)).toBeLessThan(0.15);
      }
  });
});
