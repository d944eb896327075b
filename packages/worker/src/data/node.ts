import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { DataSources, ImageSet } from '@diffusion-atlas/core';
import { checkDigit, decodeMnistBytes, encodeMnistBytes } from './mnist-format.ts';
import { nodeEarthquakes } from './earthquakes-node.ts';

/** Where the `mnist` package keeps its digits: src/digits/<d>.json, { data: [...] } of 28·28·count floats. */
export function mnistJsonPath(digit: number): string {
  checkDigit(digit);
  return createRequire(import.meta.url).resolve(`mnist/src/digits/${digit}.json`);
}

/** The raw bytes of one class, read from the `mnist` package (≈2 MB of JSON per digit). */
export async function readMnistBytes(digit: number): Promise<Uint8Array> {
  const parsed: unknown = JSON.parse(await readFile(mnistJsonPath(digit), 'utf8'));
  const data = (parsed as { data?: unknown }).data;
  if (!Array.isArray(data)) throw new Error(`mnist/src/digits/${digit}.json has no data array`);
  return encodeMnistBytes(data as number[]);
}

/**
 * DataSources for Node (CLI, tests, build scripts). Pixels go through the same byte quantisation
 * as the site's files, so a run gives the same numbers in Node and in the browser. Bytes are
 * cached per digit; every call returns a new Float32Array, since results are transferred and a
 * caller may keep or detach what it gets.
 */
export function nodeDataSources(): DataSources {
  const cache = new Map<number, Promise<Uint8Array>>();
  return {
    earthquakes: nodeEarthquakes(),
    async mnistDigit(digit: number): Promise<ImageSet> {
      checkDigit(digit);
      let bytes = cache.get(digit);
      if (!bytes) {
        bytes = readMnistBytes(digit);
        cache.set(digit, bytes);
        bytes.catch(() => cache.delete(digit));
      }
      return decodeMnistBytes(await bytes, digit);
    },
  };
}
