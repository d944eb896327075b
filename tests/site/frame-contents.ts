import type { Page } from 'playwright-core';

/** What a figure held when its data-frame changed: the frame and status, then the counts and texts asked for. */
export type FrameContents = Record<string, string | number | null>;

/**
 * Records, from before any page script runs, what the figure at `selector` holds each time its
 * data-frame changes (partial frames come and go within a run, too fast to poll): how many
 * elements match each selector of `counts`, and for each selector of `texts` the text of every
 * element it matches, one line each (empty where there is none). Returns a reader of the records so far.
 */
export async function recordFrameContents(
  page: Page,
  selector: string,
  counts: Record<string, string>,
  texts: Record<string, string> = {},
): Promise<() => Promise<FrameContents[]>> {
  await page.addInitScript(
    ({ root: rootSelector, counts: countSelectors, texts: textSelectors }) => {
      const log: Array<Record<string, string | number | null>> = [];
      Object.assign(window, { __frameContents: log });
      new MutationObserver((records) => {
        for (const record of records) {
          const root = record.target as Element;
          if (!root.matches(rootSelector)) continue;
          const entry: Record<string, string | number | null> = { frame: root.getAttribute('data-frame'), status: root.getAttribute('data-status') };
          for (const [key, sel] of Object.entries(countSelectors)) entry[key] = root.querySelectorAll(sel).length;
          for (const [key, sel] of Object.entries(textSelectors)) entry[key] = Array.from(root.querySelectorAll(sel), (e) => e.textContent ?? '').join('\n');
          log.push(entry);
        }
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-frame'] });
    },
    { root: selector, counts, texts },
  );
  return () => page.evaluate(() => (window as unknown as { __frameContents: FrameContents[] }).__frameContents);
}
