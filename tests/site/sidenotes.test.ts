import { describe, expect, it } from 'vitest';
import { openPage, sitePages, skipE2E } from './harness.ts';
import { siteSession } from './site-session.ts';

/*
 * Margin notes on a wide screen: every note stays visible, and none is drawn over a figure (a long
 * note running down into a figure that breaks out of the column reads in the column instead).
 */
const chapters = sitePages().filter((p) => p.startsWith('/chapters/'));

describe.skipIf(skipE2E)('margin notes beside the figures', () => {
  const site = siteSession();

  // 1280 px: the narrowest layout with margin notes, where a note is longest for its width
  it.each(chapters.map((path) => [path, 1280] as const))('%s at %i px', async (path, width) => {
    const { page, problems } = await openPage(site.browser, { width, height: 900 });
    await page.goto(`${site.server.url}${path}`, { waitUntil: 'load' });
    // two frames: the placement runs in the frame after the layout settles
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    const found = await page.evaluate(() => {
      const figures = [...document.querySelectorAll('.widget, .diagram, .article > .wide')].map((el) => el.getBoundingClientRect());
      return [...document.querySelectorAll<HTMLElement>('.sidenote')].map((note) => {
        const box = note.getBoundingClientRect();
        return {
          text: (note.textContent ?? '').slice(0, 60),
          visible: box.width > 0 && box.height > 0,
          overlaps: figures.some((f) => box.left < f.right && box.right > f.left && box.top < f.bottom && box.bottom > f.top),
        };
      });
    });
    for (const note of found) {
      expect(note.visible, `note “${note.text}” is shown`).toBe(true);
      expect(note.overlaps, `note “${note.text}” is clear of every figure`).toBe(false);
    }
    expect(problems).toEqual([]);
    await page.context().close();
  }, 60_000);
});
