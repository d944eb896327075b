import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { FIGURE_QUERY_KEY, decodeParams, defaultsOf, encodeQuery, formatParamText, getExperiment, repairParams, validateParams, type AnyExperiment, type ParamSpec } from '@diffusion-atlas/core';
import { openPage, sitePages, skipE2E } from './harness.ts';
import { siteSession } from './site-session.ts';

/*
 * Embeds, permalinks and posters, for every experiment that has an embed page in the build (found at
 * run time) and every stored link in tests/fixtures/permalinks.json. How each chapter prints, before
 * and after its figures ran, is checked on the page tour's visit (page-tour.ts).
 */

const embedded = sitePages()
  .filter((p) => p.startsWith('/embed/'))
  .map((p) => p.split('/')[2] ?? '');
const chapterPages = sitePages().filter((p) => p.startsWith('/chapters/'));
const stored = (
  JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/permalinks.json'), 'utf8')) as {
    links: Array<{ experiment: string; query: string; params: Record<string, unknown> }>;
  }
).links;

/** A value other than the default, as small as the spec allows (small problems run fast). */
function otherValue(spec: ParamSpec): unknown {
  switch (spec.type) {
    case 'integer':
    case 'number':
      return spec.min !== spec.default ? spec.min : spec.max;
    case 'enum':
      return spec.options.find((o) => o !== spec.default) ?? spec.default;
    case 'boolean':
      return !spec.default;
    case 'number-list': {
      const list = Array.from({ length: Math.max(1, spec.minItems) }, () => spec.min);
      return formatParamText(spec, list) !== formatParamText(spec, spec.default) ? list : Array.from({ length: Math.max(1, spec.minItems) }, () => spec.max);
    }
  }
}

/** A value one step from the default: different, yet as cheap and as valid as the default run. */
function nudged(spec: ParamSpec): unknown {
  switch (spec.type) {
    case 'integer':
      return spec.default + 1 <= spec.max ? spec.default + 1 : spec.default - 1;
    case 'number': {
      const step = (spec.max - spec.min) / 100;
      return Number((spec.default + step <= spec.max ? spec.default + step : spec.default - step).toPrecision(6));
    }
    default:
      return otherValue(spec);
  }
}

/** Every parameter away from its default. */
function nonDefaultState(experiment: AnyExperiment): Record<string, unknown> {
  const changed = validateParams(experiment.params, Object.fromEntries(Object.entries(experiment.params).map(([key, spec]) => [key, otherValue(spec)])));
  // A state that breaks a rule between parameters (tMin < tMax, K·r ≤ d) is not a state a link can
  // hold: the codec repairs it with a notice. Round-trip the valid state nearest to "every value changed".
  return repairParams(experiment, changed).params;
}

/** The state a chapter link (the embed's "read more" link) carries, decoded with the codec. */
async function linkedState(page: Page | Frame, experiment: AnyExperiment): Promise<Record<string, unknown>> {
  const href = (await page.getAttribute('[data-chapter-link]', 'href')) ?? '';
  const url = new URL(href, 'http://x');
  expect(url.hash).toBe(`#${experiment.name}`);
  // A link with state names its figure, which may not be the one owning the chapter's query.
  if (url.search !== '') expect(url.searchParams.get(FIGURE_QUERY_KEY)).toBe(experiment.name);
  url.searchParams.delete(FIGURE_QUERY_KEY);
  const decoded = decodeParams(experiment, url.searchParams);
  expect(decoded.notices).toEqual([]);
  return decoded.params;
}

async function mounted(page: Page | Frame): Promise<void> {
  // data-ready: the controller has read the state and written the links (the server's markup
  // already holds the form and a chapter link without state, so waiting on those raced the script).
  await page.waitForSelector('[data-widget][data-ready] [data-controls-form]', { state: 'attached' });
}

/** A second server on another port: a host page that frames the embed and records its messages. */
async function serveHost(): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const src = new URL(req.url ?? '/', 'http://x').searchParams.get('src') ?? '';
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A course page</title></head><body>
<main><h1>Week 3 reading</h1>
<iframe id="atlas" title="Embedded figure" src="${src.replace(/"/g, '&quot;')}" width="900" height="300" style="border:0;width:100%"></iframe></main>
<script>
window.__messages = [];
addEventListener('message', function (e) {
  var frame = document.getElementById('atlas');
  if (e.source !== frame.contentWindow) return;
  window.__messages.push({ origin: e.origin, data: e.data });
  if (e.data && e.data.type === 'diffusion-atlas:resize') frame.style.height = e.data.height + 'px';
});
</script></body></html>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // "localhost" against the site's "127.0.0.1", on another port: a different origin twice over.
  return { url: `http://localhost:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe.skipIf(skipE2E)('embeds, permalinks and print', () => {
  const site = siteSession();
  let host: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    host = await serveHost();
  });

  afterAll(async () => {
    await host?.close();
  });

  it('finds the embeds to check in the build', () => {
    expect(embedded.length).toBeGreaterThan(0);
    expect(chapterPages.length).toBeGreaterThan(0);
  });

  it.each(embedded)('%s in a cross-origin iframe: loads, runs, reports its height, keeps a locked parameter fixed', async (name) => {
    const experiment = getExperiment(name);
    // The seed when there is one (every value is valid and equally cheap), else the first integer or option.
    const [lockedName = '', lockedSpec] =
      Object.entries(experiment.params).find(([key]) => key === 'seed') ??
      Object.entries(experiment.params).find(([, spec]) => spec.type === 'integer' || spec.type === 'enum') ??
      [];
    expect(lockedSpec).toBeDefined();
    const lockedValue = lockedSpec === undefined ? undefined : nudged(lockedSpec);
    const query = encodeQuery(experiment, { ...defaultsOf(experiment.params), [lockedName]: lockedValue });
    const src = `${site.server.url}/embed/${name}/${query}${query === '' ? '?' : '&'}lock=${lockedName}&controls=${lockedName}`;
    const { page, problems } = await openPage(site.browser, { reducedMotion: true, width: 1000 });
    await page.goto(`${host.url}/?src=${encodeURIComponent(src)}`);
    const frame = page.frames().find((f) => f.url().includes('/embed/')) ?? (await page.waitForEvent('frameattached'));
    await frame.waitForSelector('[data-widget][data-status="done"], [data-widget][data-status="error"]', { timeout: 60_000 });
    expect(await frame.getAttribute('[data-widget]', 'data-status')).toBe('done');

    // The height messages, in the documented shape, from the atlas's origin; the host applied the last one.
    await page.waitForFunction(() => (window as unknown as { __messages: unknown[] }).__messages.length > 0);
    const messages = await page.evaluate(() => (window as unknown as { __messages: Array<{ origin: string; data: unknown }> }).__messages);
    for (const m of messages) {
      expect(m.origin).toBe(site.server.url);
      expect(m.data).toEqual({ type: 'diffusion-atlas:resize', height: expect.any(Number) });
    }
    await page.waitForFunction(() => {
      const ms = (window as unknown as { __messages: Array<{ data: { height: number } }> }).__messages;
      const last = ms[ms.length - 1]?.data.height ?? 0;
      return Math.abs((document.getElementById('atlas')?.getBoundingClientRect().height ?? 0) - last) < 1 && last > 200;
    });
    const contentHeight = await frame.evaluate(() => Math.ceil(document.querySelector('[data-embed-content]')?.getBoundingClientRect().height ?? 0));
    const reported = await page.evaluate(() => {
      const ms = (window as unknown as { __messages: Array<{ data: { height: number } }> }).__messages;
      return ms[ms.length - 1]?.data.height ?? 0;
    });
    expect(reported).toBe(contentHeight);

    // Only the requested control is shown, and it is locked at the link's value.
    const controls = await frame.$$eval('[data-widget] [data-control]', (els) => els.map((el) => el.getAttribute('data-control')));
    expect(controls).toEqual([lockedName]);
    const field = frame.locator(`[data-control="${lockedName}"] select, [data-control="${lockedName}"] input`).first();
    expect(await field.isDisabled()).toBe(true);
    const kind = await field.evaluate((el) => (el instanceof HTMLInputElement ? el.type : el.tagName.toLowerCase()));
    if (lockedSpec !== undefined && (kind === 'select' || kind === 'text')) expect(await field.inputValue()).toBe(formatParamText(lockedSpec, lockedValue));
    expect((await linkedState(frame, experiment))[lockedName]).toEqual(lockedValue);
    // Theme auto, autoplay off by default: nothing plays by itself.
    expect(await frame.getAttribute('[data-widget]', 'data-autoplay')).toBe('false');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it.each(embedded)('%s: a permalink with every parameter changed round-trips through the page', async (name) => {
    const experiment = getExperiment(name);
    const state = nonDefaultState(experiment);
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}/embed/${name}/${encodeQuery(experiment, state)}`);
    await mounted(page);
    expect(await page.isVisible('[data-notice]')).toBe(false);
    expect(await linkedState(page, experiment)).toEqual(state);
    // Option lists show the state as it is (free-text fields may be rewritten by a view, e.g. to show derived values).
    for (const [key, spec] of Object.entries(experiment.params)) {
      const select = page.locator(`[data-widget] select[name="${key}"]`);
      if ((await select.count()) > 0) expect(await select.inputValue()).toBe(formatParamText(spec, state[key]));
    }
    // Stop whatever the state started; only the round trip is under test.
    expect(problems.filter((p) => !p.includes('cancel'))).toEqual([]);
    await page.context().close();
  });

  it.each(stored.map((l) => [`${l.experiment}${l.query}`, l] as const))('stored link %s opens its state', async (_label, link) => {
    const experiment = getExperiment(link.experiment);
    const { page, problems } = await openPage(site.browser, { reducedMotion: true });
    await page.goto(`${site.server.url}/embed/${link.experiment}/${link.query}`);
    await mounted(page);
    expect(await page.isVisible('[data-notice]')).toBe(false);
    expect(await linkedState(page, experiment)).toEqual({ ...defaultsOf(experiment.params), ...link.params });
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it.each(chapterPages)('%s without JavaScript: every widget shows the poster of its default figure, one SVG image with a name', async (path) => {
    const { page, problems } = await openPage(site.browser, { javaScript: false });
    await page.goto(`${site.server.url}${path}`);
    const widgets = await page.$$eval('[data-widget]', (els) =>
      els.map((el) => {
        const visible = (e: Element | null): boolean => e !== null && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
        const image = el.querySelector('[data-poster] [role="img"]');
        const figures = [...(image?.querySelectorAll('svg') ?? [])].filter((f) => visible(f) && f.getBoundingClientRect().width >= 100 && (f.parentElement?.closest('svg') ?? null) === null);
        return {
          id: el.id,
          name: image?.getAttribute('aria-label') ?? '',
          figures: figures.length,
          // The poster is the one image: its SVGs are hidden from assistive technology, their ids kept apart from the live figure's.
          exposed: figures.filter((f) => f.getAttribute('aria-hidden') !== 'true').length,
          unprefixedIds: [...(image?.querySelectorAll('[id]') ?? [])].filter((node) => !node.id.startsWith('poster-')).length,
          stageHidden: !visible(el.querySelector('[data-stage]')),
        };
      }),
    );
    expect(widgets.length).toBeGreaterThan(0);
    for (const w of widgets) {
      expect(w.figures, `${w.id} shows a poster`).toBeGreaterThan(0);
      expect(w.name, `${w.id}'s poster has an accessible name`).not.toBe('');
      expect(w.exposed, `${w.id}'s poster is one image`).toBe(0);
      expect(w.unprefixedIds, `${w.id}'s poster ids`).toBe(0);
      expect(w.stageHidden, `${w.id}'s empty stage is hidden behind the poster`).toBe(true);
    }
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
