// Static data for chapter 5 ("Manifolds and finite time"), written into public/ before `astro build`:
//   public/data/earthquakes.json  the compact lat/lon form of the vega-datasets earthquakes (USGS,
//                                 one week of 2018; earthquakes only), read by the worker's
//                                 browserEarthquakes for the `sphere` experiment; the same doubles
//                                 the CLI reads from the package
//   public/data/land-110m.json    world-atlas's 1:110m land TopoJSON, the globe's coastlines
// Run with Node 24 from the repository root: npx node apps/site/scripts/build-ch5-data.ts
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEarthquakes } from '../../../packages/worker/src/data/earthquakes-node.ts';

const publicDir = fileURLToPath(new URL('../public/', import.meta.url));

async function main(): Promise<void> {
  const dataDir = join(publicDir, 'data');
  await mkdir(dataDir, { recursive: true });

  // Full-precision numbers: JSON round-trips doubles exactly, so the browser and Node runs agree.
  const quakes = await readEarthquakes();
  const quakesFile = join(dataDir, 'earthquakes.json');
  const text = `${JSON.stringify(quakes)}\n`;
  await writeFile(quakesFile, text, 'utf8');
  console.error(`build-ch5-data: ${quakes.count} earthquakes → ${quakesFile} (${(text.length / 1e3).toFixed(0)} kB)`);

  // world-atlas has no exports map; its TopoJSON files resolve as plain subpaths.
  const land = createRequire(import.meta.url).resolve('world-atlas/land-110m.json');
  const landFile = join(dataDir, 'land-110m.json');
  await copyFile(land, landFile);
  console.error(`build-ch5-data: coastlines ${land} → ${landFile}`);
}

await main();
