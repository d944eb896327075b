import * as Plot from '@observablehq/plot';
import type { ResultRecord, WidthThresholdResult } from '@diffusion-atlas/core';
import { t as msg } from '../../i18n/messages.ts';
import { cellMapFrame } from '../kit/cell-map.ts';
import { widthOf } from '../kit/dom.ts';
import { drawnCharts } from '../kit/drawn-charts.ts';
import { formatTime, formatValue } from '../kit/format.ts';
import { placeholder } from '../kit/placeholder-figure.ts';
import { float64Field, numberField, numberFields, numberList, recordList } from '../kit/result-fields.ts';
import { geometricMean } from '../kit/arrays.ts';
import { logAxisX, logAxisY, logTicks } from '../kit/log-scale.ts';
import { type Panel, panel, panelGrid } from '../kit/panels.ts';
import { plot, PLOT_STYLE } from '../kit/plot-style.ts';
import { defineView, type OutputOf, type ParamValues } from '../kit/view.ts';
import { numbersTable } from '../kit/numbers-table.ts';
import { setRichText } from '../kit/rich-text.ts';
import { staticJson } from '../kit/static-json.ts';

/** Written by scripts/build-figure-data.ts at build time; the figure works without it. */
const FINE_GRID_URL = '/data/width-threshold.json';
/** The panel grid lets a map's panel narrow to 200 px; the map is drawn at that width, never wider (which would scale its text under 11 px). */
const MIN_MAP_WIDTH = 180;
const SCHEME = 'viridis';
/** Gaps below this fraction of the largest are drawn at the bottom of the colour scale (they read as “none”). */
const DYNAMIC_RANGE = 1e-4;

/** One heat map: a gap per (ψ_p, ψ_n) cell, row-major with one row per ψ_p. */
interface Grid {
  label: string;
  psiP: number[];
  psiN: number[];
  gap: ArrayLike<number>;
}

function readResult(result: ResultRecord): WidthThresholdResult {
  return {
    ...numberFields(result, ['d', 't']),
    psiPValues: numberList(result, 'psiPValues'),
    psiNValues: numberList(result, 'psiNValues'),
    generalizationGap: float64Field(result, 'generalizationGap'),
    trainLoss: float64Field(result, 'trainLoss'),
    testLoss: float64Field(result, 'testLoss'),
    scoreError: float64Field(result, 'scoreError'),
    snapshots: recordList(result, 'snapshots').map((s, i) => ({
      tau: numberField(s, 'tau', `snapshots[${i}].`),
      generalizationGap: float64Field(s, 'generalizationGap', `snapshots[${i}].`),
    })),
  };
}

interface FineGrid {
  grid: Grid;
  d: number;
  seed: number;
}

function jsonNumbers(value: unknown): number[] | undefined {
  return Array.isArray(value) && value.every((x: unknown) => typeof x === 'number' || x === null) ? value.map((x: number | null) => x ?? Number.NaN) : undefined;
}

/** The build-time JSON (numbers as plain arrays, non-finite values as null), checked field by field. */
function parseFine(json: unknown): FineGrid | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const file = json as { params?: unknown; result?: unknown };
  if (typeof file.result !== 'object' || file.result === null || typeof file.params !== 'object' || file.params === null) return undefined;
  const result = file.result as Record<string, unknown>;
  const params = file.params as Record<string, unknown>;
  const psiP = jsonNumbers(result['psiPValues']);
  const psiN = jsonNumbers(result['psiNValues']);
  const gap = jsonNumbers(result['generalizationGap']);
  const d = result['d'];
  const seed = params['seed'];
  if (psiP === undefined || psiN === undefined || gap === undefined || typeof d !== 'number' || typeof seed !== 'number') return undefined;
  if (gap.length !== psiP.length * psiN.length) return undefined;
  return { grid: { label: msg('width-threshold.label.fine'), psiP, psiN, gap }, d, seed };
}

function loadFine(): Promise<FineGrid | undefined> {
  return staticJson(FINE_GRID_URL).then(parseFine);
}

/** Cell edges on a log axis: half-way (geometrically) to each neighbour, the outer ones mirrored. */
function cellEdges(values: readonly number[]): Map<number, [number, number]> {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  const edges = new Map<number, [number, number]>();
  sorted.forEach((v, i) => {
    const prev = sorted[i - 1];
    const next = sorted[i + 1];
    const lo = prev !== undefined ? Math.sqrt(prev * v) : next !== undefined ? v / Math.sqrt(next / v) : v / Math.SQRT2;
    const hi = next !== undefined ? Math.sqrt(next * v) : prev !== undefined ? v * Math.sqrt(v / prev) : v * Math.SQRT2;
    edges.set(v, [lo, hi]);
  });
  return edges;
}

interface Cell {
  psiP: number;
  psiN: number;
  gap: number;
  x1: number;
  x2: number;
  y1: number;
  y2: number;
}

function cellsOf(g: Grid): Cell[] {
  const xe = cellEdges(g.psiN);
  const ye = cellEdges(g.psiP);
  const cells: Cell[] = [];
  g.psiP.forEach((psiP, i) => {
    g.psiN.forEach((psiN, j) => {
      const [x1, x2] = xe.get(psiN) ?? [psiN, psiN];
      const [y1, y2] = ye.get(psiP) ?? [psiP, psiP];
      cells.push({ psiP, psiN, gap: g.gap[i * g.psiN.length + j] ?? Number.NaN, x1, x2, y1, y2 });
    });
  });
  return cells;
}

function colourDomain(grids: readonly Grid[]): [number, number] {
  let hi = 0;
  // cells of a partial grid not computed yet are NaN, which Math.max would spread
  for (const g of grids) for (let k = 0; k < g.gap.length; k++) if (Number.isFinite(g.gap[k])) hi = Math.max(hi, g.gap[k] ?? 0);
  if (!(hi > 0)) hi = 1;
  return [hi * DYNAMIC_RANGE, hi];
}

function heatmap(g: Grid, domain: [number, number], width: number, className: string, showYLabel: boolean, partial = false): SVGSVGElement | HTMLElement {
  // A partial grid's cells not computed yet (NaN) stay blank rather than take the scale's bottom colour.
  const all = cellsOf(g);
  const cells = partial ? all.filter((c) => Number.isFinite(c.gap)) : all;
  // the frame from every cell, so a partial map has the final map's axes
  const { xLo, xHi, yLo, yHi, diagonalLo: a, diagonalHi: b, diagonal } = cellMapFrame(all);
  const clampGap = (gap: number): number => Math.min(domain[1], Math.max(domain[0], Number.isFinite(gap) ? gap : domain[0]));
  const ticksFor = (values: readonly number[], lo: number, hi: number): number[] => {
    const unique = [...new Set(values)];
    return unique.length <= Math.max(3, Math.floor(width / 34)) ? unique : logTicks(lo, hi, 5);
  };
  const height = Math.round(Math.min(width, 300) * 0.9) + 10;
  return plot({
    width,
    height,
    marginLeft: 40,
    marginRight: 10,
    marginTop: 20,
    marginBottom: 34,
    className,
    ariaLabel: msg('width-threshold.aria.heat', { label: g.label }),
    style: PLOT_STYLE,
    x: { type: 'log', domain: [xLo, xHi] },
    y: { type: 'log', domain: [yLo, yHi] },
    color: { type: 'log', domain, scheme: SCHEME, clamp: true },
    marks: [
      logAxisX(ticksFor(g.psiN, xLo, xHi), { label: msg('width-threshold.x') }),
      logAxisY(ticksFor(g.psiP, yLo, yHi), { label: showYLabel ? msg('width-threshold.y') : null }),
      Plot.rect(cells, {
        x1: 'x1',
        x2: 'x2',
        y1: 'y1',
        y2: 'y2',
        fill: (c: Cell) => clampGap(c.gap),
        title: (c: Cell) => msg('width-threshold.cell', { psiP: formatValue(c.psiP), psiN: formatValue(c.psiN), gap: formatValue(c.gap, 2) }),
        inset: 0,
        className: 'width-threshold-cells',
      }),
      // A light line on a dark halo reads on every colour of the scheme, in both themes.
      Plot.line(diagonal, { x: 'v', y: 'v', stroke: '#000', strokeOpacity: 0.7, strokeWidth: 4, clip: true }),
      Plot.line(diagonal, { x: 'v', y: 'v', stroke: '#fff', strokeWidth: 1.6, clip: true, className: 'width-threshold-boundary' }),
      Plot.text(diagonal.length > 0 ? ['n = p'] : [], {
        x: () => Math.sqrt(a * b) * Math.pow(b / a, 0.22),
        y: () => Math.sqrt(a * b) * Math.pow(b / a, 0.22),
        dx: -6,
        dy: -4,
        textAnchor: 'end',
        fill: '#fff',
        stroke: '#000',
        strokeWidth: 3,
        paintOrder: 'stroke',
        fontSize: 11,
        fontWeight: 600,
        className: 'width-threshold-boundary-label',
      }),
    ],
  });
}

/**
 * The colour key as plain SVG rects: Plot's own ramp legend paints a canvas, which the build-time
 * poster's server DOM does not have.
 */
function colourLegend(domain: [number, number], width: number): SVGSVGElement | HTMLElement {
  const [lo, hi] = domain;
  const steps = 64;
  const ratio = Math.pow(hi / lo, 1 / steps);
  const segments = Array.from({ length: steps }, (_, k) => ({ x1: lo * ratio ** k, x2: lo * ratio ** (k + 1) }));
  return plot({
    width,
    height: 56,
    marginLeft: 12,
    marginRight: 16,
    // Room over the ramp for the title and its hanging subscripts (L_test), which the ramp would cover.
    marginTop: 26,
    marginBottom: 18,
    className: 'width-threshold-colour-legend',
    ariaLabel: msg('width-threshold.aria.colour', { lo: formatValue(lo, 2), hi: formatValue(hi, 2) }),
    style: PLOT_STYLE,
    x: { type: 'log', domain },
    color: { type: 'log', domain, scheme: SCHEME },
    marks: [
      logAxisX(logTicks(lo, hi, 5), { label: null }),
      Plot.rect(segments, { x1: 'x1', x2: 'x2', fill: (sgm: { x1: number; x2: number }) => Math.sqrt(sgm.x1 * sgm.x2) }),
      Plot.text([msg('width-threshold.colour')], { frameAnchor: 'top-left', dy: -16, textAnchor: 'start', fill: 'currentColor', fontSize: 12 }),
    ],
  });
}

function labelFor(tau: number): string {
  return `τ = ${formatTime(tau)}`;
}

function gridsOf(r: WidthThresholdResult): Grid[] {
  return [
    ...r.snapshots.map((s) => ({ label: labelFor(s.tau), psiP: r.psiPValues, psiN: r.psiNValues, gap: s.generalizationGap })),
    { label: 'τ → ∞', psiP: r.psiPValues, psiN: r.psiNValues, gap: r.generalizationGap },
  ];
}

/** Geometric means of the gap on the two sides of n = p (cells on the line itself left out). */
function sides(g: Grid): { memorizing: number; wide: number; below: number; above: number } {
  const below: number[] = [];
  const above: number[] = [];
  g.psiP.forEach((psiP, i) => {
    g.psiN.forEach((psiN, j) => {
      const gap = g.gap[i * g.psiN.length + j] ?? Number.NaN;
      if (psiN < psiP) below.push(gap);
      else if (psiN > psiP) above.push(gap);
    });
  });
  return { memorizing: geometricMean(below), wide: geometricMean(above), below: below.length, above: above.length };
}

/** A side can hold no cell of the grid, or only cells whose gap is not positive. */
function meanText(x: number, cells: number): string {
  return cells === 0 ? msg('width-threshold.mean.noCell') : Number.isFinite(x) ? formatValue(x, 2) : msg('width-threshold.mean.none');
}

/** One sentence on the fully trained grid; every grid's means are in the table under the figure. */
function readoutText(r: WidthThresholdResult): string {
  const grids = gridsOf(r);
  const g = grids[grids.length - 1];
  if (g === undefined) return '';
  const s = sides(g);
  const grid = msg('width-threshold.readout.grid', { label: g.label, below: meanText(s.memorizing, s.below), above: meanText(s.wide, s.above) });
  return msg('width-threshold.readout', { grids: grid, d: r.d, t: formatValue(r.t), rows: r.psiPValues.length, cols: r.psiNValues.length });
}

function numbersRows(r: WidthThresholdResult): string[][] {
  return gridsOf(r).map((g) => {
    const s = sides(g);
    return [g.label, meanText(s.memorizing, s.below), meanText(s.wide, s.above), Number.isFinite(s.memorizing / s.wide) ? `${formatValue(s.memorizing / s.wide, 2)}×` : '–'];
  });
}

function summaryText(r: WidthThresholdResult, backend: string): string {
  const final = sides(gridsOf(r)[r.snapshots.length] ?? { label: '', psiP: [], psiN: [], gap: [] });
  const ratio = final.memorizing / final.wide;
  const verdict = Number.isFinite(ratio)
    ? msg('width-threshold.verdict.ratio', { ratio: formatValue(ratio, 2) })
    : msg('width-threshold.verdict.oneSide');
  const head = msg('width-threshold.summary', { widths: r.psiPValues.length, sizes: r.psiNValues.length, d: r.d, verdict });
  return `${head} ${msg('widget.computedOn', { backend })}`;
}

/** The (ψ_n, ψ_p) phase diagram of memorization: live coarse heat maps at three training times, and the precomputed fine one. */
export const widthThresholdView = defineView('width-threshold', (context) => {
  const { stage, readout, summary } = context;
  stage.classList.add('width-threshold-stage');
  const scale = document.createElement('div');
  scale.className = 'width-threshold-scale';
  scale.style.color = 'var(--fg-soft)';
  const grid = panelGrid('width-threshold-grid', 200);
  grid.append(placeholder(msg('figure.placeholder')));
  const fine = panel('width-threshold-fine');
  fine.element.hidden = true;
  fine.element.style.marginTop = '1rem';
  fine.element.style.maxWidth = '460px';
  const numbers = numbersTable(msg('figure.numbers'), 'width-threshold-numbers');
  stage.append(scale, grid, fine.element, numbers.element);

  let result: WidthThresholdResult | undefined;
  /** The result is a partial one: the cells done so far, the others NaN. */
  let partial = false;
  let fineGrid: FineGrid | undefined;
  const panels: Panel[] = [];

  /** The precomputed fine map, drawn again only when its colour domain or width moved (or the theme). */
  const drawn = drawnCharts<'fine'>();

  /**
   * Every width is read before any chart is replaced (one layout per drawing). A run does not
   * change the fine map: a partial frame leaves it alone unless its scale or width moved.
   */
  function draw(): void {
    const r = result;
    if (r === undefined) return;
    const grids = gridsOf(r);
    const domain = colourDomain(fineGrid === undefined ? grids : [...grids, fineGrid.grid]);
    if (panels.length === 0) grid.replaceChildren();
    while (panels.length < grids.length) {
      const live = panel('width-threshold-live');
      panels.push(live);
      grid.append(live.element);
    }
    while (panels.length > grids.length) panels.pop()?.element.remove();
    if (fineGrid !== undefined) fine.element.hidden = false;
    const legendWidth = Math.min(340, widthOf(stage, 560, 340));
    const mapWidths = panels.map((p) => widthOf(p.plot, 560, 420, MIN_MAP_WIDTH));
    const fineWidth = fineGrid === undefined ? 0 : widthOf(fine.plot, 560, 460, MIN_MAP_WIDTH);
    scale.replaceChildren(colourLegend(domain, legendWidth));
    grids.forEach((g, i) => {
      const panel = panels[i];
      if (panel === undefined) return;
      setRichText(panel.title, g.label);
      panel.plot.replaceChildren(heatmap(g, domain, mapWidths[i] ?? MIN_MAP_WIDTH, 'width-threshold-live-map', true, partial));
    });
    if (fineGrid !== undefined && drawn.changed('fine', `${domain[0]} ${domain[1]} ${fineWidth}`)) {
      setRichText(fine.title, msg('width-threshold.panel.fine', { d: fineGrid.d, seed: fineGrid.seed, rows: fineGrid.grid.psiP.length, cols: fineGrid.grid.psiN.length }));
      fine.plot.replaceChildren(heatmap(fineGrid.grid, domain, fineWidth, 'width-threshold-fine-map', true));
    }
    // the means over each side need every cell: they wait for the whole grid
    if (partial) return;
    setRichText(readout, readoutText(r));
    numbers.set([msg('width-threshold.numbers.grid'), msg('width-threshold.numbers.below'), msg('width-threshold.numbers.above'), msg('width-threshold.numbers.ratio')], numbersRows(r));
  }


  return {
    resizes: grid,
    partial(output: OutputOf<'width-threshold'>, _params: ParamValues) {
      result = readResult(output.result);
      partial = true;
      fineGrid ??= parseFine(context.staticData?.(FINE_GRID_URL));
      draw();
    },
    show(output: OutputOf<'width-threshold'>, _params: ParamValues) {
      result = readResult(output.result);
      partial = false;
      // a build-time poster is handed the file (there is nothing to fetch from): drawn at once
      fineGrid ??= parseFine(context.staticData?.(FINE_GRID_URL));
      draw();
      setRichText(summary, summaryText(result, output.backend));
      void loadFine().then((loaded) => {
        if (loaded === undefined || fineGrid !== undefined) return;
        fineGrid = loaded;
        draw();
      });
    },
    settled(note: string) {
      if (result === undefined) grid.replaceChildren(placeholder(note));
    },
    redraw() {
      drawn.forget();
      draw();
    },
  };
});
