import { estimateCost, type AnyExperiment } from '@diffusion-atlas/core';
import { typedParams } from './typed-params.ts';
import type { ParamValues } from './url-state.ts';

/** Runs estimated longer than this get their duration announced before they start. */
export const ANNOUNCED_SECONDS = 3;

/**
 * The whole seconds a run is expected to take, when that is long enough to say so; null for a
 * quick run or an experiment without a cost model. The models are fitted on a development machine,
 * so the figure is an order of magnitude for the reader, not a promise.
 */
export function announcedSeconds(experiment: AnyExperiment, values: ParamValues): number | null {
  const estimate = estimateCost(experiment, typedParams(experiment.params, values));
  if (estimate === null || !(estimate.seconds > ANNOUNCED_SECONDS)) return null;
  return Math.round(estimate.seconds);
}
