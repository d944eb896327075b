import { readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { distDir, launchBrowser, openPage, serveDist, skipE2E, waitForWidget, type StaticServer } from './harness.ts';
import { servePreview, type PreviewSite } from '../bench/browser-preview.ts';

/*
 * Cross-origin isolation, which the wasm kernel's thread pool needs (SharedArrayBuffer): the
 * headers `astro preview` sends (what `npm start` serves), a page and an embed that are isolated
 * and run the kernel on every core, an embed framed by another site with and without headers of
 * its own, and the service-worker fallback for hosts that send no headers.
 */

const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'cross-origin',
};

const CHAPTER = '/chapters/noise-and-back/';
const EMBED = '/embed/noise-and-back/';

/** One file of each kind the pages load: a script, a stylesheet, a font, a data file. */
function assetPaths(): string[] {
  const astro = readdirSync(join(distDir, '_astro'));
  const pick = (re: RegExp): string => {
    const name = astro.find((n) => re.test(n));
    if (name === undefined) throw new Error(`no ${re} in dist/_astro`);
    return `/_astro/${name}`;
  };
  const data = readdirSync(join(distDir, 'data')).find((n) => n.endsWith('.json'));
  return [pick(/\.js$/), pick(/\.css$/), pick(/\.woff2$/), ...(data === undefined ? [] : [`/data/${data}`])];
}

/**
 * A page of another origin that frames `src` in a plain iframe of its own, or pastes `snippet` (the
 * embed code a reader copies from a figure's share menu), optionally sending isolation headers.
 */
async function serveHost(isolated: boolean, snippet?: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const src = new URL(req.url ?? '/', 'http://x').searchParams.get('src') ?? '';
    const frame = snippet ?? `<iframe title="Embedded figure" src="${src.replace(/"/g, '&quot;')}" width="900" height="400"></iframe>`;
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A course page</title></head><body>
${frame}</body></html>`;
    const headers: Record<string, string> = { 'content-type': 'text/html; charset=utf-8' };
    if (isolated) Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    res.writeHead(200, headers).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // "localhost" against the site's "127.0.0.1", on another port: another origin
  return { url: `http://localhost:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function isolatedIn(page: Page): Promise<boolean> {
  return page.evaluate(() => globalThis.crossOriginIsolated);
}

describe.skipIf(skipE2E)('cross-origin isolation', () => {
  let site: PreviewSite;
  let browser: Browser;

  beforeAll(async () => {
    site = await servePreview();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
  });

  it('the preview server sends the isolation headers on pages, the embed, scripts, styles, fonts and data', async () => {
    for (const path of ['/', CHAPTER, EMBED, '/diagnostics/', ...assetPaths()]) {
      const response = await fetch(`${site.url}${path}`);
      expect(response.status, path).toBe(200);
      for (const [name, value] of Object.entries(ISOLATION)) expect(response.headers.get(name), `${name} on ${path}`).toBe(value);
    }
  });

  it('a chapter page is isolated and its figure computes', { timeout: 90_000 }, async () => {
    const { page, problems } = await openPage(browser);
    try {
      await page.goto(`${site.url}${CHAPTER}`);
      expect(await isolatedIn(page)).toBe(true);
      expect(await waitForWidget(page, 'noise-and-back')).toBe('done');
      expect(await page.getAttribute('[data-widget][data-experiment="noise-and-back"]', 'data-backend')).toBe('wasm-simd');
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('an embed page opened by itself is isolated and its figure computes', { timeout: 90_000 }, async () => {
    const { page, problems } = await openPage(browser);
    try {
      await page.goto(`${site.url}${EMBED}`);
      expect(await isolatedIn(page)).toBe(true);
      expect(await waitForWidget(page, 'noise-and-back')).toBe('done');
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  // COEP blocks anything a page loads from another origin without CORP: that every page's fonts,
  // data files, workers and wasm still load under the headers, and every figure computes, is the
  // page tour's first check on each page (page-tour.ts)
  it("the atlas worker's report: wasm-simd on one thread per core", { timeout: 90_000 }, async () => {
    const { page, problems } = await openPage(browser);
    try {
      await page.goto(`${site.url}/diagnostics/`);
      const report = page.locator('[data-backend-report]');
      await page.waitForSelector('[data-backend-report][data-state="ready"]', { timeout: 60_000 });
      expect(await report.getAttribute('data-isolated')).toBe('true');
      expect(await report.getAttribute('data-backend')).toBe('wasm-simd');
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      const workers = Number(await report.getAttribute('data-workers'));
      // one thread per core, the worker's own included (capped at 16: each holds a copy of the data)
      expect(workers).toBe(Math.min(16, Math.max(1, cores)));
      if (cores >= 2) expect(workers).toBeGreaterThanOrEqual(2);
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('framed by another site without headers, the embed still loads and computes, on one thread', { timeout: 90_000 }, async () => {
    const host = await serveHost(false);
    const { page, problems } = await openPage(browser);
    try {
      await page.goto(`${host.url}/?src=${encodeURIComponent(`${site.url}${EMBED}`)}`);
      const frame = await (await page.waitForSelector('iframe')).contentFrame();
      if (frame === null) throw new Error('the embed frame did not load');
      await frame.waitForSelector('[data-widget][data-status="done"]', { timeout: 60_000 });
      expect(await frame.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
      await host.close();
    }
  });

  it('pasted from the share menu into an isolated site, the embed code delegates isolation and the embed loads isolated', { timeout: 120_000 }, async () => {
    // the embed code exactly as a reader copies it from the figure's share menu
    const chapter = await openPage(browser);
    let snippet: string;
    try {
      await chapter.page.goto(`${site.url}/chapters/noise-and-back/`);
      const field = chapter.page.locator('textarea[data-embed-code]').first();
      await expect.poll(() => field.inputValue(), { timeout: 60_000 }).toMatch(/^<iframe /);
      snippet = await field.inputValue();
    } finally {
      await chapter.page.context().close();
    }
    expect(snippet).toContain('allow="cross-origin-isolated"');
    expect(snippet).toContain(`${EMBED}`);
    const host = await serveHost(true, snippet);
    const { page, problems } = await openPage(browser);
    try {
      await page.goto(host.url);
      expect(await isolatedIn(page)).toBe(true);
      const frame = await (await page.waitForSelector('iframe')).contentFrame();
      if (frame === null) throw new Error('the embed frame did not load');
      await frame.waitForSelector('[data-widget][data-status="done"]', { timeout: 60_000 });
      // the embed's Cross-Origin-Resource-Policy lets the isolated host frame it at all
      expect(await frame.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
      await host.close();
    }
  });
});

describe.skipIf(skipE2E)('the service-worker fallback on a host that sends no headers', () => {
  let server: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await serveDist();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('reloads the page once, isolated, and not again', { timeout: 90_000 }, async () => {
    const { page, problems } = await openPage(browser);
    try {
      await page.goto(`${server.url}${CHAPTER}`);
      expect(await isolatedIn(page)).toBe(false);
      let loads = 0;
      page.on('load', () => loads++);
      // what a build with ATLAS_ISOLATION_FALLBACK=1 puts in every page's head
      const reloaded = page.waitForEvent('load', { timeout: 30_000 });
      const beforeReload = problems.length;
      await page.addScriptTag({ url: '/isolation-fallback.js' });
      await reloaded;
      // the reload cancels whatever the first page still had in flight (a lazily loaded chunk, say):
      // those cancellations are the reload's own doing; any other failure in the meantime still counts
      const meanwhile = problems.splice(beforeReload);
      problems.push(...meanwhile.filter((p) => !(p.startsWith('requestfailed:') && p.endsWith('net::ERR_ABORTED'))));
      expect(await isolatedIn(page)).toBe(true);
      // running the script again on the isolated page does nothing
      await page.addScriptTag({ url: '/isolation-fallback.js' });
      expect(await waitForWidget(page, 'noise-and-back')).toBe('done');
      expect(loads).toBe(1);
      // a later page of the site comes isolated through the worker, with no reload
      await page.goto(`${server.url}/diagnostics/`);
      expect(await isolatedIn(page)).toBe(true);
      await page.waitForSelector('[data-backend-report][data-state="ready"]', { timeout: 60_000 });
      expect(Number(await page.getAttribute('[data-backend-report]', 'data-workers'))).toBeGreaterThanOrEqual(
        Math.min(2, await page.evaluate(() => navigator.hardwareConcurrency)),
      );
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('does not reload a tab that already tried once', { timeout: 60_000 }, async () => {
    const { page, problems } = await openPage(browser);
    try {
      await page.goto(`${server.url}${CHAPTER}`);
      await page.evaluate(() => sessionStorage.setItem('atlas-isolation-reloaded', '1'));
      let loads = 0;
      page.on('load', () => loads++);
      await page.addScriptTag({ url: '/isolation-fallback.js' });
      // the worker registers (a later navigation would be isolated), but this page stays as it is
      await page.waitForFunction(() => navigator.serviceWorker.getRegistration().then((r) => r?.active != null), undefined, { timeout: 30_000 });
      await page.waitForTimeout(500);
      expect(loads).toBe(0);
      expect(await isolatedIn(page)).toBe(false);
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
