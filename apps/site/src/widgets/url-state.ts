import { coerceParams, defaultsOf, formatParamText, type ParamNotice, type ParamSpecs } from '@diffusion-atlas/core';

export type ParamValues = Record<string, unknown>;

/**
 * Read a widget's parameters from a query string. Anything unusable is replaced (clamped or set to
 * its default) and reported, so a hand-edited or stale link still opens a working page.
 */
export function readQueryParams(specs: ParamSpecs, search: string): { params: ParamValues; notices: ParamNotice[] } {
  const raw: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(search)) raw[key] = value;
  const { params, notices } = coerceParams(specs, raw);
  return { params: { ...params }, notices };
}

/** The query string of a parameter set: only the values that differ from the defaults, in spec order. */
export function queryOf(specs: ParamSpecs, params: ParamValues): string {
  const defaults: ParamValues = defaultsOf(specs);
  const query = new URLSearchParams();
  for (const [key, spec] of Object.entries(specs)) {
    const value = params[key];
    if (value === undefined) continue;
    const text = formatParamText(spec, value);
    if (text !== formatParamText(spec, defaults[key])) query.set(key, text);
  }
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}

/** Replace the page's query (keeping its path and hash) without adding a history entry. */
export function writeQueryParams(specs: ParamSpecs, params: ParamValues): void {
  const url = new URL(window.location.href);
  const next = `${url.pathname}${queryOf(specs, params)}${url.hash}`;
  if (next !== `${url.pathname}${url.search}${url.hash}`) history.replaceState(history.state, '', next);
}
