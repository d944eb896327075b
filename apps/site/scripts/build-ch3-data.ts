// Static data for chapter 3, written into public/ before `astro build`:
//   public/data/width-threshold.json  the fine (ψ_n, ψ_p) grid of the `width-threshold` experiment,
//                                     run through the core experiment (the CLI's path), read by the
//                                     widget's view as a fixed panel beside its live coarse grid
// Run with Node 24 from the repository root: npx node apps/site/scripts/build-ch3-data.ts [--steps-per-octave 4]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { directContext, referenceKernels, runExperiment } from '@diffusion-atlas/core';

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));

/**
 * The widget's default state (d = 8, seed 1, ψ_p from 1 to 32, ψ_n from 1/2 to 64), on a grid
 * `steps` times finer per octave than its powers of two, so the fine panel and the live one share
 * their axes and differ only in resolution.
 */
function fineGrid(steps: number): { d: number; seed: number; psiPValues: number[]; psiNValues: number[] } {
  const octaves = (from: number, to: number): number[] => {
    const out: number[] = [];
    for (let k = from * steps; k <= to * steps; k++) out.push(Number((2 ** (k / steps)).toPrecision(6)));
    return out;
  };
  return { d: 8, seed: 1, psiPValues: octaves(0, 5), psiNValues: octaves(-1, 6) };
}

function stepsFromArgs(argv: readonly string[]): number {
  const i = argv.indexOf('--steps-per-octave');
  if (i < 0) return 4;
  const steps = Number(argv[i + 1]);
  // The experiment takes at most 64 values per axis: ψ_n spans 7 octaves.
  if (!Number.isInteger(steps) || steps < 1 || steps > 9) throw new Error(`--steps-per-octave must be an integer from 1 to 9 (got “${argv[i + 1] ?? ''}”)`);
  return steps;
}

/** Typed arrays as plain arrays (the CLI's JSON form), numbers cut to 6 significant digits, non-finite ones as null. */
function replacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>, short);
  return typeof value === 'number' ? short(value) : value;
}

function short(x: number): number | null {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : null;
}

async function main(): Promise<void> {
  const started = performance.now();
  const grid = fineGrid(stepsFromArgs(process.argv.slice(2)));
  const { params, result } = await runExperiment('width-threshold', grid, directContext(referenceKernels));
  const dir = join(publicDir, 'data');
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'width-threshold.json');
  await writeFile(file, `${JSON.stringify({ experiment: 'width-threshold', params, result }, replacer)}\n`, 'utf8');
  const cells = grid.psiPValues.length * grid.psiNValues.length;
  console.error(`build-ch3-data: width-threshold ${grid.psiPValues.length} × ${grid.psiNValues.length} = ${cells} cells → ${file} (${(performance.now() - started).toFixed(0)} ms)`);
}

await main();
