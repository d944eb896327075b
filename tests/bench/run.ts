// Kernel benchmark: one full backward run with the exact empirical score per configuration
// (Euler–Maruyama, uniform grid from t = 3 to 1e-3, Gaussian-mixture training data), timed for each
// CPU implementation. Speed is reported here and never asserted in tests.
import { performance } from 'node:perf_hooks';
import {
  Rng,
  empiricalScore,
  normalAt,
  referenceKernels,
  sampleBackward,
  sampleMixture,
  twoClassMixture,
  uniformGrid,
  type Kernels,
} from '@diffusion-atlas/core';
import { cpuKernels } from '@diffusion-atlas/worker';

interface Config {
  name: string;
  d: number;
  n: number;
  m: number;
  steps: number;
}

const configs: Config[] = [
  { name: 'a', d: 2, n: 1000, m: 1000, steps: 200 },
  { name: 'b', d: 64, n: 2000, m: 256, steps: 100 },
  { name: 'c', d: 784, n: 1000, m: 64, steps: 100 },
];

const only = process.argv.slice(2);
const backends: Kernels[] = [cpuKernels, referenceKernels];

async function time(config: Config, kernels: Kernels): Promise<number> {
  const { d, n, m, steps } = config;
  const train = sampleMixture(twoClassMixture(d, 1, 1), n, new Rng(1, 1)).x;
  const start = new Float32Array(m * d).map((_, i) => normalAt(1, 2, i));
  const grid = uniformGrid(3, 1e-3, steps);
  const t0 = performance.now();
  await sampleBackward({ score: empiricalScore(train, n, d, kernels), start, m, grid, sampler: 'sde', seed: 1 });
  return performance.now() - t0;
}

const rows: Array<Record<string, string | number>> = [];
for (const c of configs.filter((x) => only.length === 0 || only.includes(x.name))) {
  for (const k of backends) {
    const ms = await time(c, k);
    rows.push({ config: c.name, d: c.d, n: c.n, m: c.m, steps: c.steps, backend: k.backend, seconds: +(ms / 1000).toFixed(3) });
    console.error(`${c.name} d=${c.d} n=${c.n} m=${c.m} T=${c.steps} ${k.backend}: ${(ms / 1000).toFixed(3)} s`);
  }
}
console.log(JSON.stringify(rows, null, 2));
