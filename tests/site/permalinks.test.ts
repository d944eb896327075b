import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { FIGURE_QUERY_KEY, decodeParams, defaultsOf, getExperiment } from '@diffusion-atlas/core';
import { openPage, skipE2E, waitForWidget } from './harness.ts';
import { siteSession } from './site-session.ts';

/*
 * Share links of figures that do not own their chapter's query. Chapter 2 has four figures and the
 * speciation figure owns the query; a link to the collapse figure names it (`fig=collapse`) and
 * must bring that figure back in the shared state, leaving the others at their defaults.
 */

const PAGE = '/chapters/speciation-and-collapse/';
const W = (experiment: string): string => `[data-widget][data-experiment="${experiment}"]`;
const SP = W('speciation');
const CO = W('collapse');
const collapse = getExperiment('collapse');

/** The collapse figure's control values as the page shows them. */
async function collapseControls(page: Page): Promise<{ seed: string; data: string; trajectories: string }> {
  return {
    seed: await page.inputValue(`${CO} input[name=seed]`),
    data: await page.inputValue(`${CO} select[name=data]`),
    trajectories: (await page.textContent(`${CO} output[data-readout-for=trajectories]`)) ?? '',
  };
}

/** The query of a figure's share link: empty when its state is its defaults. */
async function statePart(page: Page, widget: string): Promise<string> {
  return new URL(await page.inputValue(`${widget} [data-share-permalink]`)).search;
}

/** Is the element's top edge within the viewport (the page scrolled to it)? */
async function inView(page: Page, selector: string): Promise<boolean> {
  return page.$eval(selector, (el) => {
    const top = el.getBoundingClientRect().top;
    return top >= -2 && top < window.innerHeight / 2;
  });
}

describe.skipIf(skipE2E)('permalinks of figures that do not own the page query', () => {
  const site = siteSession();

  it('the share menu of a second figure gives a link that restores it in a fresh page, the others at their defaults', async () => {
    const first = await openPage(site.browser, { reducedMotion: true });
    await first.page.goto(`${site.server.url}${PAGE}`);
    expect(await waitForWidget(first.page, 'collapse')).toBe('done');
    // A new state through the controls: another data law, fewer trajectories, another seed.
    await first.page.selectOption(`${CO} select[name=data]`, 'gaussian');
    await first.page.focus(`${CO} input[name=trajectories]`);
    for (let i = 0; i < 6; i++) await first.page.keyboard.press('ArrowLeft');
    await first.page.fill(`${CO} input[name=seed]`, '7');
    await first.page.press(`${CO} input[name=seed]`, 'Enter');
    expect(await waitForWidget(first.page, 'collapse')).toBe('done');
    const shown = await collapseControls(first.page);
    expect(shown.seed).toBe('7');
    expect(shown.data).toBe('gaussian');
    // The collapse figure does not own the query: the address bar keeps no state.
    expect(new URL(first.page.url()).search).toBe('');

    await first.page.click(`${CO} details[data-share] > summary`);
    const permalink = await first.page.inputValue(`${CO} [data-share-permalink]`);
    const url = new URL(permalink);
    expect(url.pathname).toBe(PAGE);
    expect(url.hash).toBe('#collapse');
    expect(url.searchParams.get(FIGURE_QUERY_KEY)).toBe('collapse');
    url.searchParams.delete(FIGURE_QUERY_KEY);
    const state = decodeParams(collapse, url.searchParams);
    expect(state.notices).toEqual([]);
    expect(state.params['data']).toBe('gaussian');
    expect(state.params['seed']).toBe(7);
    const trajectories = state.params['trajectories'] as number;
    expect(trajectories).toBeLessThan(defaultsOf(collapse.params)['trajectories'] as number);
    expect(first.problems).toEqual([]);
    await first.page.context().close();

    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(permalink);
    // Named by the link, the figure starts at once, wherever the page is scrolled.
    expect(await waitForWidget(page, 'collapse')).toBe('done');
    expect(await inView(page, CO)).toBe(true);
    expect(await collapseControls(page)).toEqual(shown);
    expect(await page.isVisible(`${CO} [data-notice]`)).toBe(false);
    // The figure computed the shared state: one collapse time per trajectory of the link.
    expect(await page.locator(`${CO} .collapse-collapse-times line`).count()).toBe(trajectories);
    expect(await page.textContent(`${CO} [data-summary]`)).toContain(`${trajectories} generated samples`);
    // The owner of the query was not handed the collapse figure's parameters: its state is its defaults.
    expect(await statePart(page, SP)).toBe('');
    expect(await page.isVisible(`${SP} [data-notice]`)).toBe(false);
    expect(await page.isVisible('[data-link-notice]')).toBe(false);
    // Its own share link is the one it was opened with.
    expect(await page.inputValue(`${CO} [data-share-permalink]`)).toBe(permalink);

    // The named figure keeps the address bar on what it shows.
    await page.fill(`${CO} input[name=seed]`, '8');
    await page.press(`${CO} input[name=seed]`, 'Enter');
    await page.waitForFunction(() => new URL(location.href).searchParams.get('seed') === '8');
    const now = new URL(page.url());
    expect(now.searchParams.get(FIGURE_QUERY_KEY)).toBe('collapse');
    expect(now.searchParams.get('data')).toBe('gaussian');
    expect(await waitForWidget(page, 'collapse')).toBe('done');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('a link to a figure repairs its values with the same notices as the owner', async () => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    // Below the allowed range: clamped to the minimum, said in the figure's notice, rewritten in the address bar.
    await page.goto(`${site.server.url}${PAGE}?${FIGURE_QUERY_KEY}=collapse&steps=5#collapse`);
    expect(await waitForWidget(page, 'collapse')).toBe('done');
    expect(await page.isVisible(`${CO} [data-notice] [data-notice-param="steps"]`)).toBe(true);
    const min = collapse.params['steps']?.type === 'integer' ? collapse.params['steps'].min : Number.NaN;
    expect(new URL(page.url()).searchParams.get('steps')).toBe(String(min));
    expect(new URL(page.url()).searchParams.get(FIGURE_QUERY_KEY)).toBe('collapse');
    expect(await page.isVisible(`${SP} [data-notice]`)).toBe(false);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it.each([
    ['markup', '<img src=x onerror="window.__hit=1">'],
    ['an id this page lacks', 'collapse-2'],
    ['nothing', ''],
  ])('a link naming %s as its figure: a notice, every figure at its defaults, nothing broken', async (_label, figure) => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    const query = new URLSearchParams([[FIGURE_QUERY_KEY, figure], ['d', '256'], ['trajectories', '3']]);
    await page.goto(`${site.server.url}${PAGE}?${query.toString()}#nowhere`);
    const notice = page.locator('[data-link-notice]');
    await notice.waitFor({ state: 'visible' });
    // The id is shown as text, never as markup.
    expect(await notice.textContent()).toContain(`“${figure}”`);
    expect(await notice.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __hit?: number }).__hit)).toBeUndefined();
    // Nobody took the parameters: the owner's d and collapse's trajectories stay at their defaults.
    expect(await page.isVisible(`${SP} [data-notice]`)).toBe(false);
    expect(await page.isVisible(`${CO} [data-notice]`)).toBe(false);
    expect(await statePart(page, CO)).toBe('');
    expect(await statePart(page, SP)).toBe('');
    // The address bar drops the unusable state, so copying it gives the page as shown.
    expect(new URL(page.url()).search).toBe('');
    // The owner still runs, from its defaults.
    expect(await waitForWidget(page, 'speciation')).toBe('done');
    expect(await statePart(page, SP)).toBe('');
    await page.click('[data-link-notice] button');
    expect(await notice.isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
