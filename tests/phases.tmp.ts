import { BENCH_CONFIGS, phaseBreakdown, wasmPeakGflops } from '@diffusion-atlas/worker/bench';
import { loadavg } from 'node:os';
const v = (process.argv[2] ?? 'relaxed') as 'relaxed' | 'simd';
const peak = wasmPeakGflops(v);
console.log(`load ${loadavg()[0].toFixed(2)} ceiling ${peak.toFixed(1)}`);
for (const c of BENCH_CONFIGS.filter((c) => c.d !== 2)) {
  const p = await phaseBreakdown(c, v, 3);
  console.log(`${c.name}: dist ${p.distanceS.toFixed(3)}s ${(p.distanceFlops / p.distanceS / 1e9 / peak * 100).toFixed(0)}%  softmax ${p.softmaxS.toFixed(3)}s  sum ${p.sumS.toFixed(3)}s ${(p.sumFlops / p.sumS / 1e9 / peak * 100).toFixed(0)}% (${(p.sumFlops/1e9).toFixed(2)} GF)`);
}
console.log(`load ${loadavg()[0].toFixed(2)}`);
