import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openPage, pseudoDistDir, sitePages, skipE2E, waitForAllWidgets } from './harness.ts';
import { siteSession } from './site-session.ts';

/*
 * Every chapter page rendered in the pseudo-locale `x-pseudo` (src/i18n/messages.ts), where every
 * message from the catalog reads ⟦…⟧. Whatever a widget puts on screen or in an accessible name
 * after removing the bracketed text and the notation (numbers, symbols, subscripts) is English
 * that bypassed the message file. The server-rendered text of those pages is built in English;
 * the second part below reads a build made in the pseudo-locale instead (ATLAS_LOCALE=x-pseudo):
 * every page's header, footer, navigation and title, the posters, and the home, 404 and
 * diagnostics pages whole. tests/site/messages.test.ts checks the sources.
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
  const site = siteSession();

  it('has chapter pages to check', () => {
    expect(chapterPages.length).toBeGreaterThanOrEqual(5);
  });

  it.each(chapterPages)('%s: every string a widget shows comes from the catalog', { timeout: 240_000 }, async (path) => {
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
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
      await page.goto(`${site.server.url}${path}`);
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

// ── The site's own pages and chrome, built in the pseudo-locale ──────────────────────────────────

/** Pages of the pseudo-locale build; none when it is missing, which the tests below report. */
const pseudoPages = existsSync(pseudoDistDir) ? sitePages(pseudoDistDir) : [];

/**
 * The parts of a built page whose every word comes from the catalog: `required` must be there.
 * Chapter prose and descriptions (MDX) and the performance page's body (docs/performance.md) are
 * texts, translated as files, and left out.
 */
function catalogRegions(path: string): { required: string[]; optional: string[] } {
  const chrome = ['.skip-link', 'header.site-header', 'footer.site-footer'];
  if (path.startsWith('/embed/')) return { required: ['.embed h1'], optional: ['[data-chapter-link]', '[data-poster]'] };
  if (path.startsWith('/chapters/')) {
    return {
      required: [...chrome, '.chapter-head .kicker', '.chapter-head h1', '.chapter-meta h2', 'nav.chapter-nav'],
      optional: ['#footnote-label', '[data-footnote-backref]', '[data-poster]'],
    };
  }
  if (path === '/performance/') return { required: chrome, optional: [] };
  // The home, 404 and diagnostics pages are the site's own words throughout.
  return { required: ['body'], optional: [] };
}

interface RegionText {
  selector: string;
  count: number;
  texts: string[];
  attributes: string[];
}

/** Per selector: how many elements match, their text (nodes joined by U+0001, as above) and their text attributes. */
async function regionTexts(page: Page, selectors: string[]): Promise<RegionText[]> {
  return page.evaluate(
    ({ selectors, attributes }) =>
      selectors.map((selector) => {
        const elements = [...document.querySelectorAll(selector)];
        const texts: string[] = [];
        const attrs: string[] = [];
        for (const element of elements) {
          const nodes: string[] = [];
          const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
            const parent = node.parentElement;
            if (parent === null || parent.closest('style, script, sub') !== null) continue;
            if (parent.getAttribute('baseline-shift') === 'sub') continue;
            nodes.push(node.textContent ?? '');
          }
          texts.push(nodes.join('\u0001'));
          for (const el of [element, ...element.querySelectorAll('*')]) {
            for (const name of attributes) {
              const value = el.getAttribute(name);
              if (value !== null) attrs.push(value);
            }
          }
        }
        return { selector, count: elements.length, texts, attributes: attrs };
      }),
    { selectors, attributes: TEXT_ATTRIBUTES },
  );
}

/** Findings for texts with words outside the catalog's brackets, quoted with their surroundings. */
function strayIn(texts: readonly string[], where: string): string[] {
  return texts.flatMap((text) => {
    const words = strayWords(text);
    return words.length === 0 ? [] : [`${where}: ${words.join(' ')} (in “${outsideCatalog(text).replace(/\u0001/g, '|').trim().slice(0, 160)}”)`];
  });
}

describe.skipIf(skipE2E)('the site built in the pseudo-locale', () => {
  const site = siteSession(pseudoDistDir);
  let posters = 0;

  it('has every kind of page to check', () => {
    for (const path of ['/', '/404.html', '/diagnostics/', '/performance/']) expect(pseudoPages).toContain(path);
    expect(pseudoPages.filter((p) => p.startsWith('/chapters/')).length).toBeGreaterThanOrEqual(5);
    expect(pseudoPages.filter((p) => p.startsWith('/embed/')).length).toBeGreaterThan(10);
  });

  it.each(pseudoPages)('%s: its title, chrome and own text come from the catalog', async (path) => {
    // As a reader without JavaScript sees it: what the build wrote, before any script changes it.
    const { page, problems } = await openPage(site.browser, { javaScript: false });
    try {
      await page.goto(`${site.server.url}${path}`);
      expect(await page.getAttribute('html', 'lang')).toBe(PSEUDO);
      const head = await page.evaluate(() => ({
        title: document.title,
        description: document.querySelector('meta[name="description"]')?.getAttribute('content') ?? '',
      }));
      const { required, optional } = catalogRegions(path);
      const regions = await regionTexts(page, [...required, ...optional]);
      expect(regions.filter((r) => required.includes(r.selector) && r.count === 0).map((r) => r.selector)).toEqual([]);
      const all = regions.flatMap((r) => [...r.texts, ...r.attributes]).join('\u0001');
      // The build took the locale: the page's own words are bracketed.
      expect((all.match(/⟦/g) ?? []).length).toBeGreaterThan(2);
      posters += regions.find((r) => r.selector === '[data-poster]')?.count ?? 0;
      const stray = [
        ...strayIn([head.title], 'title'),
        // A chapter's description is its own (front matter); every other page's comes from the catalog.
        ...(path.startsWith('/chapters/') ? [] : strayIn([head.description], 'description')),
        ...regions.flatMap((r) => [...strayIn(r.texts, r.selector), ...strayIn(r.attributes, `${r.selector} [attribute]`)]),
      ];
      expect(stray).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('drew posters, and checked them', () => {
    expect(posters).toBeGreaterThan(0);
  });

  it('/diagnostics/: the report its script fills in is worded by the catalog around the values the worker reports', { timeout: 90_000 }, async () => {
    const { page, problems } = await openPage(site.browser);
    try {
      await page.goto(`${site.server.url}/diagnostics/`);
      await page.waitForSelector('[data-backend-report][data-state="ready"]', { timeout: 60_000 });
      // The backend's name and the worker's fallback reason are its report, shown as given (and kept in data attributes).
      const reported = await page.$eval('[data-backend-report]', (el) =>
        [el.getAttribute('data-backend'), el.getAttribute('data-fallback-reason')].filter((v): v is string => v !== null && v !== ''),
      );
      const [main] = await regionTexts(page, ['main']);
      const texts = (main?.texts ?? []).map((text) => reported.reduce((rest, value) => rest.split(value).join(' '), text));
      expect(texts.join('').match(/⟦/g)?.length ?? 0).toBeGreaterThan(10);
      expect([...strayIn(texts, 'main'), ...strayIn(main?.attributes ?? [], 'main [attribute]')]).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
