import { AtlasError, type ResultRecord, type ResultValue } from '@diffusion-atlas/core';

/*
 * Results cross the worker boundary as structured clones, and precomputed ones arrive as JSON;
 * views read fields through these checks so a mismatch between core and view (or a stale data
 * file) fails with a readable message instead of drawing nonsense. `where` names the nested record
 * in that message (`runs[2].`).
 */

function missing(key: string, what: string, where: string): AtlasError {
  return new AtlasError('internal', `the result has no ${what} field “${where}${key}”`);
}

export function isRecord(value: ResultValue | undefined): value is ResultRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

export function float32Field(result: ResultRecord, key: string, where = ''): Float32Array {
  const value = result[key];
  if (value instanceof Float32Array) return value;
  throw missing(key, 'Float32Array', where);
}

export function float64Field(result: ResultRecord, key: string, where = ''): Float64Array {
  const value = result[key];
  if (value instanceof Float64Array) return value;
  throw missing(key, 'Float64Array', where);
}

export function int32Field(result: ResultRecord, key: string, where = ''): Int32Array {
  const value = result[key];
  if (value instanceof Int32Array) return value;
  throw missing(key, 'Int32Array', where);
}

/** A number; Infinity and NaN are legitimate values here (τ_mem of a model that never memorizes, a slope of one point). */
export function numberField(result: ResultRecord, key: string, where = ''): number {
  const value = result[key];
  if (typeof value === 'number') return value;
  throw missing(key, 'numeric', where);
}

/** Several numeric fields at once, under their own keys: the scalars a result record opens with. */
export function numberFields<K extends string>(result: ResultRecord, keys: readonly K[], where = ''): Record<K, number> {
  const out: Partial<Record<K, number>> = {};
  for (const key of keys) out[key] = numberField(result, key, where);
  return out as Record<K, number>;
}

/** A nested record of a result (e.g. `trajectories`, `grid`). */
export function recordField(result: ResultRecord, key: string, where = ''): ResultRecord {
  const value = result[key];
  if (isRecord(value)) return value;
  throw missing(key, 'record', where);
}

/** A list of records (runs of a sweep, kernel profiles). */
export function recordList(result: ResultRecord, key: string, where = ''): ResultRecord[] {
  const value = result[key];
  if (Array.isArray(value) && value.every((v: unknown) => typeof v === 'object' && v !== null && !ArrayBuffer.isView(v))) return value as ResultRecord[];
  throw missing(key, 'list of records', where);
}

/** A nullable number: the experiment reports null for what does not exist (a crossing never reached). */
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

/** A numeric list as a plain array (typed arrays from the worker or a list from JSON). */
export function numberList(result: ResultRecord, key: string, where = ''): number[] {
  const value = result[key];
  if (value instanceof Float64Array || value instanceof Float32Array || value instanceof Int32Array) return Array.from(value);
  if (Array.isArray(value) && value.every((x: unknown) => typeof x === 'number')) return [...(value as readonly number[])];
  throw missing(key, 'numeric list', where);
}

export function textField(result: ResultRecord, key: string, fallback = ''): string {
  const value = result[key];
  return typeof value === 'string' ? value : fallback;
}
