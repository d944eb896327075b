// Screenshots of every page at phone and desktop widths, into tests/.screens, for a person to look at.
// Usage (after `npm run build`): npx node site/screenshots.ts [path …]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, openPage, serveDist, waitForWidget } from './harness.ts';

const out = join(import.meta.dirname, '../.screens');
mkdirSync(out, { recursive: true });
const paths = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['/', '/chapters/noise-and-back/', '/embed/noise-and-back/', '/diagnostics/'];
const server = await serveDist();
const browser = await launchBrowser();
for (const path of paths) {
  for (const [label, width] of [['phone', 375], ['desktop', 1280]] as const) {
    for (const theme of ['light', 'dark'] as const) {
      const { page, problems } = await openPage(browser, { width, reducedMotion: true });
      await page.emulateMedia({ colorScheme: theme });
      await page.goto(`${server.url}${path}`);
      for (const el of await page.$$('[data-widget]')) {
        const name = await el.getAttribute('data-experiment');
        if (name) await waitForWidget(page, name, 120_000);
      }
      await page.waitForTimeout(300);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      const file = join(out, `${path.replaceAll('/', '_') || 'root'}-${label}-${theme}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await page.screenshot({ path: file.replace('.png', '-top.png') });
      let i = 0;
      for (const el of await page.$$('[data-widget]')) await el.screenshot({ path: file.replace('.png', `-widget${i++}.png`) });
      console.log(file, overflow > 0 ? `HORIZONTAL OVERFLOW ${overflow}px` : '', problems.join(' | '));
      await page.context().close();
    }
  }
}
await browser.close();
await server.close();
