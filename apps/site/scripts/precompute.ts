// The site's precomputed experiment runs, written into public/data/ before `astro build`: each a
// fine sweep that a widget shows beside its live, coarser run, computed by the same code the CLI
// runs (`diffusion-atlas run <experiment> …`) and read by the views as { experiment, params, result }.
// Run with Node 24 from the repository root: npx node apps/site/scripts/precompute.ts [file.json …]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatJson } from '@diffusion-atlas/core';
import { runLocal } from '@diffusion-atlas/worker/local';

export interface Precomputed {
  /** The file under public/data/ the view fetches. */
  file: string;
  experiment: string;
  params: Record<string, unknown>;
}

/** ψ values `steps` per octave from 2^from to 2^to, at 6 significant digits (what the URL and the CLI can carry). */
function octaves(from: number, to: number, steps: number): number[] {
  const out: number[] = [];
  for (let k = from * steps; k <= to * steps; k++) out.push(Number((2 ** (k / steps)).toPrecision(6)));
  return out;
}

/** The declared list: one entry per file. */
export const PRECOMPUTED: readonly Precomputed[] = [
  {
    // The widget's default state (σ = 1, t* = 0.1, d from 2 to 4096) at 256 points per axis; the
    // live widget recomputes 64 per axis when a reader moves a control.
    file: 'curse.json',
    experiment: 'curse',
    params: { resolution: 256 },
  },
  {
    // The widget's default state (d = 8, seed 1, ψ_p from 1 to 32, ψ_n from 1/2 to 64) four times
    // finer per octave than its powers of two, so the fine panel and the live one share their axes.
    file: 'width-threshold.json',
    experiment: 'width-threshold',
    params: { d: 8, seed: 1, psiPValues: octaves(0, 5, 4), psiNValues: octaves(-1, 6, 4) },
  },
  {
    // The live widget's defaults (d = 48, K = 2, σ = 0.01, seed 1) on every r from 1 to 12 and
    // every n from 1 to 24, so the n = r diagonal crosses the whole map, with 24 trials per cell
    // (success probabilities to ±0.1). Cells share their random streams with the live grid's, so
    // the two maps agree wherever they overlap. Each trial also runs the two reverse processes of the
    // memorization panel: 37 s of CPU against 26 s without them, on the 2-core machine at load 7.
    file: 'subspace-transition.json',
    experiment: 'subspace-transition',
    params: {
      d: 48,
      K: 2,
      rValues: Array.from({ length: 12 }, (_, i) => i + 1),
      nValues: Array.from({ length: 24 }, (_, i) => i + 1),
      noise: 0.01,
      trials: 24,
      seed: 1,
    },
  },
];

/** A heat map needs no more digits; the files shrink to less than half. */
const SIGNIFICANT_DIGITS = 6;

const dataDir = fileURLToPath(new URL('../public/data/', import.meta.url));

async function main(only: readonly string[]): Promise<void> {
  const unknown = only.filter((file) => !PRECOMPUTED.some((entry) => entry.file === file));
  if (unknown.length > 0) throw new Error(`not in the list: ${unknown.join(', ')} (files: ${PRECOMPUTED.map((e) => e.file).join(', ')})`);
  await mkdir(dataDir, { recursive: true });
  for (const entry of PRECOMPUTED) {
    if (only.length > 0 && !only.includes(entry.file)) continue;
    const { experiment, params, result, elapsedMs } = await runLocal(entry.experiment, entry.params);
    const path = join(dataDir, entry.file);
    await writeFile(path, formatJson({ experiment, params, result }, { significantDigits: SIGNIFICANT_DIGITS }), 'utf8');
    console.error(`precompute: ${entry.experiment} → ${path} (${elapsedMs.toFixed(0)} ms)`);
  }
}

await main(process.argv.slice(2));
