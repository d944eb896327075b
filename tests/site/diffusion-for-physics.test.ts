import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { curieWeissMoments, defaultsOf, encodeQuery, getExperiment } from '@diffusion-atlas/core';
import { count, openChapter, skipE2E, type ChapterSession } from './harness.ts';

/*
 * Chapter 6 in Chromium: one page load with every figure run to the end. The Curie–Weiss figure
 * owns the URL and gets small parameters there; the field and the lattice run their defaults.
 */

const PAGE = '/chapters/diffusion-for-physics/';
const W = (experiment: string): string => `[data-widget][data-experiment="${experiment}"]`;
const CW = W('curie-weiss');
const GF = W('gaussian-field');
const IS = W('ising-2d');
const curieWeiss = getExperiment('curie-weiss');
const CW_PARAMS = { N: 12, beta: 1.5, h: 0.02, trajectories: 20, steps: 40 };
const QUERY = encodeQuery(curieWeiss, { ...defaultsOf(curieWeiss.params), ...CW_PARAMS });


describe.skipIf(skipE2E)('chapter 6 in Chromium', () => {
  let chapter: ChapterSession;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    chapter = await openChapter(`${PAGE}${QUERY}`, 120_000);
    ({ page, problems } = chapter);
  }, 180_000);

  afterAll(async () => {
    await chapter?.close();
  });

  it('loads with typeset math, three figures that all finish, and a clean console', async () => {
    const statuses = await page.$$eval('[data-widget]', (els) => els.map((e) => [e.getAttribute('data-experiment'), e.getAttribute('data-status')]));
    expect(statuses).toEqual([
      ['curie-weiss', 'done'],
      ['gaussian-field', 'done'],
      ['ising-2d', 'done'],
    ]);
    expect(await page.$$eval('[data-widget]', (els) => els.map((e) => e.getAttribute('data-url-state')))).toEqual(['true', 'false', 'false']);
    expect(await count(page, '.katex')).toBeGreaterThan(30);
    expect(problems).toEqual([]);
  });

  it('curie-weiss: the trajectories, t_S, and the exact + weight of the state in the link', async () => {
    const traj = `${CW} svg.curie-weiss-trajectories-figure`;
    expect(await page.getAttribute(traj, 'data-count')).toBe('20');
    const th = curieWeissMoments(CW_PARAMS.N, CW_PARAMS.beta, CW_PARAMS.h);
    expect(Number(await page.getAttribute(traj, 'data-ts'))).toBeCloseTo(0.5 * Math.log(th.lambda), 9);
    expect(Number(await page.getAttribute(`${CW} .curie-weiss-histogram-figure`, 'data-plus-theory'))).toBeCloseTo(th.plusWeight, 9);
    expect(await count(page, `${CW} .curie-weiss-transition-figure`)).toBe(1);
    expect(await page.textContent(`${CW} [data-summary]`)).toMatch(/end in the \+ state/);
  });

  it('gaussian-field: four frames, sixteen shells, and the largest scale first', async () => {
    expect(await count(page, `${GF} svg.gaussian-field-frame`)).toBe(4);
    expect(await page.getAttribute(`${GF} .gaussian-field-spectrum-figure`, 'data-shells')).toBe('16');
    // Slope 3 at L = 32: t_1 = ½ log(1 + P(1)) = 2.196 (the chapter quotes 2.20).
    expect(Number(await page.getAttribute(`${GF} .gaussian-field-times-figure`, 'data-first'))).toBeCloseTo(2.196, 3);
  });

  it('ising-2d: a data and a generated lattice, t_S from the structure factor, and copies with the empirical score', async () => {
    expect(await page.$$eval(`${IS} svg.ising-2d-lattice`, (els) => els.map((e) => e.getAttribute('data-cells')))).toEqual(['1024', '1024']);
    expect(Number(await page.getAttribute(`${IS} .ising-2d-trajectories-figure`, 'data-ts'))).toBeGreaterThan(3);
    expect(await count(page, `${IS} .ising-2d-histogram`)).toBe(2);
    expect(Number(await page.getAttribute(`${IS} [data-stage]`, 'data-memorized'))).toBe(1);
  });
});
