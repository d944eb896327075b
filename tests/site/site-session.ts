import { afterAll, beforeAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { distDir, launchBrowser, serveDist, type StaticServer } from './harness.ts';

/** The built site on a local server and a Chromium to read it, for one describe block. */
export interface SiteSession {
  readonly server: StaticServer;
  readonly browser: Browser;
}

/**
 * Serves the site built in `dir` and starts Chromium before the enclosing describe block's tests,
 * and closes both after them. Read its fields inside tests and hooks only: they exist from the
 * block's start.
 */
export function siteSession(dir = distDir): SiteSession {
  let server: StaticServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    server = await serveDist(dir);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${what} is started only for the tests of its describe block`);
    return value;
  };
  return {
    get server() {
      return started(server, 'site server');
    },
    get browser() {
      return started(browser, 'browser');
    },
  };
}
