import { directContext, getExperiment, parseParamText, runExperiment, type Kernels } from '@diffusion-atlas/core';
import { createWasmKernels } from '@diffusion-atlas/worker';
import type { RunOutput } from '@diffusion-atlas/worker';
import { nodeDataSources } from '@diffusion-atlas/worker/node-data';

/*
 * The experiment runs a build makes: each widget's default state, drawn as its poster, and the few
 * other states a chapter quotes a number from (<Value state="…">). Each distinct run happens once per
 * build, whoever asks first, by the same in-process path as the CLI (core's runExperiment on the
 * wasm-simd kernel the browser runs, with the CLI's data sources for MNIST and the earthquakes).
 */

/** Per run, generous: a run past it leaves its poster blank and fails a <Value> that needs it. */
const RUN_BUDGET_MS = 30_000;

const cache = new Map<string, Promise<RunOutput>>();
/** One set for the whole build: runs on the same MNIST classes read the package's file once. */
const data = nodeDataSources();
/**
 * Pages render concurrently, but runs share the one build thread: one at a time, so each run's
 * budget measures its own work.
 */
let queue: Promise<unknown> = Promise.resolve();
let kernels: Kernels | undefined;

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
      const started = Date.now();
      kernels ??= createWasmKernels();
      const context = directContext(kernels, { signal: AbortSignal.timeout(RUN_BUDGET_MS), data });
      const { params, result } = await runExperiment(experiment, stateParams(experiment, state), context);
      const seconds = (Date.now() - started) / 1000;
      if (seconds > 2) console.warn(`[runs] ${key}: took ${seconds.toFixed(1)} s at build time`);
      const output: RunOutput = { experiment, params, backend: kernels.backend, elapsedMs: Date.now() - started, result };
      return output;
    });
    queue = turn.catch(() => undefined);
    run = turn;
    cache.set(key, run);
  }
  return run;
}
