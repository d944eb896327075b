import { createServer, type Server } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumPath } from './harness.ts';

/*
 * The WebGPU test page (tests/fixtures/webgpu/), bundled with esbuild and served cross-origin
 * isolated, and a headless Chromium whose WebGPU runs on SwiftShader's Vulkan (software: for
 * correctness, never speed).
 */

export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan', '--use-vulkan=swiftshader'];

export interface Fixture {
  server: Server;
  url: string;
  dir: string;
}

/** Bundles the fixture scripts and the device worker, and serves them cross-origin isolated. */
export async function serveFixture(): Promise<Fixture> {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(join(tmpdir(), 'atlas-webgpu-'));
  const root = join(import.meta.dirname, '..', '..');
  await build({
    entryPoints: {
      page: join(root, 'tests/fixtures/webgpu/page.ts'),
      'kernels-worker': join(root, 'tests/fixtures/webgpu/kernels-worker.ts'),
      'run-worker': join(root, 'tests/fixtures/webgpu/run-worker.ts'),
      'device-worker': join(root, 'packages/worker/src/kernels/webgpu/device-worker.ts'),
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    outdir: dir,
    logLevel: 'silent',
    // Node-only branches (dynamic imports behind runtime checks) never run in the browser
    external: ['node:*'],
  });
  const files: Record<string, string> = {
    '/': '<!doctype html><meta charset="utf-8"><title>WebGPU kernels</title><script type="module" src="./page.js"></script>',
    '/page.js': readFileSync(join(dir, 'page.js'), 'utf8'),
    '/kernels-worker.js': readFileSync(join(dir, 'kernels-worker.js'), 'utf8'),
    '/run-worker.js': readFileSync(join(dir, 'run-worker.js'), 'utf8'),
    // the kernels module spawns its device worker by `new URL('./device-worker.ts', import.meta.url)`, as Vite bundles it
    '/device-worker.ts': readFileSync(join(dir, 'device-worker.js'), 'utf8'),
  };
  const server = createServer((req, res) => {
    const body = files[new URL(req.url ?? '/', 'http://x').pathname];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': body.startsWith('<!doctype') ? 'text/html; charset=utf-8' : 'text/javascript',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, dir };
}

/** A browser on the fixture page, once its script is up; `gpuPresent`: whether it has navigator.gpu. */
export async function launchWebGpu(fixture: Fixture): Promise<{ browser: Browser; page: Page; gpuPresent: boolean }> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...WEBGPU_FLAGS],
  });
  const page = await browser.newPage();
  await page.goto(fixture.url);
  await page.waitForFunction(() => 'webgpuTest' in globalThis);
  const gpuPresent = await page.evaluate(() => 'gpu' in navigator);
  return { browser, page, gpuPresent };
}

export async function closeFixture(fixture: Fixture | undefined): Promise<void> {
  if (fixture === undefined) return;
  await new Promise<void>((resolve) => fixture.server.close(() => resolve()));
  rmSync(fixture.dir, { recursive: true, force: true });
}
