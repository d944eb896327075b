import type { RunOutput } from '@diffusion-atlas/worker';
import { paramNumber } from '../../kit/dom.ts';
import { numberField, numberList, recordField } from '../../kit/result-fields.ts';
import { staticJson } from '../../kit/static-json.ts';

export const FINE_MAP_URL = '/data/subspace-transition.json';
export const SCHEME = 'viridis';
export const EXPERIMENT = 'subspace-transition';

/** One heat map's worth of cells, row-major with one row per r (the experiment's grid layout). */
export interface Transition {
  source: 'static' | 'live';
  d: number;
  K: number;
  noise: number;
  seed: number;
  trials: number;
  rValues: number[];
  nValues: number[];
  success: number[];
  error: number[];
  theory: number[];
  /** Exact draws from the learned Gaussians (the reverse process's limit, not a run of it). */
  memorized: number[];
  baseline: number[];
  /** Reverse-process samples of the learned low-rank denoiser. */
  learned: number[];
  /** Reverse-process samples of the empirical denoiser of the same training set. */
  empirical: number[];
  tolerance: number;
  elapsedMs?: number;
}

export interface Cell {
  r: number;
  n: number;
  success: number;
  error: number;
  theory: number;
  memorized: number;
  baseline: number;
  learned: number;
  empirical: number;
  x1: number;
  x2: number;
  y1: number;
  y2: number;
}

export function readLive(output: RunOutput): Transition {
  const result = output.result;
  const grid = recordField(result, 'grid');
  return {
    source: 'live',
    d: numberField(result, 'd'),
    K: numberField(result, 'K'),
    noise: paramNumber(output.params, 'noise', Number.NaN),
    seed: paramNumber(output.params, 'seed', Number.NaN),
    trials: numberField(result, 'trials'),
    rValues: numberList(grid, 'rValues'),
    nValues: numberList(grid, 'nValues'),
    success: numberList(result, 'successProbability'),
    error: numberList(result, 'subspaceError'),
    theory: numberList(result, 'subspaceErrorTheory'),
    memorized: numberList(result, 'memorizedFraction'),
    baseline: numberList(result, 'memorizedBaseline'),
    learned: numberList(result, 'memorizedFractionLearned'),
    empirical: numberList(result, 'memorizedFractionEmpirical'),
    tolerance: numberField(result, 'successTolerance'),
    elapsedMs: output.elapsedMs,
  };
}

export function list(value: unknown): number[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: number[] = [];
  for (const x of value as unknown[]) {
    if (typeof x === 'number') out.push(x);
    else if (x === null) out.push(Number.NaN);
    else return undefined;
  }
  return out;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** The build-time JSON (the CLI's form: plain arrays, NaN as null), checked field by field. */
export function parseStatic(json: unknown): Transition | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const file = json as Record<string, unknown>;
  const params = file['params'];
  const result = file['result'];
  if (typeof params !== 'object' || params === null || typeof result !== 'object' || result === null) return undefined;
  const p = params as Record<string, unknown>;
  const r = result as Record<string, unknown>;
  const grid = r['grid'];
  if (typeof grid !== 'object' || grid === null) return undefined;
  const g = grid as Record<string, unknown>;
  const t = {
    d: num(r['d']),
    K: num(r['K']),
    noise: num(p['noise']),
    seed: num(p['seed']),
    trials: num(r['trials']),
    rValues: list(g['rValues']),
    nValues: list(g['nValues']),
    success: list(r['successProbability']),
    error: list(r['subspaceError']),
    theory: list(r['subspaceErrorTheory']),
    memorized: list(r['memorizedFraction']),
    baseline: list(r['memorizedBaseline']),
    learned: list(r['memorizedFractionLearned']),
    empirical: list(r['memorizedFractionEmpirical']),
    tolerance: num(r['successTolerance']),
  };
  const { d, K, noise, seed, trials, rValues, nValues, success, error, theory, memorized, baseline, learned, empirical, tolerance } = t;
  if (d === undefined || K === undefined || noise === undefined || seed === undefined || trials === undefined || tolerance === undefined) return undefined;
  if (rValues === undefined || nValues === undefined || success === undefined || error === undefined || theory === undefined || memorized === undefined || baseline === undefined) return undefined;
  // A file written before the reverse-process fields existed is not shown: its panel would be empty.
  if (learned === undefined || empirical === undefined) return undefined;
  const cells = rValues.length * nValues.length;
  if ([success, error, theory, memorized, baseline, learned, empirical].some((a) => a.length !== cells)) return undefined;
  return { source: 'static', d, K, noise, seed, trials, rValues, nValues, success, error, theory, memorized, baseline, learned, empirical, tolerance };
}

export function loadFine(): Promise<Transition | undefined> {
  return staticJson(FINE_MAP_URL).then((file) => (file === undefined ? undefined : parseStatic(file)));
}
