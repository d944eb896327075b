const requests = new Map<string, Promise<unknown>>();

/**
 * A static data file of the site (`/data/….json`, written by the build's data scripts), fetched
 * once per page however many views ask; undefined where it cannot be had (a failed request, or no
 * origin to fetch from: build-time posters are handed their files through ViewContext.staticData).
 */
export function staticJson(path: string): Promise<unknown> {
  if (typeof globalThis.location === 'undefined' || typeof fetch === 'undefined') return Promise.resolve(undefined);
  let request = requests.get(path);
  if (request === undefined) {
    request = fetch(new URL(path, globalThis.location.href))
      .then(async (response) => (response.ok ? ((await response.json()) as unknown) : undefined))
      .catch(() => undefined);
    requests.set(path, request);
  }
  return request;
}
