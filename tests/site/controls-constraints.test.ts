import { describe, expect, it } from 'vitest';
import { defaultsOf, estimateCost, experiments } from '@diffusion-atlas/core';
import { openPage, skipE2E, waitForWidget } from './harness.ts';
import { siteSession } from './site-session.ts';

/*
 * The controls against the experiments' rules, in Chromium on the built site: a value the rules
 * forbid cannot be reached from a slider, a toggle that breaks a rule is repaired with a visible
 * notice, a run that still fails shows the experiment's own message, and a long run says how long
 * it should take before it ends.
 */

const LR = '[data-widget][data-experiment="low-rank-mixture"]';
const SPHERE = '[data-widget][data-experiment="sphere"]';
const NAB = '[data-widget][data-experiment="noise-and-back"]';

describe.skipIf(skipE2E)('controls and the rules between parameters', () => {
  const site = siteSession();

  it('low-rank-mixture at d = 3: the K slider stops at 3 with orthogonal subspaces, and says why', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}/chapters/low-dimensional-structure/`);
    expect(await waitForWidget(page, 'low-rank-mixture')).toBe('done');
    const note = page.locator(`${LR} [data-limit-for="K"]`);
    expect(await note.isVisible()).toBe(true);
    // Core's rule with the values it holds fixed (r = 1, d = 3), not the refused K = 4.
    expect(await note.textContent()).toBe('At most 3 here: K·r ≤ d when orthogonal, with r = 1, d = 3, orthogonal = true');
    // From the default K = 2, three steps right by keyboard: 3, then 4 and 5 refused.
    const slider = page.locator(`${LR} input[name=K]`);
    await slider.focus();
    for (let i = 0; i < 3; i++) await slider.press('ArrowRight');
    expect(await page.textContent(`${LR} [data-readout-for="K"]`)).toBe('3');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('K') === '3');
    // A drag that lands on 6 is held at the bound too.
    await slider.evaluate((el) => {
      if (!(el instanceof HTMLInputElement)) return;
      el.value = '6';
      el.dispatchEvent(new Event('input', { bubbles: true }));
    });
    expect(await page.textContent(`${LR} [data-readout-for="K"]`)).toBe('3');
    expect(await slider.inputValue()).toBe('3');
    expect(await waitForWidget(page, 'low-rank-mixture')).toBe('done');
    expect(new URL(page.url()).searchParams.get('K')).toBe('3');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('turning orthogonal on with K = 4 at d = 3 repairs K to 3 with a notice that says why', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}/chapters/low-dimensional-structure/?orthogonal=false&K=4`);
    expect(await waitForWidget(page, 'low-rank-mixture')).toBe('done');
    // Without orthogonality K = 4 is allowed and nothing limits the slider.
    expect(await page.textContent(`${LR} [data-readout-for="K"]`)).toBe('4');
    expect(await page.isVisible(`${LR} [data-limit-for="K"]`)).toBe(false);
    await page.check(`${LR} input[name=orthogonal]`);
    const item = page.locator(`${LR} [data-notice] [data-notice-param="K"]`);
    await item.waitFor({ state: 'visible' });
    expect(await item.textContent()).toMatch(/orthogonal subspaces need K·r ≤ d \(got K·r = 4, d = 3\).*K 4 → 3/);
    expect(await page.textContent(`${LR} [data-notice] p`)).toMatch(/adjusted/);
    expect(await page.textContent(`${LR} [data-readout-for="K"]`)).toBe('3');
    expect(await page.isVisible(`${LR} [data-limit-for="K"]`)).toBe(true);
    expect(await waitForWidget(page, 'low-rank-mixture')).toBe('done');
    const url = new URL(page.url());
    expect(url.searchParams.get('K')).toBe('3');
    expect(url.searchParams.get('orthogonal')).toBeNull();
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('sphere with more earthquakes than the data holds apart: the figure shows the experiment’s own message beside n', async () => {
    const { page } = await openPage(site.browser, { reducedMotion: true });
    // n = 1000 is inside the schema's range (2…1000), but only about 440 epicentres are 0.25° apart.
    await page.goto(`${site.server.url}/chapters/manifolds-and-finite-time/?fig=sphere&n=1000#sphere`);
    expect(await waitForWidget(page, 'sphere', 120_000)).toBe('error');
    const own = /n = 1000 exceeds the \d+ epicentres at least 0\.25° apart in the data/;
    const beside = page.locator(`${SPHERE} [data-error-for="n"]`);
    expect(await beside.isVisible()).toBe(true);
    const message = (await beside.textContent()) ?? '';
    expect(message).toMatch(own);
    // The status line carries the same words, not a bare "failed".
    expect(await page.textContent(`${SPHERE} [data-status-text]`)).toBe(`The computation failed: ${message}`);
    // Placed beside its control, it is not repeated in the widget-wide error line.
    expect(await page.isVisible(`${SPHERE} [data-error]`)).toBe(false);
    await page.context().close();
  });

  it('noise-and-back with m = 1000, n = 2000: “about N s” in the status line before the result', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}/chapters/noise-and-back/?m=1000&n=2000`);
    await page.locator(NAB).scrollIntoViewIfNeeded();
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-estimate') !== null, NAB);
    // Read while the run is still going: the cost model's estimate is what the reader sees.
    const nab = experiments['noise-and-back'];
    const expected = Math.round(estimateCost(nab, { ...defaultsOf(nab.params), m: 1000, n: 2000 })?.seconds ?? Number.NaN);
    expect(expected).toBeGreaterThan(3);
    const { status, text } = await page.$eval(NAB, (el) => ({ status: el.getAttribute('data-status'), text: el.querySelector('[data-status-text]')?.textContent ?? '' }));
    expect(status).toBe('running');
    // before the run's first partial frame, and beside the share done once the frames come
    expect(text === `Computing, about ${expected} s…` || new RegExp(`^Drawing as it computes, about ${expected} s in all: \\d+% done…$`).test(text), text).toBe(true);
    await page.click(`${NAB} [data-stop]`);
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-status') === 'idle', NAB);
    // The default state is quick: no estimate is announced.
    await page.goto(`${site.server.url}/chapters/noise-and-back/`);
    expect(await waitForWidget(page, 'noise-and-back')).toBe('done');
    expect(await page.getAttribute(NAB, 'data-estimate')).toBeNull();
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
