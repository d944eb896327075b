import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { count, distDir, openPage, skipE2E, waitForAllWidgets, waitForWidget } from './harness.ts';
import { siteSession } from './site-session.ts';
import { recordFrameContents, type FrameContents } from './frame-contents.ts';

/*
 * Chapter 3 in Chromium: the page and its three figures, each counted against the parameters it
 * ran with. The URL drives only the training-window figure (the page's URL owner); the other two
 * are checked at their defaults on the page and at small parameters in their embeds, which own
 * their URL.
 */

const TW = '[data-widget][data-experiment="training-window"]';
const TS = '[data-widget][data-experiment="training-samples"]';
const WT = '[data-widget][data-experiment="width-threshold"]';

/** The fine grid the build precomputes for the width-threshold figure, if this build has it. */
const fineFile = join(distDir, 'data', 'width-threshold.json');


describe.skipIf(skipE2E)('chapter 3 in Chromium', () => {
  const site = siteSession();

  it('the chapter is live on the home page and links to its page', async () => {
    const { page, problems } = await openPage(site.browser);
    await page.goto(`${site.server.url}/`);
    const status = await page.getAttribute('li[data-chapter="training-time"]', 'data-chapter-status');
    expect(status).toBe('live');
    expect(await page.locator('li[data-chapter="training-time"] a[href="/chapters/training-time/"]').count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('loads without console errors; every figure finishes and draws its marks, counted against its parameters', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    // Three training sets on a small model: the URL belongs to the training-window figure.
    await page.goto(`${site.server.url}/chapters/training-time/?d=10&psiP=8&psiN=1,2,4&points=40`);
    await waitForAllWidgets(page);
    for (const w of [TW, TS, WT]) expect(await page.getAttribute(w, 'data-status'), w).toBe('done');
    expect(await page.locator('.katex').count()).toBeGreaterThan(20);
    expect(await count(page, '.footnotes li, section[data-footnotes] li')).toBeGreaterThan(3);
    expect(await page.locator('#ref-bonnaire2025').count()).toBe(1);

    // training-window: one curve, one τ_gen mark, one τ_mem rule and one window per training set.
    const runs = 3;
    expect(await count(page, `${TW} .training-window-score path`)).toBe(runs);
    expect(await count(page, `${TW} .training-window-test-loss path`)).toBe(runs);
    expect(await count(page, `${TW} .training-window-train-loss path`)).toBe(runs);
    expect(await count(page, `${TW} .training-window-score-figure .training-window-tau-gen path`)).toBe(runs);
    expect(await count(page, `${TW} .training-window-score-figure .training-window-tau-mem line`)).toBe(runs);
    expect(await count(page, `${TW} .training-window-score-figure .training-window-window rect`)).toBe(runs);
    expect(await count(page, `${TW} .training-window-point-mem circle`)).toBe(runs);
    expect(await count(page, `${TW} .training-window-point-theory circle`)).toBe(runs);
    expect(await count(page, `${TW} .training-window-fit path`)).toBe(1);
    expect(await count(page, `${TW} .training-window-spectrum path`)).toBe(runs);
    expect(await count(page, `${TW} .training-window-rho1-edges line`)).toBe(runs);
    expect(await count(page, `${TW} .training-window-rho2-edges line`)).toBe(1);
    expect(await count(page, `${TW} .training-window-spectrum-figure .training-window-tau-axis text`)).toBeGreaterThan(1);
    // The measured slope is reported beside the theory's, from the live run.
    expect(await page.textContent(`${TW} .training-window-times .figure-panel-title`)).toMatch(/measured slope [\d.−-]+, theory [\d.−-]+/);
    // The readout is two short sentences (the theory's slope sits in the panel title above, the full numbers in the table).
    expect(await page.textContent(`${TW} [data-readout]`)).toMatch(/τgen from .* τmem measured grows from .*slope/);
    expect(await page.textContent(`${TW} [data-summary]`)).toMatch(/τmem grows from .* at n = 10 to .* at n = 40/);
    expect(await page.getAttribute(`${TW} [data-summary]`, 'aria-live')).toBe('polite');

    // training-samples at its defaults: ψ_n = 0.5 and 2 in d = 8 (n = 4 and 16), 300 samples each, nine curve points each.
    expect(await count(page, `${TS} .training-samples-training circle`)).toBe(4 + 16);
    expect(await count(page, `${TS} .training-samples-samples circle`)).toBe(2 * 300);
    expect(await count(page, `${TS} .training-samples-curve path`)).toBe(2);
    expect(await count(page, `${TS} .training-samples-curve-point circle`)).toBe(2 * 9);
    expect(await count(page, `${TS} .training-samples-tau-mem line`)).toBe(2);
    expect(await count(page, `${TS} .training-samples-tau line`)).toBe(1);
    // τ = 10⁶ is past τ_mem for the small set: it copies, and more than the larger set does.
    const copies = await page.$$eval(`${TS} svg[data-memorized]`, (els) => els.map((el) => Number(el.getAttribute('data-memorized'))));
    expect(copies).toHaveLength(2);
    expect(copies[0]).toBeGreaterThan(copies[1] ?? 0);
    expect(await page.textContent(`${TS} [data-summary]`)).toMatch(/copy one of the n = 4 training points/);

    // width-threshold at its defaults: 6 widths × 8 training-set ratios, at τ = 10³, 10⁴ and ∞, each with the line n = p.
    expect(await count(page, `${WT} .width-threshold-live-map .width-threshold-cells rect`)).toBe(3 * 6 * 8);
    expect(await count(page, `${WT} .width-threshold-live-map .width-threshold-boundary path`)).toBe(3);
    expect(await page.textContent(`${WT} [data-summary]`)).toMatch(/times larger where n < p than where n > p/);
    if (existsSync(fineFile)) {
      const fine = JSON.parse(readFileSync(fineFile, 'utf8')) as { result: { psiPValues: number[]; psiNValues: number[] } };
      await page.waitForSelector(`${WT} .width-threshold-fine-map`);
      expect(await count(page, `${WT} .width-threshold-fine-map .width-threshold-cells rect`)).toBe(fine.result.psiPValues.length * fine.result.psiNValues.length);
    }

    // Only the first figure owns the query string.
    expect(await page.getAttribute(TW, 'data-url-state')).toBe('true');
    expect(await page.getAttribute(TS, 'data-url-state')).toBe('false');
    expect(await page.getAttribute(WT, 'data-url-state')).toBe('false');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("training-window's first frame is the theory: every size's predicted τ_mem and ρ₁ support before any training, then the sizes trained so far, then the finished figure", async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    try {
      const frames = await recordFrameContents(page, TW, {
        counts: {
          theory: '.training-window-point-theory circle',
          measured: '.training-window-point-mem circle',
          rho1: '.training-window-rho1-edges line',
          spectra: '.training-window-spectrum path',
          scoreCurves: '.training-window-score path',
        },
        texts: { rows: '.training-window-numbers tbody tr', curvesNote: '.training-window-curves .figure-plot' },
      });
      const sizes = [1, 2, 4, 8];
      await page.goto(`${site.server.url}/chapters/training-time/?psiN=${sizes.join(',')}`);
      expect(await waitForWidget(page, 'training-window')).toBe('done');
      // a size still to come has "to come" in its row of the numbers table
      const log = (await frames()).map((e): FrameContents => ({ ...e, pendingRows: String(e['rows']).split('\n').filter((row) => row.includes('to come')).length }));
      const firstFinal = log.findIndex((e) => e.frame === 'final');
      expect(log[0], JSON.stringify(log)).toMatchObject({ frame: 'partial', status: 'running', theory: sizes.length, measured: 0, rho1: sizes.length, spectra: 0, scoreCurves: 0, pendingRows: sizes.length });
      expect(log[0]?.curvesNote).toMatch(/Training on the first size \(n = 20\)/);
      for (const p of log.slice(1, firstFinal)) {
        // each partial frame: every size's theory, the trained ones' measurements, the rest to come
        expect(p).toMatchObject({ frame: 'partial', theory: sizes.length, rho1: sizes.length });
        expect(Number(p.measured) + Number(p.pendingRows)).toBe(sizes.length);
        expect(p.spectra).toBe(p.measured);
      }
      expect(log[firstFinal]).toMatchObject({ theory: sizes.length, measured: sizes.length, spectra: sizes.length, scoreCurves: sizes.length, pendingRows: 0 });
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('the samples figure follows its parameters in its embed', async () => {
    const { page, problems } = await openPage(site.browser, { width: 700, reducedMotion: true });
    // d = 4: ψ_n = 0.5 and 2 give n = 2 and 8.
    await page.goto(`${site.server.url}/embed/training-samples/?d=4&psiP=8&samples=40&tau=1000`);
    expect(await waitForWidget(page, 'training-samples')).toBe('done');
    expect(await count(page, `${TS} .training-samples-training circle`)).toBe(2 + 8);
    expect(await count(page, `${TS} .training-samples-samples circle`)).toBe(2 * 40);
    expect(await count(page, `${TS} .training-samples-tau line`)).toBe(1);
    expect(await page.textContent(`${TS} [data-readout]`)).toMatch(/^τ = 10³, p = 32 features, d = 4/);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('the phase diagram follows its lists in its embed', async () => {
    const { page, problems } = await openPage(site.browser, { width: 700, reducedMotion: true });
    await page.goto(`${site.server.url}/embed/width-threshold/?d=4&psiPValues=1,4&psiNValues=0.5,2,8`);
    expect(await waitForWidget(page, 'width-threshold')).toBe('done');
    expect(await count(page, `${WT} .width-threshold-live-map .width-threshold-cells rect`)).toBe(3 * 2 * 3);
    expect(await count(page, `${WT} .width-threshold-live-map .width-threshold-boundary path`)).toBe(3);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('a control of the URL-owning figure reruns it and rewrites the link', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}/chapters/training-time/?d=10&psiP=8&psiN=1,2&points=30#training-window`);
    expect(await waitForWidget(page, 'training-window')).toBe('done');
    expect(await count(page, `${TW} .training-window-score path`)).toBe(2);
    // Not the default list (1,2,4,8), which the link would leave out.
    await page.fill(`${TW} input[name=psiN]`, '1,2,3,4');
    await page.press(`${TW} input[name=psiN]`, 'Enter');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('psiN') === '1,2,3,4');
    await page.waitForFunction((sel) => document.querySelectorAll(`${sel} .training-window-score path`).length === 4, TW);
    expect(await waitForWidget(page, 'training-window')).toBe('done');
    expect(await count(page, `${TW} .training-window-score-figure .training-window-tau-mem line`)).toBe(4);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
