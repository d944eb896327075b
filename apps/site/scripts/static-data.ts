// The site's static data files (real data sets, not experiment runs), written into public/data/
// before `astro build`:
//   mnist/<d>.bin     one byte per pixel, 28 × 28 images back to back (read by the worker's
//                     browserDataSources for the `digits` experiment)
//   earthquakes.json  the compact lat/lon form of the vega-datasets earthquakes (USGS, one week of
//                     2018; earthquakes only), read by the worker's browserEarthquakes for the
//                     `sphere` experiment; the same doubles the CLI reads from the package
//   land-110m.json    world-atlas's 1:110m land TopoJSON, the globe's coastlines
// Run with Node 24 from the repository root: npx node apps/site/scripts/static-data.ts [--digits 0,7]
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMnistBytes } from '@diffusion-atlas/worker/node-data';
import { readEarthquakes } from '@diffusion-atlas/worker/node-earthquakes';

const dataDir = fileURLToPath(new URL('../public/data/', import.meta.url));

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

async function main(): Promise<void> {
  const mnistDir = join(dataDir, 'mnist');
  await mkdir(mnistDir, { recursive: true });
  let total = 0;
  for (const digit of digitsFromArgs(process.argv.slice(2))) {
    const bytes = await readMnistBytes(digit);
    await writeFile(join(mnistDir, `${digit}.bin`), bytes);
    total += bytes.length;
  }
  console.error(`static-data: MNIST → ${mnistDir} (${(total / 1e6).toFixed(1)} MB)`);

  // Full-precision numbers: JSON round-trips doubles exactly, so the browser and Node runs agree.
  const quakes = await readEarthquakes();
  const quakesFile = join(dataDir, 'earthquakes.json');
  const text = `${JSON.stringify(quakes)}\n`;
  await writeFile(quakesFile, text, 'utf8');
  console.error(`static-data: ${quakes.count} earthquakes → ${quakesFile} (${(text.length / 1e3).toFixed(0)} kB)`);

  // world-atlas has no exports map; its TopoJSON files resolve as plain subpaths.
  const land = createRequire(import.meta.url).resolve('world-atlas/land-110m.json');
  const landFile = join(dataDir, 'land-110m.json');
  await copyFile(land, landFile);
  console.error(`static-data: coastlines ${land} → ${landFile}`);
}

await main();
