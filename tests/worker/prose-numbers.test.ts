import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './cli-harness.ts';
import { formatValue, isValueFormat, quotedValue, roundingUnit, runRecord, type ValueFormat } from '@diffusion-atlas/site/value-format';

/*
 * The numbers a chapter quotes about a figure come from <Value> (apps/site/src/components/Value.astro),
 * which the build fills from its own run of the experiment. Here the CLI runs the same experiments at
 * the same states, and every <Value> of every chapter text is checked three ways: its path names a
 * finite number of the run; the built page shows that number to the digits it prints (the build
 * runs the wasm kernel, the CLI its own backend, so they are compared to half a unit in the last
 * digit shown, the most a reader can see); and the sentences that used to hard-code a number now
 * carry it through <Value>.
 */

const CHAPTERS = join(import.meta.dirname, '../../apps/site/src/content/chapters');
const DIST = process.env.ATLAS_DIST ?? join(import.meta.dirname, '../../apps/site/dist');

interface Quoted {
  chapter: string;
  of: string;
  path: string;
  format: ValueFormat;
  digits: number | undefined;
  state: string;
  over: string | undefined;
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}=(?:"([^"]*)"|\\{(\\d+)\\})`).exec(tag);
  return match === null ? undefined : (match[1] ?? match[2]);
}

function chapterTexts(): Array<{ chapter: string; text: string }> {
  return readdirSync(CHAPTERS)
    .filter((file) => file.endsWith('.mdx'))
    .map((file) => ({ chapter: file.replace(/\.mdx$/, ''), text: readFileSync(join(CHAPTERS, file), 'utf8') }));
}

function quotedValues(text: string, chapter: string): Quoted[] {
  return [...text.matchAll(/<Value\b[^>]*\/>/g)].map(([tag]) => {
    const of = attribute(tag, 'of');
    const path = attribute(tag, 'path');
    const format = attribute(tag, 'format') ?? 'fixed';
    const digits = attribute(tag, 'digits');
    if (of === undefined || path === undefined) throw new Error(`${chapter}: ${tag} lacks of= or path=`);
    if (!isValueFormat(format)) throw new Error(`${chapter}: ${tag} has an unknown format`);
    return { chapter, of, path, format, digits: digits === undefined ? undefined : Number(digits), state: attribute(tag, 'state') ?? '', over: attribute(tag, 'over') };
  });
}

const texts = chapterTexts();
const quoted = texts.flatMap(({ chapter, text }) => quotedValues(text, chapter));
const runs = new Map<string, Promise<{ params: unknown; result: unknown }>>();

/** One CLI run per experiment and state, as `diffusion-atlas run <exp> --name value … --format json`. */
function cliRun(of: string, state: string): Promise<{ params: unknown; result: unknown }> {
  const key = `${of}?${state}`;
  let run = runs.get(key);
  if (run === undefined) {
    const args = [...new URLSearchParams(state)].flatMap(([name, value]) => [`--${name}`, value]);
    run = cli('run', of, ...args, '--format', 'json').then((outcome) => {
      if (outcome.code !== 0) throw new Error(`diffusion-atlas run ${of} ${args.join(' ')}: ${outcome.stderr}`);
      return JSON.parse(outcome.stdout) as { params: unknown; result: unknown };
    });
    runs.set(key, run);
  }
  return run;
}

/** The numbers a built chapter page shows, by experiment, state and path. */
function renderedValues(chapter: string): Array<{ of: string; path: string; over: string | undefined; state: string; value: number; text: string }> {
  const file = join(DIST, 'chapters', chapter, 'index.html');
  if (!existsSync(file)) throw new Error(`the site is not built (${file} missing): run "npm run build" first`);
  const html = readFileSync(file, 'utf8');
  return [...html.matchAll(/<span class="run-value"([^>]*)>([^<]*)<\/span>/g)].map(([, attrs = '', text = '']) => ({
    of: /data-value-of="([^"]*)"/.exec(attrs)?.[1] ?? '',
    path: /data-value-path="([^"]*)"/.exec(attrs)?.[1] ?? '',
    over: /data-value-over="([^"]*)"/.exec(attrs)?.[1],
    state: (/data-value-state="([^"]*)"/.exec(attrs)?.[1] ?? '').replace(/&amp;/g, '&'),
    value: Number(/data-value="([^"]*)"/.exec(attrs)?.[1]),
    text,
  }));
}

describe('numbers quoted in the chapters', () => {
  it('quotes at least the numbers converted from the prose (one per known figure claim)', () => {
    expect(quoted.length).toBeGreaterThanOrEqual(30);
  });

  it.each(quoted.map((q) => [`${q.chapter}: ${q.of}${q.state === '' ? '' : `?${q.state}`} ${q.path}${q.over === undefined ? '' : ` / ${q.over}`}`, q] as const))(
    '%s matches the CLI and the built page',
    async (_name, q) => {
      const output = await cliRun(q.of, q.state);
      const value = quotedValue(runRecord(output), q.path, q.over);
      expect(value, `${q.path} is not a finite number of the run`).toBeTypeOf('number');
      if (value === undefined) return;
      const shown = renderedValues(q.chapter).filter((r) => r.of === q.of && r.path === q.path && r.over === q.over && r.state === q.state);
      expect(shown.length, 'the built page shows this value').toBeGreaterThan(0);
      const unit = roundingUnit(value, q.format, q.digits);
      for (const r of shown) {
        expect(Math.abs(r.value - value)).toBeLessThanOrEqual(unit / 2);
        // Equal text unless the two runs straddle a rounding boundary, which the line above bounds.
        if (Math.abs(Math.round(value / unit) - value / unit) < 0.49) expect(r.text).toBe(formatValue(value, q.format, q.digits));
      }
    },
    120_000,
  );
});

/**
 * Sentences that once hard-coded a number about a figure's default state, with the number they
 * quoted: each must now be written with a <Value>, never with the bare number again.
 */
const HARD_CODED: ReadonlyArray<{ chapter: string; pattern: RegExp }> = [
  { chapter: 'noise-and-back', pattern: /about 11\s?%/ },
  { chapter: 'noise-and-back', pattern: /about 98\s?%/ },
  { chapter: 'noise-and-back', pattern: /memorized fraction of 100\s?%/ },
  { chapter: 'training-time', pattern: /a fifth of those/ },
  { chapter: 'training-time', pattern: /about half of the samples/ },
  { chapter: 'training-time', pattern: /fraction of \d+ generated samples/ },
  { chapter: 'manifolds-and-finite-time', pattern: /W_1 \\approx \d/ },
  { chapter: 'manifolds-and-finite-time', pattern: /the bound's \$?\d/ },
  { chapter: 'manifolds-and-finite-time', pattern: /floor of (about )?\$?\d/ },
  { chapter: 'manifolds-and-finite-time', pattern: /about \$?570/ },
  { chapter: 'manifolds-and-finite-time', pattern: /about 70\s?% of the denoised/ },
  { chapter: 'manifolds-and-finite-time', pattern: /against \$?1\.14/ },
  { chapter: 'manifolds-and-finite-time', pattern: /sits on the bound/ },
  { chapter: 'manifolds-and-finite-time', pattern: /about two thirds of the data variance/ },
  { chapter: 'manifolds-and-finite-time', pattern: /produces variance \$1\.\d|coupling is still \$1\.\d|off by \$0\.\d/ },
  { chapter: 'manifolds-and-finite-time', pattern: /C\^\\star = 1\.\d/ },
  { chapter: 'training-time', pattern: /slope near 0\.2|slope is about 0\.9|slope near 1\.2|comes to about 1\.05/ },
  { chapter: 'training-time', pattern: /factor of about 50|to about 200 at/ },
  { chapter: 'training-time', pattern: /shrinks from about 2 at/ },
  { chapter: 'training-time', pattern: /about 40% of its samples|about 3% for/ },
  { chapter: 'training-time', pattern: /tau_\{\\text\{mem\}\} \\approx 4 \\cdot 10\^[45]/ },
  { chapter: 'training-time', pattern: /between \$10\^4\$ and \$10\^5\$ for \$n = 4\$/ },
  { chapter: 'training-time', pattern: /between about \$3 \\cdot 10\^3\$|from about 1\.29 at/ },
  { chapter: 'training-time', pattern: /between 84 and 140|between \$3 \\cdot 10\^4\$ and \$2\.6/ },
  { chapter: 'speciation-and-collapse', pattern: /t_S \\approx 3\.5\$ of the default/ },
  { chapter: 'low-dimensional-structure', pattern: /about a third of the class's variance/ },
];

describe('numbers about a default figure are not hard-coded', () => {
  it.each(HARD_CODED.map((h) => [`${h.chapter}: ${String(h.pattern)}`, h] as const))('%s', (_name, h) => {
    const text = texts.find((t) => t.chapter === h.chapter)?.text;
    expect(text, `chapter text ${h.chapter}`).toBeDefined();
    expect(text).not.toMatch(h.pattern);
  });

  it('sees a hard-coded number where there is one', () => {
    expect('the figure gives $W_1 \\approx 0.18$ at').toMatch(HARD_CODED[6]?.pattern ?? /$^/);
    expect(quotedValues('at <Value of="manifold" path="w1.0" digits={1} /> and', 'x')).toEqual([
      { chapter: 'x', of: 'manifold', path: 'w1.0', format: 'fixed', digits: 1, state: '', over: undefined },
    ]);
  });
});
