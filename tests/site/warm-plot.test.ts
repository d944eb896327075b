import { describe, expect, it } from 'vitest';
import { openPage, skipE2E, waitForWidget } from './harness.ts';
import { siteSession } from './site-session.ts';

/*
 * A page whose figures are further down warms Observable Plot's code while it is idle
 * (kit/warm-plot.ts, started from mount-all.ts): two small charts drawn off the page, so the first
 * figure the reader scrolls to is not drawn by cold code. It must happen, leave nothing on the
 * page, and break nothing.
 */
describe.skipIf(skipE2E)('warming the drawing code while the page is idle', () => {
  const site = siteSession();

  it('draws its charts off the page before the first figure is reached, and the figure then draws as usual', async () => {
    const { page, problems } = await openPage(site.browser, { width: 1280 });
    await page.goto(`${site.server.url}/chapters/training-time/`);
    const svgsBefore = await page.evaluate(() => document.querySelectorAll('svg').length);
    await page.waitForFunction(() => performance.getEntriesByName('atlas:warm-plot').length === 1, undefined, { timeout: 30_000 });
    // nothing was attached, and no figure had started: the warm-up ran on an idle page
    expect(await page.evaluate(() => document.querySelectorAll('svg').length)).toBe(svgsBefore);
    expect(await page.evaluate(() => [...document.querySelectorAll('[data-widget]')].filter((el) => el.hasAttribute('data-frame')).length)).toBe(0);
    await page.$eval('[data-experiment="training-window"]', (el) => el.scrollIntoView());
    await waitForWidget(page, 'training-window', 60_000);
    expect(await page.evaluate(() => document.querySelectorAll('[data-experiment="training-window"] .figure-stage svg').length)).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 90_000);
});
