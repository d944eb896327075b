import type { ParamSpecs, ParamsOf } from './params.ts';

/**
 * What a run costs, known from its parameters before it starts: a count of the experiment's
 * dominant inner-loop operations, times seconds per operation measured with the CLI on the
 * project's development machine (plain CPU path, WebAssembly SIMD kernels, one thread). Other
 * machines differ by a constant factor; the estimate is for "about N s" notices and for budgets,
 * not for timing claims.
 */
export interface CostModel<V> {
  /** The parameters the work grows with, most influential first. */
  drivers: readonly string[];
  /** Work in the experiment's own unit (one distance term, one feature-matrix entry, …). */
  units(p: V): number;
  /** Seconds per unit, fitted to measured runs (see the comment at each experiment's constant). */
  secondsPerUnit: number;
  /** Fixed seconds of every run (data loading, setup), fitted with secondsPerUnit. */
  baseSeconds?: number;
}

export interface CostEstimate {
  seconds: number;
  drivers: readonly string[];
}

/** The part of an experiment definition the estimate needs. */
export interface CostedSchema<P extends ParamSpecs = ParamSpecs> {
  params: P;
  cost?: CostModel<ParamsOf<P>>;
}

/** The estimated seconds of a run with these (valid) parameters; null for an experiment without a model. */
export function estimateCost<P extends ParamSpecs>(schema: CostedSchema<P>, params: ParamsOf<P>): CostEstimate | null {
  const model = schema.cost;
  if (model === undefined) return null;
  return { seconds: (model.baseSeconds ?? 0) + model.secondsPerUnit * model.units(params), drivers: model.drivers };
}
