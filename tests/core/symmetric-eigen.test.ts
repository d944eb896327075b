import { describe, expect, it } from 'vitest';
import {
  Rng,
  gramOfColumns,
  gramOfRows,
  matMul,
  matMulTransB,
  symmetricEigen,
  tridiagonalEigen,
} from '@diffusion-atlas/core';

function randomSymmetric(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const x = rng.normal();
      a[i * n + j] = x;
      a[j * n + i] = x;
    }
  }
  return a;
}

/** A random orthogonal matrix: the eigenvectors of a random symmetric one. */
function randomOrthogonal(n: number, rng: Rng): Float64Array {
  return symmetricEigen(randomSymmetric(n, rng), n).vectors as Float64Array;
}

/** max |A − QᵀΛQ| (rows of `vectors` are eigenvectors) and max |QQᵀ − I|. */
function residuals(a: Float64Array, n: number, values: Float64Array, vectors: Float64Array): { reconstruction: number; orthogonality: number } {
  let reconstruction = 0;
  let orthogonality = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let o = 0;
      for (let k = 0; k < n; k++) {
        s += vectors[k * n + i] * values[k] * vectors[k * n + j];
        o += vectors[i * n + k] * vectors[j * n + k];
      }
      reconstruction = Math.max(reconstruction, Math.abs(s - a[i * n + j]));
      orthogonality = Math.max(orthogonality, Math.abs(o - (i === j ? 1 : 0)));
    }
  }
  return { reconstruction, orthogonality };
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

describe('symmetric eigensolver (Householder + implicit QL, Float64)', () => {
  it.each([1, 2, 3, 7, 50, 120])('reconstructs A = QΛQᵀ with orthonormal Q for a random %i × %i matrix', (n) => {
    const a = randomSymmetric(n, new Rng(11, n));
    const { values, vectors } = symmetricEigen(a, n);
    const r = residuals(a, n, values, vectors as Float64Array);
    // backward-stable: errors are a small multiple of n·ε·‖A‖
    const scale = Math.max(1, maxAbs(values));
    expect(r.reconstruction).toBeLessThan(50 * n * 2.2e-16 * scale);
    expect(r.orthogonality).toBeLessThan(50 * n * 2.2e-16);
    for (let k = 1; k < n; k++) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
  });

  it('recovers a prescribed spectrum with a 30-fold degenerate eigenvalue (like the δ-peak at s_t²)', () => {
    const n = 60;
    const rng = new Rng(5, 1);
    const q = randomOrthogonal(n, rng);
    const lambda = new Float64Array(n);
    for (let k = 0; k < n; k++) lambda[k] = k < 30 ? 0.0136 : 0.05 + 0.3 * k;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += q[k * n + i] * lambda[k] * q[k * n + j];
        a[i * n + j] = s;
      }
    }
    const { values, vectors } = symmetricEigen(a, n);
    for (let k = 0; k < n; k++) expect(Math.abs(values[k] - lambda[k])).toBeLessThan(1e-12 * 20);
    const r = residuals(a, n, values, vectors as Float64Array);
    expect(r.orthogonality).toBeLessThan(1e-12);
  });

  it('matches the closed-form spectrum of the (−1, 2, −1) tridiagonal matrix, dense and tridiagonal paths', () => {
    const n = 40;
    const expected = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1)));
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      a[i * n + i] = 2;
      if (i > 0) {
        a[i * n + i - 1] = -1;
        a[(i - 1) * n + i] = -1;
      }
    }
    const dense = symmetricEigen(a, n, { vectors: false });
    const tri = tridiagonalEigen(new Array(n).fill(2), new Array(n - 1).fill(-1));
    expect(dense.vectors).toBeUndefined();
    for (let k = 0; k < n; k++) {
      expect(Math.abs(dense.values[k] - expected[k])).toBeLessThan(1e-13);
      expect(Math.abs(tri.values[k] - expected[k])).toBeLessThan(1e-13);
    }
  });

  it('handles diagonal and zero matrices, and reads only the lower triangle', () => {
    const n = 5;
    const diag = new Float64Array(n * n);
    [3, -1, 2, 2, 0].forEach((x, i) => (diag[i * n + i] = x));
    expect(Array.from(symmetricEigen(diag, n).values)).toEqual([-1, 0, 2, 2, 3]);
    expect(Array.from(symmetricEigen(new Float64Array(n * n), n).values)).toEqual([0, 0, 0, 0, 0]);
    const a = randomSymmetric(n, new Rng(2, 2));
    const junk = Float64Array.from(a);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) junk[i * n + j] = 1e6;
    const x = symmetricEigen(a, n).values;
    const y = symmetricEigen(junk, n).values;
    for (let k = 0; k < n; k++) expect(y[k]).toBeCloseTo(x[k], 12);
  });
});

describe('dense helpers', () => {
  it('products and Gram matrices agree with naive loops', () => {
    const rng = new Rng(3, 3);
    const [m, k, n] = [4, 6, 5];
    const a = new Float64Array(m * k).map(() => rng.normal());
    const b = new Float64Array(k * n).map(() => rng.normal());
    const c = matMul(a, b, m, k, n);
    const bt = new Float64Array(n * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) bt[j * k + i] = b[i * n + j];
    const c2 = matMulTransB(a, bt, m, k, n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let l = 0; l < k; l++) s += a[i * k + l] * b[l * n + j];
        expect(c[i * n + j]).toBeCloseTo(s, 12);
        expect(c2[i * n + j]).toBeCloseTo(s, 12);
      }
    }
    const g = gramOfColumns(a, m, k);
    const h = gramOfRows(a, m, k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
      let s = 0;
      for (let l = 0; l < m; l++) s += a[l * k + i] * a[l * k + j];
      expect(g[i * k + j]).toBeCloseTo(s, 12);
    }
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) {
      let s = 0;
      for (let l = 0; l < k; l++) s += a[i * k + l] * a[j * k + l];
      expect(h[i * m + j]).toBeCloseTo(s, 12);
    }
  });
});
