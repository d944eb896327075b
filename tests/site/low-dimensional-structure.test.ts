import { describe, expect, it } from 'vitest';
import { directContext, referenceKernels, runExperiment, type ResultRecord } from '@diffusion-atlas/core';
import { nodeDataSources } from '@diffusion-atlas/worker/node-data';
import { count, numbersIn, openPage, skipE2E, waitForAllWidgets, waitForWidget } from './harness.ts';
import { siteSession } from './site-session.ts';
import { recordFrameContents } from './frame-contents.ts';

/*
 * Chapter 4 in Chromium: the page and its three figures, each counted against the parameters it
 * ran with. The URL drives the low-rank-mixture figure (the page's URL owner); the transition map
 * is checked at its defaults, where it draws the build's precomputed map before any run, and the
 * editing strip through its own controls.
 */

const LR = '[data-widget][data-experiment="low-rank-mixture"]';
const ST = '[data-widget][data-experiment="subspace-transition"]';
const SE = '[data-widget][data-experiment="subspace-editing"]';
const PAGE = '/chapters/low-dimensional-structure/';

/** Backward trajectories per run in low-rank-mixture (core's GENERATED). */
const GENERATED = 24;
/** The precomputed map of scripts/build-figure-data.ts: r = 1…12 by n = 1…24. */
const FINE_CELLS = 12 * 24;
/** The experiment's default live grid: 8 values of r by 12 of n. */
const DEFAULT_ROWS = 8;
const DEFAULT_CELLS = DEFAULT_ROWS * 12;
/** Images in an editing strip (core's STRIP_FRAMES) and principal directions computed (EDIT_DIRECTIONS). */
const FRAMES = 7;
const DIRECTIONS = 8;


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
 * A figure's value written to `digits` significant digits is within half a unit of its last digit
 * of the computed one: a relative error of at most 5·10^−digits of the leading digit's unit, which
 * 0.5·10^(1−digits) bounds; the Node run may differ from the browser's kernels in float rounding,
 * far below that.
 */
function closeAtDigits(shown: number, value: number, digits: number): boolean {
  return Math.abs(shown - value) <= 0.5 * 10 ** (1 - digits) * Math.abs(value) + 1e-12;
}

describe.skipIf(skipE2E)('chapter 4 in Chromium', () => {
  const site = siteSession();

  it('the chapter is live on the home page', async () => {
    const { page, problems } = await openPage(site.browser);
    await page.goto(`${site.server.url}/`);
    expect(await page.getAttribute('li[data-chapter="low-dimensional-structure"]', 'data-chapter-status')).toBe('live');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('loads without console errors; every figure finishes and draws its marks, counted against its parameters', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    // Three lines in R³ with 12 points each, on 8 time points: the URL belongs to the first figure.
    const K = 3;
    const n = 12;
    const points = 8;
    await page.goto(`${site.server.url}${PAGE}?K=${K}&n=${n}&points=${points}`);
    await waitForAllWidgets(page);
    for (const w of [LR, ST, SE]) expect(await page.getAttribute(w, 'data-status'), w).toBe('done');
    expect(await page.locator('.katex').count()).toBeGreaterThan(30);
    expect(await count(page, '.footnotes li, section[data-footnotes] li')).toBeGreaterThan(3);
    for (const key of ['wang2024subspace', 'zhang2024reproducibility', 'chen2024loco']) expect(await count(page, `#ref-${key}`), key).toBe(1);

    // low-rank-mixture: K·n training points, K true and K learned subspaces, every trajectory.
    expect(await count(page, `${LR} .low-rank-mixture-scene-training`)).toBe(K * n);
    expect(await count(page, `${LR} .low-rank-mixture-scene-true-subspace`)).toBe(K);
    expect(await count(page, `${LR} .low-rank-mixture-scene-learned-subspace`)).toBe(K);
    expect(await count(page, `${LR} .low-rank-mixture-scene-trajectory`)).toBe(GENERATED);
    expect(await count(page, `${LR} .low-rank-mixture-scene-tail`)).toBe(GENERATED);
    expect(await count(page, `${LR} .low-rank-mixture-scene-sample`)).toBe(GENERATED);
    // Reduced motion: the view shows the last frame, the end of the backward run.
    expect(await page.getAttribute(`${LR} svg.low-rank-mixture-scene-svg`, 'data-frame')).toBe('40');
    // The error curves: three denoisers and the oracle, one band per denoiser, on `points` times.
    expect(await page.getAttribute(`${LR} svg.low-rank-mixture-errors`, 'data-points')).toBe(String(points));
    for (const name of ['optimal', 'trained', 'empirical', 'known']) expect(await count(page, `${LR} .low-rank-mixture-mse-${name} path`), name).toBe(1);
    expect(await count(page, `${LR} .low-rank-mixture-band path`)).toBe(3);
    expect(await page.textContent(`${LR} [data-summary]`)).toMatch(new RegExp(`K = ${K} orthogonal lines in d = 3, n = ${n} samples on each`));
    expect(await page.getAttribute(`${LR} [data-summary]`, 'aria-live')).toBe('polite');

    // subspace-transition at its defaults: the fine precomputed map, its profiles, one curve per r.
    expect(await page.getAttribute(`${ST} svg.subspace-transition-heatmap`, 'data-source')).toBe('static');
    expect(await count(page, `${ST} .subspace-transition-cell rect`)).toBe(FINE_CELLS);
    expect(await count(page, `${ST} .subspace-transition-diagonal path`)).toBe(1);
    expect(await count(page, `${ST} .subspace-transition-error path`)).toBe(12);
    // The memorization panel: both models' reverse-process curves and the chance level, one point per n
    // of the fine map (24), each keyed in the legend by the stroke its line draws.
    for (const series of ['learned', 'empirical', 'chance']) expect(await count(page, `${ST} .subspace-transition-${series} path`), series).toBe(1);
    expect(await count(page, `${ST} .subspace-transition-learned-points circle`)).toBe(24);
    expect(await count(page, `${ST} .subspace-transition-empirical-points path`)).toBe(24);
    expect(await page.getAttribute(`${ST} svg.subspace-transition-memory`, 'data-points')).toBe('24');
    const strokes = await page.$$eval(`${ST} .subspace-transition-memory-legend line`, (lines) => lines.map((l) => l.getAttribute('stroke-dasharray') ?? ''));
    const drawn = await Promise.all(
      ['learned', 'empirical', 'chance'].map((series) => page.getAttribute(`${ST} .subspace-transition-${series}`, 'stroke-dasharray').then((v) => v ?? '')),
    );
    expect(strokes).toEqual(drawn);
    // The two curves apart: the empirical denoiser copies nearly every sample, the learned one at chance.
    const heights = await page.$$eval(`${ST} .subspace-transition-memory`, ([svg]) => {
      const ys = (cls: string) => Array.from(svg?.querySelectorAll(`.${cls} circle, .${cls} path`) ?? [], (e) => e.getBoundingClientRect().y);
      return { learned: ys('subspace-transition-learned-points'), empirical: ys('subspace-transition-empirical-points') };
    });
    expect(heights.learned).toHaveLength(24);
    for (let i = 0; i < 24; i++) expect(heights.empirical[i] ?? Infinity).toBeLessThan(heights.learned[i] ?? -Infinity);
    const memoryText = (await page.textContent(`${ST} .subspace-transition-memory-legend`)) ?? '';
    expect(memoryText).toMatch(/learned low-rank denoiser.*empirical denoiser.*fresh samples/);
    expect(memoryText).not.toMatch(/[<>]|\{|\}|\$/);
    expect(await page.textContent(`${ST} [data-summary]`)).toMatch(/switches from 0% below n = r/);
    expect(await page.textContent(`${ST} [data-summary]`)).toMatch(/memorization test does not switch at n = r/);
    expect(await page.textContent(`${ST} [data-readout]`)).toMatch(/Memorized fraction of reverse-process samples where n < r and where n ≥ r: learned denoiser \d/);

    // subspace-editing: the strip, the base digit framed, the direction, and the per-direction charts.
    expect(await count(page, `${SE} image.subspace-editing-frame`)).toBe(FRAMES);
    expect(await count(page, `${SE} .subspace-editing-base`)).toBe(1);
    expect(await count(page, `${SE} image.subspace-editing-direction`)).toBe(1);
    expect(await count(page, `${SE} .subspace-editing-variance-bars rect`)).toBe(DIRECTIONS);
    expect(await count(page, `${SE} .subspace-editing-norm-points circle`)).toBe(FRAMES);
    expect(await page.textContent(`${SE} [data-summary]`)).toMatch(/within the stated norm bound/);

    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('the learned denoiser generates by the reverse process beside the memorizing empirical one, with their memorized fractions written on the scene', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    const K = 3;
    const n = 12;
    const points = 8;
    await page.goto(`${site.server.url}${PAGE}?K=${K}&n=${n}&points=${points}`);
    expect(await waitForWidget(page, 'low-rank-mixture')).toBe('done');
    const result = await nodeRun('low-rank-mixture', { K, n, points });
    const fractions = { optimal: field(result, 'memorizedFractionOptimal')[0], trained: field(result, 'memorizedFractionTrained')[0], empirical: field(result, 'memorizedFractionEmpirical')[0] };
    expect(await count(page, `${LR} .figure-toggle`)).toBe(3);
    for (const driver of ['trained', 'empirical', 'optimal'] as const) {
      await page.click(`${LR} .figure-toggle[data-value="${driver}"]`);
      await page.waitForSelector(`${LR} svg.low-rank-mixture-scene-svg[data-driver="${driver}"]`);
      // every trajectory of this driver is drawn, and its memorized fraction is the one written
      expect(await count(page, `${LR} .low-rank-mixture-scene-trajectory`), driver).toBe(GENERATED);
      const shown = numbersIn(await page.textContent(`${LR} .low-rank-mixture-memorized`))[0] ?? Number.NaN;
      expect(closeAtDigits(shown, 100 * (fractions[driver] ?? Number.NaN), 2) || Math.abs(shown - 100 * (fractions[driver] ?? 0)) <= 0.5, `${driver}: ${shown}% vs ${fractions[driver]}`).toBe(true);
    }
    // The note lists all three, in the order exact, learned, empirical.
    const listed = numbersIn(await page.textContent(`${LR} .low-rank-mixture-memorized-note`));
    expect(listed).toHaveLength(3);
    [fractions.optimal, fractions.trained, fractions.empirical].forEach((f, i) => expect(Math.abs((listed[i] ?? Number.NaN) - 100 * (f ?? Number.NaN))).toBeLessThanOrEqual(0.5 + 0.05 * 100 * (f ?? 0)));
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('low-rank-mixture draws while it computes: the data and both sets of subspaces first, then the curves and trajectories so far, then the finished figure', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    try {
      const frames = await recordFrameContents(page, LR, {
        counts: {
        training: '.low-rank-mixture-scene-training',
        trueSubspaces: '.low-rank-mixture-scene-true-subspace',
        learnedSubspaces: '.low-rank-mixture-scene-learned-subspace',
        samples: '.low-rank-mixture-scene-sample',
        memorizedLabel: '.low-rank-mixture-memorized',
        known: '.low-rank-mixture-mse-known path',
        },
      });
      const K = 3;
      const n = 12;
      await page.goto(`${site.server.url}${PAGE}?K=${K}&n=${n}`);
      expect(await waitForWidget(page, 'low-rank-mixture')).toBe('done');
      const log = await frames();
      const firstFinal = log.findIndex((e) => e.frame === 'final');
      const partials = log.slice(0, firstFinal).filter((e) => e.frame === 'partial');
      expect(partials.length, JSON.stringify(log)).toBeGreaterThan(0);
      expect(log.slice(firstFinal).every((e) => e.frame === 'final')).toBe(true);
      for (const p of partials) {
        // the data and the subspaces, true and learned, from the first partial frame on, and the
        // closed-form bound; the samples are drawn where they are now (their noise, at first)
        expect(p).toMatchObject({ status: 'running', training: K * n, trueSubspaces: K, learnedSubspaces: K, samples: GENERATED, known: 1 });
        // the memorized fraction needs the generated samples: it waits for the end
        expect(p.memorizedLabel).toBe(0);
      }
      expect(log[firstFinal]).toMatchObject({ training: K * n, samples: GENERATED, memorizedLabel: 1 });
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 120_000);

  it('reproducibility: one point per n for each pair of models, and the end scores written as the run computed them', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}${PAGE}`);
    await page.locator('[data-widget][data-experiment="reproducibility"]').scrollIntoViewIfNeeded();
    expect(await waitForWidget(page, 'reproducibility', 120_000)).toBe('done');
    const RP = '[data-widget][data-experiment="reproducibility"]';
    const result = await nodeRun('reproducibility', {});
    const n = field(result, 'nValues');
    for (const key of ['learnedDisjoint', 'empiricalDisjoint', 'learnedEmpirical', 'memorizedEmpirical']) {
      expect(await count(page, `${RP} .reproducibility-${key}-points circle`), key).toBe(n.length);
      expect(await count(page, `${RP} .reproducibility-${key} path`), key).toBe(1);
    }
    expect(await count(page, `${RP} .figure-legend-item`)).toBe(4);
    const labels = (await page.locator(`${RP} .reproducibility-end-label text`).allTextContents()).map((t) => numbersIn(t)[0] ?? Number.NaN).sort((a, b) => a - b);
    const last = n.length - 1;
    const expected = ['reproducibilityLearnedDisjoint', 'reproducibilityEmpiricalDisjoint', 'reproducibilityLearnedEmpirical'].map((k) => 100 * (field(result, k)[last] ?? Number.NaN)).sort((a, b) => a - b);
    // Percentages of m = 100 noises are whole numbers: written exactly.
    expect(labels).toEqual(expected.map((v) => Math.round(v)));
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('subspace-editing: Jacobian singular vectors by default, with the low-rank band in t annotated at the run’s t', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}${PAGE}`);
    await page.locator(SE).scrollIntoViewIfNeeded();
    expect(await waitForWidget(page, 'subspace-editing', 120_000)).toBe('done');
    const result = await nodeRun('subspace-editing', {});
    const bandT = field(result, 'bandT');
    const digits = field(result, 'bandEffectiveDigits');
    expect(await count(page, `${SE} .subspace-editing-band-points circle`)).toBe(bandT.length);
    expect(await page.textContent(SE)).toMatch(/Jacobian singular vector/);
    expect(await page.textContent(`${SE} [data-summary]`)).toMatch(/singular vector 1 of the exact denoiser’s Jacobian at t = 0\.3/);
    // The annotated grid point is the one nearest t = 0.3 in log t, and its value is the run's.
    let near = 0;
    bandT.forEach((t, i) => {
      if (Math.abs(Math.log(t / 0.3)) < Math.abs(Math.log((bandT[near] ?? 1) / 0.3))) near = i;
    });
    const [shownDigits, shownT] = numbersIn(await page.textContent(`${SE} .subspace-editing-band-value`));
    expect(closeAtDigits(shownDigits ?? Number.NaN, digits[near] ?? Number.NaN, 3), `${shownDigits} vs ${digits[near]}`).toBe(true);
    expect(closeAtDigits(shownT ?? Number.NaN, bandT[near] ?? Number.NaN, 2)).toBe(true);
    // Switching to the comparison names principal directions.
    await page.selectOption(`${SE} select[name=method]`, 'pca');
    await page.waitForFunction((sel) => /principal direction 1 of the class/.test(document.querySelector(sel)?.textContent ?? ''), `${SE} [data-summary]`, { timeout: 60_000 });
    expect(await page.textContent(SE)).toMatch(/principal direction →/);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 180_000);

  it('the heat map draws first from the precomputed data, and live once a control changes or an exercise loads a state', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}${PAGE}`);
    // Far below the fold the figure has not started computing, yet the precomputed map is there.
    await page.waitForSelector(`${ST} svg.subspace-transition-heatmap[data-source="static"]`);
    expect(await page.getAttribute(ST, 'data-status')).not.toBe('done');
    expect(await count(page, `${ST} .subspace-transition-cell rect`)).toBe(FINE_CELLS);
    expect(await page.textContent(`${ST} .subspace-transition-source`)).toMatch(/Precomputed when the site was built/);
    // The default run finishes and the finer precomputed map stays.
    expect(await waitForWidget(page, 'subspace-transition')).toBe('done');
    expect(await page.getAttribute(`${ST} svg.subspace-transition-heatmap`, 'data-source')).toBe('static');
    // One trial per cell: a coarse live map of the default grid.
    await page.focus(`${ST} input[name=trials]`);
    await page.keyboard.press('Home');
    await page.waitForSelector(`${ST} svg.subspace-transition-heatmap[data-source="live"]`, { timeout: 60_000 });
    expect(await waitForWidget(page, 'subspace-transition')).toBe('done');
    expect(await count(page, `${ST} .subspace-transition-cell rect`)).toBe(DEFAULT_CELLS);
    expect(await count(page, `${ST} .subspace-transition-error path`)).toBe(DEFAULT_ROWS);
    expect(await page.getAttribute(`${ST} svg.subspace-transition-memory`, 'data-points')).toBe('12');
    expect(await page.textContent(`${ST} .subspace-transition-source`)).toMatch(/Computed in your browser.*1 trial each/);

    // The exercise's state loads into this figure, though it does not own the URL: 3 × 7 live cells.
    await page.click('#noiseless-pca [data-load-state]');
    await page.waitForSelector(`${ST} svg.subspace-transition-heatmap[data-source="live"][data-cells="21"]`, { timeout: 60_000 });
    expect(await waitForWidget(page, 'subspace-transition')).toBe('done');
    expect(await page.textContent(`${ST} .subspace-transition-source`)).toMatch(/K = 1, noise σ = 0,.*3 × 7 cells of 8 trials each/);
    // Noiseless PCA: every cell below the line fails and every other one succeeds.
    expect(await page.textContent(`${ST} [data-readout]`)).toMatch(/Success probability 0% where n < r, 100% at n = r, 100% from n = 2r on/);
    expect(new URL(page.url()).search).toBe('');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('the 3-D view turns with the arrow keys and with a drag, without scrolling the page', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}${PAGE}?n=10&points=6`);
    expect(await waitForWidget(page, 'low-rank-mixture')).toBe('done');
    const scene = `${LR} svg.low-rank-mixture-scene-svg`;
    const state = async (): Promise<{ yaw: number; pitch: number; line: string }> => ({
      yaw: Number(await page.getAttribute(scene, 'data-yaw')),
      pitch: Number(await page.getAttribute(scene, 'data-pitch')),
      line: (await page.getAttribute(`${scene} .low-rank-mixture-scene-learned-subspace[data-component="0"]`, 'd')) ?? '',
    });
    const start = await state();
    await page.focus(`${LR} .low-rank-mixture-scene-viewport`);
    const scrollBefore = await page.evaluate(() => window.scrollY);
    await page.keyboard.press('ArrowRight');
    const right = await state();
    expect(right.yaw - start.yaw).toBeCloseTo(Math.PI / 18, 3);
    expect(right.line).not.toBe(start.line);
    await page.keyboard.press('ArrowUp');
    const up = await state();
    expect(up.pitch - right.pitch).toBeCloseTo(Math.PI / 18, 3);
    expect(up.line).not.toBe(right.line);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrollBefore);
    await page.keyboard.press('Home');
    expect(await state()).toEqual(start);

    // A drag to the right turns the view the same way as ArrowRight.
    const box = await page.locator(`${LR} .low-rank-mixture-scene-viewport`).boundingBox();
    if (box === null) throw new Error('the 3-D view has no box');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2, { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction((sel) => Number(document.querySelector(sel)?.getAttribute('data-yaw')) > -0.5, scene);
    expect((await state()).yaw).toBeGreaterThan(start.yaw);

    // The view's own toggle redraws the trajectories of the empirical score, with no new run.
    await page.click(`${LR} .figure-toggle[data-value="empirical"]`);
    expect(await page.getAttribute(scene, 'data-driver')).toBe('empirical');
    expect(await page.getAttribute(LR, 'data-status')).toBe('done');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('the editing strength slider reruns the strip out to the new strength', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}${PAGE}`);
    expect(await waitForWidget(page, 'subspace-editing')).toBe('done');
    expect(await page.getAttribute(`${SE} svg.subspace-editing-strip`, 'data-strength')).toBe('2.5');
    await page.focus(`${SE} input[name=strength]`);
    await page.keyboard.press('End');
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-strength') === '4', `${SE} svg.subspace-editing-strip`, { timeout: 60_000 });
    expect(await waitForWidget(page, 'subspace-editing')).toBe('done');
    expect(await page.textContent(`${SE} svg.subspace-editing-strip`)).toContain('+4');
    expect(await page.textContent(`${SE} [data-readout]`)).toMatch(/from −4 to \+4/);
    // The editing figure does not own the page's URL.
    expect(new URL(page.url()).search).toBe('');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
