import { assertConstraints, validateParams, type ExperimentDefinition, type ParamSpecs, type ResultRecord, type RunContext } from '@diffusion-atlas/core';

/**
 * Core's run path (validate, check the declared constraints, run: what runExperiment does by name), typed by the
 * experiment itself, so a test reads the result type core declares instead of re-declaring it.
 */
export async function runTyped<P extends ParamSpecs, R extends ResultRecord>(experiment: ExperimentDefinition<P, R>, raw: Record<string, unknown>, ctx: RunContext): Promise<R> {
  const params = validateParams(experiment.params, raw);
  assertConstraints(experiment, params);
  return experiment.run(params, ctx);
}
