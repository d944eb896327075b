import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { defaultsOf, experiments } from '@diffusion-atlas/core';
import { count, openChapter, skipE2E, waitForWidget, type ChapterSession } from './harness.ts';

/*
 * Chapter 2 in Chromium: one page load with every widget run to the end, then the interactions.
 * Only the speciation widget owns the URL, so it gets small parameters there; the others run
 * their defaults, which are sized to be quick.
 */

const PAGE = '/chapters/speciation-and-collapse/';
const CLONE_TIMES = [2, 3, 3.5, 4, 5];
const QUERY = `?pairs=300&cloneTimes=${CLONE_TIMES.join(',')}&dt=0.04`;
const W = (experiment: string): string => `[data-widget][data-experiment="${experiment}"]`;
const SP = W('speciation');
const CO = W('collapse');
const CU = W('curse');
const DG = W('digits');


describe.skipIf(skipE2E)('chapter 2 in Chromium', () => {
  let chapter: ChapterSession;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    chapter = await openChapter(`${PAGE}${QUERY}`, 90_000);
    ({ page, problems } = chapter);
  });

  afterAll(async () => {
    await chapter?.close();
  });

  it('loads with typeset math, four figures that all finish, and a clean console', async () => {
    const statuses = await page.$$eval('[data-widget]', (els) => els.map((e) => [e.getAttribute('data-experiment'), e.getAttribute('data-status')]));
    expect(statuses).toEqual([
      ['speciation', 'done'],
      ['collapse', 'done'],
      ['curse', 'done'],
      ['digits', 'done'],
    ]);
    // Only the first figure owns the query; the others say so in their markup.
    expect(await page.$$eval('[data-widget]', (els) => els.map((e) => e.getAttribute('data-url-state')))).toEqual(['true', 'false', 'false', 'false']);
    expect(await count(page, '.katex')).toBeGreaterThan(40);
    expect(await count(page, '[data-widget] .figure-placeholder')).toBe(0);
    expect(await page.textContent(`${SP} [data-summary]`)).toMatch(/For d = 1024/);
    expect(problems).toEqual([]);
  });

  it('speciation: simulated points with error bars for every clone time, and the theory curve', async () => {
    const svg = `${SP} svg.speciation-figure`;
    expect(await page.getAttribute(svg, 'data-points')).toBe(String(CLONE_TIMES.length));
    expect(await count(page, `${SP} .speciation-sim circle`)).toBe(CLONE_TIMES.length);
    expect(await count(page, `${SP} .speciation-errorbars line`)).toBe(CLONE_TIMES.length);
    expect(await count(page, `${SP} .speciation-theory path`)).toBe(1);
    expect(await count(page, `${SP} .speciation-level line`)).toBe(1);
    expect(await count(page, `${SP} .speciation-ts line`)).toBe(1);
    // The grid brackets t_S ≈ 3.47 of d = 1024: the simulated crossing exists and is marked.
    const crossing = Number(await page.getAttribute(svg, 'data-t-s-crossing'));
    expect(crossing).toBeGreaterThan(2.8);
    expect(crossing).toBeLessThan(4.2);
    expect(await count(page, `${SP} .speciation-crossing path`)).toBe(1);
    expect(await page.textContent(`${SP} [data-readout]`)).toMatch(/Λ = .* ½ log Λ/);
  });

  it('speciation: the t/t_S axis, and an earlier d kept as a faint curve after d changes', async () => {
    await page.click(`${SP} button[data-axis="ratio"]`);
    expect(await page.getAttribute(`${SP} svg.speciation-figure`, 'data-axis')).toBe('ratio');
    expect(await page.getAttribute(`${SP} button[data-axis="ratio"]`, 'aria-pressed')).toBe('true');
    await page.focus(`${SP} input[name=d]`);
    for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowLeft');
    await page.waitForFunction(() => {
      const d = new URL(location.href).searchParams.get('d');
      return d !== null && Number(d) < 1024;
    });
    expect(await waitForWidget(page, 'speciation')).toBe('done');
    await page.waitForSelector(`${SP} svg.speciation-figure[data-ghosts="1"]`);
    expect(await count(page, `${SP} .speciation-ghost path`)).toBe(1);
    expect(await page.getAttribute(`${SP} svg.speciation-figure`, 'data-axis')).toBe('ratio');
    expect(await count(page, `${SP} .speciation-sim circle`)).toBe(CLONE_TIMES.length);
    expect(problems).toEqual([]);
  });

  it('collapse: two trajectory projections, the excess-entropy curve, collapse times and the memorized bars', async () => {
    // The widget runs the experiment's defaults: every trajectory's collapse time, 16 of them drawn; 24 entropy times.
    const trajectories = defaultsOf(experiments['collapse'].params).trajectories as number;
    expect(await count(page, `${CO} .collapse-traj path`)).toBe(2 * 16);
    expect(await count(page, `${CO} .collapse-entropy circle`)).toBe(24);
    expect(await count(page, `${CO} .collapse-entropy-theory path`)).toBe(1);
    expect(await count(page, `${CO} .collapse-collapse-times line`)).toBe(trajectories);
    expect(await count(page, `${CO} .collapse-memorized rect`)).toBe(2);
    // t_S and t_C marked on the three time panels.
    expect(await count(page, `${CO} .collapse-ts line`)).toBe(3);
    expect(await count(page, `${CO} .collapse-tc line`)).toBe(3);
    expect(Number(await page.getAttribute(`${CO} [data-memorized]`, 'data-memorized'))).toBeGreaterThan(0.9);
    expect(await page.textContent(`${CO} [data-summary]`)).toContain(`${trajectories} generated samples`);
  });

  it('curse: drawn from the static sweep first, recomputed live when a control changes', async () => {
    const svg = `${CU} svg.curse-figure`;
    await page.waitForSelector(`${svg}[data-source="static"]`);
    // The fine sweep came first: no coarse live picture was drawn before it.
    expect(await page.getAttribute(`${CU} [data-stage]`, 'data-drawn')).toBe('static');
    expect(await page.getAttribute(svg, 'data-cols')).toBe('256');
    expect(await count(page, `${CU} .curse-heat`)).toBe(1);
    expect(await count(page, `${CU} .curse-required path`)).toBe(1);
    expect(await count(page, `${CU} .curse-ts path`)).toBe(1);
    const slices = Number(await page.getAttribute(`${CU} svg.curse-slices-figure`, 'data-slices'));
    expect(slices).toBeGreaterThanOrEqual(2);
    expect(await count(page, `${CU} .curse-slice path`)).toBe(slices);
    expect(await page.textContent(`${CU} [data-readout]`)).toMatch(/precomputed sweep/);

    await page.focus(`${CU} input[name=sigma]`);
    await page.keyboard.press('ArrowRight');
    await page.waitForSelector(`${svg}[data-source="live"]`);
    expect(await page.getAttribute(`${CU} [data-stage]`, 'data-drawn')).toBe('static,live');
    expect(await waitForWidget(page, 'curse')).toBe('done');
    // The live run uses the experiment's default resolution, 64 sizes (and up to 64 dimensions).
    expect(await page.getAttribute(svg, 'data-cols')).toBe('64');
    expect(await page.textContent(`${CU} [data-readout]`)).toMatch(/recomputed live/);
    // It does not own the URL: the page query still belongs to the speciation figure.
    expect(new URL(page.url()).searchParams.has('sigma')).toBe(false);
    expect(problems).toEqual([]);
  });

  it('digits: every generated digit beside its nearest training digit, and the page table filled in', async () => {
    expect(await count(page, `${DG} .digits-pair`)).toBe(16);
    expect(await count(page, `${DG} .digits-pair image`)).toBe(32);
    expect(await page.getAttribute(`${DG} .digits-gallery`, 'data-pairs')).toBe('16');
    expect(Number(await page.getAttribute(`${DG} .digits-gallery`, 'data-memorized'))).toBeGreaterThanOrEqual(12);
    expect(await count(page, `${DG} .digits-entropy circle`)).toBe(24);
    expect(await count(page, `${DG} .digits-ts line`)).toBe(1);
    // Λ of 200 digits 1 and 8: near the table's 7.66, with sampling error.
    const lambda = Number(await page.textContent('[data-digits-live="Lambda"]'));
    expect(lambda).toBeGreaterThan(5);
    expect(lambda).toBeLessThan(11);
    expect(await page.textContent('[data-digits-live="n"]')).toBe('200');
    expect(problems).toEqual([]);
  });

  it('serves no 404 for anything the page asked for', () => {
    expect(chapter.server.notFound).toEqual([]);
  });
});
