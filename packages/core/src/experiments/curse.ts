import { defineExperiment } from '../experiment.ts';
import { param } from '../params.ts';
import { ascending } from '../constraints.ts';
import { collapseTimeForAlpha, requiredAlpha, speciationTime, twoClassTopEigenvalue } from '../theory/collapse-time.ts';

/** μ̃ of the t_S comparison curve: the paper's Fig. 2–3 value; the experiment has no μ̃ parameter. */
export const CURSE_MU = 1;

/**
 * The curse of dimensionality in closed form (science.md §2.6, derived from eq. 7): collapse
 * happens no later than t* only if log n ≥ d · ½ log(1 + σ²/(e^{2t*} − 1)), so n must grow like
 * e^{const·d}. Everything is Float64 and instant; `resolution` only sets the heat map's size
 * (the site ships a fine precomputed sweep and recomputes a coarse one live).
 */
export const curse = defineExperiment({
  name: 'curse',
  title: 'The curse of dimensionality: how many samples keep collapse away?',
  summary:
    'Closed-form collapse time t_C = ½ log(1 + σ²/(n^{2/d} − 1)) over (n, d), the training-set size needed for t_C ≤ t*, and the speciation time for comparison.',
  chapter: 'speciation-and-collapse',
  params: {
    sigma: param.number({ label: 'Data standard deviation', symbol: 'σ', min: 0.1, max: 10, default: 1 }),
    tStar: param.number({ label: 'Target collapse time', symbol: 't*', min: 0.001, max: 5, default: 0.1, scale: 'log' }),
    dMin: param.int({ label: 'Smallest dimension', symbol: 'd_min', min: 1, max: 1_000_000, default: 2, scale: 'log' }),
    dMax: param.int({ label: 'Largest dimension', symbol: 'd_max', min: 2, max: 1_000_000, default: 4096, scale: 'log' }),
    resolution: param.int({
      label: 'Grid points per axis',
      min: 8,
      max: 512,
      default: 64,
      scale: 'log',
      help: 'Size of the d axis and of the log₁₀ n axis of the t_C heat map.',
    }),
  },
  constraints: [ascending('dMin', 'dMax')],
  cost: {
    drivers: ['resolution'],
    units: (p) => p.resolution * p.resolution,
    // Fitted to CLI runs (elapsedMs less the CLI's 0.5 s setup) on the 2-core development machine
    // under load from parallel builds: 610 ms at the defaults, 1015 ms at resolution = 256.
    // Rescaled ×0.07 from that fit with `npm run bench:cost -w @diffusion-atlas/tests` on the quiet
    // machine (runLocal's elapsedMs, the run alone), plus 30 % headroom for a busy one.
    secondsPerUnit: 4.3e-7,
    baseSeconds: 0.0052,
  },
  async run(p, ctx) {
    const d = dimensionAxis(p.dMin, p.dMax, p.resolution);
    const alphaRequired = requiredAlpha(p.tStar, p.sigma);
    const log10nRequired = d.map((x) => (x * alphaRequired) / Math.LN10);
    const tS = d.map((x) => speciationTime(twoClassTopEigenvalue(x, CURSE_MU, p.sigma)));
    await ctx.checkpoint(0.1);

    // The n axis spans n = 2 to well past the requirement at d_max, geometric in log₁₀ n: the
    // boundary log₁₀ n = α* d / ln 10 is then a straight line of slope 1 against log d.
    const log10nMin = Math.log10(2);
    const log10nMax = Math.max(3, 2 * log10nRequired[d.length - 1]);
    const log10n = new Float64Array(p.resolution);
    for (let j = 0; j < p.resolution; j++) log10n[j] = log10nMin * (log10nMax / log10nMin) ** (j / (p.resolution - 1));
    const tC = new Float64Array(d.length * log10n.length);
    for (let i = 0; i < d.length; i++) {
      for (let j = 0; j < log10n.length; j++) tC[i * log10n.length + j] = collapseTimeForAlpha((log10n[j] * Math.LN10) / d[i], p.sigma);
    }
    await ctx.checkpoint(1);
    return {
      d,
      alphaRequired,
      log10nRequired,
      tS,
      muTilde: CURSE_MU,
      grid: { log10n, d: Float64Array.from(d), tC, layout: 'row-major: d rows × log10n columns' },
    };
  },
  tables(r) {
    const rows = r.grid.d.length;
    const cols = r.grid.log10n.length;
    const gridD = new Float64Array(rows * cols);
    const gridN = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        gridD[i * cols + j] = r.grid.d[i];
        gridN[i * cols + j] = r.grid.log10n[j];
      }
    }
    return {
      required: { d: r.d, log10nRequired: r.log10nRequired, tS: r.tS, alphaRequired: r.d.map(() => r.alphaRequired) },
      grid: { d: gridD, log10n: gridN, tC: r.grid.tC },
    };
  },
});

/** Integer dimensions, geometric from dMin to dMax, duplicates (at small d) removed. */
function dimensionAxis(dMin: number, dMax: number, count: number): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const x = Math.round(dMin * (dMax / dMin) ** (i / (count - 1)));
    if (out.length === 0 || x > out[out.length - 1]) out.push(x);
  }
  return Float64Array.from(out);
}
