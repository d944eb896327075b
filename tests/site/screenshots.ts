// Screenshots of every page at phone and desktop widths, light and dark, plus print emulation, into
// tests/.screens, for a person to look at. Usage (after `npm run build`): npx node site/screenshots.ts [path …]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, openPage, serveDist, sitePages, waitForWidget } from './harness.ts';

const out = join(import.meta.dirname, '../.screens');
mkdirSync(out, { recursive: true });
const paths = process.argv.slice(2).length > 0 ? process.argv.slice(2) : sitePages();
const server = await serveDist();
const browser = await launchBrowser();
const variants = [
  { label: 'phone', width: 375, theme: 'light', print: false },
  { label: 'phone', width: 375, theme: 'dark', print: false },
  { label: 'desktop', width: 1280, theme: 'light', print: false },
  { label: 'desktop', width: 1280, theme: 'dark', print: false },
  { label: 'print', width: 900, theme: 'dark', print: true },
] as const;
for (const path of paths) {
  for (const v of variants) {
    const { page, problems } = await openPage(browser, { width: v.width, reducedMotion: true, colorScheme: v.theme });
    await page.goto(`${server.url}${path}`);
    for (const el of await page.$$('[data-widget]')) {
      const name = await el.getAttribute('data-experiment');
      if (name) await waitForWidget(page, name, 120_000);
    }
    if (v.print) await page.emulateMedia({ media: 'print' });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(300);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    const file = join(out, `${path.replace(/[/?&=]/g, '_') || 'root'}-${v.label}-${v.theme}.png`);
    await page.screenshot({ path: file, fullPage: true });
    await page.screenshot({ path: file.replace('.png', '-top.png') });
    let i = 0;
    for (const el of await page.$$('[data-widget]')) await el.screenshot({ path: file.replace('.png', `-widget${i++}.png`) });
    console.log(file, overflow > 0 ? `HORIZONTAL OVERFLOW ${overflow}px` : '', problems.join(' | '));
    await page.context().close();
  }
}
await browser.close();
await server.close();
