import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { defaultsOf, directContext, encodeQuery, getExperiment, referenceKernels, runExperiment, type ResultRecord } from '@diffusion-atlas/core';
import { nodeDataSources } from '@diffusion-atlas/worker/node-data';
import { count, numbersIn, openChapter, openPage, skipE2E, waitForWidget, type ChapterSession } from './harness.ts';
import { recordFrameContents } from './frame-contents.ts';

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


/** The same experiment run in Node with core's reference kernels: the numbers the figure must write. */
async function nodeRun(name: string, params: Record<string, unknown>): Promise<ResultRecord> {
  return (await runExperiment(name, params, directContext(referenceKernels, { data: nodeDataSources() }))).result;
}

function field(result: ResultRecord, key: string): number[] {
  const value = result[key];
  if (typeof value === 'number') return [value];
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as Float64Array);
  throw new Error(`no numeric field ${key}`);
}


/**
 * A value written to `digits` significant digits is within half a unit of its last digit of the
 * computed one, at most 0.5·10^(1−digits) of it; the browser's kernels differ from Node's
 * reference ones by float rounding, far below that.
 */
function closeAtDigits(shown: number, value: number, digits: number): boolean {
  return Math.abs(shown - value) <= 0.5 * 10 ** (1 - digits) * Math.abs(value) + 1e-12;
}

async function centre(page: Page): Promise<{ lon: number; lat: number }> {
  const svg = `${SP} svg.sphere-globe-figure`;
  return { lon: Number(await page.getAttribute(svg, 'data-centre-lon')), lat: Number(await page.getAttribute(svg, 'data-centre-lat')) };
}

describe.skipIf(skipE2E)('chapter 5 in Chromium', () => {
  let chapter: ChapterSession;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    chapter = await openChapter(`${PAGE}${QUERY}`, 90_000);
    ({ page, problems } = chapter);
  });

  afterAll(async () => {
    await chapter?.close();
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

  it('manifold, population score: the tangential part stays small, and W₁ to the curve’s law is written as the run computed it', async () => {
    const { page: p, problems: pp } = await openPage(chapter.browser, { reducedMotion: true });
    const params = { ...defaultsOf(manifold.params), score: 'population', D: 16, n: 30, trajectories: 64, epsilon: EPSILON };
    await p.goto(`${chapter.server.url}${PAGE}${encodeQuery(manifold, params)}`);
    expect(await waitForWidget(p, 'manifold', 90_000)).toBe('done');
    const result = await nodeRun('manifold', params);
    expect(await p.getAttribute(`${MF} svg.manifold-w1-figure`, 'data-score')).toBe('population');
    expect(await count(p, `${MF} .manifold-curve-w1 circle`)).toBe(EPSILON.length);
    expect(await count(p, `${MF} .manifold-curve-w1-denoised circle`)).toBe(EPSILON.length);
    expect(await count(p, `${MF} .manifold-curve-floor line`)).toBe(1);
    expect(await count(p, `${MF} .manifold-score-tangential path`)).toBe(1);
    expect(await p.isVisible(`${MF} .manifold-curve-legend`)).toBe(true);
    // W₁ to the curve's law at the smallest ε, written with two significant digits.
    const shown = numbersIn(await p.textContent(`${MF} .manifold-curve-w1-value`)).at(-1) ?? Number.NaN;
    const w1Curve = field(result, 'w1Curve')[0] ?? Number.NaN;
    expect(closeAtDigits(shown, w1Curve, 2), `${shown} vs ${w1Curve}`).toBe(true);
    // At the smallest t the whole score and its tangential part are written; the normal part carries
    // the blow-up, the tangential part of the uniform circle's score vanishes by symmetry.
    const ends = await p.locator(`${MF} .manifold-score-end text`).allTextContents();
    expect(ends).toHaveLength(2);
    const norm = field(result, 'scoreNorm').at(-1) ?? Number.NaN;
    const tangential = field(result, 'scoreNormTangential').at(-1) ?? Number.NaN;
    const shownNorm = numbersIn(ends[0] ?? '')[0] ?? Number.NaN;
    expect(closeAtDigits(shownNorm, norm, 2), `${shownNorm} vs ${norm}`).toBe(true);
    expect(tangential).toBeLessThan(1e-3 * norm);
    expect(await p.textContent(`${MF} [data-summary]`)).toMatch(/from the curve's own law/);
    expect(pp).toEqual([]);
    await p.context().close();
  }, 180_000);

  it('sphere: held-out and training log-likelihood against s_min, the uniform line, and the best s_min written as computed', async () => {
    const result = await nodeRun('sphere', {});
    const sMin = field(result, 'sMinGrid');
    const heldOut = field(result, 'heldOutLogLikelihood');
    let best = 0;
    heldOut.forEach((v, i) => {
      if (v > (heldOut[best] ?? -Infinity)) best = i;
    });
    const figure = `${SP} svg.sphere-likelihood-figure`;
    expect(await page.getAttribute(figure, 'data-points')).toBe(String(sMin.length));
    expect(await count(page, `${SP} .sphere-likelihood-held-out circle`)).toBe(sMin.length);
    expect(await count(page, `${SP} .sphere-likelihood-training path`)).toBe(1);
    expect(await count(page, `${SP} .sphere-likelihood-uniform line`)).toBe(1);
    expect(await count(page, `${SP} .sphere-likelihood-legend .figure-legend-item`)).toBe(3);
    expect(Number(await page.getAttribute(figure, 'data-best'))).toBeCloseTo(sMin[best] ?? Number.NaN, 12);
    const [s, value] = numbersIn(await page.textContent(`${SP} .sphere-likelihood-best-label`));
    expect(closeAtDigits(s ?? Number.NaN, sMin[best] ?? Number.NaN, 2), `${s} vs ${sMin[best]}`).toBe(true);
    expect(closeAtDigits(value ?? Number.NaN, heldOut[best] ?? Number.NaN, 3), `${value} vs ${heldOut[best]}`).toBe(true);
    // Early stopping generalizes: the best held-out log-likelihood beats the uniform law's −log 4π.
    expect(heldOut[best] ?? -Infinity).toBeGreaterThan(-Math.log(4 * Math.PI));
  }, 60_000);

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
    // the summary quotes the forward walk's mean and interval as the forward panel's note shows them
    const quoted = /E cos θ = ([\d.]+) ± ([\d.]+) \(2 s\.e\.\)/.exec((await page.textContent(`${SP} [data-summary]`)) ?? '');
    const shown = /steps: ([\d.]+) ± ([\d.]+) \(2 s\.e\.\)/.exec((await page.textContent(SP)) ?? '');
    expect(quoted?.slice(1)).toEqual(shown?.slice(1));
    expect(quoted).not.toBeNull();
  });

  it('sphere, run again: its partial frames show the walkers on their way and hold the forward check back for this run, at the chart’s size', async () => {
    const { page: own, problems: ownProblems } = await openPage(chapter.browser, { reducedMotion: true });
    try {
      const frames = await recordFrameContents(own, SP, {
        counts: { walkers: '.sphere-samples circle', forwardChart: '.sphere-cos-figure', waiting: '.sphere-cos-panel .figure-placeholder' },
        numbers: { forwardHeight: ['.sphere-cos-panel svg', 'height'] },
      });
      await own.goto(`${chapter.server.url}${PAGE}`);
      expect(await waitForWidget(own, 'sphere', 120_000)).toBe('done');
      await own.click(`${SP} [data-run]`);
      await own.waitForFunction((s) => document.querySelector(s)?.getAttribute('data-status') === 'running', SP);
      expect(await waitForWidget(own, 'sphere', 120_000)).toBe('done');
      const log = await frames();
      const finals = log.filter((e) => e.frame === 'final');
      const partials = log.filter((e) => e.frame === 'partial');
      expect(partials.length, JSON.stringify(log)).toBeGreaterThan(1);
      for (const p of partials) {
        expect(p.walkers).toBeGreaterThan(0);
        // the previous run's check would pass for this one's: the panel waits, as tall as the chart
        expect(p).toMatchObject({ forwardChart: 0, waiting: 1, forwardHeight: finals[0]?.forwardHeight });
      }
      expect(finals.at(-1)).toMatchObject({ forwardChart: 1, waiting: 0 });
      expect(ownProblems).toEqual([]);
    } finally {
      await own.context().close();
    }
  }, 120_000);

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
