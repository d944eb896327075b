import {
  FIGURE_QUERY_KEY,
  PARAM_VERSION_KEY,
  RESERVED_QUERY_KEYS,
  decodeParams,
  encodeQuery,
  type ParamNotice,
  type ParamSpecs,
  type VersionedSchema,
} from '@diffusion-atlas/core';

import type { ParamValues } from '../kit/view.ts';

export type { ParamValues };

/** Plain specs or a whole experiment (which may carry a version history). */
type Schema = ParamSpecs | VersionedSchema;

function asSchema(schema: Schema): VersionedSchema {
  // A ParamSpecs record never has a `params` key holding specs; an experiment always does.
  const maybe = schema as Partial<VersionedSchema>;
  return typeof maybe.params === 'object' && maybe.params !== null && !('type' in maybe.params)
    ? (schema as VersionedSchema)
    : { params: schema as ParamSpecs };
}

/**
 * Read a widget's parameters from a query string through the versioned codec. Anything unusable
 * is replaced (clamped or set to its default) and reported, so a hand-edited or stale link still
 * opens a working page.
 */
export function readQueryParams(schema: Schema, search: string): { params: ParamValues; notices: ParamNotice[] } {
  const { params, notices } = decodeParams(asSchema(schema), new URLSearchParams(search), { ignore: RESERVED_QUERY_KEYS.filter((k) => k !== PARAM_VERSION_KEY) });
  return { params: { ...params }, notices };
}

/** Does this query set any of the schema's parameters (the reader came for this figure's state)? */
export function queryNamesParams(schema: Schema, search: string): boolean {
  const { params } = asSchema(schema);
  for (const key of new URLSearchParams(search).keys()) if (Object.hasOwn(params, key)) return true;
  return false;
}

/** The query string of a parameter set: only the values that differ from the defaults, in spec order. */
export function queryOf(schema: Schema, params: ParamValues): string {
  return encodeQuery(asSchema(schema), params);
}

/*
 * A chapter page's query holds one figure's state. Plain parameters (`?n=60`) belong to the page's
 * owner, the figure marked to read and write the URL; a link to any other figure names it
 * (`?fig=collapse&n=60#collapse`), so old links keep their meaning and every figure gets a link.
 */

/** The figure id a link names in `fig`, or null for a plain link (the owner's). */
export function linkedFigure(search: string): string | null {
  return new URLSearchParams(search).get(FIGURE_QUERY_KEY);
}

/** The query of a parameter set as a link to the figure `figure` on its chapter page; empty for the defaults. */
export function figureQueryOf(schema: Schema, params: ParamValues, figure: string): string {
  const state = new URLSearchParams(queryOf(schema, params));
  if ([...state.keys()].length === 0) return '';
  return `?${new URLSearchParams([[FIGURE_QUERY_KEY, figure], ...state]).toString()}`;
}

/** The page's own options (an embed's), which survive any rewrite of the state. */
function pageOptions(url: URL): Array<[string, string]> {
  return [...url.searchParams].filter(([key]) => RESERVED_QUERY_KEYS.includes(key) && key !== PARAM_VERSION_KEY && key !== FIGURE_QUERY_KEY);
}

/**
 * Replace the page's parameters in its query (keeping its path, hash and the page's own options,
 * such as an embed's) without adding a history entry: as the owner's plain parameters, or as a
 * link to `figure`.
 */
export function writeQueryParams(schema: Schema, params: ParamValues, figure?: string): void {
  const url = new URL(window.location.href);
  const query = figure === undefined ? queryOf(schema, params) : figureQueryOf(schema, params, figure);
  replaceQuery(url, [...new URLSearchParams(query), ...pageOptions(url)]);
}

/** Drop a link's state (a link to a figure the page lacks), keeping the page's own options. */
export function clearQueryParams(): void {
  const url = new URL(window.location.href);
  replaceQuery(url, pageOptions(url));
}

function replaceQuery(url: URL, entries: Array<[string, string]>): void {
  const text = new URLSearchParams(entries).toString();
  const next = `${url.pathname}${text === '' ? '' : `?${text}`}${url.hash}`;
  if (next !== `${url.pathname}${url.search}${url.hash}`) history.replaceState(history.state, '', next);
}
