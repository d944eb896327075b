import * as Plot from '@observablehq/plot';
import { defaultsOf, encodeQuery, getExperiment } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
import { t as msg } from '../../i18n/messages.ts';
import { mean } from '../kit/arrays.ts';
import { el, paramNumber, widthOf } from '../kit/dom.ts';
import { formatPercent, formatValue } from '../kit/format.ts';
import { legend } from '../kit/legend.ts';
import { placeholderFigure } from '../kit/placeholder-figure.ts';
import { PLOT_STYLE } from '../kit/plot-style.ts';
import { numberField, numberList, recordField } from '../kit/result-fields.ts';
import type { ParamValues } from '../kit/view.ts';
import { defineView, type OutputOf } from '../kit/view.ts';
import { staticJson } from '../kit/static-json.ts';

/** Written by scripts/build-figure-data.ts at build time; the figure works without it. */
const FINE_MAP_URL = '/data/subspace-transition.json';
const SCHEME = 'viridis';
const EXPERIMENT = 'subspace-transition';

/** One heat map's worth of cells, row-major with one row per r (the experiment's grid layout). */
interface Transition {
  source: 'static' | 'live';
  d: number;
  K: number;
  noise: number;
  seed: number;
  trials: number;
  rValues: number[];
  nValues: number[];
  success: number[];
  error: number[];
  theory: number[];
  memorized: number[];
  baseline: number[];
  tolerance: number;
  elapsedMs?: number;
}

interface Cell {
  r: number;
  n: number;
  success: number;
  error: number;
  theory: number;
  memorized: number;
  baseline: number;
  x1: number;
  x2: number;
  y1: number;
  y2: number;
}

function readLive(output: RunOutput): Transition {
  const result = output.result;
  const grid = recordField(result, 'grid');
  return {
    source: 'live',
    d: numberField(result, 'd'),
    K: numberField(result, 'K'),
    noise: paramNumber(output.params, 'noise', Number.NaN),
    seed: paramNumber(output.params, 'seed', Number.NaN),
    trials: numberField(result, 'trials'),
    rValues: numberList(grid, 'rValues'),
    nValues: numberList(grid, 'nValues'),
    success: numberList(result, 'successProbability'),
    error: numberList(result, 'subspaceError'),
    theory: numberList(result, 'subspaceErrorTheory'),
    memorized: numberList(result, 'memorizedFraction'),
    baseline: numberList(result, 'memorizedBaseline'),
    tolerance: numberField(result, 'successTolerance'),
    elapsedMs: output.elapsedMs,
  };
}

function list(value: unknown): number[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: number[] = [];
  for (const x of value as unknown[]) {
    if (typeof x === 'number') out.push(x);
    else if (x === null) out.push(Number.NaN);
    else return undefined;
  }
  return out;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** The build-time JSON (the CLI's form: plain arrays, NaN as null), checked field by field. */
function parseStatic(json: unknown): Transition | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const file = json as Record<string, unknown>;
  const params = file['params'];
  const result = file['result'];
  if (typeof params !== 'object' || params === null || typeof result !== 'object' || result === null) return undefined;
  const p = params as Record<string, unknown>;
  const r = result as Record<string, unknown>;
  const grid = r['grid'];
  if (typeof grid !== 'object' || grid === null) return undefined;
  const g = grid as Record<string, unknown>;
  const t = {
    d: num(r['d']),
    K: num(r['K']),
    noise: num(p['noise']),
    seed: num(p['seed']),
    trials: num(r['trials']),
    rValues: list(g['rValues']),
    nValues: list(g['nValues']),
    success: list(r['successProbability']),
    error: list(r['subspaceError']),
    theory: list(r['subspaceErrorTheory']),
    memorized: list(r['memorizedFraction']),
    baseline: list(r['memorizedBaseline']),
    tolerance: num(r['successTolerance']),
  };
  const { d, K, noise, seed, trials, rValues, nValues, success, error, theory, memorized, baseline, tolerance } = t;
  if (d === undefined || K === undefined || noise === undefined || seed === undefined || trials === undefined || tolerance === undefined) return undefined;
  if (rValues === undefined || nValues === undefined || success === undefined || error === undefined || theory === undefined || memorized === undefined || baseline === undefined) return undefined;
  const cells = rValues.length * nValues.length;
  if ([success, error, theory, memorized, baseline].some((a) => a.length !== cells)) return undefined;
  return { source: 'static', d, K, noise, seed, trials, rValues, nValues, success, error, theory, memorized, baseline, tolerance };
}

function loadFine(): Promise<Transition | undefined> {
  return staticJson(FINE_MAP_URL).then((file) => (file === undefined ? undefined : parseStatic(file)));
}

/** Cell edges half-way to each neighbour on a linear axis, the outer ones mirrored. */
function edges(values: readonly number[]): Map<number, [number, number]> {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const out = new Map<number, [number, number]>();
  sorted.forEach((v, i) => {
    const prev = sorted[i - 1];
    const next = sorted[i + 1];
    const lo = prev !== undefined ? (prev + v) / 2 : next !== undefined ? v - (next - v) / 2 : v - 0.5;
    const hi = next !== undefined ? (next + v) / 2 : prev !== undefined ? v + (v - prev) / 2 : v + 0.5;
    out.set(v, [lo, hi]);
  });
  return out;
}

function cellsOf(t: Transition): Cell[] {
  const xe = edges(t.nValues);
  const ye = edges(t.rValues);
  const cells: Cell[] = [];
  t.rValues.forEach((r, i) => {
    t.nValues.forEach((n, j) => {
      const c = i * t.nValues.length + j;
      const [x1, x2] = xe.get(n) ?? [n - 0.5, n + 0.5];
      const [y1, y2] = ye.get(r) ?? [r - 0.5, r + 0.5];
      cells.push({
        r,
        n,
        success: t.success[c] ?? Number.NaN,
        error: t.error[c] ?? Number.NaN,
        theory: t.theory[c] ?? Number.NaN,
        memorized: t.memorized[c] ?? Number.NaN,
        baseline: t.baseline[c] ?? Number.NaN,
        x1,
        x2,
        y1,
        y2,
      });
    });
  });
  return cells;
}

/** Integer ticks: every value when they fit, else an even thinning of them. */
function ticksFor(values: readonly number[], room: number): number[] {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const fit = Math.max(2, Math.floor(room / 26));
  if (sorted.length <= fit) return sorted;
  const stride = Math.ceil(sorted.length / fit);
  return sorted.filter((_, i) => i % stride === 0);
}

function heatmap(t: Transition, width: number): SVGSVGElement | HTMLElement {
  const cells = cellsOf(t);
  const xLo = Math.min(...cells.map((c) => c.x1));
  const xHi = Math.max(...cells.map((c) => c.x2));
  const yLo = Math.min(...cells.map((c) => c.y1));
  const yHi = Math.max(...cells.map((c) => c.y2));
  const a = Math.max(xLo, yLo);
  const b = Math.min(xHi, yHi);
  const diagonal = a < b ? [{ v: a }, { v: b }] : [];
  const height = Math.round(Math.min(420, Math.max(200, width * 0.62)));
  const svg = Plot.plot({
    width,
    height,
    marginLeft: 40,
    marginRight: 10,
    marginTop: 22,
    marginBottom: 36,
    className: 'st-heatmap',
    ariaLabel: msg('st.aria.heat', { ns: t.nValues.length, rs: t.rValues.length }),
    style: PLOT_STYLE,
    x: { domain: [xLo, xHi], label: msg('st.x.n'), labelAnchor: 'right', ticks: ticksFor(t.nValues, width - 50), tickFormat: (v: number) => String(v) },
    y: { domain: [yLo, yHi], label: msg('st.y.r'), labelAnchor: 'top', ticks: ticksFor(t.rValues, height - 60), tickFormat: (v: number) => String(v) },
    color: { type: 'linear', domain: [0, 1], scheme: SCHEME },
    marks: [
      Plot.rect(cells, {
        x1: 'x1',
        x2: 'x2',
        y1: 'y1',
        y2: 'y2',
        fill: (c: Cell) => (Number.isFinite(c.success) ? c.success : 0),
        inset: 0,
        title: (c: Cell) =>
          msg(Number.isFinite(c.theory) ? 'st.cell.theory' : 'st.cell', {
            r: c.r,
            n: c.n,
            success: formatPercent(c.success),
            trials: t.trials,
            error: formatValue(c.error, 2),
            theory: formatValue(c.theory, 2),
          }),
        className: 'st-cell',
      }),
      // A light line on a dark halo reads on every colour of the scheme, in both themes.
      Plot.line(diagonal, { x: 'v', y: 'v', stroke: '#000', strokeOpacity: 0.7, strokeWidth: 4 }),
      Plot.line(diagonal, { x: 'v', y: 'v', stroke: '#fff', strokeWidth: 1.6, className: 'st-diagonal' }),
      Plot.text(diagonal.length > 0 ? ['n = r'] : [], {
        x: () => a + 0.78 * (b - a),
        y: () => a + 0.78 * (b - a),
        dx: -8,
        dy: -2,
        textAnchor: 'end',
        fill: '#fff',
        stroke: '#000',
        strokeWidth: 3,
        paintOrder: 'stroke',
        fontSize: 12,
        fontWeight: 600,
        className: 'st-diagonal-label',
      }),
    ],
  });
  svg.dataset['source'] = t.source;
  svg.dataset['cells'] = String(cells.length);
  svg.dataset['rows'] = String(t.rValues.length);
  svg.dataset['columns'] = String(t.nValues.length);
  return svg;
}

/** The colour key as SVG rects: Plot's own ramp legend paints a canvas, which posters lack. */
function colourScale(width: number): SVGSVGElement | HTMLElement {
  const steps = 50;
  const segments = Array.from({ length: steps }, (_, k) => ({ x1: k / steps, x2: (k + 1) / steps }));
  return Plot.plot({
    width,
    height: 44,
    marginLeft: 10,
    marginRight: 16,
    marginTop: 16,
    marginBottom: 16,
    className: 'st-colour-scale',
    ariaLabel: msg('st.aria.colour'),
    style: PLOT_STYLE,
    x: { domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1], tickFormat: (v: number) => formatPercent(v), label: null },
    color: { type: 'linear', domain: [0, 1], scheme: SCHEME },
    marks: [
      Plot.rect(segments, { x1: 'x1', x2: 'x2', fill: (s: { x1: number; x2: number }) => (s.x1 + s.x2) / 2 }),
      Plot.text([msg('st.colour')], { frameAnchor: 'top-left', dy: -9, textAnchor: 'start', fill: 'currentColor', fontSize: 10 }),
    ],
  });
}

const R_COLOURS = ['#6a62d8', '#cf5f1f'] as const;

/**
 * The n/r axis as an explicit mark with a text channel: a tickFormat on a log scale goes through
 * d3's log tickFormat, which blanks some of the given labels (0.5 and 8 vanished).
 */
function ratioAxis(lo: number, hi: number): Plot.CompoundMark {
  const ticks = [0.1, 0.25, 0.5, 1, 2, 4, 8, 16].filter((v) => v >= lo * 0.9 && v <= hi * 1.1);
  return Plot.axisX(ticks, { label: 'n / r →', labelAnchor: 'right', text: (v: number) => formatValue(v) });
}

function errorProfile(t: Transition, width: number): SVGSVGElement | HTMLElement {
  const cells = cellsOf(t).filter((c) => Number.isFinite(c.error));
  const theory = cells.filter((c) => Number.isFinite(c.theory));
  const ratios = cells.map((c) => c.n / c.r);
  const lo = Math.min(...ratios, 0.5);
  const hi = Math.max(...ratios, 2);
  const rDomain: [number, number] = [Math.min(...t.rValues), Math.max(Math.max(...t.rValues), Math.min(...t.rValues) + 1)];
  const svg = Plot.plot({
    width,
    height: Math.round(Math.min(280, width * 0.72)),
    marginLeft: 40,
    marginRight: 12,
    marginTop: 22,
    marginBottom: 36,
    className: 'st-profile',
    ariaLabel: msg('st.aria.error'),
    style: PLOT_STYLE,
    x: { type: 'log', domain: [lo * 0.9, hi * 1.1] },
    y: { label: msg('st.y.error'), labelAnchor: 'top', grid: true, domain: [0, Math.max(0.6, ...cells.map((c) => c.error), ...theory.map((c) => c.theory)) * 1.05] },
    color: { type: 'linear', domain: rDomain, range: [...R_COLOURS], interpolate: 'hcl' },
    marks: [
      ratioAxis(lo, hi),
      Plot.ruleX([1], { stroke: 'var(--fg-soft)', strokeDasharray: '3 3', className: 'st-threshold' }),
      Plot.ruleY([t.tolerance], { stroke: 'var(--muted)', strokeDasharray: '1 3', className: 'st-tolerance' }),
      Plot.line(theory, { x: (c: Cell) => c.n / c.r, y: 'theory', z: 'r', stroke: 'r', strokeWidth: 1.2, strokeDasharray: '5 3', className: 'st-theory' }),
      Plot.line(cells, { x: (c: Cell) => c.n / c.r, y: 'error', z: 'r', stroke: 'r', strokeWidth: 1.6, className: 'st-error' }),
      Plot.dot(cells, { x: (c: Cell) => c.n / c.r, y: 'error', fill: 'r', r: 1.8, className: 'st-error-points' }),
    ],
  });
  return svg;
}

function memoryProfile(t: Transition, width: number): SVGSVGElement | HTMLElement {
  const cells = cellsOf(t).filter((c) => Number.isFinite(c.memorized) && Number.isFinite(c.baseline));
  const ratios = cells.map((c) => c.n / c.r);
  const lo = Math.min(...ratios, 0.5);
  const hi = Math.max(...ratios, 2);
  const excess = cells.map((c) => c.memorized - c.baseline);
  const reach = Math.max(0.1, ...excess.map((e) => Math.abs(e))) * 1.1;
  const rDomain: [number, number] = [Math.min(...t.rValues), Math.max(Math.max(...t.rValues), Math.min(...t.rValues) + 1)];
  return Plot.plot({
    width,
    height: Math.round(Math.min(280, width * 0.72)),
    marginLeft: 44,
    marginRight: 12,
    marginTop: 22,
    marginBottom: 36,
    className: 'st-memory',
    ariaLabel: msg('st.aria.memory'),
    style: PLOT_STYLE,
    x: { type: 'log', domain: [lo * 0.9, hi * 1.1] },
    y: { label: msg('st.y.memory'), labelAnchor: 'top', domain: [-reach, reach], grid: true, tickFormat: (v: number) => `${v > 0 ? '+' : ''}${formatPercent(v).replace('-', '−')}` },
    color: { type: 'linear', domain: rDomain, range: [...R_COLOURS], interpolate: 'hcl' },
    marks: [
      ratioAxis(lo, hi),
      Plot.ruleY([0], { stroke: 'var(--fg-soft)' }),
      Plot.ruleX([1], { stroke: 'var(--fg-soft)', strokeDasharray: '3 3', className: 'st-threshold' }),
      Plot.dot(cells, { x: (c: Cell) => c.n / c.r, y: (c: Cell) => c.memorized - c.baseline, fill: 'r', r: 2.2, fillOpacity: 0.8, className: 'st-excess' }),
    ],
  });
}

/** Success probability and memorized fraction on the two sides of the line n = r. */
interface Sides {
  below: number;
  at: number;
  twice: number;
  /** Memorized fraction of generated samples minus that of fresh samples, averaged over cells. */
  excessBelow: number;
  excessAbove: number;
  chanceBelow: number;
  chanceAbove: number;
}

function sides(t: Transition): Sides {
  const cells = cellsOf(t);
  const pick = (test: (c: Cell) => boolean, f: (c: Cell) => number): number => mean(cells.filter(test).map(f));
  return {
    below: pick((c) => c.n < c.r, (c) => c.success),
    at: pick((c) => c.n === c.r, (c) => c.success),
    twice: pick((c) => c.n >= 2 * c.r, (c) => c.success),
    excessBelow: pick((c) => c.n < c.r, (c) => c.memorized - c.baseline),
    excessAbove: pick((c) => c.n >= c.r, (c) => c.memorized - c.baseline),
    chanceBelow: pick((c) => c.n < c.r, (c) => c.baseline),
    chanceAbove: pick((c) => c.n >= c.r, (c) => c.baseline),
  };
}

function pct(x: number): string {
  return Number.isFinite(x) ? formatPercent(x) : msg('st.noCells');
}

/** A difference of fractions in percentage points, signed: +0.1, −0.3. */
function points(x: number): string {
  if (!Number.isFinite(x)) return msg('st.noCells');
  const v = Number((x * 100).toFixed(1));
  return `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v)}`;
}

function span(values: readonly number[]): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}

function sourceText(t: Transition): string {
  const where =
    t.source === 'static'
      ? msg('st.source.static')
      : t.elapsedMs === undefined
        ? msg('st.source.live')
        : msg('st.source.liveTimed', { seconds: formatValue(t.elapsedMs / 1000, 2) });
  const vars = { where, d: t.d, K: t.K, noise: formatValue(t.noise), seed: t.seed, rows: t.rValues.length, cols: t.nValues.length, trials: t.trials };
  const grid = t.trials === 1 ? msg('st.source.gridOne', vars) : msg('st.source.grid', vars);
  return t.source === 'static' ? `${grid} ${msg('st.source.more')}` : grid;
}

function readoutText(t: Transition): string {
  const s = sides(t);
  return msg('st.readout', {
    below: pct(s.below),
    at: pct(s.at),
    twice: pct(s.twice),
    chanceBelow: pct(s.chanceBelow),
    chanceAbove: pct(s.chanceAbove),
    excessBelow: points(s.excessBelow),
    excessAbove: points(s.excessAbove),
  });
}

function summaryText(t: Transition, backend: string | undefined): string {
  const s = sides(t);
  const switchText =
    Number.isFinite(s.below) && Number.isFinite(s.twice)
      ? msg('st.switch', { below: pct(s.below), twice: pct(s.twice), at: pct(s.at) })
      : msg('st.switch.oneSide');
  const memory = msg('st.summary.memory', { below: points(s.excessBelow), above: points(s.excessAbove) });
  const where = t.source === 'static' ? msg('st.summary.static') : msg('st.summary.live', { backend: backend ?? msg('st.backendUnknown') });
  return `${msg('st.summary', { r: span(t.rValues), n: span(t.nValues), d: t.d, K: t.K, switchText })} ${memory} ${where}`;
}

/**
 * Chapter 4's transition figure: the precomputed fine heat map of the success probability over
 * (n, r) first, a live coarse one once the reader changes a control, and two profiles against n/r:
 * the subspace error with the derived noiseless PCA formula, and the memorized fraction above chance.
 */
export const subspaceTransitionView = defineView('subspace-transition', (context) => {
  const { stage, readout, summary } = context;
  stage.classList.add('figure-stage', 'st-stage');
  const experiment = getExperiment(EXPERIMENT);
  const source = el('p', 'st-source');
  source.setAttribute('data-source-note', '');
  const mapHost = el('div', 'figure-plot st-map-host');
  mapHost.dataset['plot'] = '';
  const scaleHost = el('div', 'st-scale');
  const profiles = el('div', 'figure-panels st-profiles');
  const errorPanel = el('div', 'figure-panel');
  const errorTitle = el('p', 'figure-panel-title', msg('st.panel.error'));
  const errorHost = el('div', 'figure-plot');
  const errorKeys = legend('st-error-legend', [
    { label: msg('st.legend.measured'), colour: R_COLOURS[0], shape: 'line' },
    { label: msg('st.legend.theory'), colour: R_COLOURS[1], shape: 'dash' },
    { label: msg('st.legend.tolerance'), colour: 'var(--muted)', shape: 'dash' },
  ]);
  errorPanel.append(errorTitle, errorHost, errorKeys);
  const memoryPanel = el('div', 'figure-panel');
  const memoryTitle = el('p', 'figure-panel-title', msg('st.panel.memory'));
  const memoryHost = el('div', 'figure-plot');
  memoryPanel.append(memoryTitle, memoryHost);
  profiles.append(errorPanel, memoryPanel);
  profiles.hidden = true;
  stage.append(source, mapHost, scaleHost, profiles);
  mapHost.append(placeholderFigure(360, 220, msg('st.placeholder'), 'st-placeholder'));

  let params: ParamValues = context.initial ?? { ...defaultsOf(experiment.params) };
  const isDefault = (p: ParamValues): boolean => encodeQuery(experiment, p) === '';

  let fine: Transition | undefined;
  let live: Transition | undefined;
  let liveBackend: string | undefined;
  let shown: Transition | undefined;

  /** The precomputed map stands for the untouched default state, when it was computed for it. */
  function current(): Transition | undefined {
    if (fine !== undefined && isDefault(params)) return fine;
    return live;
  }

  function draw(): void {
    const t = current();
    shown = t;
    if (t === undefined) return;
    source.textContent = sourceText(t);
    source.dataset['source'] = t.source;
    const width = widthOf(mapHost, 520, 560, 260);
    mapHost.replaceChildren(heatmap(t, width));
    scaleHost.replaceChildren(colourScale(Math.min(320, width)));
    profiles.hidden = false;
    errorHost.replaceChildren(errorProfile(t, widthOf(errorHost, 320, 420, 240)));
    memoryHost.replaceChildren(memoryProfile(t, widthOf(memoryHost, 320, 420, 240)));
    readout.textContent = readoutText(t);
  }

  /** One sentence for the live region, only when what is shown changes (not on resize or theme). */
  function announce(): void {
    const t = current();
    if (t !== undefined) summary.textContent = summaryText(t, t.source === 'live' ? liveBackend : undefined);
  }

  function useFine(loaded: Transition | undefined): void {
    if (loaded === undefined) return;
    // Only a map computed for the default physics (d, K, σ, seed) may stand for the default state.
    const defaults = defaultsOf(experiment.params);
    const same = (key: 'd' | 'K' | 'noise' | 'seed'): boolean => loaded[key] === paramNumber(defaults, key, Number.NaN);
    if (!same('d') || !same('K') || !same('noise') || !same('seed')) return;
    fine = loaded;
    draw();
    announce();
    if (shown !== undefined) context.ready?.();
  }
  const preloaded = context.staticData?.(FINE_MAP_URL);
  if (preloaded !== undefined) useFine(parseStatic(preloaded));
  else void loadFine().then(useFine);


  return {
    show(output: OutputOf<'subspace-transition'>, next: ParamValues) {
      params = next;
      live = readLive(output);
      liveBackend = output.backend;
      draw();
      announce();
    },
    settled(note: string) {
      if (shown === undefined) mapHost.replaceChildren(placeholderFigure(360, 220, note, 'st-placeholder'));
    },
    redraw() {
      draw();
    },
  };
});
