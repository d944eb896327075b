import { writeFile } from 'node:fs/promises';
import {
  AtlasError,
  describeConstraints,
  describeRange,
  directContext,
  experiments,
  getExperiment,
  parseParamText,
  runExperiment,
  type AnyExperiment,
  type ParamSpec,
} from '@diffusion-atlas/core';
import { nodeDataSources } from './data/node.ts';
import { selectKernels } from './kernels/select.ts';
import type { RunOutput } from './protocol.ts';
import { formatCsv, jsonReplacer } from './cli-format.ts';
import { experimentHelp } from './cli-help.ts';
import { BENCH_CONFIGS, benchCommand } from './kernels/bench.ts';

/** Where the CLI writes; injectable so tests can run it in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  stderrIsTTY: boolean;
  writeFile(path: string, text: string): Promise<void>;
}

const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  stderrIsTTY: process.stderr.isTTY === true,
  writeFile: (path, text) => writeFile(path, text, 'utf8'),
};

const USAGE = `Usage:
  diffusion-atlas list
      Experiments and their parameters, as JSON.
  diffusion-atlas run <experiment> [--<param> <value>]... [--format json|csv] [--out FILE]
      Run one experiment on the CPU and print its result (JSON by default).
      Lists are comma-separated (--psiN 4,8,16), booleans true|false; values are checked, never clamped.
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
  format: 'json' | 'csv';
  out: string | undefined;
  help: boolean;
}

/** Flags the CLI itself owns; they shadow any experiment parameter of the same name. */
const OWN_FLAGS = new Set(['format', 'out', 'help']);

function parseRun(args: readonly string[]): RunRequest {
  const [name, ...flags] = args;
  if (name === undefined || name.startsWith('--')) {
    throw new UsageError(`run needs an experiment name (known: ${Object.keys(experiments).join(', ')})`);
  }
  const experiment = getExperiment(name);
  const request: RunRequest = { experiment, raw: {}, format: 'json', out: undefined, help: false };
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
    if (key === 'help' && value === undefined) {
      request.help = true;
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
      if (value === '') throw new UsageError('--out needs a file name');
      request.out = value;
    } else if (spec !== undefined) {
      request.raw[key] = parseParamText(spec, value);
    }
  }
  return request;
}

function expectation(key: string, spec: ParamSpec | undefined): string {
  if (key === 'format') return 'json or csv';
  if (key === 'out') return 'a file name';
  return spec ? `${key} must be ${describeRange(spec)}` : 'a value';
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

  const progress = io.stderrIsTTY ? progressLine(io, experiment.name) : undefined;
  const started = performance.now();
  let ran: Awaited<ReturnType<typeof runExperiment>>;
  // The same selection as a worker without a GPU: WebAssembly SIMD when it validates, else plain loops.
  const { kernels } = await selectKernels({ preferGpu: false });
  try {
    ran = await runExperiment(experiment.name, request.raw, directContext(kernels, { onProgress: progress?.update, data: nodeDataSources() }));
  } finally {
    progress?.clear();
  }
  const { params: resolved, result } = ran;
  const output: RunOutput = {
    experiment: experiment.name,
    params: resolved,
    backend: kernels.backend,
    elapsedMs: performance.now() - started,
    result,
  };

  const text =
    request.format === 'csv' ? formatCsv(experiment.tables(result, resolved)) : `${JSON.stringify(output, jsonReplacer)}\n`;
  if (request.out !== undefined) await io.writeFile(request.out, text);
  else io.stdout(text);
  return 0;
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

/** A single self-overwriting stderr line; only on a terminal, so pipes and logs stay clean. */
function progressLine(io: CliIo, name: string): { update: (fraction: number) => void; clear: () => void } {
  let shown = -1;
  return {
    update(fraction) {
      const percent = Math.floor(fraction * 100);
      if (percent === shown) return;
      shown = percent;
      io.stderr(`\r${name}: ${percent}%`);
    },
    clear() {
      if (shown >= 0) io.stderr('\r\x1b[K');
    },
  };
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ');
}
