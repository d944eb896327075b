import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, skipE2E, waitForWidget } from './harness.ts';
import { siteSession } from './site-session.ts';
import { recordFrameContents, type FrameReadings } from './frame-contents.ts';

const W = '[data-widget][data-experiment="noise-and-back"]';

/** Positions of the final sample dots, for comparing two renderings of the same state. */
async function samplePositions(page: Page): Promise<string[]> {
  return page.$$eval(`${W} .noise-and-back-samples circle`, (cs) => cs.map((c) => `${c.getAttribute('cx')},${c.getAttribute('cy')}`));
}

/** What each frame of the figure holds: the drawn frame's index, the frames the run has reached and all it will have, and the points by kind. */
const FRAME_READINGS: FrameReadings = {
  numbers: {
    index: ['[data-plot] svg[aria-label]', 'data-frame'],
    reached: ['[data-plot] svg[aria-label]', 'data-reached'],
    frames: ['[data-plot] svg[aria-label]', 'data-frames'],
  },
  counts: {
    training: '.noise-and-back-training circle',
    pending: '.noise-and-back-pending circle',
    memorized: '.noise-and-back-memorized circle',
    tails: '.noise-and-back-tails path',
  },
};

async function settled(page: Page): Promise<void> {
  await waitForWidget(page, 'noise-and-back');
  // reduced motion shows the final frame without playing
  await page.waitForSelector(`${W} .timeline[data-playing="false"]`);
}

describe.skipIf(skipE2E)('chapter 1 in Chromium', () => {
  const site = siteSession();

  it('home presents the six chapters, chapter 1 live, with a clean console', async () => {
    const { page, problems } = await openPage(site.browser);
    await page.goto(`${site.server.url}/`);
    const chapters = await page.$$eval('li[data-chapter]', (els) => els.map((e) => [e.getAttribute('data-chapter'), e.getAttribute('data-chapter-status')]));
    expect(chapters).toHaveLength(6);
    expect(chapters[0]).toEqual(['noise-and-back', 'live']);
    expect(await page.locator('link[rel="icon"]').count()).toBeGreaterThan(0);
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('the widget computes and draws training points and all trajectories, with no console error', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}/chapters/noise-and-back/?n=60&m=150&steps=200`);
    expect(await settled(page).then(() => page.getAttribute(W, 'data-status'))).toBe('done');
    expect(await page.locator(`${W} .noise-and-back-training circle`).count()).toBe(60);
    expect(await page.locator(`${W} .noise-and-back-samples circle`).count()).toBe(150);
    const backend = await page.getAttribute(W, 'data-backend');
    expect(['wasm-simd', 'cpu', 'gpu-webgl2']).toContain(backend);
    // math is typeset
    expect(await page.locator('.katex').count()).toBeGreaterThan(10);
    // the empirical score memorizes: the caption reports it from the live state
    const memorized = Number(await page.getAttribute(`${W} [data-plot] svg[aria-label]`, 'data-memorized'));
    expect(memorized).toBeGreaterThan(0.9 * 150);
    expect(await page.textContent(`${W} [data-summary]`)).toMatch(/150 trajectories/);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('changing a control updates the URL and the figure', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}/chapters/noise-and-back/?n=60&m=150&steps=200`);
    await settled(page);
    const before = await page.getAttribute(`${W} [data-plot] svg[aria-label]`, 'data-memorized');
    await page.selectOption(`${W} select[name=score]`, 'exact');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('score') === 'exact');
    await settled(page);
    const after = await page.getAttribute(`${W} [data-plot] svg[aria-label]`, 'data-memorized');
    expect(Number(after)).toBeLessThan(Number(before));
    // with the exact score, the memorized count sits near the fresh-data floor (≈ 1/9 of 150)
    expect(Number(after)).toBeLessThan(0.35 * 150);
    expect(await page.textContent(`${W} [data-summary]`)).toMatch(/exact|population/i);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('a permalink restores the same figure', async () => {
    const url = `${site.server.url}/chapters/noise-and-back/?dataset=rings&n=80&m=120&steps=150&seed=7&score=exact`;
    const first = await openPage(site.browser, { reducedMotion: true });
    await first.page.goto(url);
    await settled(first.page);
    const a = await samplePositions(first.page);
    await first.page.context().close();
    const second = await openPage(site.browser, { reducedMotion: true });
    await second.page.goto(url);
    await settled(second.page);
    const b = await samplePositions(second.page);
    expect(a).toHaveLength(120);
    expect(b).toEqual(a);
    for (const [param, value] of [['dataset', 'rings'], ['seed', '7'], ['score', 'exact']]) {
      expect(await second.page.inputValue(`${W} [name=${param}]`)).toBe(value);
    }
    await second.page.context().close();
  });

  it('a garbage URL yields the defaults plus a visible notice, never a broken page', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}/chapters/noise-and-back/?n=abc&score=%3Cscript%3E&m=99999999&zzz=1&steps=150`);
    await settled(page);
    expect(await page.isVisible(`${W} [data-notice]`)).toBe(true);
    const flagged = await page.$$eval(`${W} [data-notice] li[data-notice-param]`, (els) => els.map((e) => e.getAttribute('data-notice-param')).sort());
    expect(flagged).toEqual(['m', 'n', 'score', 'zzz']);
    expect(await page.getAttribute(W, 'data-status')).toBe('done');
    expect(await page.inputValue(`${W} select[name=score]`)).toBe('empirical');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('Stop cancels a long run and the same worker serves the next one', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}/chapters/noise-and-back/?n=5000&m=4000&steps=4000`);
    await page.waitForSelector(`${W}[data-status="running"] [data-stop]:not([disabled])`);
    await page.waitForTimeout(300);
    await page.click(`${W} [data-stop]`);
    await page.waitForSelector(`${W}[data-status="idle"]`);
    expect(await page.textContent(`${W} [data-status-text]`)).toMatch(/Stopped/);
    // shrink the problem with the keyboard, as a reader would: Home takes each slider to its minimum
    for (const name of ['m', 'steps', 'n']) {
      await page.focus(`${W} input[name=${name}]`);
      await page.keyboard.press('Home');
    }
    await page.waitForFunction(() => new URL(location.href).searchParams.get('m') === '1');
    expect(await waitForWidget(page, 'noise-and-back')).toBe('done');
    expect(await page.locator(`${W} .noise-and-back-samples circle`).count()).toBe(1);
    expect(await page.locator(`${W} .noise-and-back-training circle`).count()).toBe(2);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('points stay neutral until the run ends, and piles on a training point carry their count', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}/chapters/noise-and-back/?n=60&m=150&steps=200`);
    await settled(page);
    const svg = `${W} [data-plot] svg[aria-label]`;
    // Last frame: the empirical score sends nearly every trajectory onto one of 60 training points,
    // so with 150 samples some point holds at least ⌈135/60⌉ = 3 of them.
    const labels = await page.$$eval(`${W} .noise-and-back-pile-count text`, (ts) => ts.map((t) => t.textContent ?? ''));
    expect(labels.length).toBeGreaterThan(0);
    for (const label of labels) expect(Number(label)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...labels.map(Number))).toBeGreaterThanOrEqual(3);
    const rings = await page.locator(`${W} .noise-and-back-piles circle`).count();
    expect(rings).toBeGreaterThanOrEqual(labels.length);
    const piled = Number(await page.getAttribute(svg, 'data-piled'));
    const labelled = labels.reduce((sum, label) => sum + Number(label), 0);
    expect(labelled).toBeLessThanOrEqual(piled);
    expect(piled).toBeLessThanOrEqual(150);
    // The outcome is drawn clean: no tails on the last frame.
    expect(await page.locator(`${W} .noise-and-back-tails path`).count()).toBe(0);
    const endFill = await page.$eval(`${W} .noise-and-back-memorized circle`, (c) => getComputedStyle(c).fill);
    // First frame: pure noise, outcome unknown, every point in one neutral colour, no tails yet.
    await page.$eval(`${W} [data-scrubber]`, (input) => {
      if (!(input instanceof HTMLInputElement)) throw new Error('no scrubber');
      input.value = '0';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await page.waitForSelector(`${svg}[data-frame="0"]`);
    expect(await page.locator(`${W} .noise-and-back-memorized circle`).count()).toBe(0);
    expect(await page.locator(`${W} .noise-and-back-pending circle`).count()).toBe(150);
    const fills = await page.$$eval(`${W} .noise-and-back-samples circle`, (cs) => [...new Set(cs.map((c) => getComputedStyle(c).fill))]);
    expect(fills).toHaveLength(1);
    expect(fills[0]).not.toBe(endFill);
    expect(await page.locator(`${W} .noise-and-back-tails path`).count()).toBe(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('a playing figure scrolled away pauses, and scrolled back plays on to its end', async () => {
    const { page, problems } = await openPage(site.browser, { height: 700 });
    await page.goto(`${site.server.url}/chapters/noise-and-back/?n=40&m=60&steps=300`);
    await waitForWidget(page, 'noise-and-back');
    await page.locator(W).scrollIntoViewIfNeeded();
    await page.waitForSelector(`${W} .timeline[data-playing="true"]`);
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForSelector(`${W} .timeline[data-playing="false"]`);
    const away = Number(await page.getAttribute(`${W} [data-plot] svg[aria-label]`, 'data-frame'));
    await page.locator(W).scrollIntoViewIfNeeded();
    const frames = Number(await page.getAttribute(`${W} [data-plot] svg[aria-label]`, 'data-frames'));
    await page.waitForSelector(`${W} [data-plot] svg[data-frame="${frames - 1}"]`, { timeout: 30_000 });
    expect(away).toBeLessThan(frames - 1);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('the default run draws the trajectories so far while it computes, then the finished figure', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    try {
      const recorded = await recordFrameContents(page, W, FRAME_READINGS);
      await page.goto(`${site.server.url}/chapters/noise-and-back/`);
      expect(await waitForWidget(page, 'noise-and-back')).toBe('done');
      const log = await recorded();
      const frames = log.map((e) => e.frame);
      const firstFinal = frames.indexOf('final');
      const firstPartial = frames.indexOf('partial');
      // The worker sends a run's first partial at once, well before a default run (400 steps) ends.
      expect(firstPartial).toBeGreaterThanOrEqual(0);
      expect(firstFinal).toBeGreaterThan(firstPartial);
      // the first is the pure noise the trajectories start from, offered before any step
      expect(log[firstPartial]?.reached).toBe(1);
      // nothing partial after the final result
      expect(frames.slice(firstFinal).every((f) => f === 'final')).toBe(true);
      for (const partial of log.filter((e) => e.frame === 'partial')) {
        expect(partial.status).toBe('running');
        // the newest frame reached, a part of the way back, with the tails that led there (none at the start)
        const reached = Number(partial.reached);
        expect(reached).toBeGreaterThanOrEqual(1);
        expect(reached).toBeLessThan(Number(partial.frames));
        expect(partial.index).toBe(reached - 1);
        expect(partial.training).toBe(100);
        if (reached > 1) expect(partial.tails).toBeGreaterThan(0);
        // all 400 points still on their way: no outcome before the memorization test
        expect(partial.pending).toBe(400);
        expect(partial.memorized).toBe(0);
      }
      const final = log[firstFinal];
      expect(final?.status).toBe('done');
      expect(final?.reached).toBe(final?.frames);
      // reduced motion shows the outcome: the empirical score's copies, coloured
      expect(final?.memorized).toBeGreaterThan(0);
      expect(final?.pending).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it("run again: a scrub during a partial frame shows this run's newest frame, never one of the previous run's", async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    try {
      // long enough (about 3 s here) that the run again is still on its way after the checks below
      await page.goto(`${site.server.url}/chapters/noise-and-back/?n=4000&m=1000&steps=800`);
      await settled(page);
      const svg = `${W} [data-plot] svg[aria-label]`;
      const frames = Number(await page.getAttribute(svg, 'data-frames'));
      expect(Number(await page.getAttribute(svg, 'data-frame'))).toBe(frames - 1);
      const endTime = await page.textContent(`${W} [data-time]`);
      await page.click(`${W} [data-run]`);
      // a partial frame some way back, with tails
      await page.waitForFunction(
        (s) => {
          const root = document.querySelector(s);
          return root?.getAttribute('data-frame') === 'partial' && Number(root.querySelector('[data-plot] svg')?.getAttribute('data-reached')) > 1;
        },
        W,
        { timeout: 60_000 },
      );
      // the scrubber still spans the previous run: take it to that run's outcome
      await page.$eval(`${W} [data-scrubber]`, (input) => {
        if (!(input instanceof HTMLInputElement)) throw new Error('no scrubber');
        input.value = input.max;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
      const drawn = await page.$eval(svg, (e) => ({ frame: Number(e.getAttribute('data-frame')), reached: Number(e.getAttribute('data-reached')) }));
      const time = await page.textContent(`${W} [data-time]`);
      const still = await page.getAttribute(W, 'data-frame');
      // the checks ran while the run was on its way, or they prove nothing (and there is nothing to stop)
      expect(still).toBe('partial');
      await page.click(`${W} [data-stop]`);
      expect(drawn.reached).toBeLessThan(frames);
      expect(drawn.frame).toBe(drawn.reached - 1);
      expect(await page.locator(`${W} .noise-and-back-memorized circle`).count()).toBe(0);
      expect(await page.locator(`${W} .noise-and-back-pending circle`).count()).toBe(1000);
      expect(await page.locator(`${W} .noise-and-back-tails path`).count()).toBeGreaterThan(0);
      // the scrubber's words name the time drawn, not the previous run's end
      expect(time).toMatch(/^t = /);
      expect(time).not.toBe(endTime);
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 120_000);

  it('the embed page shows the widget with a link back to its chapter', async () => {
    const { page, problems } = await openPage(site.browser, { width: 600, reducedMotion: true });
    await page.goto(`${site.server.url}/embed/noise-and-back/?n=40&m=60&steps=120`);
    await settled(page);
    expect(await page.locator(`${W} .noise-and-back-samples circle`).count()).toBe(60);
    const href = await page.getAttribute('[data-chapter-link]', 'href');
    expect(href).toMatch(/\/chapters\/noise-and-back\//);
    // only the widget: no site header or chapter prose
    expect(await page.locator('article p').count()).toBeLessThan(5);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('the GPU path in a real worker agrees with the CPU path for the same seed', async () => {
    const { page, problems } = await openPage(site.browser);
    await page.goto(`${site.server.url}/diagnostics/`);
    const report = page.locator('[data-backend-report]');
    await page.waitForSelector('[data-backend-report][data-state="ready"]', { timeout: 60_000 });
    const auto = await report.getAttribute('data-backend');
    if (auto === 'wasm-simd' || auto === 'cpu') {
      // headless Chromium renders WebGL in software, where the CPU loops are faster: auto says so
      expect(await report.getAttribute('data-fallback-reason')).toMatch(/software|WebGL2/);
    } else {
      // a hardware GPU: calls are routed per shape between it and the CPU path, and the report names both
      expect(auto?.split('+')).toContain('gpu-webgl2');
      expect(Number(await report.getAttribute('data-check-max-error'))).toBeLessThan(1e-4);
    }
    await page.click('[data-compare-run]');
    await page.waitForSelector('[data-compare-report][data-state="ready"]', { timeout: 90_000 });
    const compare = page.locator('[data-compare-report]');
    expect(await compare.getAttribute('data-gpu-backend')).toBe('gpu-webgl2');
    // Chromium validates WebAssembly SIMD: the CPU path is the wasm-simd kernel
    expect(await compare.getAttribute('data-cpu-backend')).toBe('wasm-simd');
    // 300 points after 60 Heun steps: float32 kernels against double-precision CPU loops
    expect(Number(await compare.getAttribute('data-max-difference'))).toBeLessThan(1e-4);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('serves no 404 for anything the pages asked for', () => {
    expect(site.server.notFound).toEqual([]);
  });
});
