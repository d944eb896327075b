import { describe, expect, it } from 'vitest';
import {
  Rng,
  balancedLabels,
  completeOrthonormalRows,
  householderQR,
  noiselessPcaError,
  principalSubspace,
  projectorDistance,
  randomLowRankMixture,
  randomOrthonormalRows,
  sampleLowRankMixture,
  topPrincipalDirections,
} from '@diffusion-atlas/core';

/** max |R Rᵀ − I| over the rows of a count × dim matrix. */
function rowOrthonormalityError(rows: Float64Array | Float32Array, count: number, dim: number): number {
  let worst = 0;
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < count; j++) {
      let s = 0;
      for (let l = 0; l < dim; l++) s += rows[i * dim + l] * rows[j * dim + l];
      worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  return worst;
}

describe('Householder QR', () => {
  it('factors A = QR with orthonormal Q and upper-triangular R with a non-negative diagonal', () => {
    const rng = new Rng(41, 1);
    for (const [m, n] of [[9, 4], [5, 5], [40, 7]] as const) {
      const a = Float64Array.from({ length: m * n }, () => rng.normal());
      const { q, r } = householderQR(a, m, n);
      let residual = 0;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += q[i * n + k] * r[k * n + j];
          residual = Math.max(residual, Math.abs(s - a[i * n + j]));
        }
      }
      expect(residual).toBeLessThan(1e-13);
      // columns of Q orthonormal: transpose to rows
      const qt = new Float64Array(n * m);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) qt[j * m + i] = q[i * n + j];
      expect(rowOrthonormalityError(qt, n, m)).toBeLessThan(1e-14);
      for (let i = 0; i < n; i++) {
        expect(r[i * n + i]).toBeGreaterThanOrEqual(0);
        for (let j = 0; j < i; j++) expect(r[i * n + j]).toBe(0);
      }
    }
  });

  it('still returns an orthonormal Q for a rank-deficient A', () => {
    // columns 0 and 2 equal, column 3 zero
    const m = 6;
    const n = 4;
    const rng = new Rng(5, 2);
    const a = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      a[i * n] = rng.normal();
      a[i * n + 1] = rng.normal();
      a[i * n + 2] = a[i * n];
    }
    const { q } = householderQR(a, m, n);
    const qt = new Float64Array(n * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) qt[j * m + i] = q[i * n + j];
    expect(rowOrthonormalityError(qt, n, m)).toBeLessThan(1e-14);
  });

  it('seeded random bases are orthonormal, reproducible, and differ between seeds', () => {
    const a = randomOrthonormalRows(20, 6, new Rng(9, 3));
    expect(rowOrthonormalityError(a, 6, 20)).toBeLessThan(1e-14);
    expect(Array.from(randomOrthonormalRows(20, 6, new Rng(9, 3)))).toEqual(Array.from(a));
    expect(projectorDistance(a, 6, randomOrthonormalRows(20, 6, new Rng(10, 3)), 6, 20)).toBeGreaterThan(1);
    // d = r: a full orthogonal matrix
    expect(rowOrthonormalityError(randomOrthonormalRows(7, 7, new Rng(1, 1)), 7, 7)).toBeLessThan(1e-14);
  });

  it('Haar: the squared overlap of a random r-subspace with a fixed one averages r²/d', () => {
    // E‖U_fixedᵀU‖_F² = r·r/d for U uniform on the Grassmannian.
    const d = 10;
    const r = 3;
    const fixed = randomOrthonormalRows(d, r, new Rng(2, 2));
    const rng = new Rng(3, 3);
    const trials = 2000;
    let sum = 0;
    for (let i = 0; i < trials; i++) {
      const u = randomOrthonormalRows(d, r, rng);
      const dist = projectorDistance(fixed, r, u, r, d);
      sum += (2 * r - dist * dist) / 2;
    }
    // overlap ∈ [0, 3], its standard deviation here is ≈ 0.6: 2000 trials give ±0.014
    expect(sum / trials).toBeCloseTo((r * r) / d, 1);
  });

  it('completes a basis with directions orthogonal to the given rows, keeping them exactly', () => {
    const d = 9;
    const given = randomOrthonormalRows(d, 3, new Rng(4, 4));
    const full = completeOrthonormalRows(given, 3, 7, d, new Rng(4, 5));
    expect(rowOrthonormalityError(full, 7, d)).toBeLessThan(1e-14);
    expect(Array.from(full.subarray(0, 3 * d))).toEqual(Array.from(given));
  });
});

describe('uncentred PCA = training the K = 1 low-rank denoiser', () => {
  const d = 24;
  const r = 5;

  it('recovers the subspace exactly from n ≥ r noiseless samples', () => {
    const rng = new Rng(12, 1);
    for (const n of [r, r + 1, 3 * r, 40]) {
      const model = randomLowRankMixture({ d, K: 1, r, noise: 0, orthogonal: true }, rng);
      const x = sampleLowRankMixture(model, balancedLabels(1, n), rng);
      const pca = principalSubspace(x, n, d, r);
      expect(pca.determined).toBe(r);
      // exact up to the Float32 rounding of the stored samples (relative 6·10⁻⁸)
      expect(projectorDistance(model.bases, r, pca.basis, r, d)).toBeLessThan(1e-5);
      expect(rowOrthonormalityError(pca.basis, r, d)).toBeLessThan(1e-12);
    }
  });

  it('fails as the derived formula says below n = r: E‖ÛÛᵀ − UUᵀ‖²_F = 2(r − n)(d − r)/(d − n)', () => {
    const small = 12;
    const rng = new Rng(13, 1);
    const trials = 300;
    for (const n of [1, 2, 4]) {
      let sum = 0;
      let sum2 = 0;
      for (let i = 0; i < trials; i++) {
        const model = randomLowRankMixture({ d: small, K: 1, r, noise: 0, orthogonal: true }, rng);
        const x = sampleLowRankMixture(model, balancedLabels(1, n), rng);
        const pca = principalSubspace(x, n, small, r, { fill: rng });
        expect(pca.determined).toBe(n);
        // the sample span itself is learned exactly: every sample lies in Û
        const e = projectorDistance(model.bases, r, pca.basis, r, small) ** 2;
        sum += e;
        sum2 += e * e;
      }
      const mean = sum / trials;
      const stdErr = Math.sqrt((sum2 / trials - mean * mean) / trials);
      const theory = noiselessPcaError(small, r, n) ** 2;
      expect(Math.abs(mean - theory)).toBeLessThan(4 * stdErr + 1e-9);
    }
    expect(noiselessPcaError(small, r, r)).toBeNaN();
  });

  it('the undetermined directions are orthogonal to every sample (the learned span contains the data)', () => {
    const rng = new Rng(14, 1);
    const model = randomLowRankMixture({ d, K: 1, r, noise: 0.1, orthogonal: true }, rng);
    const n = 3;
    const x = sampleLowRankMixture(model, balancedLabels(1, n), rng);
    const pca = principalSubspace(x, n, d, r, { fill: rng });
    for (let i = 0; i < n; i++) {
      let norm2 = 0;
      let captured = 0;
      for (let l = 0; l < d; l++) norm2 += x[i * d + l] ** 2;
      for (let j = 0; j < r; j++) {
        let c = 0;
        for (let l = 0; l < d; l++) c += pca.basis[j * d + l] * x[i * d + l];
        captured += c * c;
      }
      expect(captured / norm2).toBeCloseTo(1, 10);
    }
    expect(Array.from(pca.values.subarray(n))).toEqual([0, 0]);
  });

  it('takes the same answer through the count × count and the d × d Gram matrix, and centres on request', () => {
    const rng = new Rng(15, 1);
    const dim = 10;
    const count = 14;
    const x = Float64Array.from({ length: count * dim }, (_, i) => rng.normal() * (1 + (i % dim)) + (i % dim === 0 ? 3 : 0));
    const wide = principalSubspace(x, count, dim, 3);
    const tall = principalSubspace(x.subarray(0, 8 * dim), 8, dim, 3);
    expect(wide.determined).toBe(3);
    expect(tall.determined).toBe(3);
    // explicit second moments, eigen-checked by Rayleigh quotients
    for (const [pca, rows, centred] of [
      [wide, count, false],
      [tall, 8, false],
      [principalSubspace(x, count, dim, 3, { centred: true }), count, true],
    ] as const) {
      const mean = new Float64Array(dim);
      if (centred) for (let i = 0; i < rows; i++) for (let l = 0; l < dim; l++) mean[l] += x[i * dim + l] / rows;
      for (let j = 0; j < 3; j++) {
        const u = pca.basis.subarray(j * dim, (j + 1) * dim);
        const cu = new Float64Array(dim);
        for (let i = 0; i < rows; i++) {
          let s = 0;
          for (let l = 0; l < dim; l++) s += (x[i * dim + l] - mean[l]) * u[l];
          for (let l = 0; l < dim; l++) cu[l] += (s * (x[i * dim + l] - mean[l])) / (centred ? rows - 1 : rows);
        }
        const lambda = pca.values[j];
        let residual = 0;
        for (let l = 0; l < dim; l++) residual = Math.max(residual, Math.abs(cu[l] - lambda * u[l]));
        expect(residual).toBeLessThan(1e-10 * pca.values[0]);
      }
    }
  });

  it('block subspace iteration agrees with the exact decomposition on the leading directions', async () => {
    const rng = new Rng(16, 1);
    const dim = 60;
    const count = 200;
    // a spiked covariance: 4 strong directions above an isotropic bulk, plus a mean offset
    const spikes = randomOrthonormalRows(dim, 4, rng);
    const scales = [5, 4, 3, 2];
    const x = new Float32Array(count * dim);
    for (let i = 0; i < count; i++) {
      for (let l = 0; l < dim; l++) x[i * dim + l] = 0.3 * rng.normal() + 0.5;
      for (let j = 0; j < 4; j++) {
        const a = scales[j] * rng.normal();
        for (let l = 0; l < dim; l++) x[i * dim + l] += a * spikes[j * dim + l];
      }
    }
    const exact = principalSubspace(x, count, dim, 4, { centred: true });
    let calls = 0;
    const fast = await topPrincipalDirections(x, count, dim, 4, { centred: true, tolerance: 1e-9, onIteration: () => void calls++ });
    expect(fast.converged).toBe(true);
    expect(calls).toBe(fast.iterations - 1);
    for (let j = 0; j < 4; j++) {
      expect(fast.values[j]).toBeCloseTo(exact.values[j], 8);
      expect(projectorDistance(exact.basis.subarray(j * dim, (j + 1) * dim), 1, fast.basis.subarray(j * dim, (j + 1) * dim), 1, dim)).toBeLessThan(1e-6);
    }
  });
});
