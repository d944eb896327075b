import { mkdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axe, axeViolations } from './axe-pass.ts';
import { openPage, sitePages, skipE2E, waitForAllWidgets, waitForWidget } from './harness.ts';
import { layoutReport, openAllDetails, screensDir } from './layout-check.ts';
import { siteSession } from './site-session.ts';

/*
 * The axe pass's own check, a page opened at a phone's width, and the reader's paths through a
 * page: keyboard, downloads, exercises, citations. The checks of every page the build produced
 * (axe light and dark, layout at desktop and phone widths, off-site requests) run on the page
 * tour's one visit per page (page-tour.ts), as the site serves it under its isolation headers.
 */

const pages = sitePages();
/**
 * Every page is checked at a phone's width on the page tour, narrowed from the desktop width; a
 * page opened at that width from the start is checked here, a chapter and an embed, so a figure
 * that lays itself out differently on its first drawing than on a redraw is still seen.
 */
const freshAtPhoneWidth = ['/chapters/noise-and-back/', '/embed/noise-and-back/'];
/** A long chapter runs all its figures; slow, shared machines need the room. */
const PAGE_TIMEOUT = 120_000;

/** Press Tab (or Shift+Tab) until `selector` has focus; fails after `max` presses instead of hanging. */
async function tabTo(page: Page, selector: string, key: 'Tab' | 'Shift+Tab' = 'Tab', max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`${key} never reached ${selector}`);
}

describe.skipIf(skipE2E)('reading infrastructure on every page', () => {
  const site = siteSession();

  beforeAll(() => {
    mkdirSync(screensDir, { recursive: true });
  });

  it('finds the pages to check in the build', () => {
    expect(pages).toContain('/');
    expect(pages.some((p) => p.startsWith('/chapters/'))).toBe(true);
    expect(pages.some((p) => p.startsWith('/embed/'))).toBe(true);
    for (const path of freshAtPhoneWidth) expect(pages).toContain(path);
  });

  it('the axe pass of the page tour reports what it should: a planted image without text and faint text fail it', async () => {
    const { page } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}/`);
    await page.evaluate(() => {
      const main = document.querySelector('main') ?? document.body;
      main.insertAdjacentHTML('beforeend', '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="40" height="40"><p style="color:#ddd;background:#fff">faint words</p>');
    });
    const found = await axeViolations(axe(page));
    expect(found.map((line) => line.slice(0, line.indexOf(' ')))).toEqual(expect.arrayContaining(['image-alt', 'color-contrast']));
    await page.context().close();
  });

  it('the layout check reports what it should: a drop-down too narrow for one of its options, and only that one', async () => {
    const { page } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}/`);
    await page.evaluate(() => {
      const main = document.querySelector('main') ?? document.body;
      // The site's own select style, in a box narrower than the long option; the short select fits.
      main.insertAdjacentHTML(
        'beforeend',
        '<div class="control" style="width:160px"><select name="planted" style="width:100%;min-height:44px"><option>short</option><option>a rather longer option than fits</option></select></div>' +
          '<div class="control" style="width:300px"><select name="fits" style="width:100%;min-height:44px"><option>short</option></select></div>',
      );
    });
    const layout = await layoutReport(page, '/planted-select', 1280);
    expect(layout.clippedOptions).toHaveLength(1);
    expect(layout.clippedOptions[0]).toMatch(/^select\[name=planted\] “a rather longer option than fits” needs \d+ px of \d+$/);
    await page.context().close();
  });

  it.each(freshAtPhoneWidth)('%s opened at 375 px: no horizontal overflow, every control a 44 px target (screenshot in tests/.screens)', async (path) => {
    const { page, problems } = await openPage(site.browser, { width: 375, reducedMotion: true });
    await page.goto(`${site.server.url}${path}`);
    await waitForAllWidgets(page);
    await openAllDetails(page);
    const layout = await layoutReport(page, path, 375);
    expect(layout.overflow, `${path} at 375 px is wider than the screen`).toBeLessThanOrEqual(0);
    expect(layout.smallTargets, `${path} at 375 px: controls smaller than 44 px`).toEqual([]);
    expect(layout.clippedOptions, `${path} at 375 px: drop-down options cut off`).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  }, PAGE_TIMEOUT);

  it('keyboard only: tab to the widget, change a parameter, run, stop, read the summary', async () => {
    const chapter = pages.find((p) => p === '/chapters/noise-and-back/');
    expect(chapter).toBeDefined();
    const W = '[data-widget][data-experiment="noise-and-back"]';
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}${chapter}?n=30&m=40&steps=60`);
    await waitForWidget(page, 'noise-and-back');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('body').focus();

    // Tab from the top of the page to the score control; every stop on the way shows where focus is.
    await tabTo(page, `${W} select[name=score]`, 'Tab', 120);
    expect(await page.evaluate(() => getComputedStyle(document.activeElement ?? document.body).outlineStyle)).not.toBe('none');

    // Change a parameter: the empirical score becomes the exact one.
    await page.keyboard.press('ArrowUp');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('score') === 'exact');
    await page.waitForSelector(`${W}[data-status="done"]`);
    expect(await page.textContent(`${W} [data-summary]`)).toMatch(/exact score/);

    // Make the problem large from the keyboard, then stop it with Escape while focus is in the widget.
    for (const name of ['n', 'm', 'steps']) {
      await tabTo(page, `${W} input[name=${name}]`);
      await page.keyboard.press('End');
    }
    await page.waitForSelector(`${W}[data-status="running"] [data-stop]:not([disabled])`);
    await page.keyboard.press('Escape');
    await page.waitForSelector(`${W}[data-status="idle"]`);
    expect(await page.textContent(`${W} [data-status-text]`)).toMatch(/Stopped/);

    // Back to a small problem, then Run from its button.
    for (const name of ['steps', 'm', 'n']) {
      await tabTo(page, `${W} input[name=${name}]`, 'Shift+Tab');
      await page.keyboard.press('Home');
    }
    await page.waitForSelector(`${W}[data-status="done"]`);
    await tabTo(page, `${W} [data-run]`);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${W}[data-status="done"]`);

    // The summary is a polite live region and says what the figure shows.
    expect(await page.getAttribute(`${W} [data-summary]`, 'aria-live')).toBe('polite');
    expect(await page.textContent(`${W} [data-summary]`)).toMatch(/1 trajectories|of 1 trajector/);
    expect(await page.getAttribute(`${W} [data-plot] svg`, 'role')).toBe('img');
    expect(await page.getAttribute(`${W} [data-plot] svg`, 'aria-label')).toMatch(/Scatter plot/);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('every download carries the seed and the parameters: PNG, SVG, CSV, JSON', async () => {
    const W = '[data-widget][data-experiment="noise-and-back"]';
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}/chapters/noise-and-back/?n=30&m=40&steps=60&seed=5`);
    await waitForWidget(page, 'noise-and-back');
    await page.click(`${W} [data-export-menu] > summary`);
    const files: Record<string, Buffer> = {};
    for (const format of ['png', 'svg', 'csv', 'json']) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`${W} [data-export="${format}"]`)]);
      expect(download.suggestedFilename()).toBe(`noise-and-back-seed5.${format}`);
      const path = await download.path();
      files[format] = readFileSync(path);
    }
    const json = JSON.parse(files['json']?.toString('utf8') ?? '{}') as Record<string, unknown>;
    expect(json['experiment']).toBe('noise-and-back');
    expect(json['seed']).toBe(5);
    expect(json['params']).toMatchObject({ n: 30, m: 40, steps: 60, seed: 5 });
    expect(json['command']).toBe('npx diffusion-atlas run noise-and-back --n 30 --m 40 --steps 60 --seed 5');
    expect(String(json['permalink'])).toContain('/chapters/noise-and-back/?n=30&m=40&steps=60&seed=5#noise-and-back');
    const csv = files['csv']?.toString('utf8') ?? '';
    expect(csv).toMatch(/^# Diffusion Atlas: noise-and-back/);
    expect(csv).toContain('# seed: 5');
    expect(csv).toContain('"n":30');
    const svg = files['svg']?.toString('utf8') ?? '';
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<metadata>');
    expect(svg).not.toContain('var(--');
    // Plot's rules for its charts travel with the file (on the page they come from figure.css)
    expect(svg).toMatch(/<style>[^<]*\.atlas-plot text/);
    const png = files['png'] ?? Buffer.alloc(0);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.toString('latin1')).toMatch(/tEXtComment\0\{"experiment":"noise-and-back"[^]*"seed":5/);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('exercises load their state into the figure, and worked answers start collapsed', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}/chapters/noise-and-back/`);
    const exercises = page.locator('[data-exercise]');
    expect(await exercises.count()).toBeGreaterThan(0);
    expect(await page.$$eval('[data-exercise] details', (els) => els.every((d) => !d.hasAttribute('open')))).toBe(true);
    const button = page.locator('[data-exercise] [data-load-state]').first();
    const state = (await button.getAttribute('data-load-state')) ?? '';
    await button.focus();
    await page.keyboard.press('Enter');
    for (const [key, value] of new URLSearchParams(state)) {
      await page.waitForFunction(([k, v]) => new URL(location.href).searchParams.get(k ?? '') === v, [key, value]);
    }
    expect(await page.evaluate(() => document.activeElement?.closest('[data-widget]') !== null)).toBe(true);
    await waitForWidget(page, 'noise-and-back');
    expect(await page.getAttribute('[data-widget]', 'data-status')).toBe('done');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('citations show a card on focus, and each chapter lists references, its BibTeX and its last change', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}/chapters/noise-and-back/`);
    const cite = page.locator('.cite').first();
    const card = page.locator(`#${(await cite.getAttribute('aria-describedby')) ?? ''}`);
    expect(await card.isVisible()).toBe(false);
    await cite.focus();
    expect(await card.isVisible()).toBe(true);
    expect(await card.textContent()).toMatch(/\d{4}/);
    const key = (await cite.getAttribute('data-cite')) ?? '';
    expect(await page.locator(`#ref-${key}`).count()).toBe(1);
    expect(await page.textContent('[data-cite-bibtex]')).toMatch(new RegExp(`@misc\\{diffusionatlas-noise-and-back,[\\s\\S]*url\\s*= \\{${site.server.url}/chapters/noise-and-back/\\}`));
    expect(await page.getAttribute('[data-updates] time', 'datetime')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Equations and figures are numbered and cross-referenced.
    const xref = page.locator('a.xref[href^="#eq-"]').first();
    const target = ((await xref.getAttribute('href')) ?? '').slice(1);
    expect(await page.locator(`#${target} .katex-display`).count()).toBe(1);
    expect(await xref.textContent()).toMatch(/^\(\d+\)$/);
    expect(await page.textContent('[data-widget] .figure-number')).toMatch(/Figure 1/);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
