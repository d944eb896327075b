// Static data for the site, written into public/ before `astro build`:
//   public/data/mnist/<d>.bin  one byte per pixel, 28 × 28 images back to back (read by the
//                              worker's browserDataSources for the `digits` experiment)
//   public/data/curse.json     the high-resolution `curse` sweep, run through the core experiment
// Run with Node 24 from the repository root: npx node apps/site/scripts/build-data.ts [--digits 0,7]
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { directContext, referenceKernels, runExperiment } from '@diffusion-atlas/core';
import { readMnistBytes } from '../../../packages/worker/src/data/node.ts';

/**
 * The sweep the page ships: the widget's default state (σ = 1, t* = 0.1, d from 2 to 4096) at 256
 * points per axis; the live widget recomputes 64 per axis when a reader moves a control.
 */
const CURSE_SWEEP = { resolution: 256 } as const;

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));

function digitsFromArgs(argv: readonly string[]): number[] {
  const i = argv.indexOf('--digits');
  // All ten by default: the widget lets readers pick any pair.
  if (i < 0) return [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const list = (argv[i + 1] ?? '').split(',').map(Number);
  if (list.length === 0 || list.some((d) => !Number.isInteger(d) || d < 0 || d > 9)) {
    throw new Error(`--digits must be a comma-separated list of digits 0–9 (got “${argv[i + 1] ?? ''}”)`);
  }
  return list;
}

/**
 * Typed arrays as plain arrays (the CLI's JSON form), every number cut to 6 significant digits:
 * a heat map needs no more, and the file shrinks from ≈ 1.2 MB to ≈ 0.5 MB.
 */
function replacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>, short);
  return typeof value === 'number' ? short(value) : value;
}

function short(x: number): number | null {
  return Number.isFinite(x) ? Number(x.toPrecision(6)) : null;
}

async function main(): Promise<void> {
  const mnistDir = join(publicDir, 'data', 'mnist');
  await mkdir(mnistDir, { recursive: true });
  let total = 0;
  for (const digit of digitsFromArgs(process.argv.slice(2))) {
    const bytes = await readMnistBytes(digit);
    await writeFile(join(mnistDir, `${digit}.bin`), bytes);
    total += bytes.length;
  }
  console.error(`build-data: MNIST → ${mnistDir} (${(total / 1e6).toFixed(1)} MB)`);

  const started = performance.now();
  const { params, result } = await runExperiment('curse', CURSE_SWEEP, directContext(referenceKernels));
  const file = join(publicDir, 'data', 'curse.json');
  await writeFile(file, `${JSON.stringify({ experiment: 'curse', params, result }, replacer)}\n`, 'utf8');
  console.error(`build-data: curse sweep ${CURSE_SWEEP.resolution}² → ${file} (${(performance.now() - started).toFixed(0)} ms)`);
}

await main();
