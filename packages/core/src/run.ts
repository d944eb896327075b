import type { ResultRecord, RunContext } from './experiment.ts';
import { getExperiment } from './experiments/index.ts';
import { assertConstraints } from './constraints.ts';
import { validateParams, type ParamsOf, type ParamSpecs } from './params.ts';

/** Validate at the boundary, once, then run. */
export function resolveParams(name: string, raw: unknown): ParamsOf<ParamSpecs> {
  const e = getExperiment(name);
  const params = validateParams(e.params, raw);
  assertConstraints(e, params);
  return params;
}

export async function runExperiment(
  name: string,
  raw: unknown,
  ctx: RunContext,
): Promise<{ params: ParamsOf<ParamSpecs>; result: ResultRecord }> {
  const e = getExperiment(name);
  const params = resolveParams(name, raw);
  const result = await e.run(params, ctx);
  return { params, result };
}
