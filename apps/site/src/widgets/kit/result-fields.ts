import { AtlasError, type ResultRecord, type ResultValue } from '@diffusion-atlas/core';

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

/** A nested record of a result (e.g. `trajectories`, `grid`). */
export function recordField(result: ResultRecord, key: string): ResultRecord {
  const value = result[key];
  if (typeof value === 'object' && value !== null && !ArrayBuffer.isView(value) && !Array.isArray(value)) return value as ResultRecord;
  throw new AtlasError('internal', `the result has no record field “${key}”`);
}

/** A number that the experiment reports as null when it does not exist (a crossing never reached). */
export function nullableNumber(result: ResultRecord, key: string): number | null {
  const value = result[key];
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  throw new AtlasError('internal', `the result field “${key}” is not a number`);
}

export function requiredNumber(result: ResultRecord, key: string): number {
  const value = nullableNumber(result, key);
  if (value === null) throw new AtlasError('internal', `the result has no numeric field “${key}”`);
  return value;
}

/**
 * Any numeric column as Float64: typed arrays from the worker, or plain arrays from static JSON,
 * where the build wrote non-finite values as null (read back as NaN).
 */
export function numbers(value: ResultValue | undefined, key: string): Float64Array {
  if (value instanceof Float64Array) return value;
  if (value instanceof Float32Array || value instanceof Int32Array || value instanceof Uint8Array) return Float64Array.from(value);
  if (Array.isArray(value)) return Float64Array.from(value as ReadonlyArray<unknown>, (x) => (typeof x === 'number' ? x : Number.NaN));
  throw new AtlasError('internal', `the result has no numeric column “${key}”`);
}

export function column(result: ResultRecord, key: string): Float64Array {
  return numbers(result[key], key);
}

export function textField(result: ResultRecord, key: string, fallback = ''): string {
  const value = result[key];
  return typeof value === 'string' ? value : fallback;
}
