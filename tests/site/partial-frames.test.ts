import { describe, expect, it } from 'vitest';
import { openPage, skipE2E, waitForWidget } from './harness.ts';
import { siteSession } from './site-session.ts';
import { recordFrameContents, type FrameReadings } from './frame-contents.ts';
import { chartsPerDrawing, domLog, drawingsOf, recordDom } from './draw-record.ts';

/*
 * Figures that draw while they compute: the worker streams partial results, the figure draws each
 * one (its root's data-frame says "partial" and its status says how far the run is), and the
 * finished run replaces them (data-frame "final", status done). Recorded from the page itself,
 * before any page script runs, so no change is missed.
 */

/** What each frame of a figure holds here: its status line and how many charts it drew. */
const FRAME_READINGS: FrameReadings = { texts: { text: '[data-status-text]' }, counts: { svgs: '.figure-stage svg' } };

interface DrawEntry {
  /** Which MutationObserver delivery saw it: changes made in one task arrive in one delivery. */
  batch: number;
  what: 'frame' | 'status-text' | 'sheet' | 'coastlines-removed';
  value: string;
}

/**
 * What drawing costs the page, counted rather than timed: each change of the figure's frame and
 * status line (by delivery, so two changes in one task show as one batch), every stylesheet that
 * enters or leaves the document (each makes the browser restyle the whole page), and every removal
 * of a drawn globe's coastlines.
 */
function recordDrawing(selector: string): void {
  const log: DrawEntry[] = [];
  let batch = 0;
  Object.assign(window, { __atlasDrawing: log });
  const hasSheet = (node: Node): boolean => node instanceof Element && (node.localName === 'style' || node.querySelector('style') !== null);
  const hasCoastlines = (node: Node): boolean => node instanceof Element && (node.matches('.sphere-globe-land') || node.querySelector('.sphere-globe-land') !== null);
  new MutationObserver((records) => {
    batch += 1;
    for (const record of records) {
      const target = record.target instanceof Element ? record.target : record.target.parentElement;
      if (record.type === 'attributes' && target?.matches(selector) === true && record.attributeName === 'data-frame') {
        log.push({ batch, what: 'frame', value: target.getAttribute('data-frame') ?? '' });
      }
      if (record.type !== 'childList') continue;
      if (target?.matches(`${selector} [data-status-text]`) === true) log.push({ batch, what: 'status-text', value: target.textContent ?? '' });
      for (const node of [...record.addedNodes, ...record.removedNodes]) if (hasSheet(node)) log.push({ batch, what: 'sheet', value: node.nodeName });
      for (const node of record.removedNodes) if (hasCoastlines(node)) log.push({ batch, what: 'coastlines-removed', value: '' });
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-frame'] });
}

/** Figures checked: slow enough at their defaults to stream before they finish. */
const CASES = [
  { page: '/chapters/speciation-and-collapse/', experiment: 'collapse' },
  { page: '/chapters/training-time/', experiment: 'training-samples' },
] as const;

describe.skipIf(skipE2E)('figures draw partial results before the final one', () => {
  const site = siteSession();

  for (const { page: path, experiment } of CASES) {
    it(`${experiment}: partial frames while it runs, then the final one`, async () => {
      const { page, problems } = await openPage(site.browser, { reducedMotion: true });
      try {
        const selector = `[data-widget][data-experiment="${experiment}"]`;
        const recorded = await recordFrameContents(page, selector, FRAME_READINGS);
        await page.goto(`${site.server.url}${path}`);
        expect(await waitForWidget(page, experiment, 120_000)).toBe('done');
        const log = await recorded();
        const frames = log.map((e) => e.frame);
        const firstFinal = frames.indexOf('final');
        expect(frames.indexOf('partial')).toBeGreaterThanOrEqual(0);
        expect(firstFinal).toBeGreaterThan(frames.indexOf('partial'));
        // nothing partial after the final result: a late partial is dropped
        expect(frames.slice(firstFinal).every((f) => f === 'final')).toBe(true);
        for (const partial of log.filter((e) => e.frame === 'partial')) {
          // a partial frame is drawn while the run goes on, and says so
          expect(partial.status).toBe('running');
          expect(partial.text).toMatch(/Drawing as it computes(, about \d+ s in all)?: \d+% done/);
          expect(partial.svgs).toBeGreaterThan(0);
        }
        expect(log[firstFinal]?.status).not.toBe('error');
        expect(problems).toEqual([]);
      } finally {
        await page.context().close();
      }
    }, 180_000);
  }

  it('Stop during a partial frame stops the run and keeps the partial figure', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    try {
      const selector = '[data-widget][data-experiment="training-samples"]';
      const recorded = await recordFrameContents(page, selector, FRAME_READINGS);
      await page.goto(`${site.server.url}/chapters/training-time/`);
      await page.locator(selector).scrollIntoViewIfNeeded();
      await page.waitForFunction((s) => document.querySelector(s)?.getAttribute('data-frame') === 'partial', selector, { timeout: 120_000 });
      await page.locator(`${selector} [data-stop]`).click();
      expect(await page.getAttribute(selector, 'data-status')).toBe('idle');
      // no final frame and no more partial ones arrive after Stop
      await page.waitForTimeout(1500);
      const frames = (await recorded()).map((e) => e.frame);
      expect(frames).not.toContain('final');
      const countAtStop = frames.length;
      await page.waitForTimeout(500);
      expect((await recorded()).length).toBe(countAtStop);
      expect(await page.getAttribute(selector, 'data-status')).toBe('idle');
      expect(await page.locator(`${selector} .figure-stage svg`).count()).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 180_000);

  it("digits: run again, the previous run's readout and summary are marked stale under the partial frames, and stay so when stopped", async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    try {
      const selector = '[data-widget][data-experiment="digits"]';
      const readout = `${selector} [data-readout]`;
      const summary = `${selector} [data-summary]`;
      const isStale = async (): Promise<boolean[]> => [
        await page.locator(readout).evaluate((e) => e.classList.contains('is-stale')),
        await page.locator(summary).evaluate((e) => e.classList.contains('is-stale')),
      ];
      await page.goto(`${site.server.url}/chapters/speciation-and-collapse/`);
      expect(await waitForWidget(page, 'digits', 120_000)).toBe('done');
      const finished = await page.locator(readout).textContent();
      const said = await page.locator(summary).textContent();
      expect(finished).not.toBe('');
      expect(said).not.toBe('');
      expect(await isStale()).toEqual([false, false]);
      for (const ending of ['final', 'stop'] as const) {
        await page.locator(`${selector} [data-run]`).click();
        // read in the same task that sees the partial frame: the run lasts about a second, and on a
        // loaded machine separate round trips could straddle its end
        const seen = await (
          await page.waitForFunction(
            ({ root, r, m }) => {
              if (document.querySelector(root)?.getAttribute('data-frame') !== 'partial') return false;
              const [a, b] = [document.querySelector(r), document.querySelector(m)];
              return { readout: a?.textContent ?? null, summary: b?.textContent ?? null, stale: [a?.classList.contains('is-stale') ?? false, b?.classList.contains('is-stale') ?? false] };
            },
            { root: selector, r: readout, m: summary },
            { timeout: 120_000 },
          )
        ).jsonValue();
        if (seen === false) throw new Error('no partial frame was seen');
        if (ending === 'stop') await page.locator(`${selector} [data-stop]`).click();
        // the digits' readout and summary wait for the end of the run: what they say is the previous run's
        expect(seen.readout).toBe(finished);
        expect(seen.summary).toBe(said);
        expect(seen.stale).toEqual([true, true]);
        if (ending === 'final') {
          expect(await waitForWidget(page, 'digits', 120_000)).toBe('done');
          expect(await isStale()).toEqual([false, false]);
        } else {
          expect(await page.getAttribute(selector, 'data-status')).toBe('idle');
          // the picture is the stopped run's partial frame, the words still the run before's
          expect(await page.getAttribute(selector, 'data-frame')).toBe('partial');
          expect(await page.locator(readout).textContent()).toBe(finished);
          expect(await page.locator(summary).textContent()).toBe(said);
          expect(await isStale()).toEqual([true, true]);
        }
      }
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 180_000);

  it('collapse: a later partial frame redraws only the charts whose data changed, where the first draws all four', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    try {
      await page.addInitScript(recordDom);
      // 2000 steps instead of 300: a backward run long enough for several partial frames whatever
      // the machine's speed (at the defaults a fast one may finish after the first)
      await page.goto(`${site.server.url}/embed/collapse/?steps=2000`);
      expect(await waitForWidget(page, 'collapse', 120_000)).toBe('done');
      const charts = chartsPerDrawing(await page.evaluate(drawingsOf, ['collapse']), await page.evaluate(domLog), 'partial:collapse');
      expect(charts.length).toBeGreaterThan(2);
      expect(charts[0]).toBe(4);
      // the trajectories while the backward run goes on, then the entropy points
      expect(charts.slice(1).some((n) => n < 4)).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 180_000);

  /** Figures with partial frames whose drawing is checked: two of the heaviest to draw. */
  const DRAWN = [
    { page: '/chapters/speciation-and-collapse/', experiment: 'collapse' },
    { page: '/chapters/manifolds-and-finite-time/', experiment: 'sphere' },
  ] as const;

  for (const { page: path, experiment } of DRAWN) {
    it(`${experiment}: run again, the status is shown before each later partial frame is drawn, and no stylesheet comes or goes`, async () => {
      const { page, problems } = await openPage(site.browser, { reducedMotion: true });
      try {
        const selector = `[data-widget][data-experiment="${experiment}"]`;
        await page.addInitScript(recordDrawing, selector);
        await page.goto(`${site.server.url}${path}`);
        expect(await waitForWidget(page, experiment, 120_000)).toBe('done');
        // the globe's coastlines arrive by fetch and are drawn once they have
        if (experiment === 'sphere') await page.waitForSelector(`${selector} .sphere-globe-land`);
        const from = await page.evaluate(() => (window as unknown as { __atlasDrawing: DrawEntry[] }).__atlasDrawing.length);
        await page.locator(`${selector} [data-run]`).click();
        await page.waitForFunction((s) => document.querySelector(s)?.getAttribute('data-frame') === 'partial', selector, { timeout: 120_000 });
        expect(await waitForWidget(page, experiment, 120_000)).toBe('done');
        const log = (await page.evaluate(() => (window as unknown as { __atlasDrawing: DrawEntry[] }).__atlasDrawing)).slice(from);
        // the run's first partial frame is drawn at once (it is what the reader waits for)
        const partials = log.filter((e) => e.what === 'frame' && e.value === 'partial').slice(1);
        expect(partials.length).toBeGreaterThan(0);
        for (const frame of partials) {
          // a later one is drawn in a task of its own, after the status line said how far the run is
          expect(log.some((e) => e.batch === frame.batch && e.what === 'status-text')).toBe(false);
          const before = log.filter((e) => e.what === 'status-text' && e.batch < frame.batch).at(-1);
          expect(before?.value).toMatch(/Drawing as it computes(, about \d+ s in all)?: \d+% done/);
        }
        // drawing a frame, partial or final, puts no stylesheet in the page nor takes one out
        expect(log.filter((e) => e.what === 'sheet')).toEqual([]);
        // the globe's coastlines stay while the walkers move over them
        expect(log.filter((e) => e.what === 'coastlines-removed')).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await page.context().close();
      }
    }, 180_000);
  }
});
