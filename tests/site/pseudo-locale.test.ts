import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openPage, serveDist, sitePages, skipE2E, waitForAllWidgets, type StaticServer } from './harness.ts';

/*
 * Every chapter page rendered in the pseudo-locale `x-pseudo` (src/i18n/messages.ts), where every
 * message from the catalog reads ⟦…⟧. Whatever a widget puts on screen or in an accessible name
 * after removing the bracketed text and the notation (numbers, symbols, subscripts) is English
 * that bypassed the message file. The server-rendered chrome (captions, menus) is built in
 * English and left out here; tests/site/messages.test.ts checks its sources.
 */

const PSEUDO = 'x-pseudo';
const chapterPages = sitePages().filter((p) => p.startsWith('/chapters/'));

/** The parts of a widget its script fills in the browser. */
const CLIENT_PARTS = ['[data-stage]', '[data-controls-form]', '[data-status-bar]', '[data-readout]', '[data-summary]', '[data-notice]', '[data-error]', '[data-print-link]'];
const TEXT_ATTRIBUTES = ['aria-label', 'aria-description', 'aria-roledescription', 'aria-valuetext', 'title', 'placeholder', 'alt'];

interface WidgetText {
  experiment: string;
  /** Per part, its text nodes in document order joined by U+0001, so a symbol's base and subscript stay apart. */
  texts: string[];
  attributes: string[];
}

/** Collected in the page: every visible-or-announced string of each widget's client-rendered parts. */
async function widgetTexts(page: Page): Promise<WidgetText[]> {
  return page.$$eval(
    '[data-widget]',
    (widgets, { parts, attributes }) =>
      widgets.map((widget) => {
        const texts: string[] = [];
        const attrs: string[] = [];
        for (const part of widget.querySelectorAll(parts.join(','))) {
          const nodes: string[] = [];
          const walker = document.createTreeWalker(part, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
            const parent = node.parentElement;
            // Stylesheets inside SVGs are code; subscripts are the notation's (t_S, τ_mem).
            if (parent === null || parent.closest('style, script, noscript, sub') !== null) continue;
            if (parent.getAttribute('baseline-shift') === 'sub') continue;
            nodes.push(node.textContent ?? '');
          }
          // A message that renders symbols spans several nodes: its brackets are matched across them.
          texts.push(nodes.join('\u0001'));
          // The part itself is server markup (the form's label); what the script puts inside it is checked.
          for (const el of part.querySelectorAll('*')) {
            for (const name of attributes) {
              const value = el.getAttribute(name);
              if (value !== null) attrs.push(value);
            }
          }
        }
        return { experiment: widget.getAttribute('data-experiment') ?? '', texts, attributes: attrs };
      }),
    { parts: CLIENT_PARTS, attributes: TEXT_ATTRIBUTES },
  );
}

/** The papers' symbols with their subscripts (t_S, τ_mem, Λ_{data}), written out in plain text. */
const SYMBOL = /[A-Za-zα-ωΑ-Ω]\u0302?_(\{[^}]+\}|[A-Za-z0-9]+)/g;

/** What is left of a text once the catalog's ⟦…⟧ (nested where messages fill messages) is taken out. */
function outsideCatalog(text: string): string {
  let depth = 0;
  let out = '';
  for (const ch of text) {
    if (ch === '⟦') depth++;
    else if (ch === '⟧') depth = Math.max(0, depth - 1);
    else if (depth === 0) out += ch;
  }
  return out;
}

/** Words in the leftovers: two or more Latin letters in a row, once the notation is removed. */
function strayWords(text: string): string[] {
  return outsideCatalog(text)
    .replace(SYMBOL, ' ')
    .split(/[\s\u0001]+/)
    .filter((token) => /[A-Za-z]{2,}/.test(token));
}

describe('pseudo-locale helpers', () => {
  it('find words outside the brackets, not inside them or in notation', () => {
    expect(strayWords('⟦For d = 256, ⟦the curve⟧ crosses at⟧ t = 0.5')).toEqual([]);
    expect(strayWords('⟦Axis:⟧\u0001time t')).toEqual(['time']);
    expect(strayWords('τ_gen ≈ 10³\u0001x₁\u0001t\u0001S')).toEqual([]);
    expect(strayWords('Some English')).toEqual(['Some', 'English']);
  });
});

describe.skipIf(skipE2E)('every chapter in the pseudo-locale', () => {
  let server: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await serveDist();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('has chapter pages to check', () => {
    expect(chapterPages.length).toBeGreaterThanOrEqual(5);
  });

  it.each(chapterPages)('%s: every string a widget shows comes from the catalog', { timeout: 240_000 }, async (path) => {
    const { page, problems } = await openPage(browser, { reducedMotion: true });
    try {
      // The built pages say lang="en"; the browser sees them in the pseudo-locale.
      await page.route(
        (url) => url.pathname === path,
        async (route) => {
          const response = await route.fetch();
          const body = (await response.text()).replace(/<html lang="[^"]*"/, `<html lang="${PSEUDO}"`);
          await route.fulfill({ response, body });
        },
      );
      await page.goto(`${server.url}${path}`);
      expect(await page.getAttribute('html', 'lang')).toBe(PSEUDO);
      await waitForAllWidgets(page, 120_000);
      const first = await widgetTexts(page);
      expect(first.length).toBeGreaterThan(0);
      // Views with toggles (an axis, what drives the trajectories) draw a second state: check it too.
      for (const toggle of await page.$$('[data-widget] [data-stage] button[aria-pressed="false"]:not([disabled])')) await toggle.click();
      const second = await widgetTexts(page);
      for (const w of [...first, ...second]) {
        const all = [...w.texts, ...w.attributes].join('\u0001');
        // The locale took effect: the widget's own words are bracketed.
        expect((all.match(/⟦/g) ?? []).length, `${w.experiment}: catalog strings`).toBeGreaterThan(10);
        const stray = [
          ...w.texts.flatMap((text) => {
            const words = strayWords(text);
            return words.length === 0 ? [] : [`${words.join(' ')} (in “${outsideCatalog(text).replace(/\u0001/g, '|').slice(0, 160)}”)`];
          }),
          ...w.attributes.flatMap((text) => (strayWords(text).length > 0 ? [`[attribute] ${text}`] : [])),
        ];
        expect(stray, `${w.experiment}: text that is not from the catalog`).toEqual([]);
      }
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
