import type { ResultRecord } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
import { t as msg } from '../../../i18n/messages.ts';
import { paramNumber } from '../../kit/dom.ts';
import { formatValue } from '../../kit/format.ts';
import { column, nullableNumber, requiredNumber, textField } from '../../kit/result-fields.ts';

export interface Common {
  A: number;
  B: number;
  T: number;
  M: number;
  iterations: number;
  iteration: Float64Array;
  marginalError: Float64Array;
  sgmVariance: number;
  dataVariance: number;
  times: Float64Array;
  /** frames × M × d, frame 0 at t = 0 (data end), the last at t = T (prior end). */
  paths: Float64Array;
  sgmPaths: Float64Array;
  data: Float64Array;
  prior: Float64Array;
}

export interface GaussianRun extends Common {
  kind: 'gaussian';
  coupling: Float64Array;
  couplingTheory: number;
  couplingReference: number;
  sgmVarianceTheory: number;
}

export interface ParticleRun extends Common {
  kind: 'particles';
  /** Half-width of the square drawn. */
  extent: number;
}

export type Run = GaussianRun | ParticleRun;

export const at = (a: ArrayLike<number>, i: number): number => a[i] ?? Number.NaN;

export function runOf(output: RunOutput): Run {
  const r: ResultRecord = output.result;
  const p = output.params;
  const paths = column(r, 'paths');
  const times = column(r, 'times');
  const dimension = requiredNumber(r, 'dimension');
  const common: Common = {
    A: paramNumber(p, 'A', Number.NaN),
    B: paramNumber(p, 'B', Number.NaN),
    T: paramNumber(p, 'T', Number.NaN),
    M: times.length > 0 ? paths.length / (times.length * dimension) : 0,
    iterations: paramNumber(p, 'iterations', Number.NaN),
    iteration: column(r, 'iteration'),
    marginalError: column(r, 'marginalError'),
    sgmVariance: requiredNumber(r, 'sgmVariance'),
    dataVariance: requiredNumber(r, 'dataVariance'),
    times,
    paths,
    sgmPaths: column(r, 'sgmPaths'),
    data: column(r, 'data'),
    prior: column(r, 'prior'),
  };
  if (textField(r, 'case') === 'gaussian') {
    return {
      ...common,
      kind: 'gaussian',
      coupling: column(r, 'coupling'),
      couplingTheory: nullableNumber(r, 'couplingTheory') ?? Number.NaN,
      couplingReference: nullableNumber(r, 'couplingReference') ?? Number.NaN,
      sgmVarianceTheory: nullableNumber(r, 'sgmVarianceTheory') ?? Number.NaN,
    };
  }
  let reach = 1;
  for (const v of common.sgmPaths) if (Number.isFinite(v)) reach = Math.max(reach, Math.abs(v));
  for (const v of common.paths) if (Number.isFinite(v)) reach = Math.max(reach, Math.abs(v));
  return { ...common, kind: 'particles', extent: Math.min(Math.ceil(reach * 1.05 * 2) / 2, 5) };
}

export function tText(t: number): string {
  return `t = ${formatValue(t, 2)}`;
}

export function summaryText(run: Run, backend: string): string {
  const last = run.marginalError.length - 1;
  const err = formatValue(at(run.marginalError, last), 2);
  if (run.kind === 'gaussian') {
    const c = at(run.coupling, run.coupling.length - 1);
    const sgm = msg('bridge.summary.gaussian.sgm', { T: formatValue(run.T), B: formatValue(run.B), variance: formatValue(run.sgmVariance, 4), theory: formatValue(run.sgmVarianceTheory, 4), A: formatValue(run.A) });
    const ipf = msg('bridge.summary.gaussian.ipf', { iterations: run.coupling.length, coupling: formatValue(c, 5), theory: formatValue(run.couplingTheory, 5), error: err });
    return `${sgm} ${ipf} ${msg('widget.computedOn', { backend })}`;
  }
  const sinkhorn = msg('bridge.summary.particles.sinkhorn', { T: formatValue(run.T), M: run.M, B: formatValue(run.B), iterations: run.marginalError.length, error: err });
  const plain = msg('bridge.summary.particles.plain', { variance: formatValue(run.sgmVariance), data: formatValue(run.dataVariance) });
  return `${sinkhorn} ${plain} ${msg('widget.computedOn', { backend })}`;
}

/**
 * Chapter 5's last figure: finite-time generation. Exact Gaussian case: the IPF coupling per
 * iteration converging to the closed form C*, the variance plain diffusion produces against A, and
 * both families of paths. Particle case: Sinkhorn bridges between matched particles next to plain
 * diffusion truncated at the same T. A scrubber runs the paths from t = T down to 0.
 */
