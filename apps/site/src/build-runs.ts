import { getExperiment, parseParamText } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
import { runLocal } from '@diffusion-atlas/worker/local';

/*
 * The experiment runs a build makes: each widget's default state, drawn as its poster, and the few
 * other states a chapter quotes a number from (<Value state="…">). Each distinct run happens once per
 * build, whoever asks first, by the same in-process path as the CLI (the worker package's runLocal:
 * the kernels a worker without a GPU selects, Node's data sources for MNIST and the earthquakes).
 */

/** Per run, generous: a run past it leaves its poster blank and fails a <Value> that needs it. */
const RUN_BUDGET_MS = 30_000;

const cache = new Map<string, Promise<RunOutput>>();
/**
 * Pages render concurrently, but runs share the one build thread: one at a time, so each run's
 * budget measures its own work.
 */
let queue: Promise<unknown> = Promise.resolve();

/**
 * The parameters a state names, as the CLI would read them (`n=5&score=exact`); the empty state is
 * the experiment's defaults.
 */
export function stateParams(experiment: string, state: string): Record<string, unknown> {
  const specs = getExperiment(experiment).params;
  const params: Record<string, unknown> = {};
  for (const [name, text] of new URLSearchParams(state)) {
    const spec = specs[name];
    if (spec === undefined) throw new Error(`${experiment} has no parameter “${name}” (state “${state}”)`);
    params[name] = parseParamText(spec, text);
  }
  return params;
}

/** The experiment's output in `state` (its defaults when empty), computed at most once per build. */
export function buildRun(experiment: string, state = ''): Promise<RunOutput> {
  const key = `${experiment}?${new URLSearchParams(state).toString()}`;
  let run = cache.get(key);
  if (run === undefined) {
    const turn = queue.then(async () => {
      const output = await runLocal(experiment, stateParams(experiment, state), { signal: AbortSignal.timeout(RUN_BUDGET_MS) });
      const seconds = output.elapsedMs / 1000;
      if (seconds > 2) console.warn(`[runs] ${key}: took ${seconds.toFixed(1)} s at build time`);
      return output;
    });
    queue = turn.catch(() => undefined);
    run = turn;
    cache.set(key, run);
  }
  return run;
}
