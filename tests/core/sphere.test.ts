import { describe, expect, it } from 'vitest';
import {
  HEAT_KERNEL_SERIES_MIN_S,
  directContext,
  geodesicWalkForward,
  heatKernel,
  heatKernelCosineCdf,
  heatKernelSeries,
  heatKernelTable,
  latLonToUnit,
  meanCosine,
  referenceKernels,
  runExperiment,
  sphere,
  seriesLogKernelThetaDerivative,
  sphereEmpiricalScore,
  unitToLatLon,
  varadhanLeadingThetaDerivative,
  varadhanLogKernel,
  varadhanLogKernelThetaDerivative,
  type DataSources,
} from '@diffusion-atlas/core';
import { runTyped } from './typed-run.ts';

/** Composite Simpson on [a, b] with an even number of panels. */
function simpson(f: (u: number) => number, a: number, b: number, panels: number): number {
  const h = (b - a) / panels;
  let s = f(a) + f(b);
  for (let i = 1; i < panels; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/** ∫_{S²} g(⟨x, x₀⟩) p_s dA = 2π ∫_{−1}^{1} g(u) p_s(u) du, split where the kernel is steep. */
function sphereIntegral(s: number, g: (u: number) => number): number {
  const f = (u: number): number => 2 * Math.PI * g(u) * heatKernel(s, u);
  const knee = Math.max(-1, 1 - 60 * s);
  return simpson(f, -1, knee, 2000) + simpson(f, knee, 1, 4000);
}

describe('the Legendre heat kernel of S² (generator ½Δ)', () => {
  it.each([0.02, 0.05, 0.3, 1, 3])('s = %s: integrates to 1 and gives E cos θ = e^{−s}', (s) => {
    // Simpson on a smooth (polynomial) integrand: 10⁻⁹ is far above its error, far below any slip
    // in the normalization (4π) or the eigenvalue l(l+1)/2.
    expect(sphereIntegral(s, () => 1)).toBeCloseTo(1, 9);
    expect(sphereIntegral(s, (u) => u)).toBeCloseTo(Math.exp(-s), 9);
  });

  it('the closed-form CDF of cos θ matches the integral of the density', () => {
    for (const s of [0.1, 0.7]) {
      for (const u of [-0.9, -0.2, 0.4, 0.95]) {
        const integral = simpson((v) => 2 * Math.PI * heatKernel(s, v), -1, u, 4000);
        expect(heatKernelCosineCdf(s, u)).toBeCloseTo(integral, 9);
      }
      expect(heatKernelCosineCdf(s, -1)).toBeCloseTo(0, 12);
      expect(heatKernelCosineCdf(s, 1)).toBeCloseTo(1, 12);
    }
  });

  it.each([0.005, 0.01, 0.02])('s = %s: the Varadhan score matches the series derivative', (s) => {
    // θ up to where the series still has ≥ 8 good digits (p ≥ e^{−20} of its peak).
    const thetaMax = Math.sqrt(40 * s);
    for (let i = 1; i <= 20; i++) {
      const theta = (thetaMax * i) / 20;
      const exact = seriesLogKernelThetaDerivative(s, theta);
      const varadhan = varadhanLogKernelThetaDerivative(s, theta);
      // measured: relative error ≈ 0.0056 s² (≤ 2.3·10⁻⁶ here); 10⁻⁴ leaves room, and the leading
      // term alone (error ≈ θ/6, i.e. s/6 relative) fails it at every point
      expect(Math.abs(varadhan / exact - 1)).toBeLessThan(1e-4);
      expect(Math.abs(varadhanLeadingThetaDerivative(s, theta) / exact - 1)).toBeGreaterThan(s / 10);
      // the log-density too, once the s/6 curvature term is in: off by O(s²)
      expect(Math.abs(varadhanLogKernel(s, theta) - Math.log(heatKernelSeries(s, Math.cos(theta)).p))).toBeLessThan(1e-4);
    }
  });

  it('the u-tables agree with the series on both sides of the switch and stay finite at the antipode', () => {
    for (const s of [HEAT_KERNEL_SERIES_MIN_S / 2, HEAT_KERNEL_SERIES_MIN_S, 0.3]) {
      const table = heatKernelTable(s, 4096);
      expect(table.method).toBe(s >= HEAT_KERNEL_SERIES_MIN_S ? 'series' : 'varadhan');
      for (const v of [...table.logP, ...table.dLogPdu]) expect(Number.isFinite(v)).toBe(true);
      for (const theta of [0.01, 0.1, 0.3, 0.6]) {
        const u = Math.cos(theta);
        const { p, dp } = heatKernelSeries(s, u);
        const k = Math.round(((u + 1) * table.size) / 2);
        const uk = -1 + (2 * k) / table.size;
        const ref = heatKernelSeries(s, uk);
        expect(Math.abs(table.logP[k] - Math.log(ref.p))).toBeLessThan(1e-4);
        expect(Math.abs(table.dLogPdu[k] / (ref.dp / ref.p) - 1)).toBeLessThan(1e-4);
        expect(p).toBeGreaterThan(0);
        expect(dp).toBeGreaterThan(0);
      }
    }
  });
});

describe('the geodesic random walk', () => {
  const count = 4000;
  const north = new Float64Array(3 * count);
  for (let i = 0; i < count; i++) north[3 * i + 2] = 1;

  it('forward from one point: E cos θ = e^{−s} and the law of cos θ is the heat kernel’s', async () => {
    const s = 0.5;
    const { x, maxNormError } = await geodesicWalkForward({ start: north, count, s, steps: 100, seed: 5, stream: 1 });
    // every sample on the sphere: the exponential map itself drifts by rounding only
    expect(maxNormError).toBeLessThan(1e-6);
    for (let i = 0; i < count; i++) expect(Math.abs(Math.hypot(x[3 * i], x[3 * i + 1], x[3 * i + 2]) - 1)).toBeLessThan(1e-6);

    // 4 standard errors; the walk's own bias, 1 − (E cos|v|)^L/e^{−s} ≈ s·h/3 ≈ 0.002, is well inside
    const { mean, stdErr } = meanCosine(x, north, count);
    expect(Math.abs(mean - Math.exp(-s))).toBeLessThan(4 * stdErr);

    // Kolmogorov–Smirnov against the closed-form CDF: 1.63/√N is the 1 % critical value
    const cos = Float64Array.from({ length: count }, (_, i) => x[3 * i + 2]).sort();
    let ks = 0;
    for (let i = 0; i < count; i++) {
      const F = heatKernelCosineCdf(s, cos[i]);
      ks = Math.max(ks, Math.abs(F - i / count), Math.abs(F - (i + 1) / count));
    }
    expect(ks).toBeLessThan(1.63 / Math.sqrt(count));
  });

  it('lat/lon round-trips through unit vectors', () => {
    const lat = Float64Array.from([0, 45, -89.5, 12.25]);
    const lon = Float64Array.from([0, -120, 179.9, 33]);
    const back = unitToLatLon(latLonToUnit(lat, lon, 4), 4);
    for (let i = 0; i < 4; i++) {
      expect(back.lat[i]).toBeCloseTo(lat[i], 10);
      expect(back.lon[i]).toBeCloseTo(lon[i], 10);
    }
  });
});

describe('the empirical score on S²', () => {
  // a few data points and query points in general position
  const data = latLonToUnit([10, -30, 55, 0, 80], [20, 100, -60, -170, 5], 5);
  const queries = latLonToUnit([12, -25, 40], [25, 95, -50], 3);

  function logMixture(s: number, x: ArrayLike<number>, exact: boolean): number {
    const r = Math.hypot(x[0], x[1], x[2]);
    let sum = 0;
    for (let mu = 0; mu < 5; mu++) {
      const u = (x[0] * data[3 * mu] + x[1] * data[3 * mu + 1] + x[2] * data[3 * mu + 2]) / r;
      sum += exact ? heatKernel(s, u) : Math.exp(varadhanLogKernel(s, Math.acos(Math.min(1, u))));
    }
    return Math.log(sum / 5);
  }

  it.each([0.3, 0.02])('s = %s: equals the tangent gradient of log (1/n) Σ p_s by finite differences', (s) => {
    const table = heatKernelTable(s, 4096);
    const score = sphereEmpiricalScore(table, data, 5, queries, 3);
    for (let i = 0; i < 3; i++) {
      const x = Array.from(queries.subarray(3 * i, 3 * i + 3));
      // tangent to the sphere
      expect(Math.abs(score[3 * i] * x[0] + score[3 * i + 1] * x[1] + score[3 * i + 2] * x[2])).toBeLessThan(1e-9);
      // the mixture is written as a function of x/|x|, so its Euclidean gradient is already tangent
      const h = 1e-6;
      for (let c = 0; c < 3; c++) {
        const plus = [...x];
        const minus = [...x];
        plus[c] += h;
        minus[c] -= h;
        const fd = (logMixture(s, plus, s >= HEAT_KERNEL_SERIES_MIN_S) - logMixture(s, minus, s >= HEAT_KERNEL_SERIES_MIN_S)) / (2 * h);
        // table interpolation (≈ 10⁻⁸/s in log p) and the FD step bound the agreement
        expect(Math.abs(score[3 * i + c] - fd)).toBeLessThan(1e-3 * (1 + Math.abs(fd)));
      }
    }
  });
});

/** Points spread over the sphere (a Fibonacci lattice), far apart: a stand-in for the earthquakes. */
function fibonacciSource(count: number): DataSources {
  const lat = new Float64Array(count);
  const lon = new Float64Array(count);
  const golden = Math.PI * (3 - Math.sqrt(5));
  for (let i = 0; i < count; i++) {
    const z = 1 - (2 * (i + 0.5)) / count;
    lat[i] = (Math.asin(z) * 180) / Math.PI;
    lon[i] = ((((i * golden) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI)) * (180 / Math.PI) - 180;
  }
  return {
    mnistDigit: () => Promise.reject(new Error('no MNIST here')),
    earthquakes: () => Promise.resolve({ lat: Float64Array.from(lat), lon: Float64Array.from(lon), count }),
  };
}

describe('sphere experiment (on a synthetic point set)', () => {
  const data = fibonacciSource(300);

  it('returns the issue’s fields, samples on the sphere, the forward walk on theory, and memorizes', async () => {
    const r = await runTyped(sphere, { n: 60, walkers: 300, s: 2, steps: 120 }, directContext(referenceKernels, { data }));
    expect(r.samples.lat).toHaveLength(300);
    expect(r.samples.lon).toHaveLength(300);
    expect(r.data.lat).toHaveLength(60);
    expect(r.maxNormError).toBeLessThan(1e-6);
    expect(r.meanCosTheory).toBeCloseTo(Math.exp(-2), 12);
    expect(Math.abs(r.meanCos - r.meanCosTheory)).toBeLessThan(4 * r.meanCosStdErr);
    // exact empirical score down to s = 10⁻⁷: every walker lands on a data point
    expect(r.memorizedFraction).toBe(1);
    // held-out lattice points are ≈ as far from the data as the data from each other
    expect(r.memorizedBaseline).toBeLessThan(0.2);
    expect(r.frames.s[0]).toBe(2);
    expect(r.frames.lat.length).toBe(r.frames.s.length * 300);
    // kernel profiles: the regimes side by side, the run's own s included
    expect(r.kernel.map((k) => k.s)).toEqual([0.01, HEAT_KERNEL_SERIES_MIN_S, 0.3, 2]);
    const small = r.kernel[0];
    // at s = 0.01 the series has no digits left far out (NaN), Varadhan agrees where both exist
    expect(small.density.some((p) => Number.isNaN(p))).toBe(true);
    for (let i = 0; i < small.theta.length; i++) {
      if (small.theta[i] < 0.5) expect(small.densityVaradhan[i] / small.density[i]).toBeCloseTo(1, 4);
    }
  });

  it('gives new arrays on every run and says when there is no data source', async () => {
    const run = () => runExperiment('sphere', { n: 20, walkers: 20, steps: 20 }, directContext(referenceKernels, { data }));
    const [a, b] = [await run(), await run()];
    const sa = (a.result.samples as { lat: Float64Array }).lat;
    const sb = (b.result.samples as { lat: Float64Array }).lat;
    expect(sa).not.toBe(sb);
    expect(Array.from(sa)).toEqual(Array.from(sb));
    await expect(runExperiment('sphere', {}, directContext(referenceKernels))).rejects.toThrow(/earthquake data source/);
    await expect(runExperiment('sphere', { n: 400 }, directContext(referenceKernels, { data }))).rejects.toThrow(/n = 400 exceeds/);
  });
});
