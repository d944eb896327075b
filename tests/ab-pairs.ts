import { Rng, type SoftmaxDenoiseArgs } from '@diffusion-atlas/core';
import { createWasmKernels } from '@diffusion-atlas/worker';
const d = 784, n = 1000;
function state(t: number, m: number): SoftmaxDenoiseArgs {
  const rng = new Rng(5);
  const data = rng.stream(1);
  const centres = new Float32Array(n * d);
  for (let mu = 0; mu < n; mu++) { const s = data.uniform() < 0.5 ? 1 : -1; for (let j = 0; j < d; j++) centres[mu * d + j] = s + data.normal(); }
  const scale = Math.exp(-t), variance = -Math.expm1(-2 * t);
  const noise = rng.stream(2);
  const queries = new Float32Array(m * d);
  for (let i = 0; i < m; i++) { const mu = noise.int(n); for (let j = 0; j < d; j++) queries[i * d + j] = scale * centres[mu * d + j] + Math.sqrt(variance) * noise.normal(); }
  return { queries, m, centres, n, d, scale, variance };
}
const k = createWasmKernels({ variant: 'relaxed' });
for (const t of [2, 0.05]) {
  const res: Record<number, number[]> = {};
  const probs = [28, 30, 32, 36].map((m) => state(t, m));
  for (let rep = 0; rep < 7; rep++) {
    for (const p of probs) {
      const c0 = process.cpuUsage();
      for (let i = 0; i < 10; i++) k.softmaxDenoise(p);
      const c1 = process.cpuUsage(c0);
      (res[p.m] ??= []).push((c1.user + c1.system) / 10 / 1000);
    }
  }
  const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
  console.log(`t=${t}`, Object.entries(res).map(([m, a]) => `m=${m}: ${med(a).toFixed(3)} ms`).join('  '));
}
