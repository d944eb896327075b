import { repairParams, type ConstrainedSchema } from './constraints.ts';
import { coerceParams, defaultsOf, formatParamText, type ParamNotice, type ParamSpecs } from './params.ts';

/**
 * The permalink codec: one textual form of an experiment's parameters for URLs, embeds and CLI
 * commands, versioned so that a link keeps opening the same figure after the schema changes.
 *
 * An experiment's schema starts at version 1. Each incompatible change (a rename, a removed
 * parameter, a renamed option) appends one step to its `paramHistory`. Links carry `v=<version>`
 * only once an experiment has a history: every link written before the first change is a
 * version-1 link, with or without `v`, so nothing needs to be written for it in advance.
 * Adding a parameter needs no step: old links simply leave it at its default.
 */
export interface ParamMigration {
  /** The version this step produces; steps run in order from the link's version up to the current one. */
  version: number;
  /** Old name → new name. */
  renamed?: Readonly<Record<string, string>>;
  /** Parameters that no longer exist; a link that sets one is told it was ignored. */
  removed?: readonly string[];
  /** Per (new) parameter name: old textual value → new textual value. */
  values?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** What changed, for the reader's notice when it matters (removed parameters). */
  note?: string;
}

export type ParamHistory = readonly ParamMigration[];

/** The part of an experiment definition the codec needs. */
export interface VersionedSchema extends ConstrainedSchema {
  paramHistory?: ParamHistory;
}

/** The query key holding the schema version. */
export const PARAM_VERSION_KEY = 'v';

/**
 * The query key naming the figure a chapter link's parameters are for, when that figure is not
 * the one that owns the page's query (`?fig=collapse&n=60#collapse`).
 */
export const FIGURE_QUERY_KEY = 'fig';

/**
 * Query keys the site keeps for itself (the version, the figure a link is for and the embed
 * options); no experiment may name a parameter like one of them.
 */
export const RESERVED_QUERY_KEYS: readonly string[] = [PARAM_VERSION_KEY, FIGURE_QUERY_KEY, 'controls', 'lock', 'theme', 'autoplay'];

export function schemaVersion(schema: VersionedSchema): number {
  const history = schema.paramHistory ?? [];
  return history.length === 0 ? 1 : Math.max(...history.map((step) => step.version));
}

/**
 * Problems with a history itself (for tests and build checks): versions must run 2, 3, … with no
 * gap, and a step may only rename to, or map values of, parameters that exist at that version.
 */
export function checkParamHistory(schema: VersionedSchema): string[] {
  const problems: string[] = [];
  const history = schema.paramHistory ?? [];
  history.forEach((step, i) => {
    if (step.version !== i + 2) problems.push(`step ${i} has version ${step.version}, expected ${i + 2}`);
  });
  // Earlier steps may rename through names that later steps rename again; only the last step's
  // targets must exist in the current schema.
  const last = history[history.length - 1];
  if (last !== undefined) {
    for (const name of Object.values(last.renamed ?? {})) {
      if (!Object.hasOwn(schema.params, name)) problems.push(`version ${last.version} renames to “${name}”, which the schema lacks`);
    }
    for (const name of Object.keys(last.values ?? {})) {
      if (!Object.hasOwn(schema.params, name)) problems.push(`version ${last.version} maps values of “${name}”, which the schema lacks`);
    }
    for (const name of last.removed ?? []) {
      if (Object.hasOwn(schema.params, name)) problems.push(`version ${last.version} removes “${name}”, which the schema still has`);
    }
  }
  return problems;
}

/** Bring the raw values of a link written at `from` up to the current schema. */
export function migrateRaw(
  schema: VersionedSchema,
  raw: Readonly<Record<string, string>>,
  from: number,
): { raw: Record<string, string>; notices: ParamNotice[] } {
  let current: Record<string, string> = { ...raw };
  const notices: ParamNotice[] = [];
  for (const step of schema.paramHistory ?? []) {
    if (step.version <= from) continue;
    const next: Record<string, string> = {};
    for (const [key, value] of Object.entries(current)) {
      if (step.removed?.includes(key)) {
        const why = step.note === undefined ? '' : ` (${step.note})`;
        notices.push({ param: key, message: `“${key}” no longer exists in this figure${why}; ignored` });
        continue;
      }
      const renamed = step.renamed !== undefined && Object.hasOwn(step.renamed, key) ? step.renamed[key] : undefined;
      next[renamed ?? key] = value;
    }
    for (const [key, map] of Object.entries(step.values ?? {})) {
      const value = next[key];
      if (value !== undefined && Object.hasOwn(map, value)) next[key] = map[value] ?? value;
    }
    current = next;
  }
  return { raw: current, notices };
}

export interface DecodedParams {
  params: Record<string, unknown>;
  /** What was changed in the link, and why; empty for a clean link. */
  notices: ParamNotice[];
  /** The schema version the link was written for. */
  version: number;
}

/**
 * Read parameters from query entries: migrate from the link's version, then validate and clamp
 * every value (what cannot be used falls back to its default), then repair combinations that break
 * a declared constraint (K·r ≤ d, tMin < tMax), saying what changed and which rule asked. Keys in `ignore` belong to the page
 * (embed options) and are skipped.
 */
export function decodeParams(
  schema: VersionedSchema,
  entries: Iterable<readonly [string, string]>,
  options: { ignore?: Iterable<string> } = {},
): DecodedParams {
  const ignore = new Set(options.ignore ?? []);
  const current = schemaVersion(schema);
  const raw: Record<string, string> = {};
  const notices: ParamNotice[] = [];
  let version = 1;
  for (const [key, value] of entries) {
    if (ignore.has(key)) continue;
    if (key === PARAM_VERSION_KEY) {
      const v = Number(value);
      if (Number.isInteger(v) && v >= 1 && v <= current) version = v;
      else {
        version = current;
        notices.push({
          param: PARAM_VERSION_KEY,
          message: `this link names version “${value}” of the figure's parameters; this page knows versions 1 to ${current} and reads it as version ${current}`,
        });
      }
      continue;
    }
    raw[key] = value;
  }
  const migrated = migrateRaw(schema, raw, version);
  const coerced = coerceParams(schema.params, migrated.raw);
  const repaired = repairParams(schema, coerced.params);
  return {
    params: { ...repaired.params },
    notices: [...notices, ...migrated.notices, ...coerced.notices, ...repaired.notices],
    version,
  };
}

/**
 * The query entries of a parameter set: the version when the schema has one beyond 1, then the
 * values that differ from the defaults, in schema order.
 */
export function encodeParams(schema: VersionedSchema, params: Readonly<Record<string, unknown>>): Array<[string, string]> {
  const defaults: Record<string, unknown> = defaultsOf(schema.params);
  const out: Array<[string, string]> = [];
  for (const [key, spec] of Object.entries(schema.params)) {
    const value = params[key];
    if (value === undefined) continue;
    const text = formatParamText(spec, value);
    if (text !== formatParamText(spec, defaults[key])) out.push([key, text]);
  }
  const version = schemaVersion(schema);
  if (out.length > 0 && version > 1) out.unshift([PARAM_VERSION_KEY, String(version)]);
  return out;
}

/** `?v=2&n=60&…`, or the empty string for the defaults. */
export function encodeQuery(schema: VersionedSchema, params: Readonly<Record<string, unknown>>): string {
  const text = new URLSearchParams(encodeParams(schema, params)).toString();
  return text === '' ? '' : `?${text}`;
}

function shellWord(text: string): string {
  return /^[\w.,+:=@/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The CLI command that reproduces a figure: only the parameters that differ from the defaults. */
export function cliCommand(name: string, schema: VersionedSchema, params: Readonly<Record<string, unknown>>): string {
  const flags = encodeParams(schema, params)
    .filter(([key]) => key !== PARAM_VERSION_KEY)
    .map(([key, value]) => `--${key} ${shellWord(value)}`);
  return ['npx diffusion-atlas run', shellWord(name), ...flags].join(' ');
}
