import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { servePreview, type PreviewSite } from '../bench/browser-preview.ts';
import { axe, axeViolations } from './axe-pass.ts';
import { domLog, drawingsOf, drawOutcomes, expectedOutcome, fillRectsPerDrawing, recordDom, type DrawOutcome } from './draw-record.ts';
import { isLocalUrl, launchBrowser, openPage, waitForAllWidgets } from './harness.ts';
import { layoutReport, openAllDetails, screensDir, type LayoutReport } from './layout-check.ts';
import { printedAsExpected, printedPage, type PrintedPage } from './print-check.ts';
import { FIRST_FIGURE_SCREENS, SITE_FACES, figureReport, loadedFaces, type FigureReport } from './reading-standard.ts';

/*
 * One visit per page at 1280 × 800, on the server `npm start` runs (astro preview, with its
 * cross-origin isolation headers), and every whole-page check made on that one load: isolation and
 * every figure computing, print before and after the figures ran, how each drawing used the
 * layout, the reading standard (figure text size, raw markup, overlaps, a figure in the first
 * screens, the site's text face), layout and 44 px targets, axe in light and dark, and layout and
 * targets again once the page is narrowed to a phone's width (a fresh load at that width is
 * reading.test.ts's, on one chapter and one embed). Computing
 * every figure of a long chapter takes seconds, and the checks used to load each page once apiece.
 * Each check stays its own test, named per page, reading the visit's record; the checks' own
 * tests (each sees its planted defect) are in reading.test.ts and reading-standard.test.ts.
 */

export const TOUR_WIDTH = 1280;
export const TOUR_HEIGHT = 800;
/** A phone's width, where the page is checked again after it is narrowed to it. */
export const PHONE_WIDTH = 375;
/** A long chapter computes every figure and runs two axe passes; slow, shared machines need the room. */
const VISIT_TIMEOUT = 240_000;

export interface DrawingRecord {
  experiments: string[];
  outcomes: DrawOutcome[];
  curseFillRects: number[];
}

export interface PageVisit {
  path: string;
  isolated: boolean;
  /** Every widget's experiment and status after the page settled, in page order. */
  widgets: Array<{ experiment: string; status: string }>;
  printBefore: PrintedPage;
  printAfter: PrintedPage;
  postersLeft: number;
  drawing: DrawingRecord;
  figures: FigureReport;
  faces: string[];
  fontFiles: string[];
  layout: LayoutReport;
  /** The same page narrowed to a phone's width: every figure redraws from what it holds. */
  phone: LayoutReport;
  iframes: number;
  axeLight: string[];
  axeDark: string[];
  /** Console errors and warnings, page errors, failed and off-site requests, HTTP errors. */
  problems: string[];
}

async function followTheme(page: Page, scheme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  // the pages follow the system setting when the reader has not chosen
  await page.waitForFunction((s) => document.documentElement.dataset['theme'] === s, scheme);
}

/** Loads `path` once and makes every check's measurement on it, in an order where none disturbs the next. */
export async function visitPage(browser: Browser, siteUrl: string, path: string): Promise<PageVisit> {
  const { page, problems } = await openPage(browser, { width: TOUR_WIDTH, height: TOUR_HEIGHT, reducedMotion: true, colorScheme: 'dark' });
  try {
    const fontFiles: string[] = [];
    page.on('response', (res) => {
      if (/\.woff2(\?|$)/.test(res.url()) && res.ok() && isLocalUrl(res.url())) fontFiles.push(res.url());
    });
    await page.addInitScript(recordDom);
    await page.goto(`${siteUrl}${path}`);
    const isolated = await page.evaluate(() => globalThis.crossOriginIsolated);
    // a reader in the dark theme prints before any figure has started: posters on white paper; the
    // page stays dark through the checks that read no colour, so the figures redraw for a theme once
    await followTheme(page, 'dark');
    const printBefore = await printedPage(page);
    await waitForAllWidgets(page, VISIT_TIMEOUT / 2);
    const widgets = await page.$$eval('[data-widget]', (els) => els.map((e) => ({ experiment: e.getAttribute('data-experiment') ?? '?', status: e.getAttribute('data-status') ?? '?' })));

    // every experiment on the page, once, in page order
    const experiments = [...new Set(widgets.map((w) => w.experiment))];
    const drawings = await page.evaluate(drawingsOf, experiments);
    const log = await page.evaluate(domLog);
    const drawing: DrawingRecord = {
      experiments: experiments.filter((e) => drawings.some((d) => d.name === `final:${e}`)),
      outcomes: drawOutcomes(drawings, log),
      curseFillRects: fillRectsPerDrawing(drawings, log, 'final:curse'),
    };

    await page.evaluate(() => window.scrollTo(0, 0));
    const figures = await figureReport(page);
    const faces = await loadedFaces(page);
    const printAfter = await printedPage(page);
    const postersLeft = await page.locator('[data-poster]').count();
    await openAllDetails(page);
    const axeDark = await axeViolations(axe(page).withRules(['color-contrast', 'link-in-text-block']));

    await followTheme(page, 'light');
    const layout = await layoutReport(page, path, TOUR_WIDTH);
    const iframes = await page.locator('iframe').count();
    const axeLight = await axeViolations(axe(page));

    await page.setViewportSize({ width: PHONE_WIDTH, height: TOUR_HEIGHT });
    // the figures redraw in their resize observers, before the next frame is painted
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const phone = await layoutReport(page, path, PHONE_WIDTH);
    return { path, isolated, widgets, printBefore, printAfter, postersLeft, drawing, figures, faces, fontFiles, layout, phone, iframes, axeLight, axeDark, problems };
  } finally {
    await page.context().close();
  }
}

/**
 * The tour's tests for `pages`, one describe block per page. Visits are written to
 * tests/.reports/page-tour-<name>.json (every offending text, page by page, for the figures' authors).
 */
export function pageTour(name: string, pages: readonly string[]): void {
  const report = join(import.meta.dirname, `../.reports/page-tour-${name}.json`);
  const visits: Record<string, PageVisit> = {};
  let site: PreviewSite | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    mkdirSync(screensDir, { recursive: true });
    site = await servePreview();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    mkdirSync(join(report, '..'), { recursive: true });
    writeFileSync(report, `${JSON.stringify(visits, null, 2)}\n`);
  });

  describe.each(pages)('%s', (path) => {
    const isChapter = path.startsWith('/chapters/');
    const isFigurePage = isChapter || path.startsWith('/embed/');
    let visit: PageVisit;

    beforeAll(async () => {
      if (site === undefined || browser === undefined) throw new Error('the tour starts its server and browser first');
      visit = await visitPage(browser, site.url, path);
      visits[path] = visit;
    }, VISIT_TIMEOUT);

    it('under the isolation headers: isolated, every figure computes, nothing blocked or requested off-site, no console problem', () => {
      expect(visit.isolated).toBe(true);
      expect(visit.widgets.filter((w) => w.status !== 'done')).toEqual([]);
      if (isFigurePage) expect(visit.widgets.length).toBeGreaterThan(0);
      expect(visit.problems).toEqual([]);
    });

    it(`fits ${TOUR_WIDTH} px, every control a 44 px target whose options show whole (screenshot in tests/.screens)`, () => {
      expect(visit.layout.overflow, `${path} is wider than the screen`).toBeLessThanOrEqual(0);
      expect(visit.layout.smallTargets).toEqual([]);
      expect(visit.layout.clippedOptions).toEqual([]);
    });

    it(`fits ${PHONE_WIDTH} px once narrowed to it, every control a 44 px target whose options show whole (screenshot in tests/.screens)`, () => {
      expect(visit.phone.overflow, `${path} is wider than a phone's screen`).toBeLessThanOrEqual(0);
      expect(visit.phone.smallTargets).toEqual([]);
      expect(visit.phone.clippedOptions).toEqual([]);
    });

    it('axe finds no violation, light and dark (and frames no document, which axe would skip)', () => {
      expect(visit.iframes).toBe(0);
      expect(visit.axeLight).toEqual([]);
      expect(visit.axeDark).toEqual([]);
    });

    if (!isFigurePage) return;

    it('figure text at least 11 px as drawn', () => {
      expect(visit.figures.smallText, visit.figures.smallText.slice(0, 12).join('\n')).toEqual([]);
    });

    it('no raw subscript or superscript markup in figures', () => {
      expect(visit.figures.rawMarkup, visit.figures.rawMarkup.slice(0, 12).join('\n')).toEqual([]);
    });

    it('no two labels of a figure overlap', () => {
      expect(visit.figures.overlaps, visit.figures.overlaps.slice(0, 12).join('\n')).toEqual([]);
    });

    it(`shows a figure within the first ${FIRST_FIGURE_SCREENS} screens`, () => {
      expect(visit.figures.firstFigureTop).not.toBeNull();
      expect(visit.figures.firstFigureTop ?? Infinity).toBeLessThanOrEqual(FIRST_FIGURE_SCREENS * TOUR_HEIGHT);
    });

    it('reads in the self-hosted text face, served by the site', () => {
      expect(visit.faces.some((f) => SITE_FACES.test(f)), `loaded faces: ${visit.faces.join(', ')}`).toBe(true);
      expect(visit.fontFiles.length).toBeGreaterThan(0);
    });

    if (!isChapter) return;

    it('in print, before and after the figures ran: white paper, every widget a static figure with caption and permalink, no controls', () => {
      for (const printed of [visit.printBefore, visit.printAfter]) {
        expect(printed.paper).toBe('rgb(255, 255, 255)');
        expect(printed.widgets.length).toBeGreaterThan(0);
        expect(printed.widgets).toEqual(printed.widgets.map(printedAsExpected));
      }
      expect(visit.postersLeft).toBe(0);
    });

    it('every figure drew, and none read a width after a chart was replaced in the same drawing', () => {
      expect(visit.drawing.experiments).toEqual([...new Set(visit.widgets.map((w) => w.experiment))]);
      expect(visit.drawing.outcomes).toEqual(visit.drawing.outcomes.map(expectedOutcome));
      for (const fills of visit.drawing.curseFillRects) expect(fills).toBeLessThan(1000);
      // (collapse's later partial frames, which redraw only the charts whose data changed, are
      // checked in partial-frames.test.ts on a run long enough to have several on any machine)
    });
  });
}
