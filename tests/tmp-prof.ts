import { directContext, runExperiment } from '@diffusion-atlas/core';
import { localKernels } from '@diffusion-atlas/worker/local';
import { nodeDataSources } from '@diffusion-atlas/worker/node-data';
const k = await localKernels();
const data = nodeDataSources();
for (const name of process.argv.slice(2)) {
  for (let rep = 0; rep < 2; rep++) {
    const t0 = performance.now();
    const marks: string[] = [];
    let last = 0;
    const ctx = directContext(k, { data, onProgress: (f) => { const t = performance.now() - t0; if (t - last > 20) { marks.push(`${Math.round(t)}:${f.toFixed(3)}`); last = t; } }, onPartial: (f) => { marks.push(`P${Math.round(performance.now() - t0)}:${f.toFixed(3)}`); } });
    await runExperiment(name, {}, ctx);
    console.log(name, Math.round(performance.now() - t0), marks.slice(0, 12).join(' '));
  }
}
process.exit(0);
