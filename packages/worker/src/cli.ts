import { mkdir, stat, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import {
  AtlasError,
  describeConstraints,
  describeRange,
  experiments,
  formatCsvTable,
  formatJson,
  getExperiment,
  parseParamText,
  rectangularTables,
  tableRows,
  type AnyExperiment,
  type ParamSpec,
  type ParamSpecs,
  type ParamsOf,
  type ResultTable,
} from '@diffusion-atlas/core';
import { runLocal } from './local.ts';
import { experimentHelp } from './cli-help.ts';
import { BENCH_CONFIGS, benchCommand } from './kernels/bench.ts';
import { progressBar } from './cli/progress-bar.ts';
import { writeRunFiles } from './cli/run-files.ts';
import { formatSummary } from './cli/summary.ts';
import { describeTables, plural } from './cli/tables.ts';

export { formatSummary } from './cli/summary.ts';
export { formatBar, progressBar } from './cli/progress-bar.ts';
export { RUN_FILE, type RunRecord } from './cli/run-files.ts';

/** Where the CLI writes; injectable so tests can run it in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** A terminal gets a readable summary instead of the full JSON. */
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  writeFile(path: string, text: string): Promise<void>;
  makeDir(path: string): Promise<void>;
  /** Whether `path` is an existing directory. */
  isDirectory(path: string): Promise<boolean>;
}

const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  writeFile: (path, text) => writeFile(path, text, 'utf8'),
  makeDir: async (path) => void (await mkdir(path, { recursive: true })),
  isDirectory: (path) => stat(path).then((s) => s.isDirectory(), () => false),
};

const USAGE = `Usage:
  diffusion-atlas list
      Experiments and their parameters, as JSON.
  diffusion-atlas run <experiment> [--<param> <value>]... [--format json|csv] [--table NAME] [--out FILE|DIR/]
      Run one experiment on the CPU. At a terminal: a summary (scalars, arrays, tables); piped, or
      with --format json: the whole run as JSON. --format csv: one table with a header row (the
      main one, or --table NAME). --out FILE writes that output to a file (.csv or .json picks the
      format); --out DIR/ writes every table as its own CSV plus run.json (parameters, seed,
      backend, versions), naming each file on stderr.
      Lists are comma-separated (--psiN 4,8,16), booleans true|false; values are checked, never clamped.
  diffusion-atlas run <experiment> [--<param> <value>]... --tables
      The tables a run with these parameters gives (the first is the main one), and their columns.
  diffusion-atlas run <experiment> --help
      The experiment's parameters, their ranges and defaults.
  diffusion-atlas bench [--config a|b|c]... [--repeats N]
      Time full backward runs with the exact empirical score on the CPU path (wasm-simd on one
      thread per core); one line per configuration: a d=2 n=1000 m=1000 T=200,
      b d=64 n=2000 m=256 T=100, c d=784 n=1000 m=64 T=100. Default: all three, 5 repeats.
Exit status: 0 success, 1 failure while running, 2 invalid input.
`;

/** Invalid input: exit status 2 and one line on stderr. */
class UsageError extends Error {}

/** Runs the CLI and returns its exit status; nothing here calls process.exit, so output is flushed. */
export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined) throw new UsageError('missing command: list, run or bench (see --help)');
    if (command === '--help' || command === '-h' || command === 'help') {
      io.stdout(USAGE);
      return 0;
    }
    if (command === 'list') {
      if (rest.length > 0) throw new UsageError(`list takes no arguments (got “${rest[0]}”)`);
      io.stdout(`${JSON.stringify(listExperiments(), null, 2)}\n`);
      return 0;
    }
    if (command === 'run') return await run(rest, io);
    if (command === 'bench') return await bench(rest, io);
    throw new UsageError(`unknown command “${command}” (commands: list, run, bench; see --help)`);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`diffusion-atlas: ${oneLine(error.message)}\n`);
      return 2;
    }
    if (error instanceof AtlasError && (error.code === 'invalid-params' || error.code === 'unknown-experiment')) {
      io.stderr(`diffusion-atlas: ${oneLine(error.message)}\n`);
      return 2;
    }
    io.stderr(`diffusion-atlas: error: ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  }
}

interface ParamSummary {
  type: ParamSpec['type'];
  default: unknown;
  min?: number;
  max?: number;
  options?: readonly string[];
}

function listExperiments(): { name: string; title: string; params: Record<string, ParamSummary>; constraints: ReturnType<typeof describeConstraints> }[] {
  return Object.values(experiments).map((e) => ({
    name: e.name,
    title: e.title,
    params: Object.fromEntries(Object.entries(e.params).map(([key, spec]) => [key, summarize(spec)])),
    constraints: describeConstraints(e),
  }));
}

function summarize(spec: ParamSpec): ParamSummary {
  const out: ParamSummary = { type: spec.type, default: spec.default };
  if ('min' in spec) out.min = spec.min;
  if ('max' in spec) out.max = spec.max;
  if (spec.type === 'enum') out.options = spec.options;
  return out;
}

interface RunRequest {
  experiment: AnyExperiment;
  raw: Record<string, unknown>;
  format: 'json' | 'csv' | undefined;
  table: string | undefined;
  out: string | undefined;
  help: boolean;
  tables: boolean;
}

/** Flags the CLI itself owns; they shadow any experiment parameter of the same name. */
const OWN_FLAGS = new Set(['format', 'out', 'table', 'help', 'tables']);
/** Own flags that take no value. */
const SWITCHES = new Set(['help', 'tables']);

function parseRun(args: readonly string[]): RunRequest {
  const [name, ...flags] = args;
  if (name === undefined || name.startsWith('--')) {
    throw new UsageError(`run needs an experiment name (known: ${Object.keys(experiments).join(', ')})`);
  }
  const experiment = getExperiment(name);
  const request: RunRequest = { experiment, raw: {}, format: undefined, table: undefined, out: undefined, help: false, tables: false };
  const seen = new Set<string>();

  for (let i = 0; i < flags.length; i++) {
    const token = flags[i];
    if (!token.startsWith('--') || token.length === 2) {
      throw new UsageError(`unexpected argument “${token}” (parameters are given as --<param> <value>)`);
    }
    let key = token.slice(2);
    let value: string | undefined;
    const eq = key.indexOf('=');
    if (eq >= 0) {
      value = key.slice(eq + 1);
      key = key.slice(0, eq);
    }
    if (SWITCHES.has(key) && value === undefined) {
      if (key === 'help') request.help = true;
      else request.tables = true;
      continue;
    }
    const spec: ParamSpec | undefined = Object.hasOwn(experiment.params, key) ? experiment.params[key] : undefined;
    if (!OWN_FLAGS.has(key) && spec === undefined) {
      throw new UsageError(`unknown parameter --${key} for ${experiment.name} (known: ${Object.keys(experiment.params).join(', ')})`);
    }
    if (value === undefined) {
      // Only "--" marks the next flag: "-5" is a value, which the schema then judges.
      const next = flags[i + 1];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`missing value for --${key} (${expectation(key, spec)})`);
      value = next;
      i++;
    }
    if (seen.has(key)) throw new UsageError(`--${key} is given more than once`);
    seen.add(key);

    if (key === 'format') {
      if (value !== 'json' && value !== 'csv') throw new UsageError(`--format must be json or csv (got “${value}”)`);
      request.format = value;
    } else if (key === 'out') {
      if (value === '') throw new UsageError('--out needs a file or directory name');
      request.out = value;
    } else if (key === 'table') {
      if (value === '') throw new UsageError('--table needs a table name (see --tables)');
      request.table = value;
    } else if (spec !== undefined) {
      request.raw[key] = parseParamText(spec, value);
    }
  }
  if (request.table !== undefined && request.format === 'json') throw new UsageError('--table picks a CSV table; it does not apply to --format json');
  return request;
}

function expectation(key: string, spec: ParamSpec | undefined): string {
  if (key === 'format') return 'json or csv';
  if (key === 'out') return 'a file name, or a directory ending in /';
  if (key === 'table') return 'a table name (see --tables)';
  return spec ? `${key} must be ${describeRange(spec)}` : 'a value';
}

/** `--out DIR/`: a name ending in a slash, or an existing directory. */
async function isDirectoryTarget(out: string, io: CliIo): Promise<boolean> {
  return out.endsWith('/') || out.endsWith('\\') || (await io.isDirectory(out));
}

async function run(args: readonly string[], io: CliIo): Promise<number> {
  if (args[0] === '--help' || args[0] === '-h') {
    io.stdout(USAGE);
    return 0;
  }
  const request = parseRun(args);
  const { experiment } = request;
  if (request.help) {
    io.stdout(experimentHelp(experiment));
    return 0;
  }
  const toDirectory = request.out !== undefined && (await isDirectoryTarget(request.out, io));
  if (toDirectory && (request.format !== undefined || request.table !== undefined)) {
    throw new UsageError('--out DIR/ writes every table and run.json; --format and --table apply to one file or to stdout');
  }

  const progress = io.stderrIsTTY ? progressBar(io.stderr, experiment.name) : undefined;
  let output: Awaited<ReturnType<typeof runLocal>>;
  try {
    output = await runLocal(experiment.name, request.raw, { onProgress: progress?.update });
  } finally {
    progress?.clear();
  }
  // RunOutput.params are the resolved, validated parameters of exactly this experiment.
  const tables = rectangularTables(experiment.tables(output.result, output.params as ParamsOf<ParamSpecs>));

  if (request.tables) {
    io.stdout(describeTables(tables));
    // Some tables follow the parameters (one per ψ_n, a column per s): say which run this was.
    io.stderr(`diffusion-atlas: tables of a run of ${experiment.name} with these parameters (defaults for the rest); other values can give other tables\n`);
    return 0;
  }
  if (request.out !== undefined && toDirectory) {
    for (const file of await writeRunFiles(request.out, output, tables, io)) io.stderr(`wrote ${file.path} (${file.what})\n`);
    return 0;
  }

  const format = request.format ?? formatOfFile(request.out) ?? (request.table !== undefined ? 'csv' : undefined);
  if (format === undefined && request.out === undefined && io.stdoutIsTTY) {
    io.stdout(formatSummary(output, tables));
    return 0;
  }
  let text: string;
  let what: string;
  if (format === 'csv') {
    const [name, table] = pickTable(tables, request.table);
    text = formatCsvTable(table);
    what = `table ${name}: ${plural(tableRows(table), 'row')} × ${plural(Object.keys(table).length, 'column')}`;
  } else {
    text = formatJson(output);
    what = 'the run as JSON';
  }
  if (request.out === undefined) {
    io.stdout(text);
  } else {
    await io.writeFile(request.out, text);
    io.stderr(`wrote ${request.out} (${what})\n`);
  }
  return 0;
}

function formatOfFile(path: string | undefined): 'json' | 'csv' | undefined {
  const ext = path === undefined ? '' : extname(path).toLowerCase();
  return ext === '.csv' ? 'csv' : ext === '.json' ? 'json' : undefined;
}

/** The named table, or the main (first) one. */
function pickTable(tables: Record<string, ResultTable>, name: string | undefined): [string, ResultTable] {
  const names = Object.keys(tables);
  const chosen = name ?? names[0];
  const table = chosen === undefined ? undefined : tables[chosen];
  if (chosen === undefined || table === undefined) {
    throw new UsageError(name === undefined ? 'this run has no tables' : `no table “${name}” in this run (tables: ${names.join(', ')})`);
  }
  return [chosen, table];
}

async function bench(args: readonly string[], io: CliIo): Promise<number> {
  const configs: string[] = [];
  let repeats = 5;
  let steps: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    const value = args[i + 1];
    if (flag === '--help' || flag === '-h') {
      io.stdout(USAGE);
      return 0;
    }
    if (flag !== '--config' && flag !== '--repeats' && flag !== '--steps') {
      throw new UsageError(`unknown bench option “${flag}” (options: --config a|b|c, --repeats N)`);
    }
    if (value === undefined || value.startsWith('--')) throw new UsageError(`missing value for ${flag}`);
    i++;
    if (flag === '--config') {
      if (!BENCH_CONFIGS.some((c) => c.name === value)) throw new UsageError(`--config must be one of ${BENCH_CONFIGS.map((c) => c.name).join(', ')} (got “${value}”)`);
      configs.push(value);
    } else {
      const count = Number(value);
      if (!Number.isInteger(count) || count < 1 || count > 1000) throw new UsageError(`${flag} must be an integer from 1 to 1000 (got “${value}”)`);
      // --steps is undocumented: a smoke test's short run, not a benchmark
      if (flag === '--repeats') repeats = count;
      else steps = count;
    }
  }
  await benchCommand({ configs, repeats, steps }, (line) => io.stdout(`${line}\n`));
  return 0;
}


function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}
