// `npm run bench:browser -w @diffusion-atlas/tests`: configurations a, b, c of `npm run bench`
// (the same module: packages/worker/src/kernels/bench.ts) run inside Chromium, in a worker of the
// diagnostics page served by `astro preview` with its cross-origin isolation headers, on the
// kernels the browser gives the CPU path (wasm-simd, pooled when the page is isolated). Prints the
// same one-line format as `npm run bench`; the site must be built first.
//
//   npm run bench:browser -w @diffusion-atlas/tests -- [--config a|b|c]... [--repeats N] [--steps T] [--static]
//
// --static serves dist/ without headers instead (tests/site/harness.ts, a plain static host): the
// page is not isolated and the kernel runs on one thread, the comparison for the pool.
//
// median_s is the median wall time of one run measured in the worker; cpu_s the median CPU time
// (user + system) that every Chromium process used during that run, read from /proc (Linux; 0
// where /proc is missing), so it counts the pool's threads as `npm run bench` does.
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { BENCH_CONFIGS, formatBenchLine, median } from '@diffusion-atlas/worker/bench';
import type { BackendReport } from '@diffusion-atlas/worker';
import { launchBrowser, openPage, serveDist } from '../site/harness.ts';
import { servePreview } from './browser-preview.ts';

const { values } = parseArgs({
  options: {
    config: { type: 'string', multiple: true },
    repeats: { type: 'string', default: '5' },
    steps: { type: 'string' },
    static: { type: 'boolean', default: false },
  },
});
const repeats = Number(values.repeats);
const steps = values.steps === undefined ? undefined : Number(values.steps);
const wanted = values.config ?? BENCH_CONFIGS.map((c) => c.name);

/** CPU seconds (user + system) used so far by every live descendant of this process: the browser. */
function browserCpuSeconds(): number {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return 0;
  }
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // fields after the command name, which may itself hold spaces and parentheses
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(pid), Number(fields[1]));
      ticks.set(Number(pid), Number(fields[11]) + Number(fields[12]));
    } catch {
      // the process ended while we read
    }
  }
  let total = 0;
  for (const [pid, used] of ticks) {
    for (let p = parent.get(pid); p !== undefined && p > 1; p = parent.get(p)) {
      if (p === process.pid) {
        total += used;
        break;
      }
    }
  }
  // USER_HZ is 100 on Linux builds for every common architecture
  return total / 100;
}

let nextId = 1;
/** One request to the page's bench hook (apps/site/src/diagnostics-bench.ts). */
async function ask<T>(page: Page, request: { op: 'backend' } | { op: 'run'; config: string; steps?: number }): Promise<T> {
  const id = nextId++;
  const answer = await page.evaluate(
    ({ id, request }) =>
      new Promise<{ result?: unknown; error?: string }>((resolve) => {
        const onResult = (event: Event): void => {
          const detail: unknown = event instanceof CustomEvent ? event.detail : undefined;
          if (typeof detail !== 'object' || detail === null || (detail as { id?: unknown }).id !== id) return;
          document.removeEventListener('atlas:bench-result', onResult);
          resolve(detail as { result?: unknown; error?: string });
        };
        document.addEventListener('atlas:bench-result', onResult);
        document.dispatchEvent(new CustomEvent('atlas:bench', { detail: { id, ...request } }));
      }),
    { id, request },
  );
  if (answer.error !== undefined) throw new Error(`the page's bench failed: ${answer.error}`);
  return answer.result as T;
}

const site = values.static ? await serveDist() : await servePreview();
const browser = await launchBrowser();
try {
  const { page, problems } = await openPage(browser);
  await page.goto(`${site.url}/diagnostics/`);
  await page.waitForSelector('[data-backend-report][data-state="ready"]', { timeout: 60_000 });
  const isolated = await page.evaluate(() => globalThis.crossOriginIsolated);
  const report = await ask<BackendReport>(page, { op: 'backend' });
  const version = browser.version();
  console.log(
    `# ${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores; Chromium ${version}, crossOriginIsolated=${isolated}; kernels ${report.backend} × ${report.workers ?? 1}${report.fallbackReason ? ` (${report.fallbackReason})` : ''}`,
  );
  console.log(`# load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const base of BENCH_CONFIGS.filter((c) => wanted.includes(c.name))) {
    const config = steps === undefined ? base : { ...base, T: steps };
    const request = { op: 'run' as const, config: config.name, ...(steps === undefined ? {} : { steps }) };
    await ask<number>(page, request); // warm-up: problem, kernel buffers, the pool's first split
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const c0 = browserCpuSeconds();
      wall.push(await ask<number>(page, request));
      cpu.push(browserCpuSeconds() - c0);
    }
    console.log(
      formatBenchLine(
        { config, medianS: median(wall), cpuS: median(cpu), backend: report.backend, workers: report.workers ?? 1, runs: repeats },
        'diffusion-atlas-chromium',
      ),
    );
  }
  console.log(`# load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  if (problems.length > 0) console.log(`# page problems: ${problems.join('; ')}`);
  await page.context().close();
} finally {
  await browser.close();
  await site.close();
}
