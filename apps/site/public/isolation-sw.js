/*
 * Cross-origin isolation for static hosts that cannot send headers (GitHub Pages and the like):
 * this service worker adds them to the site's own responses, so a page it serves may use
 * SharedArrayBuffer and the wasm kernel runs on every core. Registered by isolation-fallback.js
 * in builds made with ATLAS_ISOLATION_FALLBACK=1. Other origins' requests are left alone (the
 * site makes none). Same headers as astro.config.mjs (ISOLATION_HEADERS).
 */
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

self.addEventListener('install', () => self.skipWaiting());
// take the open page at once: its script reloads it, and the reload comes through here
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (new URL(request.url).origin !== self.location.origin) return;
  // fetch() rejects these outside same-origin mode (devtools asks for them)
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(fetch(request).then(withIsolation));
});

function withIsolation(response) {
  // opaque and redirect responses cannot be rewritten; they pass as they are
  if (response.status === 0 || response.type === 'opaqueredirect') return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
