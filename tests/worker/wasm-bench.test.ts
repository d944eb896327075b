import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BENCH_CONFIGS, BENCH_LINE, benchFlops, formatBenchLine, median, parseBenchLine } from '@diffusion-atlas/worker/bench';

const BIN = fileURLToPath(new URL('../../packages/worker/bin/diffusion-atlas.js', import.meta.url));

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('the benchmark line', () => {
  it('has the public format, with GFLOPs = 4·m·n·d·T / median_s / 1e9', () => {
    const b = BENCH_CONFIGS.find((c) => c.name === 'b');
    if (!b) throw new Error('config b missing');
    const line = formatBenchLine({ config: b, medianS: 0.30123, cpuS: 0.59, backend: 'wasm-simd', workers: 2, runs: 5 });
    // the issue's own example line
    expect(line).toBe('diffusion-atlas cfg=b d=64 n=2000 m=256 T=100 median_s=0.3012 GFLOPs=43.5 cpu_s=0.5900 backend=wasm-simd workers=2');
    expect(benchFlops(b)).toBe(4 * 256 * 2000 * 64 * 100);
    expect(parseBenchLine(line)).toEqual({ tool: 'diffusion-atlas', cfg: 'b', medianS: 0.3012, cpuS: 0.59, backend: 'wasm-simd', workers: 2 });
    expect(parseBenchLine('numpy cfg=b d=64 n=2000 m=256 T=100 median_s=0.2871 GFLOPs=45.7 cpu_s=0.2860 backend=numpy-2.4.6-float32 workers=1')?.tool).toBe('numpy');
  });

  it('uses the configurations of the issue', () => {
    expect(BENCH_CONFIGS.map(({ name, d, n, m, T }) => `${name} ${d} ${n} ${m} ${T}`)).toEqual(['a 2 1000 1000 200', 'b 64 2000 256 100', 'c 784 1000 64 100']);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('comes out of `diffusion-atlas bench` (a short smoke run)', async () => {
    const { code, stdout, stderr } = await cli('bench', '--config', 'a', '--repeats', '1', '--steps', '2');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(BENCH_LINE);
    expect(lines[0]).toMatch(/^diffusion-atlas cfg=a d=2 n=1000 m=1000 T=2 .* backend=wasm-simd workers=\d+$/);
  });

  it('rejects unknown configurations and options with status 2', async () => {
    expect((await cli('bench', '--config', 'z')).code).toBe(2);
    expect((await cli('bench', '--repeats', '0')).code).toBe(2);
    expect((await cli('bench', '--fast')).code).toBe(2);
  });
});
