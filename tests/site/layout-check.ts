import { join } from 'node:path';
import type { Page } from 'playwright-core';

/** Where the layout checks leave a screenshot of each page they look at. */
export const screensDir = join(import.meta.dirname, '../.screens');

export interface LayoutReport {
  /** How far the page is wider than the screen, in CSS pixels (0 or less: it fits). */
  overflow: number;
  /** Every visible control smaller than a 44 px target, named with its size. */
  smallTargets: string[];
  /** Every option of a visible drop-down whose words are wider than the box shows, named with both widths. */
  clippedOptions: string[];
}

/** Open every disclosure (share and download menus, worked answers) so their contents are checked too. */
export async function openAllDetails(page: Page): Promise<void> {
  await page.$$eval('details', (els) => {
    for (const el of els) el.setAttribute('open', '');
  });
}

/**
 * Layout of a settled page from its top: horizontal overflow, the controls smaller than a 44 px
 * target and the drop-down options wider than their box, with a screenshot in tests/.screens (the whole page only on request, ATLAS_FULL_SCREENSHOTS=1:
 * full-page captures of long chapters cost seconds each).
 */
export async function layoutReport(page: Page, path: string, width: number): Promise<LayoutReport> {
  await page.evaluate(() => window.scrollTo(0, 0));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.screenshot({ path: join(screensDir, `test-${path.replace(/\//g, '_')}-${width}.png`), fullPage: process.env['ATLAS_FULL_SCREENSHOTS'] === '1' });
  const smallTargets = await page.$$eval('button, select, textarea, summary, input:not([type=hidden])', (els) =>
    els
      .filter((el) => {
        const style = getComputedStyle(el);
        return style.display !== 'none' && style.visibility !== 'hidden' && el.getClientRects().length > 0;
      })
      .map((el) => {
        // A checkbox's target is its row, label included.
        const target = el instanceof HTMLInputElement && el.type === 'checkbox' ? (el.closest('.control') ?? el) : el;
        const box = target.getBoundingClientRect();
        return { what: `${el.tagName.toLowerCase()}${el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : ''} “${(el.textContent ?? '').trim().slice(0, 30)}”`, w: box.width, h: box.height };
      })
      .filter((b) => b.w < 43.5 || b.h < 43.5)
      .map((b) => `${b.what} ${Math.round(b.w)}×${Math.round(b.h)}`),
  );
  const clippedOptions = await page.$$eval('select', (els) => {
    const measure = document.createElement('canvas').getContext('2d');
    if (measure === null) return ['no 2D canvas to measure text with'];
    return els
      .filter((el): el is HTMLSelectElement => el instanceof HTMLSelectElement && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
      .flatMap((select) => {
        const style = getComputedStyle(select);
        measure.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        // The closed box shows the chosen option between its paddings (the right one holds the arrow).
        const room = select.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return Array.from(select.options)
          .map((option) => ({ text: option.textContent ?? '', width: measure.measureText(option.textContent ?? '').width }))
          .filter((o) => o.width > room)
          .map((o) => `select[name=${select.name}] “${o.text}” needs ${Math.ceil(o.width)} px of ${Math.floor(room)}`);
      });
  });
  return { overflow, smallTargets, clippedOptions };
}
