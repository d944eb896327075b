import type { Page } from 'playwright-core';

/** One widget as it prints: its figures, and whether controls, menus, caption and permalink show. */
export interface PrintedWidget {
  id: string;
  figures: number;
  controls: boolean;
  tools: boolean;
  caption: boolean;
  link: string;
}

export interface PrintedPage {
  /** The body's background on paper; white even for a reader in the dark theme. */
  paper: string;
  widgets: PrintedWidget[];
}

/** The page under print media, then back to the screen. */
export async function printedPage(page: Page): Promise<PrintedPage> {
  await page.emulateMedia({ media: 'print' });
  // the print rules apply at the next style pass; a page that never turns white is reported, not waited on
  await page.waitForFunction(() => getComputedStyle(document.body).backgroundColor === 'rgb(255, 255, 255)', undefined, { timeout: 5_000 }).catch(() => undefined);
  const paper = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const widgets = await page.$$eval('[data-widget]', (els) =>
    els.map((el) => {
      const visible = (e: Element | null): boolean => e !== null && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
      const figures = [...el.querySelectorAll('[data-poster] svg, [data-stage] svg, [data-stage] canvas')].filter(
        (f) => visible(f) && f.getBoundingClientRect().width >= 100 && (f.parentElement?.closest('svg') ?? null) === null,
      );
      return {
        id: el.id,
        figures: figures.length,
        controls: visible(el.querySelector('[data-controls-form]')),
        tools: visible(el.querySelector('.widget-tools')),
        caption: visible(el.querySelector(':scope > figcaption')),
        link: visible(el.querySelector('[data-print-link]')) ? (el.querySelector('[data-print-link]')?.textContent ?? '') : '',
      };
    }),
  );
  await page.emulateMedia({ media: 'screen' });
  return { paper, widgets };
}

/** What a printed widget should be, for an exact comparison that names every miss at once. */
export function printedAsExpected(widget: PrintedWidget): PrintedWidget {
  return {
    id: widget.id,
    figures: Math.max(1, widget.figures),
    controls: false,
    tools: false,
    caption: true,
    link: widget.link.includes(`#${widget.id}`) ? widget.link : `…#${widget.id}`,
  };
}
