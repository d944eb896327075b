import { createServer } from 'node:net';
import { join } from 'node:path';
import { preview } from 'astro';
import { distDir } from '../site/harness.ts';

/*
 * The built site served by `astro preview`, the server `npm start` runs, with the headers it sends
 * (astro.config.mjs: cross-origin isolation). The browser bench and tests/site/isolation.test.ts
 * use it; the other browser tests serve dist/ as a plain static host would (tests/site/harness.ts).
 */

const siteRoot = join(import.meta.dirname, '../../apps/site');

export interface PreviewSite {
  url: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `astro preview` of the build the browser tests read (apps/site/dist, or ATLAS_DIST) on a free local port. */
export async function servePreview(): Promise<PreviewSite> {
  const port = await freePort();
  const server = await preview({ root: siteRoot, outDir: distDir, logLevel: 'error', server: { host: '127.0.0.1', port } });
  return { url: `http://127.0.0.1:${server.port}`, close: () => server.stop() };
}
