import { defineExperiment } from '../experiment.ts';
import { AtlasError } from '../errors.ts';
import { param } from '../params.ts';
import { Rng, Streams, normalAt } from '../random.ts';
import { delta } from '../forward.ts';
import { geometricGrid } from '../time-grid.ts';
import { empiricalJacobianFactor, empiricalWeights } from '../lowrank/denoiser-jacobian.ts';
import { topPrincipalDirections } from '../lowrank/pca.ts';
import { LOW_RANK_CHAPTER } from './low-rank-mixture.ts';

/** Directions computed per run, Jacobian singular vectors or principal directions (the `direction` parameter picks one of them). */
export const EDIT_DIRECTIONS = 8;
/** Images in the strip: strengths −s, −2s/3, …, 0, …, +s. */
export const STRIP_FRAMES = 7;
export const editingMethods = ['pca', 'jacobian'] as const;
/** Noise levels at which the Jacobian's rank is reported (its band in t). */
const BAND_TIMES = 12;
const BAND_T_MAX = 3;
const BAND_T_MIN = 0.01;
/** The noise z of x_t = e^{−t}x_0 + √Δ_t z, one draw for every t (the band is then smooth in t). */
const NOISE_STREAM = 41;

export const subspaceEditing = defineExperiment({
  name: 'subspace-editing',
  title: 'Editing along a semantic subspace',
  summary:
    'Moving a held-out MNIST digit along a top singular vector of the exact denoiser’s Jacobian at that digit (or, for comparison, along a principal direction of its class) changes one attribute (slant, width, stroke) and keeps it a plausible digit; the Jacobian’s rank follows the noise level.',
  chapter: LOW_RANK_CHAPTER,
  params: {
    digit: param.int({ label: 'Digit class', min: 0, max: 9, default: 1 }),
    direction: param.int({
      label: 'Direction',
      min: 1,
      max: EDIT_DIRECTIONS,
      default: 1,
      help: '1 is the top singular vector of the Jacobian (method jacobian) or the direction of largest variance within the class (method pca).',
    }),
    strength: param.number({
      label: 'Strength',
      symbol: 's',
      min: -4,
      max: 4,
      default: 2.5,
      step: 0.1,
      help: 'How far to move, in standard deviations of the class along the chosen direction; the strip runs from −s to +s.',
    }),
    seed: param.int({ label: 'Seed', min: 0, max: 2147483647, default: 1, help: 'Picks the base digit from the class.' }),
    method: param.enum({
      label: 'Directions',
      options: editingMethods,
      default: 'jacobian',
      optionLabels: { pca: 'principal directions of the class', jacobian: 'singular vectors of the denoiser’s Jacobian' },
      help: 'pca: the class’s principal directions, the same for every digit. jacobian: the top singular vectors of the exact (empirical) denoiser’s Jacobian at the noised digit, (e^{−t}/Δ_t)·Cov_w, local to that digit.',
    }),
    t: param.number({
      label: 'Noise level',
      symbol: 't',
      min: 0.01,
      max: 3,
      default: 0.3,
      scale: 'log',
      help: 'Diffusion time at which the Jacobian is taken (method jacobian).',
    }),
  },
  cost: {
    drivers: ['method'],
    // A fixed amount of work: one digit class's PCA, the base with reading MNIST; the jacobian
    // method adds the softmax-weighted factor and a second subspace iteration (one unit).
    units: (p) => (p.method === 'jacobian' ? 1 : 0),
    // Fitted to CLI runs (elapsedMs less the CLI's 0.5 s setup) on the 2-core development machine
    // under load from parallel builds: 2034 and 3856 ms for pca (it takes no size parameter), and
    // 1420 ms (pca) beside 2937 ms (jacobian, t = 0.3) in one later pair of runs.
    // Rescaled ×0.43 from that fit with `npm run bench:cost -w @diffusion-atlas/tests` on the quiet
    // machine (runLocal's elapsedMs, the run alone), plus 30 % headroom for a busy one.
    secondsPerUnit: 0.64,
    baseSeconds: 0.99,
  },
  async run(p, ctx) {
    if (!ctx.data) throw new AtlasError('internal', 'subspace-editing needs the MNIST data source, which this environment does not supply');
    const set = await ctx.data.mnistDigit(p.digit);
    await ctx.checkpoint(0.1);
    const dim = set.width * set.height;
    if (set.count < EDIT_DIRECTIONS + 2) throw new AtlasError('internal', `digit ${p.digit} has only ${set.count} images`);
    const baseIndex = new Rng(p.seed, Streams.data).int(set.count);
    const base = set.images.slice(baseIndex * dim, (baseIndex + 1) * dim);
    // The directions come from the other digits of the class: the edited digit is one PCA never saw.
    const others = new Float32Array((set.count - 1) * dim);
    others.set(set.images.subarray(0, baseIndex * dim), 0);
    others.set(set.images.subarray((baseIndex + 1) * dim), baseIndex * dim);
    ctx.progress(0.11);
    // The noised digit x_t, known before any direction is.
    const a = Math.exp(-p.t);
    const sd = Math.sqrt(delta(p.t));
    const z = Float64Array.from({ length: dim }, (_, l) => normalAt(p.seed, NOISE_STREAM, l));
    const noised = Float64Array.from(base, (v, l) => a * v + sd * z[l]);
    const classNorms = Float64Array.from({ length: set.count }, (_, i) => norm(set.images.subarray(i * dim, (i + 1) * dim))).sort();
    ctx.progress(0.12);
    let totalVariance = Number.NaN;

    interface Directions {
      basis: Float64Array;
      /** The class's variance along each direction, before the sign is fixed (it does not change it). */
      variances: (directions: Float32Array) => Float64Array;
      mean: Float64Array;
      pcaIterations: number;
      pcaConverged: boolean;
      jacobianSingularValues: Float64Array;
      jacobianIterations: number;
      band: { bandT: Float64Array; bandEffectiveDigits: Float64Array; bandJacobianTrace: Float64Array };
    }
    /**
     * The edits from a set of directions: the final ones, or (in a partial result) the subspace
     * iteration's estimate so far, with the Jacobian band not computed yet (NaN). Before any
     * direction exists (`undefined`, the first partial), only what needs none: the base digit,
     * which is the strip's s = 0 frame, x_t and the class's norms; the rest NaN.
     */
    const assemble = (found: Directions | undefined) => {
      const mean = found?.mean ?? new Float64Array(dim).fill(Number.NaN);
      if (found !== undefined && Number.isNaN(totalVariance)) totalVariance = classTotalVariance(others, set.count - 1, dim, mean);
      // Eigenvectors have no sign; fix it so that +s adds ink overall, the same on every run.
      const directions = new Float32Array(EDIT_DIRECTIONS * dim).fill(Number.NaN);
      for (let k = 0; found !== undefined && k < EDIT_DIRECTIONS; k++) {
        const { basis } = found;
        let sum = 0;
        for (let l = 0; l < dim; l++) sum += basis[k * dim + l];
        const sign = sum < 0 ? -1 : 1;
        for (let l = 0; l < dim; l++) directions[k * dim + l] = sign * basis[k * dim + l];
      }
      const variances = found?.variances(directions) ?? new Float64Array(EDIT_DIRECTIONS).fill(Number.NaN);
      const explainedVariance = variances.map((v) => v / totalVariance);
      const baseCoordinates = new Float64Array(EDIT_DIRECTIONS);
      for (let k = 0; k < EDIT_DIRECTIONS; k++) {
        let s = 0;
        for (let l = 0; l < dim; l++) s += (base[l] - mean[l]) * directions[k * dim + l];
        baseCoordinates[k] = s / Math.sqrt(variances[k]);
      }

      const j = p.direction - 1;
      const sigma = Math.sqrt(variances[j]);
      const baseNorm = norm(base);
      const strengths = new Float64Array(STRIP_FRAMES);
      const strip = new Float32Array(STRIP_FRAMES * dim);
      const norms = new Float64Array(STRIP_FRAMES);
      const normLower = new Float64Array(STRIP_FRAMES);
      const normUpper = new Float64Array(STRIP_FRAMES);
      const clippedFraction = new Float64Array(STRIP_FRAMES);
      for (let f = 0; f < STRIP_FRAMES; f++) {
        const s = p.strength * ((2 * f) / (STRIP_FRAMES - 1) - 1);
        strengths[f] = s;
        // The s = 0 frame is the base digit itself, direction or not (the same bits as adding 0·σ·v).
        const step = s === 0 ? 0 : s * sigma;
        let clipped = 0;
        for (let l = 0; l < dim; l++) {
          const v = step === 0 ? base[l] : base[l] + step * directions[j * dim + l];
          // Clipping to the pixel range [0, 1] is a projection onto a convex set that contains the
          // base digit, hence non-expansive: the edit moves the image by at most |s|σ_j.
          const c = Math.min(1, Math.max(0, v));
          if (c !== v) clipped++;
          strip[f * dim + l] = c;
        }
        norms[f] = norm(strip.subarray(f * dim, (f + 1) * dim));
        normLower[f] = Math.max(0, baseNorm - Math.abs(step));
        normUpper[f] = baseNorm + Math.abs(step);
        clippedFraction[f] = clipped / dim;
      }
      return {
        digit: p.digit,
        direction: p.direction,
        width: set.width,
        height: set.height,
        count: set.count,
        baseIndex,
        base: base.slice(),
        mean: Float32Array.from(mean),
        directions,
        variances,
        explainedVariance,
        baseCoordinates,
        strengths,
        strip,
        norms,
        normLower,
        normUpper,
        baseNorm,
        clippedFraction,
        classNormRange: [quantile(classNorms, 0.01), quantile(classNorms, 0.99)],
        pcaIterations: found?.pcaIterations ?? 0,
        pcaConverged: found?.pcaConverged ?? false,
        layout: `${set.width}×${set.height} as shipped, pixels in [0, 1]; directions: ${EDIT_DIRECTIONS} × ${dim} unit vectors, largest variance first; strip: ${STRIP_FRAMES} × ${dim}, strengths from −s to +s in units of the class standard deviation along the direction`,
        normBound: '|‖edit‖ − ‖base‖| ≤ |s|·σ_j: the step has length |s|σ_j and clipping to [0, 1] cannot lengthen it',
        method: p.method,
        methodMeaning:
          p.method === 'pca'
            ? 'centred PCA of the class (block subspace iteration, Float64), without the base digit; for a Gaussian model of the class these are also the top singular vectors of the denoiser’s Jacobian at every noise level'
            : 'top singular vectors of the Jacobian of the exact empirical denoiser of the class (without the base digit) at x_t = e^{−t}x_0 + √Δ_t z: (e^{−t}/Δ_t)·Cov_w, Cov_w the softmax-weighted covariance of the training digits; variances are the class variances along them',
        t: p.t,
        noised: Float32Array.from(noised),
        jacobianSingularValues: found?.jacobianSingularValues ?? new Float64Array(0),
        jacobianIterations: found?.jacobianIterations ?? 0,
        bandT: (found?.band ?? noBand()).bandT,
        bandEffectiveDigits: (found?.band ?? noBand()).bandEffectiveDigits,
        bandJacobianTrace: (found?.band ?? noBand()).bandJacobianTrace,
      };
    };
    const bandT = geometricGrid(BAND_T_MAX, BAND_T_MIN, BAND_TIMES - 1).reverse();
    const noBand = (): Directions['band'] => ({ bandT: bandT.slice(), bandEffectiveDigits: new Float64Array(BAND_TIMES).fill(Number.NaN), bandJacobianTrace: new Float64Array(BAND_TIMES).fill(Number.NaN) });
    // The directions take the class's PCA and, for method jacobian, a second subspace iteration
    // on the Jacobian's factor: each reports progress through its own share of 0.12 → 0.8.
    const pcaEnd = p.method === 'jacobian' ? 0.55 : 0.8;
    const progressAt = (it: number): number => 0.12 + (pcaEnd - 0.12) * Math.min(1, it / 20);
    const jacobianAt = (it: number): number => 0.6 + 0.2 * Math.min(1, it / 20);
    // The base digit and x_t need no direction: a first figure while the directions are found.
    ctx.partial(0.12, () => assemble(undefined));

    const pca = await topPrincipalDirections(others, set.count - 1, dim, EDIT_DIRECTIONS, {
      centred: true,
      // Residuals of 10⁻⁴ λ_1 leave direction errors far below what a 28 × 28 image can show.
      tolerance: 1e-4,
      // ~10 iterations at MNIST's spectrum; progress is shown as if 20.
      onIteration: (it) => ctx.checkpoint(progressAt(it)),
      onProgress: (done) => ctx.progress(progressAt(done)),
      // For method pca, the iteration's estimate so far is a coarser version of the figure.
      onEstimate: (estimate) => {
        if (p.method !== 'pca') return;
        ctx.partial(progressAt(estimate.iteration), () =>
          assemble({
            basis: estimate.basis,
            variances: () => estimate.values.slice(),
            mean: estimate.mean,
            pcaIterations: estimate.iteration,
            pcaConverged: false,
            jacobianSingularValues: new Float64Array(0),
            jacobianIterations: 0,
            band: noBand(),
          }),
        );
      },
    });
    await ctx.checkpoint(pcaEnd);

    // For method jacobian, the Jacobian's top singular vectors at x_t.
    let basis = pca.basis;
    let jacobianSingularValues = new Float64Array(0);
    let jacobianIterations = 0;
    // The class's variance along each direction: for pca the eigenvalues themselves; for jacobian
    // the same quadratic form, so that strengths are in the class's standard deviations either way.
    const variancesAlong = (directions: Float32Array): Float64Array =>
      p.method === 'pca' ? Float64Array.from(pca.values) : classVariancesAlong(others, set.count - 1, dim, pca.mean, directions, EDIT_DIRECTIONS);
    if (p.method === 'jacobian') {
      const factor = empiricalJacobianFactor(others, set.count - 1, dim, noised, p.t);
      await ctx.checkpoint(jacobianAt(0));
      const top = await topPrincipalDirections(factor.rows, factor.count, dim, EDIT_DIRECTIONS, {
        centred: false,
        tolerance: 1e-4,
        onIteration: (it) => ctx.checkpoint(jacobianAt(it)),
        onProgress: (done) => ctx.progress(jacobianAt(done)),
        onEstimate: (estimate) =>
          ctx.partial(jacobianAt(estimate.iteration), () =>
            assemble({
              basis: estimate.basis,
              variances: variancesAlong,
              mean: pca.mean,
              pcaIterations: pca.iterations,
              pcaConverged: pca.converged,
              jacobianSingularValues: Float64Array.from(estimate.values, (v) => factor.scale * v),
              jacobianIterations: estimate.iteration,
              band: noBand(),
            }),
          ),
      });
      basis = top.basis;
      jacobianSingularValues = Float64Array.from(top.values, (v) => factor.scale * v);
      jacobianIterations = top.iterations;
    }
    // The Jacobian's band in t: how many training digits carry the softmax (1/Σw², which bounds
    // its rank by about that number minus one) and its trace (e^{−t}/Δ_t) Σ_μ w_μ |a_μ − D|².
    const bandEffectiveDigits = new Float64Array(BAND_TIMES);
    const bandJacobianTrace = new Float64Array(BAND_TIMES);
    for (let i = 0; i < BAND_TIMES; i++) {
      const tb = bandT[i];
      const ab = Math.exp(-tb);
      const sb = Math.sqrt(delta(tb));
      const xb = Float64Array.from(base, (v, l) => ab * v + sb * z[l]);
      const w = empiricalWeights(others, set.count - 1, dim, xb, tb);
      let w2 = 0;
      const mean = new Float64Array(dim);
      for (let mu = 0; mu < w.length; mu++) {
        w2 += w[mu] * w[mu];
        if (w[mu] > 0) for (let l = 0; l < dim; l++) mean[l] += w[mu] * others[mu * dim + l];
      }
      let trace = 0;
      for (let mu = 0; mu < w.length; mu++) {
        if (w[mu] === 0) continue;
        let r2 = 0;
        for (let l = 0; l < dim; l++) r2 += (others[mu * dim + l] - mean[l]) ** 2;
        trace += w[mu] * r2;
      }
      bandEffectiveDigits[i] = 1 / w2;
      bandJacobianTrace[i] = (ab / (sb * sb)) * trace;
      // The band takes about a tenth of a second in all: progress through it, time by time.
      await ctx.checkpoint(0.8 + (0.2 * (i + 1)) / BAND_TIMES);
    }
    await ctx.checkpoint(1);
    return assemble({
      basis,
      variances: variancesAlong,
      mean: pca.mean,
      pcaIterations: pca.iterations,
      pcaConverged: pca.converged,
      jacobianSingularValues,
      jacobianIterations,
      band: { bandT, bandEffectiveDigits, bandJacobianTrace },
    });
  },
  tables(res) {
    const k = Float64Array.from({ length: EDIT_DIRECTIONS }, (_, i) => i + 1);
    return {
      directions: { direction: k, variance: res.variances, explainedVariance: res.explainedVariance, baseCoordinate: res.baseCoordinates },
      band: { t: res.bandT, effectiveDigits: res.bandEffectiveDigits, jacobianTrace: res.bandJacobianTrace },
      strip: { strength: res.strengths, norm: res.norms, normLower: res.normLower, normUpper: res.normUpper, clippedFraction: res.clippedFraction },
    };
  },
});

function norm(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return Math.sqrt(s);
}

/** Tr C = Σ_pixels Var: the denominator of the explained-variance fractions (Float64). */
function classTotalVariance(x: Float32Array, count: number, dim: number, mean: Float64Array): number {
  let total = 0;
  for (let i = 0; i < count; i++) {
    for (let l = 0; l < dim; l++) {
      const c = x[i * dim + l] - mean[l];
      total += c * c;
    }
  }
  return total / (count - 1);
}

/** Linear interpolation between order statistics of a sorted array. */
function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/** vᵀ C v for each of k unit directions v, C the class covariance about `mean` (Float64). */
function classVariancesAlong(x: Float32Array, count: number, dim: number, mean: Float64Array, directions: Float32Array, k: number): Float64Array {
  const out = new Float64Array(k);
  const centred = new Float64Array(dim);
  // One call per digit, not three nested loops in one function, so that V8 optimizes the per-digit
  // work as a whole function. Nested, the loops ran through on-stack replacement, and in a worker's
  // later runs that code could bail out at the end of each inner loop until a recompilation landed:
  // the run's last step then took about 270 ms in Chromium instead of 12. The same operations in the
  // same order, so the same bits.
  for (let i = 0; i < count; i++) {
    centreRow(x, i * dim, mean, centred);
    addSquaredProjections(centred, directions, k, out);
  }
  for (let j = 0; j < k; j++) out[j] /= Math.max(1, count - 1);
  return out;
}

/** x[offset + l] − mean[l] for every coordinate, in Float64. */
function centreRow(x: Float32Array, offset: number, mean: Float64Array, into: Float64Array): void {
  for (let l = 0; l < into.length; l++) into[l] = x[offset + l] - mean[l];
}

/** out[j] += (c · v_j)² for each of the k directions v_j (rows of `directions`). */
function addSquaredProjections(c: Float64Array, directions: Float32Array, k: number, out: Float64Array): void {
  const dim = c.length;
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let l = 0; l < dim; l++) s += c[l] * directions[j * dim + l];
    out[j] += s * s;
  }
}
