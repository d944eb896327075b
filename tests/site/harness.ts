import { createServer, type Server } from 'node:http';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, relative, sep } from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';

/** The built site; ATLAS_DIST points the browser tests at another build (e.g. one made with `astro build --outDir`). */
export const distDir = process.env.ATLAS_DIST ?? join(import.meta.dirname, '../../apps/site/dist');

/** The same site built in the pseudo-locale x-pseudo (`npx turbo run build:pseudo`); ATLAS_PSEUDO_DIST points elsewhere. */
export const pseudoDistDir = process.env.ATLAS_PSEUDO_DIST ?? join(import.meta.dirname, '../../apps/site/dist-pseudo');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
};

export interface StaticServer {
  url: string;
  notFound: string[];
  close(): Promise<void>;
}

/** Serves the built site the way a static host would; records every 404. */
export async function serveDist(dir = distDir): Promise<StaticServer> {
  if (!existsSync(join(dir, 'index.html'))) {
    const build = dir === pseudoDistDir ? 'npx turbo run build:pseudo' : 'npm run build';
    throw new Error(`the site is not built (${dir}/index.html missing): run "${build}" first`);
  }
  const notFound: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(dir, path));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      notFound.push(path);
      const page404 = join(dir, '404.html');
      res.writeHead(404, { 'content-type': MIME['.html'] }).end(existsSync(page404) ? readFileSync(page404) : 'not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    notFound,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Browser tests are required unless SKIP_E2E=1 is set explicitly. */
export const skipE2E = process.env.SKIP_E2E === '1';

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium not found at ${chromiumPath}. Install Debian's chromium (apt-get update && apt-get install -y chromium), ` +
        'set CHROMIUM_PATH to another Chromium, or skip the browser tests explicitly with SKIP_E2E=1.',
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // WebGL2 through SwiftShader: the GPU code path runs, on the CPU.
      '--enable-unsafe-swiftshader',
    ],
  });
}

/**
 * Every page of the built site, as URL paths ("/", "/chapters/x/", "/embed/x/", …), found in
 * dist at run time so pages added later are covered without editing the tests.
 */
export function sitePages(dir = distDir): string[] {
  const pages: string[] = [];
  const walk = (at: string): void => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) {
        if (!name.startsWith('_') && !name.startsWith('.')) walk(path);
      } else if (name === 'index.html') {
        const rel = relative(dir, at).split(sep).join('/');
        pages.push(rel === '' ? '/' : `/${rel}/`);
      } else if (name === '404.html' && at === dir) {
        pages.push('/404.html');
      }
    }
  };
  walk(dir);
  return pages.sort();
}

/** Hosts the site may talk to: the local test servers only. */
export function isLocalUrl(url: string): boolean {
  if (!/^https?:/.test(url)) return true;
  const host = new URL(url).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

/**
 * A page that records console errors, page errors and failed requests. Requests to any other host
 * than the local server are refused and reported: the site must work with no network.
 */
export async function openPage(
  browser: Browser,
  options: { width?: number; height?: number; reducedMotion?: boolean; colorScheme?: 'light' | 'dark'; javaScript?: boolean } = {},
): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 900 },
    reducedMotion: options.reducedMotion ? 'reduce' : 'no-preference',
    colorScheme: options.colorScheme ?? 'light',
    javaScriptEnabled: options.javaScript ?? true,
  });
  const problems: string[] = [];
  await context.route(
    (url) => !isLocalUrl(url.href),
    (route) => {
      problems.push(`off-site request: ${route.request().url()}`);
      void route.abort('blockedbyclient');
    },
  );
  const page = await context.newPage();
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console.${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('requestfailed', (req) => {
    if (isLocalUrl(req.url())) problems.push(`requestfailed: ${req.url()} ${req.failure()?.errorText ?? ''}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return { page, problems };
}

/** Waits until every widget on the page has finished (each is scrolled into view, which starts it). */
export async function waitForAllWidgets(page: Page, timeout = 60_000): Promise<void> {
  const widgets = page.locator('[data-widget]');
  const count = await widgets.count();
  for (let i = 0; i < count; i++) {
    const widget = widgets.nth(i);
    await widget.scrollIntoViewIfNeeded({ timeout });
    await page.waitForFunction(
      (index) => {
        const status = document.querySelectorAll('[data-widget]')[index]?.getAttribute('data-status');
        return status === 'done' || status === 'error';
      },
      i,
      { timeout },
    );
  }
}

/** Waits until the widget's computation has finished (or failed) and returns its final status. */
export async function waitForWidget(page: Page, experiment: string, timeout = 60_000): Promise<string> {
  const sel = `[data-widget][data-experiment="${experiment}"]`;
  await page.waitForSelector(sel, { timeout });
  // Widgets start computing when they near the viewport; a test waiting for one brings it there.
  await page.locator(sel).first().scrollIntoViewIfNeeded({ timeout });
  await page.waitForFunction(
    (s) => {
      const el = document.querySelector(s);
      const status = el?.getAttribute('data-status');
      return status === 'done' || status === 'error';
    },
    sel,
    { timeout },
  );
  return (await page.getAttribute(sel, 'data-status')) ?? '';
}

/** How many elements match `selector` on the page. */
export async function count(page: Page, selector: string): Promise<number> {
  return page.locator(selector).count();
}

/** Every number written in a text, minus signs (−) included; 10⁻⁵-style powers are not parsed. */
export function numbersIn(text: string | null): number[] {
  return Array.from((text ?? '').replaceAll('−', '-').matchAll(/-?\d+(?:\.\d+)?/g), (m) => Number(m[0]));
}

/** A chapter opened once for a whole test file: its page, what went wrong on it, and how to close it all. */
export interface ChapterSession {
  page: Page;
  problems: string[];
  /** For a second page beside the first. */
  browser: Browser;
  server: StaticServer;
  close(): Promise<void>;
}

/**
 * Serves the build, opens `path` (with its query) in Chromium with reduced motion, and waits until
 * every figure on it has finished.
 */
export async function openChapter(path: string, timeout = 90_000): Promise<ChapterSession> {
  const server = await serveDist();
  const browser = await launchBrowser();
  const { page, problems } = await openPage(browser, { reducedMotion: true });
  await page.goto(`${server.url}${path}`);
  await waitForAllWidgets(page, timeout);
  return {
    page,
    problems,
    browser,
    server,
    async close() {
      await page.context().close();
      await browser.close();
      await server.close();
    },
  };
}
