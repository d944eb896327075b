import { AtlasError, type ResultRecord } from '@diffusion-atlas/core';

/*
 * Results cross the worker boundary as loosely typed records; views read their fields through
 * these checks so a mismatch between core and view fails loudly and readably.
 */

function missing(key: string, what: string): AtlasError {
  return new AtlasError('internal', `the result has no ${what} field “${key}”`);
}

export function float32Field(result: ResultRecord, key: string): Float32Array {
  const value = result[key];
  if (value instanceof Float32Array) return value;
  throw missing(key, 'Float32Array');
}

export function float64Field(result: ResultRecord, key: string): Float64Array {
  const value = result[key];
  if (value instanceof Float64Array) return value;
  throw missing(key, 'Float64Array');
}

export function int32Field(result: ResultRecord, key: string): Int32Array {
  const value = result[key];
  if (value instanceof Int32Array) return value;
  throw missing(key, 'Int32Array');
}

export function numberField(result: ResultRecord, key: string): number {
  const value = result[key];
  if (typeof value === 'number') return value;
  throw missing(key, 'numeric');
}
