import {
  PARAM_VERSION_KEY,
  RESERVED_QUERY_KEYS,
  decodeParams,
  encodeQuery,
  type ParamNotice,
  type ParamSpecs,
  type VersionedSchema,
} from '@diffusion-atlas/core';

export type ParamValues = Record<string, unknown>;

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

/**
 * Replace the page's parameters in its query (keeping its path, hash and the page's own options,
 * such as an embed's) without adding a history entry.
 */
export function writeQueryParams(schema: Schema, params: ParamValues): void {
  const url = new URL(window.location.href);
  const own = new URLSearchParams();
  for (const [key, value] of url.searchParams) if (RESERVED_QUERY_KEYS.includes(key) && key !== PARAM_VERSION_KEY) own.append(key, value);
  const state = new URLSearchParams(queryOf(schema, params));
  for (const [key, value] of own) state.append(key, value);
  const text = state.toString();
  const next = `${url.pathname}${text === '' ? '' : `?${text}`}${url.hash}`;
  if (next !== `${url.pathname}${url.search}${url.hash}`) history.replaceState(history.state, '', next);
}
