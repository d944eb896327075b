import * as Comlink from 'comlink';
import { selectKernels, type BackendReport, type KernelSelection } from '@diffusion-atlas/worker';
import { BENCH_CONFIGS, backwardRun, benchProblem, type BenchProblem } from '@diffusion-atlas/worker/bench';

/*
 * `npm run bench:browser`'s side in the page: the bench's backward runs (configs a, b, c of
 * `npm run bench`, from the same module) on the kernels a worker selects for its CPU path here,
 * one run per call so the driver can read the browser's CPU time around each.
 */

let selection: Promise<KernelSelection> | undefined;
const problems = new Map<string, BenchProblem>();

function kernels(): Promise<KernelSelection> {
  selection ??= selectKernels({ preferGpu: false });
  return selection;
}

const api = {
  async backend(): Promise<BackendReport> {
    return { ...(await kernels()).report };
  },
  /** One backward run of a configuration (T overridden by `steps` for smoke runs); wall seconds. */
  async run(name: string, steps?: number): Promise<number> {
    const base = BENCH_CONFIGS.find((c) => c.name === name);
    if (base === undefined) throw new Error(`no bench configuration ${name}`);
    const config = steps === undefined ? base : { ...base, T: steps };
    const key = `${name}:${config.T}`;
    let problem = problems.get(key);
    if (problem === undefined) {
      problem = benchProblem(config);
      problems.set(key, problem);
    }
    const { kernels: k } = await kernels();
    const started = performance.now();
    const state = await backwardRun(problem, k);
    const seconds = (performance.now() - started) / 1000;
    if (!state.every(Number.isFinite)) throw new Error(`bench ${name}: the backward run produced non-finite values`);
    return seconds;
  },
};

export type BenchWorkerApi = typeof api;

Comlink.expose(api);
