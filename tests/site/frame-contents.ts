import type { Page } from 'playwright-core';

/** What a figure held when its data-frame changed: the frame and status, then the counts and texts asked for. */
export type FrameContents = Record<string, string | number | null>;

/** What to read of the figure at each frame, each under the key it is recorded by. */
export interface FrameReadings {
  /** How many elements match the selector. */
  counts?: Record<string, string>;
  /** The text of every element the selector matches, one line each (empty where there is none). */
  texts?: Record<string, string>;
  /** An attribute of the first element the selector matches, as a number (NaN where there is none): [selector, attribute]. */
  numbers?: Record<string, readonly [string, string]>;
}

/**
 * Records, from before any page script runs, what the figure at `selector` holds each time its
 * data-frame changes (partial frames come and go within a run, too fast to poll). Returns a reader
 * of the records so far.
 */
export async function recordFrameContents(page: Page, selector: string, readings: FrameReadings): Promise<() => Promise<FrameContents[]>> {
  await page.addInitScript(
    ({ root: rootSelector, counts: countSelectors, texts: textSelectors, numbers: numberSelectors }) => {
      const log: Array<Record<string, string | number | null>> = [];
      Object.assign(window, { __frameContents: log });
      new MutationObserver((records) => {
        for (const record of records) {
          const root = record.target as Element;
          if (!root.matches(rootSelector)) continue;
          const entry: Record<string, string | number | null> = { frame: root.getAttribute('data-frame'), status: root.getAttribute('data-status') };
          for (const [key, sel] of Object.entries(countSelectors)) entry[key] = root.querySelectorAll(sel).length;
          for (const [key, sel] of Object.entries(textSelectors)) entry[key] = Array.from(root.querySelectorAll(sel), (e) => e.textContent ?? '').join('\n');
          for (const [key, [sel, name]] of Object.entries(numberSelectors)) entry[key] = Number(root.querySelector(sel)?.getAttribute(name) ?? Number.NaN);
          log.push(entry);
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-frame'] });
    },
    { root: selector, counts: readings.counts ?? {}, texts: readings.texts ?? {}, numbers: readings.numbers ?? {} },
  );
  return () => page.evaluate(() => (window as unknown as { __frameContents: FrameContents[] }).__frameContents);
}
