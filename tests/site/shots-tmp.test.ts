import { it } from 'vitest';
import { launchBrowser, openPage, serveDist, waitForAllWidgets } from './harness.ts';

it('shots', async () => {
  const server = await serveDist();
  const browser = await launchBrowser();
  const { page } = await openPage(browser, { reducedMotion: true });
  await page.goto(`${server.url}/chapters/diffusion-for-physics/`);
  await waitForAllWidgets(page, 120_000);
  for (const name of ['curie-weiss', 'gaussian-field', 'ising-2d']) {
    await page.locator(`[data-widget][data-experiment="${name}"]`).screenshot({ path: `/tmp/shot-${name}.png` });
  }
  await page.context().close();
  await browser.close();
  await server.close();
}, 200_000);
