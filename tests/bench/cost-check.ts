// `npm run bench:cost -w @diffusion-atlas/tests`: every experiment's cost estimate beside the time its
// run takes on this machine, at its defaults and at any states given on the command line
// (`curse:dMax=2048`). The estimates' constants (packages/core/src/experiments/*.ts, `cost`) are
// fitted with it; speed is reported here and never asserted in tests.
import { estimateCost, experiments, getExperiment, parseParamText, validateParams } from '@diffusion-atlas/core';
import { runLocal } from '@diffusion-atlas/worker/local';

interface Probe {
  name: string;
  state: Record<string, unknown>;
  label: string;
}

function probesFromArgs(args: readonly string[]): Probe[] {
  if (args.length === 0) return Object.keys(experiments).map((name) => ({ name, state: {}, label: 'defaults' }));
  return args.map((arg) => {
    const [name = '', query = ''] = arg.split(':');
    const specs = getExperiment(name).params;
    const state: Record<string, unknown> = {};
    for (const [key, text] of new URLSearchParams(query.replaceAll(',', '&'))) {
      const spec = specs[key];
      if (spec === undefined) throw new Error(`${name} has no parameter ${key}`);
      state[key] = parseParamText(spec, text);
    }
    return { name, state, label: query || 'defaults' };
  });
}

const probes = probesFromArgs(process.argv.slice(2));
// One warm-up run so the first probe does not pay for compiling the kernels.
await runLocal('noise-and-back', { n: 10, m: 10, steps: 20 });
console.log('experiment\tstate\testimate_s\tmeasured_s\tmeasured/estimate');
for (const probe of probes) {
  const e = getExperiment(probe.name);
  const output = await runLocal(probe.name, probe.state);
  const estimate = estimateCost(e, validateParams(e.params, output.params));
  const measured = output.elapsedMs / 1000;
  const seconds = estimate?.seconds ?? Number.NaN;
  console.log(`${probe.name}\t${probe.label}\t${seconds.toFixed(2)}\t${measured.toFixed(2)}\t${(measured / seconds).toFixed(2)}`);
}
process.exit(0);
