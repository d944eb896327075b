import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { compactFromGeoJson, decodeEarthquakes, type CompactEarthquakes, type EarthquakeSet } from './earthquakes-format.ts';

/**
 * The GeoJSON inside the `vega-datasets` package. Its exports map only opens the JS entry
 * (build/index.js), so the data folder is found beside it rather than through a subpath import.
 */
export function earthquakesGeoJsonPath(): string {
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  return join(dirname(entry), '..', 'data', 'earthquakes.json');
}

/** The compact lat/lon form of the package's earthquakes (≈ 1.2 MB of GeoJSON read once per call). */
export async function readEarthquakes(): Promise<CompactEarthquakes> {
  return compactFromGeoJson(JSON.parse(await readFile(earthquakesGeoJsonPath(), 'utf8')));
}

/**
 * `DataSources.earthquakes` for Node (CLI, tests, build scripts): the file is parsed once, every
 * call returns new Float64Arrays.
 */
export function nodeEarthquakes(): () => Promise<EarthquakeSet> {
  let cached: Promise<CompactEarthquakes> | undefined;
  return async () => {
    if (!cached) {
      cached = readEarthquakes();
      cached.catch(() => (cached = undefined));
    }
    return decodeEarthquakes(await cached);
  };
}
