import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { deflateSync, inflateSync } from 'node:zlib';
import { parseHTML } from 'linkedom';
import { buildRun } from './build-runs.ts';
import { PNG_SIGNATURE, pngChunk, pngFile } from './widgets/kit/png.ts';
import { currentLocale } from './i18n/messages.ts';
import { widgetEntry } from './widgets/registry.ts';

/*
 * Build-time posters: each widget's default figure, from the build's one default run of its
 * experiment (build-runs.ts, shared with the numbers the chapters quote) and drawn by the widget's own view in a small server-side DOM. The
 * SVG is inlined in the page, so before the live figure starts, and without JavaScript at all,
 * the reader sees the real figure, in the page's theme colours (views colour with CSS variables).
 *
 * A poster is a nicety: an experiment that needs more than the time budget, or browser APIs the
 * server DOM lacks, simply gets none, with a line in the build log.
 */

export interface Poster {
  /** One or more standalone <svg> elements, serialized. */
  svg: string;
}

const cache = new Map<string, Promise<Poster | null>>();

export function posterFor(experiment: string): Promise<Poster | null> {
  let poster = cache.get(experiment);
  if (poster === undefined) {
    poster = render(experiment).catch((error: unknown) => {
      console.warn(`[posters] no poster for ${experiment}: ${error instanceof Error ? error.message : String(error)}`);
      if (process.env['ATLAS_POSTER_DEBUG'] === '1' && error instanceof Error) console.warn(error.stack);
      return null;
    });
    cache.set(experiment, poster);
  }
  return poster;
}

/** The browser globals views and Observable Plot reach for while drawing, backed by the server DOM. */
const GLOBALS = [
  'window',
  'document',
  'HTMLElement',
  'SVGElement',
  'Element',
  'Node',
  'ResizeObserver',
  'IntersectionObserver',
  'MutationObserver',
  'getComputedStyle',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'setTimeout',
  'setInterval',
  'clearTimeout',
  'clearInterval',
] as const;

/** Attributes holding coordinates: a tenth of a pixel is finer than any screen shows, and halves the page weight of a poster. */
const GEOMETRY = new Set(['d', 'transform', 'points', 'cx', 'cy', 'x', 'y', 'x1', 'x2', 'y1', 'y2', 'r', 'width', 'height']);

function roundNumbers(text: string): string {
  return text.replace(/-?\d*\.\d+/g, (n) => String(Math.round(Number(n) * 10) / 10));
}

/**
 * The site's static data files as a view would fetch them, read from public/, where the build's
 * data scripts wrote them before `astro build` (which runs in apps/site). A file that is missing
 * (a bare `astro build`) leaves the view to draw without it, as it would after a failed fetch.
 */
function staticData(path: string): unknown {
  if (!/^\/data\/[\w./-]+\.json$/.test(path) || path.includes('..')) return undefined;
  try {
    return JSON.parse(readFileSync(resolve(process.cwd(), 'public', path.slice(1)), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Views encode their pixel images uncompressed (widgets/png.ts); inlined in a page, each costs
 * several times its compressed size, so the poster deflates them.
 */
function compactPng(base64: string): string {
  const png = Buffer.from(base64, 'base64');
  if (!PNG_SIGNATURE.every((byte, i) => png[i] === byte)) return base64;
  const kept: Uint8Array[] = [];
  const data: Buffer[] = [];
  for (let at = PNG_SIGNATURE.length; at + 12 <= png.length; ) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    if (type === 'IDAT') data.push(png.subarray(at + 8, at + 8 + length));
    else if (type === 'IEND') break;
    else kept.push(png.subarray(at, at + 12 + length));
    at += 12 + length;
  }
  const idat = pngChunk('IDAT', deflateSync(inflateSync(Buffer.concat(data)), { level: 9 }));
  const out = pngFile([...kept, idat, pngChunk('IEND', new Uint8Array(0))]);
  return out.length < png.length ? Buffer.from(out).toString('base64') : base64;
}

class InertObserver {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
  takeRecords(): [] {
    return [];
  }
}

/** Run `draw` with server-DOM globals in place, restoring the real ones afterwards (synchronously: nothing else interleaves). */
function withDom<T>(draw: (document: Document) => T): T {
  // Views take their words from the catalog in the document's locale: the page's, the one this build renders in.
  const dom = parseHTML(`<!doctype html><html lang="${currentLocale()}"><body></body></html>`);
  const win = dom as unknown as Record<string, unknown>;
  // Reduced motion: a view with a timeline jumps to its last frame, the figure a reader ends on.
  win['matchMedia'] = (query: string) => ({ matches: query.includes('reduce'), media: query, addEventListener() {}, removeEventListener() {} });
  const replacements: Record<string, unknown> = {
    window: win,
    document: dom.document,
    HTMLElement: win['HTMLElement'],
    SVGElement: win['SVGElement'],
    Element: win['Element'],
    Node: win['Node'],
    ResizeObserver: InertObserver,
    IntersectionObserver: InertObserver,
    MutationObserver: InertObserver,
    getComputedStyle: () => ({ getPropertyValue: () => '' }),
    requestAnimationFrame: () => 0,
    cancelAnimationFrame: () => undefined,
    // A poster is one synchronous drawing: deferred work would run after the server DOM is gone.
    setTimeout: () => 0,
    setInterval: () => 0,
    clearTimeout: () => undefined,
    clearInterval: () => undefined,
  };
  const scope = globalThis as unknown as Record<string, unknown>;
  const saved = new Map<string, PropertyDescriptor | undefined>();
  for (const name of GLOBALS) {
    saved.set(name, Object.getOwnPropertyDescriptor(scope, name));
    Object.defineProperty(scope, name, { value: replacements[name], configurable: true, writable: true });
  }
  try {
    return draw(dom.document as unknown as Document);
  } finally {
    for (const name of GLOBALS) {
      const descriptor = saved.get(name);
      if (descriptor === undefined) Reflect.deleteProperty(scope, name);
      else Object.defineProperty(scope, name, descriptor);
    }
  }
}

async function render(experiment: string): Promise<Poster | null> {
  const entry = widgetEntry(experiment);
  if (entry === undefined || entry.poster === false) return null;
  const output = await buildRun(experiment);
  const params = output.params;
  const factory = await entry.loadView();
  const svg = withDom((document) => {
    const host = document.createElement('div');
    host.dataset['widget'] = '';
    const stage = document.createElement('div');
    const readout = document.createElement('p');
    const summary = document.createElement('p');
    host.append(stage, readout, summary);
    document.body.append(host);
    const view = factory({ stage, readout, summary, staticData });
    view.show(output, params);
    const figures = [...stage.querySelectorAll('svg')].filter((el) => (el.parentElement?.closest('svg') ?? null) === null);
    for (const figure of figures) {
      // The poster is one image to assistive technology (its wrapper is labelled); ids would clash with the live figure's.
      figure.setAttribute('aria-hidden', 'true');
      figure.removeAttribute('aria-label');
      figure.removeAttribute('aria-description');
      for (const inner of figure.querySelectorAll('[aria-label]')) inner.removeAttribute('aria-label');
      for (const inner of figure.querySelectorAll('[id]')) inner.setAttribute('id', `poster-${inner.getAttribute('id') ?? ''}`);
    }
    for (const figure of figures) {
      for (const el of [figure, ...figure.querySelectorAll('*')]) {
        for (const attr of [...el.attributes]) {
          if (attr.name.startsWith('data-')) el.removeAttribute(attr.name);
          else if (GEOMETRY.has(attr.name)) el.setAttribute(attr.name, roundNumbers(attr.value));
        }
      }
    }
    return figures
      .map((figure) =>
        figure.outerHTML
          .replace(/url\(#/g, 'url(#poster-')
          .replace(/href="#/g, 'href="#poster-')
          .replace(/data:image\/png;base64,([A-Za-z0-9+/=]+)/g, (_whole, base64: string) => `data:image/png;base64,${compactPng(base64)}`),
      )
      .join('');
  });
  return svg === '' ? null : { svg };
}
