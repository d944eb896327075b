import { AtlasError, type DataSources, type ImageSet } from '@diffusion-atlas/core';
import { checkDigit, decodeMnistBytes } from './mnist-format.ts';
import { browserEarthquakes } from './earthquakes-browser.ts';

/**
 * DataSources for browser workers: the site serves each class as `<base><d>.bin` (one byte per
 * pixel, written by apps/site/scripts/static-data.ts). `base` defaults to /data/mnist/ at the
 * origin; pass the site's base URL when it is deployed under a path.
 */
export function browserDataSources(base: string | URL = '/data/mnist/'): DataSources {
  const cache = new Map<number, Promise<Uint8Array>>();
  const root = new URL(base, globalThis.location?.href ?? 'http://localhost/');
  return {
    earthquakes: browserEarthquakes(new URL('../', root)),
    async mnistDigit(digit: number): Promise<ImageSet> {
      checkDigit(digit);
      let bytes = cache.get(digit);
      if (!bytes) {
        bytes = fetchBytes(new URL(`${digit}.bin`, root));
        cache.set(digit, bytes);
        // a failed fetch is retried on the next run rather than remembered
        bytes.catch(() => cache.delete(digit));
      }
      return decodeMnistBytes(await bytes, digit);
    },
  };
}

async function fetchBytes(url: URL): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new AtlasError('internal', `could not load MNIST digits from ${url.href}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) throw new AtlasError('internal', `could not load MNIST digits from ${url.href}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
