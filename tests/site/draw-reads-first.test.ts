import { describe, expect, it } from 'vitest';
import { domLog, drawingsOf, recordDom } from './draw-record.ts';
import { openPage, skipE2E, waitForWidget } from './harness.ts';
import { siteSession } from './site-session.ts';

/*
 * How each drawing uses the page's layout (draw-record.ts) is judged on every chapter by the page
 * tour (page-tour.ts), on the drawings of the page's first run. A second run is another case:
 * width-threshold keeps its precomputed fine map and redraws only its live maps.
 */

describe.skipIf(skipE2E)('a figure’s drawing reads the page’s layout once', () => {
  const site = siteSession();

  it('width-threshold run again: the partial frames redraw the live maps, not the precomputed fine map', async () => {
    const { page } = await openPage(site.browser, { reducedMotion: true });
    try {
      const selector = '[data-widget][data-experiment="width-threshold"]';
      await page.addInitScript(recordDom);
      await page.goto(`${site.server.url}/chapters/training-time/`);
      await waitForWidget(page, 'width-threshold', 120_000);
      await page.waitForSelector(`${selector} .width-threshold-fine-map`);
      const since = await page.evaluate(() => performance.now());
      await page.locator(`${selector} [data-run]`).click();
      await page.waitForFunction((s) => document.querySelector(s)?.getAttribute('data-frame') === 'partial', selector, { timeout: 120_000 });
      await page.waitForFunction((s) => document.querySelector(s)?.getAttribute('data-status') === 'done', selector, { timeout: 120_000 });
      const drawings = await page.evaluate(drawingsOf, ['width-threshold']);
      const log = await page.evaluate(domLog);
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
