import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { defaultsOf, encodeQuery, getExperiment } from '@diffusion-atlas/core';
import { launchBrowser, openPage, serveDist, skipE2E, waitForAllWidgets, waitForWidget, type StaticServer } from './harness.ts';

/*
 * Chapter 5 in Chromium: one page load with every widget run to the end, then the interactions.
 * Only the manifold widget owns the URL, so it gets small parameters there; the globe and the
 * bridge run their defaults, which take a second or two.
 */

const PAGE = '/chapters/manifolds-and-finite-time/';
const W = (experiment: string): string => `[data-widget][data-experiment="${experiment}"]`;
const MF = W('manifold');
const SP = W('sphere');
const BR = W('bridge');
const EPSILON = [0.001, 0.01, 0.1];
const manifold = getExperiment('manifold');
const QUERY = encodeQuery(manifold, { ...defaultsOf(manifold.params), D: 16, n: 30, trajectories: 64, epsilon: EPSILON });

async function count(page: Page, selector: string): Promise<number> {
  return page.locator(selector).count();
}

async function centre(page: Page): Promise<{ lon: number; lat: number }> {
  const svg = `${SP} svg.sphere-globe-figure`;
  return { lon: Number(await page.getAttribute(svg, 'data-centre-lon')), lat: Number(await page.getAttribute(svg, 'data-centre-lat')) };
}

describe.skipIf(skipE2E)('chapter 5 in Chromium', () => {
  let server: StaticServer;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    server = await serveDist();
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser, { reducedMotion: true }));
    await page.goto(`${server.url}${PAGE}${QUERY}`);
    await waitForAllWidgets(page, 90_000);
  });

  afterAll(async () => {
    await page?.context().close();
    await browser?.close();
    await server?.close();
  });

  it('loads with typeset math, three figures that all finish, and a clean console', async () => {
    const statuses = await page.$$eval('[data-widget]', (els) => els.map((e) => [e.getAttribute('data-experiment'), e.getAttribute('data-status')]));
    expect(statuses).toEqual([
      ['manifold', 'done'],
      ['sphere', 'done'],
      ['bridge', 'done'],
    ]);
    // Only the first figure owns the query.
    expect(await page.$$eval('[data-widget]', (els) => els.map((e) => e.getAttribute('data-url-state')))).toEqual(['true', 'false', 'false']);
    expect(await count(page, '.katex')).toBeGreaterThan(40);
    expect(await count(page, '[data-widget] .figure-placeholder')).toBe(0);
    expect(problems).toEqual([]);
  });

  it('manifold: W₁ per ε with the bound, the score norm with its theory, and the samples', async () => {
    expect(await page.getAttribute(`${MF} svg.manifold-w1-figure`, 'data-points')).toBe(String(EPSILON.length));
    expect(await count(page, `${MF} .manifold-w1 circle`)).toBe(EPSILON.length);
    expect(await count(page, `${MF} .manifold-denoised circle`)).toBe(EPSILON.length);
    expect(await count(page, `${MF} .manifold-forward circle`)).toBe(EPSILON.length);
    expect(await count(page, `${MF} .manifold-bound path`)).toBe(1);
    expect(await count(page, `${MF} .manifold-bound-leading path`)).toBe(1);
    expect(await count(page, `${MF} .manifold-floor line`)).toBe(1);
    expect(await count(page, `${MF} .manifold-score path`)).toBe(1);
    expect(await count(page, `${MF} .manifold-score-theory path`)).toBe(1);
    expect(await count(page, `${MF} .manifold-eps line`)).toBe(EPSILON.length);
    // Reduced motion: the samples panel shows the last frame, the smallest ε.
    expect(Number(await page.getAttribute(`${MF} svg.manifold-samples-figure`, 'data-eps'))).toBe(EPSILON[0]);
    expect(await count(page, `${MF} .manifold-samples circle`)).toBe(64);
    expect(await count(page, `${MF} .manifold-denoised-points circle`)).toBe(64);
    expect(await count(page, `${MF} .manifold-training circle`)).toBe(30);
    expect(await count(page, `${MF} .manifold-curve path`)).toBe(1);
    expect(await page.textContent(`${MF} [data-summary]`)).toMatch(/in D = 16, the 64 samples/);
    expect(await page.textContent(`${MF} [data-readout]`)).toMatch(/ε = 0\.001: W₁ = /);
  });

  it('sphere: the globe draws coastlines, the epicentres and the samples, and the side panels', async () => {
    const globe = `${SP} svg.sphere-globe-figure`;
    await page.waitForSelector(`${globe}[data-land="drawn"]`);
    expect(await count(page, `${SP} .sphere-globe-land path`)).toBeGreaterThan(0);
    expect(await count(page, `${SP} .sphere-globe-sphere path`)).toBe(1);
    // Only the visible hemisphere is drawn; the default view faces the north-east Pacific, where most epicentres are.
    expect(await count(page, `${SP} .sphere-data circle`)).toBeGreaterThan(20);
    expect(await count(page, `${SP} .sphere-samples circle`)).toBeGreaterThan(50);
    expect(await page.getAttribute(globe, 'data-walkers')).toBe('500');
    // The exact empirical score memorizes: almost every walker ends on an epicentre.
    expect(Number(await page.getAttribute(globe, 'data-memorized'))).toBeGreaterThan(0.9 * 500);
    expect(await count(page, `${SP} .sphere-mem-bars rect`)).toBe(2);
    expect(await count(page, `${SP} .sphere-cos-theory path`)).toBe(1);
    expect(await count(page, `${SP} .sphere-cos-sim circle`)).toBe(1);
    expect(await count(page, `${SP} .sphere-kernel-series path`)).toBeGreaterThanOrEqual(3);
    expect(await count(page, `${SP} .sphere-kernel-varadhan path`)).toBeGreaterThanOrEqual(3);
    expect(await page.textContent(`${SP} [data-summary]`)).toMatch(/walkers .* end on an epicentre/);
    expect(await page.textContent(`${SP} [data-summary]`)).toMatch(/held out of training pass the same test/);
  });

  it('sphere: arrow keys and a drag turn the globe', async () => {
    const start = await centre(page);
    await page.focus(`${SP} .sphere-globe[role="application"]`);
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((s) => document.querySelector(s)?.getAttribute('data-centre-lon') !== null, `${SP} svg.sphere-globe-figure`);
    await expect.poll(async () => (await centre(page)).lon).toBeCloseTo(start.lon + 15, 6);
    await page.keyboard.press('ArrowUp');
    await expect.poll(async () => (await centre(page)).lat).toBeCloseTo(start.lat + 10, 6);
    // The turned globe still draws its coastlines and samples.
    expect(await count(page, `${SP} .sphere-globe-land path`)).toBeGreaterThan(0);
    expect(await count(page, `${SP} .sphere-samples circle`)).toBeGreaterThan(0);

    const box = await page.locator(`${SP} .sphere-globe`).boundingBox();
    expect(box).not.toBeNull();
    if (box === null) return;
    const before = await centre(page);
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x - 60, y, { steps: 4 });
    await page.mouse.up();
    // Dragging left brings the east into view: the centre moves east.
    await expect.poll(async () => (await centre(page)).lon).toBeGreaterThan(before.lon + 5);
    await page.keyboard.press('Home');
    expect(problems).toEqual([]);
  });

  it('bridge, Gaussian case: the IPF coupling reaches C*, with plain diffusion beside the bridge', async () => {
    const coupling = `${BR} svg.bridge-coupling-figure`;
    expect(await page.getAttribute(`${BR} [data-stage]`, 'data-case')).toBe('gaussian');
    expect(await count(page, `${BR} .bridge-coupling circle`)).toBe(21);
    expect(await count(page, `${BR} .bridge-theory line`)).toBe(1);
    const last = Number(await page.getAttribute(coupling, 'data-last'));
    const theory = Number(await page.getAttribute(coupling, 'data-theory'));
    expect(Math.abs(last - theory)).toBeLessThan(1e-4);
    expect(await count(page, `${BR} .bridge-sgm-curve path`)).toBe(1);
    expect(await count(page, `${BR} .bridge-target path`)).toBe(1);
    expect(await count(page, `${BR} .bridge-sgm circle`)).toBe(1);
    expect(await count(page, `${BR} .bridge-path-sgm path`)).toBeGreaterThan(10);
    expect(await count(page, `${BR} .bridge-path-sb path`)).toBeGreaterThan(10);
    expect(await count(page, `${BR} .bridge-marginal circle`)).toBe(20);
    expect(await page.textContent(`${BR} [data-summary]`)).toMatch(/C\* = 1\.2271/);
  });

  it('bridge, particle case: bridges between matched particles next to truncated plain diffusion', async () => {
    await page.selectOption(`${BR} select[name=case]`, 'particles');
    await page.waitForFunction((s) => document.querySelector(s)?.getAttribute('data-case') === 'particles', `${BR} [data-stage]`);
    expect(await waitForWidget(page, 'bridge')).toBe('done');
    expect(await count(page, `${BR} .bridge-particles-sb circle`)).toBe(200);
    expect(await count(page, `${BR} .bridge-particles-sgm circle`)).toBe(200);
    expect(await count(page, `${BR} .bridge-data circle`)).toBe(400);
    expect(await count(page, `${BR} .bridge-path-sb path`)).toBeGreaterThan(10);
    expect(await count(page, `${BR} .bridge-marginal circle`)).toBeGreaterThan(5);
    // The bridge's URL stays its own: the manifold widget owns the query.
    expect(new URL(page.url()).searchParams.get('case')).toBeNull();
    expect(await page.textContent(`${BR} [data-summary]`)).toMatch(/Sinkhorn/);
    expect(problems).toEqual([]);
  });
});
