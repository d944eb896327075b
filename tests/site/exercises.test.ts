import { describe, expect, it } from 'vitest';
import { openPage, skipE2E } from './harness.ts';
import { siteSession } from './site-session.ts';

/*
 * A reader's prediction in an exercise survives a reload (it lives in local storage, per page and
 * exercise) until the reader clears it; clearing survives a reload too.
 */
const CHAPTER = '/chapters/low-dimensional-structure/';
const EXERCISE = '#one-point-plane';

describe.skipIf(skipE2E)('exercise predictions', () => {
  const site = siteSession();

  it('keeps a prediction across a reload, and forgets it once cleared', async () => {
    const { page, problems } = await openPage(site.browser);
    const box = `${EXERCISE} [data-prediction]`;
    await page.goto(`${site.server.url}${CHAPTER}`, { waitUntil: 'load' });
    await page.fill(box, 'one sample spans a line, so the plane is not found');
    // a second exercise on the page keeps its own (empty) prediction
    const other = await page.$$eval('[data-exercise] [data-prediction]', (boxes) => boxes.length);
    expect(other).toBeGreaterThan(1);

    // let the figures that scrolling woke fetch what they need: a reload mid-request is a failed request
    await page.waitForLoadState('networkidle');
    await page.reload({ waitUntil: 'load' });
    expect(await page.inputValue(box)).toBe('one sample spans a line, so the plane is not found');
    const values = await page.$$eval('[data-exercise] [data-prediction]', (boxes) => boxes.map((b) => (b as HTMLTextAreaElement).value));
    expect(values.filter((v) => v !== '')).toHaveLength(1);

    await page.click(`${EXERCISE} [data-clear-prediction]`);
    expect(await page.inputValue(box)).toBe('');
    expect(await page.textContent(`${EXERCISE} [data-prediction-status]`)).toBe('Prediction cleared.');
    await page.waitForLoadState('networkidle');
    await page.reload({ waitUntil: 'load' });
    expect(await page.inputValue(box)).toBe('');
    expect(problems.join("\n")).toBe("");
    await page.context().close();
  });
});
