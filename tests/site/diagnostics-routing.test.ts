import { describe, expect, it } from 'vitest';
import { openPage, skipE2E } from './harness.ts';
import { siteSession } from './site-session.ts';

/*
 * The diagnostics page's routing section: the atlas worker's own calibration (or the line saying
 * one path serves every call), and the calibration of every path, software WebGL included, in a
 * fresh worker: one row per measured call shape, a time per path, and the path chosen for it.
 */

describe.skipIf(skipE2E)('diagnostics: per-call routing', () => {
  const site = siteSession();

  it('shows the calibration table: each measured shape, each path’s time, the faster path chosen', { timeout: 120_000 }, async () => {
    const { page, problems } = await openPage(site.browser);
    try {
      await page.goto(`${site.server.url}/diagnostics/`);
      await page.waitForSelector('[data-routing][data-state="ready"]', { timeout: 60_000 });
      const backend = await page.getAttribute('[data-backend-report]', 'data-backend');
      if (backend === 'wasm-simd' || backend === 'cpu') {
        // one verified path (headless Chromium's WebGL is software, left out of auto): no table
        expect(await page.locator('[data-routing] table').count()).toBe(0);
        expect(await page.textContent('[data-routing]')).toContain(backend);
      } else {
        expect(await page.locator('[data-routing] [data-routing-table]').count()).toBe(1);
      }

      await page.click('[data-calibrate-run]');
      await page.waitForSelector('[data-calibrate-report][data-state="ready"]', { timeout: 90_000 });
      const table = page.locator('[data-calibrate-report] [data-routing-table]');
      expect(await table.count()).toBe(1);
      const headers = await table.locator('thead th').allTextContents();
      // a shape column, then the GPU (SwiftShader here) and the CPU path, then the choice
      expect(headers).toHaveLength(4);
      expect(headers[1]).toContain('gpu-webgl2');
      expect(headers[2]).toContain('wasm-simd');
      const rows = await table.locator('tbody tr:not([data-skipped])').evaluateAll((trs) =>
        trs.map((tr) => ({
          shape: [tr.getAttribute('data-m'), tr.getAttribute('data-n'), tr.getAttribute('data-d')].map(Number),
          choice: tr.getAttribute('data-choice'),
          times: [...tr.querySelectorAll('td[data-path]')].map((td) => ({ path: td.getAttribute('data-path'), ms: td.getAttribute('data-ms') })),
        })),
      );
      // the first shape (the figures' usual size) is always measured, whatever the budget
      expect(rows.length).toBeGreaterThan(0);
      expect(rows[0]?.shape).toEqual([100, 100, 2]);
      for (const row of rows) {
        const measured = row.times.filter((t) => t.ms !== null).map((t) => ({ path: t.path, ms: Number(t.ms) }));
        expect(measured.length).toBeGreaterThan(0);
        for (const t of measured) expect(t.ms).toBeGreaterThanOrEqual(0);
        // the chosen path is the one with the lowest time in its row (the earlier path on a tie)
        const fastest = measured.reduce((best, t) => (t.ms < best.ms ? t : best));
        expect(row.choice).toBe(fastest.path);
      }
      expect(problems).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
});
