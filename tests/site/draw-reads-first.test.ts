import { describe, expect, it } from 'vitest';
import { openPage, skipE2E, waitForAllWidgets } from './harness.ts';
import { siteSession } from './site-session.ts';

/*
 * A figure's drawing holds the page's main thread, so the progress bar of a run cannot move while
 * it lasts. Two costs that made drawings long, counted rather than timed:
 * - reading an element's width after a chart was replaced in the same drawing forces the browser to
 *   lay out the page again (10–25 ms each on a chapter page); a view reads its widths first;
 * - collapse redrew all four of its charts in every partial frame, three of them unchanged;
 * - curse's heat map painted its ~50 000 cells with one canvas fillRect each; it now writes them
 *   into the canvas's pixels (the same pixels: screenshots before and after are byte-identical).
 */

interface DomEvent {
  kind: 'read' | 'write' | 'fillRect';
  t: number;
  /** A write that put a chart (or a chart's placeholder) into a figure's plot area. */
  chart?: boolean;
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
    log.push({ kind: 'write', t: performance.now(), chart });
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

const CASES = [
  { page: '/chapters/speciation-and-collapse/', experiments: ['collapse', 'curse'] },
  { page: '/chapters/diffusion-for-physics/', experiments: ['gaussian-field'] },
] as const;

describe.skipIf(skipE2E)('a figure’s drawing reads the page’s layout once', () => {
  const site = siteSession();

  for (const { page: path, experiments } of CASES) {
    it(`${experiments.join(', ')}: no width is read after a chart was replaced in the same drawing`, async () => {
      const { page } = await openPage(site.browser, { reducedMotion: true });
      try {
        await page.addInitScript(recordDom);
        await page.goto(`${site.server.url}${path}`);
        await waitForAllWidgets(page, 120_000);
        const { log, drawings } = await page.evaluate((names) => {
          const drawn: Drawing[] = [];
          for (const name of names) {
            for (const what of ['partial', 'final']) {
              for (const entry of performance.getEntriesByName(`atlas:draw:${what}:${name}`)) {
                drawn.push({ name: `${what}:${name}`, start: entry.startTime, end: entry.startTime + entry.duration });
              }
            }
          }
          return { log: (window as unknown as { __atlasDom: DomEvent[] }).__atlasDom, drawings: drawn };
        }, experiments as readonly string[]);
        for (const name of experiments) expect(drawings.some((d) => d.name === `final:${name}`)).toBe(true);
        for (const drawing of drawings) {
          const inside = log.filter((e) => e.t >= drawing.start && e.t <= drawing.end);
          const firstWrite = inside.findIndex((e) => e.kind === 'write');
          const readsAfter = firstWrite < 0 ? 0 : inside.slice(firstWrite).filter((e) => e.kind === 'read').length;
          expect({ drawing: drawing.name, readsAfter }).toEqual({ drawing: drawing.name, readsAfter: 0 });
          if (drawing.name === 'final:curse') expect(inside.filter((e) => e.kind === 'fillRect').length).toBeLessThan(1000);
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
});
