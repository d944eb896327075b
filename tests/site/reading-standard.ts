import type { Page } from 'playwright-core';

/*
 * The figure standard of the reading pages, measured in a rendered page: what a reader sees at the
 * size it is drawn. Each check returns its violations as lines naming the figure and the text, so a
 * failing test says exactly what to fix. Used by reading-standard.test.ts.
 */

/** Smallest figure text a reader is asked to read, in CSS pixels at the rendered size. */
export const MIN_FIGURE_TEXT_PX = 11;
/** A reader should meet a picture within one and a half screens of the top. */
export const FIRST_FIGURE_SCREENS = 1.5;

/** Figures of a page: live widget figures and static diagrams (their outermost SVGs and HTML labels). */
const FIGURE_SCOPES = '[data-widget] .widget-figure-area, [data-diagram] .diagram-art';

export interface FigureReport {
  smallText: string[];
  rawMarkup: string[];
  overlaps: string[];
  firstFigureTop: number | null;
  viewportHeight: number;
}

/** Runs every in-page check at once; the page must be settled (figures drawn). */
export function figureReport(page: Page): Promise<FigureReport> {
  return page.evaluate(
    ({ scopes, minPx }) => {
      const visible = (el: Element): boolean => {
        const rect = el.getBoundingClientRect();
        return rect.width > 0 && rect.height > 0 && el.checkVisibility({ visibilityProperty: true, opacityProperty: false });
      };
      const figureName = (el: Element): string => {
        const host = el.closest('[data-widget], [data-diagram]');
        return host?.getAttribute('data-experiment') ?? `diagram ${host?.getAttribute('data-diagram') ?? '?'}`;
      };
      const ownText = (el: Element): string =>
        [...el.childNodes]
          .filter((n) => n.nodeType === Node.TEXT_NODE)
          .map((n) => n.textContent ?? '')
          .join('')
          .trim();
      const inMath = (el: Element): boolean => el.closest('.katex-mathml, annotation, script, style') !== null;
      const areas = [...document.querySelectorAll(scopes)];

      const smallText: string[] = [];
      const rawMarkup: string[] = [];
      const overlaps: string[] = [];
      for (const area of areas) {
        const name = figureName(area);
        for (const el of area.querySelectorAll('*')) {
          const text = ownText(el);
          if (text === '' || inMath(el) || !visible(el)) continue;
          let px = Number.parseFloat(getComputedStyle(el).fontSize);
          if (el instanceof SVGGraphicsElement) {
            const m = el.getScreenCTM();
            if (m !== null) px *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
          }
          if (px < minPx - 0.05) smallText.push(`${name}: “${text.slice(0, 40)}” at ${px.toFixed(1)} px`);
        }
      }
      // Raw markup: a subscript or superscript written as text (τ_gen, e^−s, ψ_p = p/d) instead of
      // rendered, in a figure or in the words a widget writes around it.
      for (const area of document.querySelectorAll(`${scopes}, [data-widget] .widget-caption, [data-widget] .widget-status`)) {
        const name = figureName(area);
        const walker = document.createTreeWalker(area, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
          const parent = node.parentElement;
          if (parent === null || inMath(parent) || parent.closest('input, textarea, select, code, pre') !== null) continue;
          const text = node.textContent ?? '';
          if (/[\p{L}\p{N})}\]]_[\p{L}\p{N}{]|\^[\p{L}\p{N}{(−-]/u.test(text)) rawMarkup.push(`${name}: “${text.trim().slice(0, 60)}”`);
        }
      }
      // Collisions: the boxes of two visible text elements of one figure may not overlap.
      for (const area of areas) {
        const name = figureName(area);
        for (const svg of area.querySelectorAll('svg')) {
          if (svg.parentElement?.closest('svg') != null) continue;
          const boxes = [...svg.querySelectorAll('text')]
            .filter((t) => (t.textContent ?? '').trim() !== '' && visible(t))
            .map((t) => ({ text: (t.textContent ?? '').trim(), rect: t.getBoundingClientRect() }));
          for (let i = 0; i < boxes.length; i++) {
            for (let j = i + 1; j < boxes.length; j++) {
              const a = boxes[i];
              const b = boxes[j];
              if (a === undefined || b === undefined) continue;
              const w = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left);
              const h = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top);
              // A pixel of shared antialiasing is not a collision; glyphs that cover each other are.
              if (w > 1 && h > 1) overlaps.push(`${name}: “${a.text.slice(0, 30)}” × “${b.text.slice(0, 30)}”`);
            }
          }
        }
      }
      const tops = areas.filter(visible).map((a) => a.getBoundingClientRect().top + window.scrollY);
      return {
        smallText,
        rawMarkup,
        overlaps,
        firstFigureTop: tops.length === 0 ? null : Math.min(...tops),
        viewportHeight: window.innerHeight,
      };
    },
    { scopes: FIGURE_SCOPES, minPx: MIN_FIGURE_TEXT_PX },
  );
}

/** The site's own text faces that the page loaded (document.fonts), after the fonts have settled. */
export function loadedFaces(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    await document.fonts.ready;
    return [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family.replace(/["']/g, ''));
  });
}

export const SITE_FACES = /^Source (Serif 4|Sans 3) Variable$/;
