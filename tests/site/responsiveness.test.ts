import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPage, sitePages, skipE2E, waitForAllWidgets } from './harness.ts';
import { siteSession } from './site-session.ts';

/*
 * How responsive every widget is with its defaults, in Chromium on this machine: the time to the
 * first drawn frame (partial or final), the time to the first finished result, the longest wait between two progress updates, and the longest task that
 * held the page's main thread. Reported (console table and tests/.bench/responsiveness.json, quoted
 * in docs/performance.md), never asserted: speed is the benchmark's business, and CI machines
 * differ. The test fails only if a widget does not finish or a figure cannot be measured.
 *
 * Goals the figures are read against: first frame within 200 ms, progress at least every 100 ms
 * in longer runs, and no long task that freezes the page.
 */

/**
 * Every chapter when measuring (`npm run bench:responsiveness`, ATLAS_RESPONSIVENESS=all); in the
 * test suite the one-figure chapter only, which checks that the measuring still works (every
 * figure found, computed, rerun and timed) without timing the whole site twice per run.
 */
const chapters = sitePages().filter((p) => p.startsWith('/chapters/'));
const measuredChapters = process.env['ATLAS_RESPONSIVENESS'] === 'all' ? chapters : chapters.filter((p) => p === '/chapters/noise-and-back/');

interface TimelineEntry {
  t: number;
  widget: number;
  /** `click`: the Run button's click event, at the event's own time stamp (the input's arrival). */
  attr: 'data-status' | 'value' | 'data-frame' | 'click';
  value: string;
}

interface WidgetFigures {
  page: string;
  experiment: string;
  /** From the widget's first `running` (it starts when near the viewport) to its first `done`: cold worker included. */
  firstResultMs: number;
  /**
   * From the same start to the first figure drawn for it: a partial result streamed while the run
   * goes on, the final one, or a precomputed one drawn before the run (then 0).
   */
  firstFrameMs: number;
  firstFrameKind: string;
  /** From the same start to the first progress the run reports: the worker's start-up and queue, before the experiment's own work. */
  firstProgressMs: number;
  /** Partial frames drawn during the first run. */
  partialFrames: number;
  /** Run again (warm): from the click event to `done`. */
  rerunMs: number;
  /**
   * Longest interval without a progress update during the rerun, from the click event (the time
   * stamp the page gives the input) to `done`, both included.
   */
  maxProgressGapMs: number;
  /**
   * From the test's own clock before it asked the browser to click to the click event: the
   * driver's actionability checks, frame waits and protocol round trips, which a reader's click
   * does not have. Reported beside the gap, not in it.
   */
  clickDeliveryMs: number;
  progressUpdates: number;
  /** The longest single drawing of a partial frame, and of the finished figure, on the main thread (the page's `atlas:draw:` measures). */
  longestPartialDrawMs: number;
  longestFinalDrawMs: number;
}

/** Installed before any page script: every status and progress change of every widget, timestamped. */
function recordTimeline(): void {
  const log: TimelineEntry[] = [];
  const longTasks: number[] = [];
  Object.assign(window, { __atlasTimeline: log, __atlasLongTasks: longTasks });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
  new MutationObserver((records) => {
    const t = performance.now();
    const widgets = Array.from(document.querySelectorAll('[data-widget]'));
    for (const record of records) {
      const target = record.target as Element;
      const root = target.closest('[data-widget]');
      if (root === null) continue;
      if (record.attributeName === 'value' && !target.hasAttribute('data-progress')) continue;
      if ((record.attributeName === 'data-status' || record.attributeName === 'data-frame') && target !== root) continue;
      log.push({ t, widget: widgets.indexOf(root), attr: record.attributeName as TimelineEntry['attr'], value: target.getAttribute(record.attributeName ?? '') ?? '' });
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-status', 'value', 'data-frame'] });
  // Capture, so the time is taken before the widget's own handler runs.
  document.addEventListener(
    'click',
    (event) => {
      const target = event.target instanceof Element ? event.target : null;
      const root = target?.closest('[data-run]')?.closest('[data-widget]');
      if (root === null || root === undefined) return;
      log.push({ t: event.timeStamp, widget: Array.from(document.querySelectorAll('[data-widget]')).indexOf(root), attr: 'click', value: '' });
    },
    { capture: true },
  );
}

type DrawFigures = Pick<WidgetFigures, 'longestPartialDrawMs' | 'longestFinalDrawMs'>;

function figuresFor(log: readonly TimelineEntry[], widget: number, clickedAt: number): Omit<WidgetFigures, 'page' | 'experiment' | keyof DrawFigures> {
  const own = log.filter((e) => e.widget === widget);
  const statuses = own.filter((e) => e.attr === 'data-status');
  const firstRunning = statuses.find((e) => e.value === 'running');
  const firstDone = statuses.find((e) => e.value === 'done' && firstRunning !== undefined && e.t >= firstRunning.t);
  const click = own.find((e) => e.attr === 'click' && e.t >= clickedAt);
  const rerunDone = statuses.find((e) => e.value === 'done' && click !== undefined && e.t >= click.t);
  if (firstRunning === undefined || firstDone === undefined || click === undefined || rerunDone === undefined) {
    throw new Error(`widget ${widget}: no complete run in the timeline`);
  }
  const marks = [click.t, ...own.filter((e) => e.attr === 'value' && e.t > click.t && e.t < rerunDone.t).map((e) => e.t), rerunDone.t];
  let gap = 0;
  for (let i = 1; i < marks.length; i++) gap = Math.max(gap, marks[i] - marks[i - 1]);
  const frames = own.filter((e) => e.attr === 'data-frame');
  // A precomputed figure may be drawn before the run starts: it counts as drawn at once.
  const firstFrame = frames.find((e) => e.value === 'precomputed') ?? frames.find((e) => e.t >= firstRunning.t);
  if (firstFrame === undefined) throw new Error(`widget ${widget}: no drawn frame in the timeline`);
  const firstProgress = own.find((e) => e.attr === 'value' && e.t >= firstRunning.t && Number(e.value) > 0) ?? firstDone;
  return {
    firstResultMs: firstDone.t - firstRunning.t,
    firstFrameMs: Math.max(0, firstFrame.t - firstRunning.t),
    firstFrameKind: firstFrame.value,
    firstProgressMs: firstProgress.t - firstRunning.t,
    partialFrames: frames.filter((e) => e.value === 'partial' && e.t >= firstRunning.t && e.t <= firstDone.t).length,
    rerunMs: rerunDone.t - click.t,
    maxProgressGapMs: gap,
    clickDeliveryMs: click.t - clickedAt,
    progressUpdates: marks.length - 2,
  };
}

describe.skipIf(skipE2E)('responsiveness of every widget with its defaults (reported, not asserted)', () => {
  const site = siteSession();
  const rows: WidgetFigures[] = [];
  const longestTask: Record<string, number> = {};

  afterAll(() => {
    if (rows.length > 0) {
      console.table(
        rows.map((r) => ({
          ...r,
          firstFrameMs: Math.round(r.firstFrameMs),
          firstProgressMs: Math.round(r.firstProgressMs),
          firstResultMs: Math.round(r.firstResultMs),
          rerunMs: Math.round(r.rerunMs),
          maxProgressGapMs: Math.round(r.maxProgressGapMs),
          clickDeliveryMs: Math.round(r.clickDeliveryMs),
          longestPartialDrawMs: Math.round(r.longestPartialDrawMs),
          longestFinalDrawMs: Math.round(r.longestFinalDrawMs),
        })),
      );
      console.table(longestTask);
      const dir = join(import.meta.dirname, '../.bench');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'responsiveness.json'), `${JSON.stringify({ widgets: rows, longestTaskMs: longestTask }, null, 2)}\n`);
    }
  });

  for (const path of measuredChapters) {
    it(`${path}: every widget computes its default figure and runs again, timed`, async () => {
      const { page } = await openPage(site.browser, { reducedMotion: true });
      try {
        await page.addInitScript(recordTimeline);
        await page.goto(`${site.server.url}${path}`);
        await waitForAllWidgets(page, 120_000);
        const widgets = page.locator('[data-widget]');
        const count = await widgets.count();
        expect(count).toBeGreaterThan(0);
        for (let i = 0; i < count; i++) {
          const widget = widgets.nth(i);
          await widget.scrollIntoViewIfNeeded();
          const clickedAt = await page.evaluate(() => performance.now());
          await widget.locator('[data-run]').click();
          await page.waitForFunction(
            ([index, since]) => {
              const log = (window as unknown as { __atlasTimeline: TimelineEntry[] }).__atlasTimeline;
              return log.some((e) => e.widget === index && e.attr === 'data-status' && e.value === 'done' && e.t >= since);
            },
            [i, clickedAt] as const,
            { timeout: 120_000 },
          );
          const log = await page.evaluate(() => (window as unknown as { __atlasTimeline: TimelineEntry[] }).__atlasTimeline);
          const experiment = (await widget.getAttribute('data-experiment')) ?? `widget ${i}`;
          const draws = await page.evaluate((name) => {
            const longest = (what: string): number => Math.max(0, ...performance.getEntriesByName(`atlas:draw:${what}:${name}`).map((e) => e.duration));
            return { longestPartialDrawMs: longest('partial'), longestFinalDrawMs: longest('final') };
          }, experiment);
          const figures = { ...figuresFor(log, i, clickedAt), ...draws };
          for (const value of Object.values(figures)) if (typeof value === 'number') expect(Number.isFinite(value) && value >= 0).toBe(true);
          rows.push({ page: path, experiment, ...figures });
        }
        const tasks = await page.evaluate(() => (window as unknown as { __atlasLongTasks: number[] }).__atlasLongTasks);
        longestTask[path] = Math.round(Math.max(0, ...tasks));
      } finally {
        await page.context().close();
      }
    }, 300_000);
  }
});
