import { AtlasError } from '@diffusion-atlas/core';
import { decodeEarthquakes, type EarthquakeSet } from './earthquakes-format.ts';

/**
 * `DataSources.earthquakes` for browser workers: the site serves the compact lat/lon file at
 * `<base>earthquakes.json` (written by apps/site/scripts/static-data.ts). `base` defaults to
 * /data/ at the origin; pass the site's base URL when it is deployed under a path.
 */
export function browserEarthquakes(base: string | URL = '/data/'): () => Promise<EarthquakeSet> {
  const url = new URL('earthquakes.json', new URL(base, globalThis.location?.href ?? 'http://localhost/'));
  let cached: Promise<unknown> | undefined;
  return async () => {
    if (!cached) {
      cached = fetchJson(url);
      // a failed fetch is retried on the next run rather than remembered
      cached.catch(() => (cached = undefined));
    }
    return decodeEarthquakes(await cached);
  };
}

async function fetchJson(url: URL): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new AtlasError('internal', `could not load earthquakes from ${url.href}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) throw new AtlasError('internal', `could not load earthquakes from ${url.href}: HTTP ${response.status}`);
  return (await response.json()) as unknown;
}
