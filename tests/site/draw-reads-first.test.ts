import { describe, expect, it } from 'vitest';
import { openPage, skipE2E, waitForAllWidgets } from './harness.ts';
import { siteSession } from './site-session.ts';

/*
 * A figure's drawing holds the page's main thread, so the progress bar of a run cannot move while
 * it lasts. Two costs that made drawings long, counted rather than timed:
 * - reading an element's width after a chart was replaced in the same drawing forces the browser to
 *   lay out the page again (10–25 ms each on a chapter page); a view reads its widths first;
 * - collapse redrew all four of its charts in every partial frame, three of them unchanged, and
 *   width-threshold its precomputed fine map, which a run does not change;
 * - curse's heat map painted its ~50 000 cells with one canvas fillRect each; it now writes them
 *   into the canvas's pixels (the same pixels: screenshots before and after are byte-identical).
 */

interface DomEvent {
  kind: 'read' | 'write' | 'fillRect';
  t: number;
  /** A write that put a chart (or a chart's placeholder) into a figure's plot area. */
  chart?: boolean;
  /** The classes of the figure panel written to, if any. */
  panel?: string;
}

/** Installed before any page script: every width read, every child replacement, every fillRect. */
function recordDom(): void {
  const log: DomEvent[] = [];
  Object.assign(window, { __atlasDom: log });
  const width = Object.getOwnPropertyDescriptor(Element.prototype, 'clientWidth');
  const getter = width?.get;
  if (getter !== undefined) {
    Object.defineProperty(Element.prototype, 'clientWidth', {
      ...width,
      get(this: Element) {
        log.push({ kind: 'read', t: performance.now() });
        return getter.call(this) as number;
      },
    });
  }
  const replace = Element.prototype.replaceChildren;
  Element.prototype.replaceChildren = function (this: Element, ...nodes: (Node | string)[]) {
    const chart = this.classList.contains('figure-plot') && nodes.some((n) => n instanceof Element && (n.localName === 'svg' || n.querySelector('svg') !== null));
    log.push({ kind: 'write', t: performance.now(), chart, panel: this.closest('.figure-panel')?.className });
    replace.apply(this, nodes);
  };
  const fillRect = CanvasRenderingContext2D.prototype.fillRect;
  CanvasRenderingContext2D.prototype.fillRect = function (this: CanvasRenderingContext2D, x: number, y: number, w: number, h: number) {
    log.push({ kind: 'fillRect', t: performance.now() });
    fillRect.call(this, x, y, w, h);
  };
}

interface Drawing {
  name: string;
  start: number;
  end: number;
}

/** Every chapter page, with every experiment whose figure it shows. */
const CASES = [
  { page: '/chapters/noise-and-back/', experiments: ['noise-and-back'] },
  { page: '/chapters/training-time/', experiments: ['training-window', 'training-samples', 'width-threshold'] },
  { page: '/chapters/speciation-and-collapse/', experiments: ['speciation', 'collapse', 'curse', 'digits'] },
  { page: '/chapters/manifolds-and-finite-time/', experiments: ['manifold', 'sphere', 'bridge'] },
  { page: '/chapters/low-dimensional-structure/', experiments: ['low-rank-mixture', 'subspace-transition', 'subspace-editing', 'reproducibility'] },
  { page: '/chapters/diffusion-for-physics/', experiments: ['curie-weiss', 'gaussian-field', 'ising-2d'] },
] as const;

/** The page's `atlas:draw:` measures of one experiment's drawings, partial and final. */
function drawingsOf(names: readonly string[]): Drawing[] {
  const drawn: Drawing[] = [];
  for (const name of names) {
    for (const what of ['partial', 'final']) {
      for (const entry of performance.getEntriesByName(`atlas:draw:${what}:${name}`)) {
        drawn.push({ name: `${what}:${name}`, start: entry.startTime, end: entry.startTime + entry.duration });
      }
    }
  }
  return drawn;
}

describe.skipIf(skipE2E)('a figure’s drawing reads the page’s layout once', () => {
  const site = siteSession();

  for (const { page: path, experiments } of CASES) {
    it(`${experiments.join(', ')}: no width is read after a chart was replaced in the same drawing`, async () => {
      const { page } = await openPage(site.browser, { reducedMotion: true });
      try {
        await page.addInitScript(recordDom);
        await page.goto(`${site.server.url}${path}`);
        await waitForAllWidgets(page, 120_000);
        const drawings = await page.evaluate(drawingsOf, experiments as readonly string[]);
        const log = await page.evaluate(() => (window as unknown as { __atlasDom: DomEvent[] }).__atlasDom);
        for (const name of experiments) expect(drawings.some((d) => d.name === `final:${name}`)).toBe(true);
        // every drawing's outcome, gathered first so that a failure names every view that breaks the rule
        const outcomes = drawings.map((drawing) => {
          const inside = log.filter((e) => e.t >= drawing.start && e.t <= drawing.end);
          if (drawing.name.endsWith(':width-threshold')) {
            // its first drawing replaces the placeholder with its panels before it can read their
            // widths: then all its reads come together, one layout, never a read after a chart
            const forced = inside.filter((e, i) => e.kind === 'read' && inside[i - 1]?.kind === 'write').length;
            const firstChart = inside.findIndex((e) => e.kind === 'write' && e.chart === true);
            const readsAfterChart = firstChart < 0 ? 0 : inside.slice(firstChart).filter((e) => e.kind === 'read').length;
            return { drawing: drawing.name, oneLayout: forced <= 1, readsAfterChart };
          }
          const firstWrite = inside.findIndex((e) => e.kind === 'write');
          const readsAfter = firstWrite < 0 ? 0 : inside.slice(firstWrite).filter((e) => e.kind === 'read').length;
          return { drawing: drawing.name, readsAfter };
        });
        const expected = outcomes.map(({ drawing }) => (drawing.endsWith(':width-threshold') ? { drawing, oneLayout: true, readsAfterChart: 0 } : { drawing, readsAfter: 0 }));
        expect(outcomes).toEqual(expected);
        for (const drawing of drawings.filter((d) => d.name === 'final:curse')) {
          const fillRects = log.filter((e) => e.kind === 'fillRect' && e.t >= drawing.start && e.t <= drawing.end);
          expect(fillRects.length).toBeLessThan(1000);
        }
        // collapse's later partial frames redraw only the charts whose data changed (the
        // trajectories while the backward run goes on, then the entropy points), where its first
        // one draws all four
        const collapseFrames = drawings.filter((d) => d.name === 'partial:collapse').sort((a, b) => a.start - b.start);
        const replaced = collapseFrames.map((d) => log.filter((e) => e.kind === 'write' && e.chart === true && e.t >= d.start && e.t <= d.end).length);
        if ((experiments as readonly string[]).includes('collapse')) {
          expect(replaced.length).toBeGreaterThan(2);
          expect(replaced[0]).toBe(4);
          // the frame where the backward run ends and the first entropy point lands changes all four
          expect(replaced.slice(1).some((count) => count < 4)).toBe(true);
        }
      } finally {
        await page.context().close();
      }
    }, 180_000);
  }

  it('width-threshold run again: the partial frames redraw the live maps, not the precomputed fine map', async () => {
    const { page } = await openPage(site.browser, { reducedMotion: true });
    try {
      const selector = '[data-widget][data-experiment="width-threshold"]';
      await page.addInitScript(recordDom);
      await page.goto(`${site.server.url}/chapters/training-time/`);
      await waitForAllWidgets(page, 120_000);
      await page.waitForSelector(`${selector} .width-threshold-fine-map`);
      const since = await page.evaluate(() => performance.now());
      await page.locator(`${selector} [data-run]`).click();
      await page.waitForFunction((s) => document.querySelector(s)?.getAttribute('data-frame') === 'partial', selector, { timeout: 120_000 });
      await page.waitForFunction((s) => document.querySelector(s)?.getAttribute('data-status') === 'done', selector, { timeout: 120_000 });
      const drawings = await page.evaluate(drawingsOf, ['width-threshold']);
      const log = await page.evaluate(() => (window as unknown as { __atlasDom: DomEvent[] }).__atlasDom);
      const partials = drawings.filter((d) => d.name === 'partial:width-threshold' && d.start > since);
      expect(partials.length).toBeGreaterThan(0);
      for (const d of partials) {
        const writes = log.filter((e) => e.kind === 'write' && e.chart === true && e.t >= d.start && e.t <= d.end);
        expect(writes.filter((e) => e.panel?.includes('width-threshold-live') === true).length).toBe(3);
        expect(writes.filter((e) => e.panel?.includes('width-threshold-fine') === true).length).toBe(0);
      }
    } finally {
      await page.context().close();
    }
  }, 180_000);
});
