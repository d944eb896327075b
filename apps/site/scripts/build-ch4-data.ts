// Static data for chapter 4 ("Low-dimensional structure"), written into public/ before `astro build`:
//   public/data/subspace-transition.json  the fine (n, r) heat map of the `subspace-transition`
//                                          experiment, run through the core experiment exactly as
//                                          the CLI would (`diffusion-atlas run subspace-transition …`)
// Run with Node 24 from the repository root: npx node apps/site/scripts/build-ch4-data.ts
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { directContext, referenceKernels, runExperiment } from '@diffusion-atlas/core';

/**
 * The live widget's defaults (d = 48, K = 2, σ = 0.01, seed 1) on a finer grid: every r from 1 to
 * 12 and every n from 1 to 24, so the n = r diagonal crosses the whole map, with 24 trials per cell
 * (success probabilities to ±0.1). Cells share their random streams with the live grid's, so the
 * two maps agree wherever they overlap.
 */
const TRANSITION_SWEEP = {
  d: 48,
  K: 2,
  rValues: Array.from({ length: 12 }, (_, i) => i + 1),
  nValues: Array.from({ length: 24 }, (_, i) => i + 1),
  noise: 0.01,
  trials: 24,
  seed: 1,
} as const;

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));

/** Typed arrays as plain arrays (the CLI's JSON form), numbers cut to 6 significant digits, NaN as null. */
function replacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>, short);
  return typeof value === 'number' ? short(value) : value;
}

function short(x: number): number | null {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : null;
}

async function main(): Promise<void> {
  await mkdir(join(publicDir, 'data'), { recursive: true });
  const started = performance.now();
  const params = { ...TRANSITION_SWEEP, rValues: [...TRANSITION_SWEEP.rValues], nValues: [...TRANSITION_SWEEP.nValues] };
  const { params: resolved, result } = await runExperiment('subspace-transition', params, directContext(referenceKernels));
  const file = join(publicDir, 'data', 'subspace-transition.json');
  await writeFile(file, `${JSON.stringify({ experiment: 'subspace-transition', params: resolved, result }, replacer)}\n`, 'utf8');
  const cells = params.rValues.length * params.nValues.length;
  console.error(`build-ch4-data: subspace-transition ${cells} cells × ${params.trials} trials → ${file} (${(performance.now() - started).toFixed(0)} ms)`);
}

await main();
