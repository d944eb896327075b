import * as Plot from '@observablehq/plot';
import { delta, rho2Edges, type ResultRecord, type TrainingWindowResult, type TrainingWindowRun } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
import { t as msg } from '../../../i18n/messages.ts';
import { paramNumber } from '../../kit/dom.ts';
import { formatValue } from '../../kit/format.ts';
import { float64Field, numberField, numberList, recordField, recordList } from '../../kit/result-fields.ts';
import { seriesColours } from '../../kit/colours.ts';
import { logAxisX, logTicks } from '../../kit/log-scale.ts';

export function readRun(record: ResultRecord, i: number): TrainingWindowRun {
  const where = `runs[${i}].`;
  const edges = numberList(record, 'rho1Edges', where);
  return {
    psiN: numberField(record, 'psiN', where),
    n: numberField(record, 'n', where),
    tau: float64Field(record, 'tau', where),
    trainLoss: float64Field(record, 'trainLoss', where),
    testLoss: float64Field(record, 'testLoss', where),
    scoreError: float64Field(record, 'scoreError', where),
    generalizationGap: float64Field(record, 'generalizationGap', where),
    tauGen: numberField(record, 'tauGen', where),
    tauMem: numberField(record, 'tauMem', where),
    generalizationGapFinal: numberField(record, 'generalizationGapFinal', where),
    tauMemTheory: numberField(record, 'tauMemTheory', where),
    eigenvalues: float64Field(record, 'eigenvalues', where),
    rho1Edges: [edges[0] ?? Number.NaN, edges[1] ?? Number.NaN],
  };
}

export function readResult(result: ResultRecord): TrainingWindowResult {
  const c = recordField(result, 'constants');
  const s = recordField(result, 'slopes');
  return {
    constants: {
      mu1: numberField(c, 'mu1', 'constants.'),
      sigmaNorm2: numberField(c, 'sigmaNorm2', 'constants.'),
      b: numberField(c, 'b', 'constants.'),
      v2: numberField(c, 'v2', 'constants.'),
      s2: numberField(c, 's2', 'constants.'),
    },
    runs: recordList(result, 'runs').map(readRun),
    slopes: { tauGen: numberField(s, 'tauGen', 'slopes.'), tauMem: numberField(s, 'tauMem', 'slopes.'), tauMemTheory: numberField(s, 'tauMemTheory', 'slopes.') },
  };
}

/** What the view draws from: the result plus the few parameters the overlays need. */
export interface State {
  r: TrainingWindowResult;
  colours: string[];
  d: number;
  p: number;
  psiP: number;
  t: number;
  deltaT: number;
  tauMin: number;
  tauMax: number;
  /** Leading-order edges of the population bulk ρ_2 (derived, isotropic data). */
  rho2: [number, number];
  matrix: string;
}

export function stateOf(output: RunOutput): State {
  const r = readResult(output.result);
  const params = output.params;
  const d = paramNumber(params, 'd');
  const p = Math.round(paramNumber(params, 'psiP') * d);
  const psiP = p / d;
  const t = paramNumber(params, 't');
  return {
    r,
    // one colour per requested size, so a partial run's sizes keep the colours of the final run
    colours: seriesColours(Math.max(r.runs.length, Array.isArray(params['psiN']) ? params['psiN'].length : 0)),
    d,
    p,
    psiP,
    t,
    deltaT: delta(t),
    tauMin: paramNumber(params, 'tauMin'),
    tauMax: paramNumber(params, 'tauMax'),
    rho2: rho2Edges(psiP, r.constants),
    matrix: typeof params['matrix'] === 'string' ? params['matrix'] : 'gaussian-equivalent',
  };
}

/** Whether a size has been trained: a run on its way lists the sizes still to come with their theory only. */
export function isMeasured(run: TrainingWindowRun): boolean {
  return Number.isFinite(run.tauGen);
}

/** A size's colour, by its place among the sizes requested: the same in a partial run as in the final one. */
export function runColour(s: State, run: TrainingWindowRun): string {
  return s.colours[s.r.runs.indexOf(run)] ?? 'currentColor';
}

export function nLabel(run: TrainingWindowRun): string {
  return `n = ${run.n} (ψ_n = ${formatValue(run.psiN)})`;
}

/** The fitted power law τ = A nᵇ through (n, τ) with the slope b the experiment reports (least squares in log-log). */
export function powerLawLine(ns: readonly number[], taus: readonly number[], slope: number): Array<{ n: number; tau: number }> {
  if (!Number.isFinite(slope) || ns.length < 2) return [];
  const mx = ns.reduce((s, n) => s + Math.log(n), 0) / ns.length;
  const my = taus.reduce((s, v) => s + Math.log(v), 0) / taus.length;
  const lo = Math.min(...ns) / 1.25;
  const hi = Math.max(...ns) * 1.25;
  return [lo, hi].map((n) => ({ n, tau: Math.exp(my + slope * (Math.log(n) - mx)) }));
}

export function finitePositive(values: readonly number[]): number[] {
  return values.filter((v) => Number.isFinite(v) && v > 0);
}

/** Value of a curve at its grid minimum (the refined τ_gen sits within one grid step of it). */
export function minimumOf(values: Float64Array): number {
  let best = Infinity;
  for (const v of values) if (v < best) best = v;
  return best;
}

export function timeScale(s: State): Plot.ScaleOptions {
  return { type: 'log', domain: [s.tauMin, s.tauMax] };
}

export function timeAxis(s: State, width: number, withLabel: boolean): Plot.CompoundMark {
  return logAxisX(logTicks(s.tauMin, s.tauMax, Math.floor(width / 55)), { label: withLabel ? msg('figure.axis.trainingTime') : null });
}
