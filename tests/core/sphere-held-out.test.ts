import { describe, expect, it } from 'vitest';
import {
  directContext,
  heatKernelKdeLogLikelihood,
  heatKernelLogDensity,
  heatKernelSeries,
  Rng,
  latLonToUnit,
  referenceKernels,
  runExperiment,
  type DataSources,
} from '@diffusion-atlas/core';

/** Three centres and the KDE (1/n) Σ p_s(x | a_μ) from the Legendre series, Float64. */
const centres = latLonToUnit([10, -40, 70], [0, 120, -100], 3);

function kdeBySeries(x: Float64Array, s: number, terms?: number): number {
  let sum = 0;
  for (let mu = 0; mu < 3; mu++) {
    const u = x[0] * centres[3 * mu] + x[1] * centres[3 * mu + 1] + x[2] * centres[3 * mu + 2];
    sum += heatKernelSeries(s, Math.min(1, Math.max(-1, u)), terms).p;
  }
  return sum / 3;
}

describe('heat-kernel density estimate on S²', () => {
  it.each([0.02, 0.1, 1])('s = %s: integrates to 1 over the sphere (direct quadrature)', (s) => {
    // Gauss-free product rule: midpoints in u = cos(colatitude) (area element du dφ) and in φ.
    // The KDE is smooth with scale √s ≥ 0.14 rad; 1200 × 1200 cells of 0.005 rad leave < 1e-5.
    const N = 1200;
    let total = 0;
    for (let i = 0; i < N; i++) {
      const u = -1 + (2 * (i + 0.5)) / N;
      const r = Math.sqrt(1 - u * u);
      for (let j = 0; j < N; j++) {
        const phi = (2 * Math.PI * (j + 0.5)) / N;
        const x = Float64Array.from([r * Math.cos(phi), r * Math.sin(phi), u]);
        total += Math.exp(heatKernelKdeLogLikelihood(x, 1, centres, 3, s));
      }
    }
    expect(Math.abs((total * (2 / N) * ((2 * Math.PI) / N)) - 1)).toBeLessThan(1e-5);
  });

  it('the log-likelihood equals the log of the series KDE, on both sides of the Varadhan switch', () => {
    // every point within 6° of a centre: further out, at s = 0.01, the kernel falls below the series'
    // cancellation floor (≈ 10⁻¹⁶ of its peak) and the reference itself has no digits left
    const points = latLonToUnit([12, -35, 8, 65], [3, 118, 4, -95], 4);
    for (const s of [0.01, 0.03, 0.05, 0.3]) {
      let direct = 0;
      for (let i = 0; i < 4; i++) direct += Math.log(kdeBySeries(points.subarray(3 * i, 3 * i + 3), s, 400)) / 4;
      // Varadhan (s < 0.05) is off by O(s²) in log p: ≲ 1e-4 at s = 0.01–0.03; the series is exact
      const tol = s < 0.05 ? 2e-4 : 1e-10;
      expect(Math.abs(heatKernelKdeLogLikelihood(points, 4, centres, 3, s) - direct)).toBeLessThan(tol);
    }
    expect(heatKernelLogDensity(0.5, 0)).toBeCloseTo(Math.log(heatKernelSeries(0.5, 1).p), 12);
  });
});

/**
 * Events in 20 clusters of 3° spread around centres spread over the sphere, as epicentres gather
 * along faults: held-out events come from the same clusters as training ones, so a bandwidth of
 * about the cluster size should beat both memorizing and the uniform law.
 */
function clusteredSource(count: number): DataSources {
  const rng = new Rng(17, 1);
  const lat = new Float64Array(count);
  const lon = new Float64Array(count);
  const centresLat = Array.from({ length: 20 }, () => (Math.asin(2 * rng.uniform() - 1) * 180) / Math.PI);
  const centresLon = Array.from({ length: 20 }, () => 360 * rng.uniform() - 180);
  for (let i = 0; i < count; i++) {
    const c = i % 20;
    lat[i] = Math.max(-89, Math.min(89, centresLat[c] + 3 * rng.normal()));
    lon[i] = centresLon[c] + (3 * rng.normal()) / Math.max(0.2, Math.cos((centresLat[c] * Math.PI) / 180));
  }
  return {
    mnistDigit: () => Promise.reject(new Error('no MNIST here')),
    earthquakes: () => Promise.resolve({ lat, lon, count }),
  };
}

describe('sphere: held-out log-likelihood against s_min', () => {
  it('memorizing (small s_min) loses on held-out events, forgetting (large s_min) too; the optimum beats uniform', async () => {
    const { result } = await runExperiment('sphere', { n: 100, walkers: 50, s: 1, steps: 40 }, directContext(referenceKernels, { data: clusteredSource(600) }));
    const r = result as unknown as {
      sMinGrid: Float64Array;
      heldOutLogLikelihood: Float64Array;
      trainingLogLikelihood: Float64Array;
      heldOutCount: number;
      uniformLogLikelihood: number;
    };
    const L = r.sMinGrid.length;
    expect(r.heldOutCount).toBeGreaterThan(100);
    expect(r.uniformLogLikelihood).toBeCloseTo(-Math.log(4 * Math.PI), 14);
    // on the training points themselves the estimate only gains as s_min falls (memorization)
    for (let i = 1; i < L; i++) expect(r.trainingLogLikelihood[i]).toBeLessThan(r.trainingLogLikelihood[i - 1]);
    // held out: an interior maximum, above the uniform law's −log 4π
    let best = 0;
    for (let i = 1; i < L; i++) if (r.heldOutLogLikelihood[i] > r.heldOutLogLikelihood[best]) best = i;
    expect(best).toBeGreaterThan(0);
    expect(best).toBeLessThan(L - 1);
    expect(r.heldOutLogLikelihood[best]).toBeGreaterThan(r.uniformLogLikelihood);
    // at s = 1 the estimate is nearly uniform (its l ≥ 1 terms are damped by e^{−1} or more)
    expect(Math.abs(r.heldOutLogLikelihood[L - 1] - r.uniformLogLikelihood)).toBeLessThan(0.5);
  });
});
