import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { isLocalUrl, openPage, sitePages, skipE2E, waitForAllWidgets } from './harness.ts';
import { siteSession } from './site-session.ts';
import { FIRST_FIGURE_SCREENS, SITE_FACES, figureReport, loadedFaces, type FigureReport } from './reading-standard.ts';

/*
 * The reading standard of issue 13 over every chapter and embed of the build, at 1280 × 800:
 * figure text at least 11 px as rendered, no raw `_`/`^` markup in figures and widget prose, no two
 * labels of one figure overlapping, a figure within the first one and a half screens, and the
 * site's own text face loaded from the site itself. The last block injects each defect into a
 * page and sees the check fail, so none of them passes by construction.
 *
 * KNOWN lists the figures that miss the standard today, check by check; they run as expected
 * failures (it.fails), reported by name, and turn red the day a figure is fixed, so the list only
 * shrinks. Nothing is skipped.
 */

const WIDTH = 1280;
const HEIGHT = 800;
const PAGE_TIMEOUT = 240_000;
const pages = sitePages().filter((p) => p.startsWith('/chapters/') || p.startsWith('/embed/'));
/** Every violation, page by page, for the figures' authors: tests/.reports/reading-standard.json. */
const REPORT = join(import.meta.dirname, '../.reports/reading-standard.json');
const reports: Record<string, FigureReport> = {};

type Check = 'text size' | 'raw markup' | 'overlaps';
/**
 * Pages whose figures miss a check today, by check: the figure kit's work (issue 13). Measured on
 * the build of this commit; tests/.reports/reading-standard.json names every offending text.
 */
const KNOWN: Readonly<Record<Check, readonly string[]>> = {
  'text size': [],
  'raw markup': [],
  overlaps: [],
};

function violations(report: FigureReport, check: Check): string[] {
  if (check === 'text size') return report.smallText;
  if (check === 'raw markup') return report.rawMarkup;
  return report.overlaps;
}

async function settledPage(browser: Browser, url: string): Promise<{ page: Page; fontFiles: string[] }> {
  const { page } = await openPage(browser, { width: WIDTH, height: HEIGHT, reducedMotion: true });
  const fontFiles: string[] = [];
  page.on('response', (res) => {
    if (/\.woff2(\?|$)/.test(res.url()) && res.ok() && isLocalUrl(res.url())) fontFiles.push(res.url());
  });
  await page.goto(url);
  await waitForAllWidgets(page, PAGE_TIMEOUT / 2);
  await page.evaluate(() => window.scrollTo(0, 0));
  return { page, fontFiles };
}

describe.skipIf(skipE2E)('reading standard of chapters and embeds', () => {
  const site = siteSession();

  afterAll(() => {
    mkdirSync(join(REPORT, '..'), { recursive: true });
    writeFileSync(REPORT, `${JSON.stringify(reports, null, 2)}\n`);
  });

  it('finds the chapters and embeds in the build', () => {
    expect(pages.filter((p) => p.startsWith('/chapters/')).length).toBeGreaterThanOrEqual(5);
    expect(pages.some((p) => p.startsWith('/embed/'))).toBe(true);
  });

  describe.each(pages)('%s', (path) => {
    let report: FigureReport;
    let faces: string[];
    let fontFiles: string[];

    beforeAll(async () => {
      const settled = await settledPage(site.browser, `${site.server.url}${path}`);
      report = await figureReport(settled.page);
      reports[path] = report;
      faces = await loadedFaces(settled.page);
      fontFiles = settled.fontFiles;
      await settled.page.context().close();
    }, PAGE_TIMEOUT);

    for (const check of ['text size', 'raw markup', 'overlaps'] as const) {
      const known = KNOWN[check].includes(path);
      (known ? it.fails : it)(`${check}${known ? ' (known miss, widget kit)' : ''}`, () => {
        const found = violations(report, check);
        expect(found, found.slice(0, 12).join('\n')).toEqual([]);
      });
    }

    it(`shows a figure within the first ${FIRST_FIGURE_SCREENS} screens`, () => {
      expect(report.firstFigureTop).not.toBeNull();
      expect(report.firstFigureTop ?? Infinity).toBeLessThanOrEqual(FIRST_FIGURE_SCREENS * HEIGHT);
    });

    it('reads in the self-hosted text face, served by the site', () => {
      expect(faces.some((f) => SITE_FACES.test(f)), `loaded faces: ${faces.join(', ')}`).toBe(true);
      expect(fontFiles.length).toBeGreaterThan(0);
    });
  });

  describe('each check fails on its defect', () => {
    const chapter = '/chapters/speciation-and-collapse/';
    let page: Page;

    beforeAll(async () => {
      page = (await settledPage(site.browser, `${site.server.url}${chapter}`)).page;
    }, PAGE_TIMEOUT);

    afterAll(async () => {
      await page?.context().close();
    });

    /** Adds SVG text to the page's first diagram, in its own coordinates. */
    async function inject(markup: string): Promise<void> {
      await page.evaluate((m) => {
        const svg = document.querySelector('[data-diagram] svg');
        if (svg === null) throw new Error('no diagram to inject into');
        const g = document.createElementNS('http://www.w3.org/2000/svg', 'g');
        g.setAttribute('data-injected', '');
        g.innerHTML = m;
        svg.append(g);
      }, markup);
    }

    async function clear(): Promise<void> {
      await page.evaluate(() => {
        for (const el of document.querySelectorAll('[data-injected]')) el.remove();
      });
    }

    it('passes the diagram before anything is injected', async () => {
      const report = await figureReport(page);
      const ours = (lines: string[]): string[] => lines.filter((l) => l.startsWith('diagram '));
      const found = [...ours(report.smallText), ...ours(report.rawMarkup), ...ours(report.overlaps)];
      expect(found, found.join('\n')).toEqual([]);
    });

    it('sees text below 11 px', async () => {
      await inject('<text x="30" y="150" font-size="5">tiny</text>');
      expect((await figureReport(page)).smallText.some((l) => l.includes('tiny'))).toBe(true);
      await clear();
    });

    it('sees raw subscript and superscript markup', async () => {
      await inject('<text x="30" y="150" font-size="14">τ_gen</text><text x="200" y="150" font-size="14">e^−s</text>');
      const raw = (await figureReport(page)).rawMarkup;
      expect(raw.some((l) => l.includes('τ_gen'))).toBe(true);
      expect(raw.some((l) => l.includes('e^−s'))).toBe(true);
      await clear();
    });

    it('sees two labels on top of each other', async () => {
      await inject('<text x="150" y="150" font-size="14">first label</text><text x="160" y="152" font-size="14">second label</text>');
      expect((await figureReport(page)).overlaps.some((l) => l.includes('first label') && l.includes('second label'))).toBe(true);
      await clear();
    });

    it('sees a first figure pushed below one and a half screens', async () => {
      await page.evaluate(() => {
        const spacer = document.createElement('div');
        spacer.setAttribute('data-injected', '');
        spacer.style.height = '2000px';
        document.querySelector('.chapter-head')?.after(spacer);
      });
      const report = await figureReport(page);
      expect(report.firstFigureTop ?? 0).toBeGreaterThan(FIRST_FIGURE_SCREENS * HEIGHT);
      await clear();
    });

    it('sees a page whose text faces never arrive', async () => {
      const { page: bare } = await openPage(site.browser, { width: WIDTH, height: HEIGHT });
      await bare.route(/\.woff2(\?|$)/, (route) => route.abort());
      await bare.goto(`${site.server.url}${chapter}`);
      expect((await loadedFaces(bare)).some((f) => SITE_FACES.test(f))).toBe(false);
      await bare.context().close();
    });
  });
});
