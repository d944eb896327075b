import * as Plot from '@observablehq/plot';
import type { ResultRecord } from '@diffusion-atlas/core';
import { t as msg } from '../../i18n/messages.ts';
import { el, svgEl, widthOf } from '../kit/dom.ts';
import { formatPercent, formatValue } from '../kit/format.ts';
import { placeholderFigure } from '../kit/placeholder-figure.ts';
import { float32Field, float64Field, numberField, numberList, textField } from '../kit/result-fields.ts';
import { logAxisX, logAxisY, logTicks, padLog, positiveExtent } from '../kit/log-scale.ts';
import { inkImage, inkPng } from '../kit/pixel-images.ts';
import { pngDataUrl } from '../kit/png.ts';
import { legend } from '../kit/legend.ts';
import { BOTTOM_AXIS_MARGIN, plot, PLOT_STYLE } from '../kit/plot-style.ts';
import { pointLabel } from '../kit/point-label.ts';
import { defineView, type OutputOf, type ParamValues } from '../kit/view.ts';
import { withSharedSheet } from '../kit/plot-sheet.ts';

/** Diverging colours for the direction image: ink added (orange) and ink removed (blue). */
const PLUS: [number, number, number] = [207, 95, 31];
const MINUS: [number, number, number] = [47, 127, 208];

interface Edit {
  digit: number;
  direction: number;
  width: number;
  height: number;
  count: number;
  baseIndex: number;
  strengths: Float64Array;
  strip: Float32Array;
  directions: Float32Array;
  variances: Float64Array;
  explained: Float64Array;
  norms: Float64Array;
  normLower: Float64Array;
  normUpper: Float64Array;
  clipped: Float64Array;
  classNorms: [number, number];
  /** Where the directions come from: the Jacobian of the exact denoiser at x_t, or the class's PCA. */
  method: 'jacobian' | 'pca';
  t: number;
  singularValues: Float64Array;
  bandT: Float64Array;
  bandDigits: Float64Array;
}

function read(result: ResultRecord): Edit {
  const range = numberList(result, 'classNormRange');
  return {
    digit: numberField(result, 'digit'),
    direction: numberField(result, 'direction'),
    width: numberField(result, 'width'),
    height: numberField(result, 'height'),
    count: numberField(result, 'count'),
    baseIndex: numberField(result, 'baseIndex'),
    strengths: float64Field(result, 'strengths'),
    strip: float32Field(result, 'strip'),
    directions: float32Field(result, 'directions'),
    variances: float64Field(result, 'variances'),
    explained: float64Field(result, 'explainedVariance'),
    norms: float64Field(result, 'norms'),
    normLower: float64Field(result, 'normLower'),
    normUpper: float64Field(result, 'normUpper'),
    clipped: float64Field(result, 'clippedFraction'),
    classNorms: [range[0] ?? Number.NaN, range[1] ?? Number.NaN],
    method: textField(result, 'method') === 'jacobian' ? 'jacobian' : 'pca',
    t: numberField(result, 't'),
    singularValues: float64Field(result, 'jacobianSingularValues'),
    bandT: float64Field(result, 'bandT'),
    bandDigits: float64Field(result, 'bandEffectiveDigits'),
  };
}

/** The chosen direction in words: a singular vector of the Jacobian at t, or a principal direction of the class. */
function kindText(e: Edit): string {
  return e.method === 'jacobian'
    ? msg('subspace-editing.kind.jacobian', { k: e.direction, t: formatValue(e.t, 2) })
    : msg('subspace-editing.kind.pca', { k: e.direction });
}

/**
 * Whether the run has found its directions yet: its first partial result has only the base digit
 * (the strip's s = 0 frame), with NaN for every direction and every edit along one.
 */
function hasDirections(e: Edit): boolean {
  return Number.isFinite(e.directions[(e.direction - 1) * e.width * e.height]);
}

function strengthLabel(s: number): string {
  if (s === 0) return 's = 0';
  return `${s > 0 ? '+' : '−'}${formatValue(Math.abs(s), 2)}`;
}

/** The strip: the edited digits from −s to +s (the base digit framed), then the direction itself. */
function stripFigure(e: Edit, width: number): SVGSVGElement {
  const frames = e.strengths.length;
  const tiles = frames + 1;
  const columns = width < 440 ? Math.ceil(tiles / 2) : tiles;
  const rows = Math.ceil(tiles / columns);
  const gap = 8;
  const extra = 10;
  const cell = Math.floor((width - gap * (columns - 1) - extra) / columns);
  const labelRoom = 30;
  const height = rows * (cell + labelRoom) + 22;
  const svg = svgEl('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'subspace-editing-strip' });
  const heading = svgEl('text', { x: 0, y: 12, fill: 'currentColor', 'font-size': 12 });
  heading.textContent = msg('subspace-editing.strip.heading', { v: `v${subscript(e.direction)}` });
  svg.append(heading);
  const dim = e.width * e.height;
  const place = (tile: number): { x: number; y: number } => {
    const column = tile % columns;
    const row = Math.floor(tile / columns);
    // The direction tile sits a little apart from the strip it explains.
    const shift = tile === frames && rows === 1 ? extra : 0;
    return { x: column * (cell + gap) + shift, y: 20 + row * (cell + labelRoom) };
  };
  for (let f = 0; f < frames; f++) {
    const { x, y } = place(f);
    const s = e.strengths[f] ?? 0;
    const isBase = s === 0;
    // An edit not computed yet (no direction so far) keeps its place as an empty, dashed frame.
    const pending = !Number.isFinite(e.strip[f * dim]);
    svg.append(
      svgEl('rect', {
        x: x - 1,
        y: y - 1,
        width: cell + 2,
        height: cell + 2,
        rx: 3,
        fill: 'var(--bg)',
        stroke: isBase ? 'var(--accent)' : 'var(--rule)',
        'stroke-width': isBase ? 2 : 1,
        ...(pending ? { 'stroke-dasharray': '3 2' } : {}),
        class: `${isBase ? 'subspace-editing-frame-border subspace-editing-base' : 'subspace-editing-frame-border'}${pending ? ' subspace-editing-frame-pending' : ''}`,
      }),
    );
    if (!pending) {
      const digit = inkImage({ href: inkPng(e.strip, f * dim, e.width, e.height), x, y, size: cell, className: 'subspace-editing-frame' });
      digit.querySelector('image')?.setAttribute('data-strength', String(s));
      svg.append(digit);
    }
    const label = svgEl('text', { x: x + cell / 2, y: y + cell + 15, 'text-anchor': 'middle', fill: isBase ? 'var(--fg)' : 'currentColor', 'font-size': 11, class: 'subspace-editing-frame-label' });
    label.textContent = isBase ? msg('subspace-editing.strip.base') : strengthLabel(s);
    svg.append(label);
  }
  // The direction: orange where moving along +v adds ink, blue where it removes it.
  const { x, y } = place(frames);
  svg.append(svgEl('rect', { x: x - 1, y: y - 1, width: cell + 2, height: cell + 2, rx: 3, fill: 'var(--bg)', stroke: 'var(--rule)', 'stroke-dasharray': '3 2' }));
  if (hasDirections(e)) svg.append(directionImage(e, x, y, cell));
  const label = svgEl('text', { x: x + cell / 2, y: y + cell + 15, 'text-anchor': 'middle', fill: 'currentColor', 'font-size': 11, class: 'subspace-editing-direction-label' });
  label.textContent = `v${subscript(e.direction)}`;
  svg.append(label);
  svg.dataset['frames'] = String(frames);
  svg.dataset['digit'] = String(e.digit);
  svg.dataset['direction'] = String(e.direction);
  svg.dataset['strength'] = String(e.strengths[frames - 1] ?? 0);
  svg.setAttribute(
    'aria-label',
    msg('subspace-editing.aria.strip', { digit: e.digit, kind: kindText(e), strengths: Array.from(e.strengths, (s) => formatValue(s, 2)).join(msg('list.separator')) }),
  );
  return svg;
}

/** The chosen direction as an image, scaled to its largest pixel. */
function directionImage(e: Edit, x: number, y: number, cell: number): SVGElement {
  const dim = e.width * e.height;
  const j = e.direction - 1;
  let peak = 1e-12;
  for (let k = 0; k < dim; k++) peak = Math.max(peak, Math.abs(e.directions[j * dim + k] ?? 0));
  const rgba = new Uint8Array(4 * dim);
  for (let k = 0; k < dim; k++) {
    const v = (e.directions[j * dim + k] ?? 0) / peak;
    rgba.set(v >= 0 ? PLUS : MINUS, 4 * k);
    rgba[4 * k + 3] = Math.round(255 * Math.min(1, Math.abs(v)));
  }
  const href = pngDataUrl(e.width, e.height, rgba, 4);
  return svgEl('image', { href, x, y, width: cell, height: cell, preserveAspectRatio: 'none', style: 'image-rendering: pixelated', class: 'subspace-editing-direction' });
}

function subscript(n: number): string {
  return String(n)
    .split('')
    .map((c) => '₀₁₂₃₄₅₆₇₈₉'[Number(c)] ?? c)
    .join('');
}

/** One of the small titled panels beside the images: a chart host, and the chart's key under it where it has one. */
function sidePanel(title: string, keys?: HTMLElement): { element: HTMLElement; host: HTMLElement } {
  const element = el('div', 'figure-panel');
  const host = el('div', 'figure-plot');
  element.append(el('p', 'figure-panel-title', title), host, ...(keys === undefined ? [] : [keys]));
  return { element, host };
}

/** The frame of the two small charts beside the images, shared so that they stand the same height side by side. */
const SIDE_CHART_FRAME = { height: 170, marginLeft: 40, marginRight: 8, marginTop: 22, marginBottom: BOTTOM_AXIS_MARGIN, style: PLOT_STYLE } as const;

function varianceChart(e: Edit, width: number): SVGSVGElement | HTMLElement {
  const bars = Array.from(e.explained, (v, i) => ({ k: i + 1, v, chosen: i + 1 === e.direction }));
  return withSharedSheet(Plot.plot({
    width,
    ...SIDE_CHART_FRAME,
    className: 'subspace-editing-variance',
    ariaLabel: msg(e.method === 'jacobian' ? 'subspace-editing.aria.variance.jacobian' : 'subspace-editing.aria.variance.pca', { count: bars.length, direction: e.direction }),
    x: { type: 'band', label: msg(e.method === 'jacobian' ? 'subspace-editing.x.direction.jacobian' : 'subspace-editing.x.direction.pca'), labelAnchor: 'right', padding: 0.2 },
    y: { label: msg('subspace-editing.y.share'), labelAnchor: 'top', grid: true, tickFormat: (v: number) => formatPercent(v) },
    marks: [
      Plot.barY(bars, {
        x: 'k',
        y: 'v',
        fill: (b: { chosen: boolean }) => (b.chosen ? 'var(--accent)' : 'var(--data)'),
        className: 'subspace-editing-variance-bars',
        title: (b: { k: number; v: number }) => msg('subspace-editing.bar', { k: b.k, share: formatPercent(b.v) }),
      }),
      Plot.ruleY([0]),
      // The chosen direction's share, written over its bar.
      Plot.text(
        bars.filter((b) => b.chosen),
        { x: 'k', y: 'v', text: (b: { v: number }) => formatPercent(b.v), dy: -8, fill: 'currentColor', className: 'subspace-editing-chosen-share' },
      ),
    ],
  }));
}

/** The grid point of the band nearest the run's t (in log t), whose value the chart writes out. */
function nearestBand(e: Edit): number {
  let best = 0;
  for (let i = 1; i < e.bandT.length; i++) {
    if (Math.abs(Math.log((e.bandT[i] ?? 1) / e.t)) < Math.abs(Math.log((e.bandT[best] ?? 1) / e.t))) best = i;
  }
  return best;
}

/**
 * The Jacobian's low-rank band in t: how many training digits carry the softmax at x_t (1/Σw²);
 * the Jacobian's rank is at most that number less one. The run's t is marked, and the band's
 * value at the grid point nearest it is written beside it.
 */
function bandChart(e: Edit, width: number): SVGSVGElement | HTMLElement {
  const rows = Array.from(e.bandT, (t, i) => ({ t, digits: e.bandDigits[i] ?? Number.NaN }));
  const xDomain = padLog(positiveExtent(e.bandT, [0.01, 3]), 1.2);
  const yDomain = padLog(positiveExtent(e.bandDigits, [1, 1000]), 1.6);
  const near = nearestBand(e);
  const marked = rows[near] ?? { t: Number.NaN, digits: Number.NaN };
  const right = Math.log(marked.t / xDomain[0]) / Math.log(xDomain[1] / xDomain[0]) > 0.6;
  return plot({
    width,
    height: 190,
    marginLeft: 44,
    marginRight: 12,
    marginTop: 24,
    marginBottom: 34,
    className: 'subspace-editing-band',
    ariaLabel: msg('subspace-editing.aria.band', { from: formatValue(rows[0]?.digits ?? Number.NaN, 3), to: formatValue(rows[rows.length - 1]?.digits ?? Number.NaN, 3), t: formatValue(e.t, 2) }),
    style: PLOT_STYLE,
    x: { type: 'log', domain: xDomain, axis: null },
    y: { type: 'log', domain: yDomain, axis: null },
    marks: [
      logAxisX(logTicks(xDomain[0], xDomain[1], 5), { label: msg('subspace-editing.x.t') }),
      logAxisY(logTicks(yDomain[0], yDomain[1], 4), { label: msg('subspace-editing.y.digits') }),
      Plot.ruleX([e.t], { stroke: 'var(--accent)', strokeWidth: 2, className: 'subspace-editing-band-t' }),
      Plot.line(rows, { x: 't', y: 'digits', stroke: 'var(--fg)', strokeWidth: 1.4 }),
      Plot.dot(rows, { x: 't', y: 'digits', r: 3, fill: 'var(--fg)', className: 'subspace-editing-band-points' }),
      Plot.dot([marked], { x: 't', y: 'digits', r: 5, stroke: 'var(--accent)', strokeWidth: 2, fill: 'none' }),
      pointLabel(marked, {
        x: 't',
        y: 'digits',
        text: (d: { t: number; digits: number }) => msg('subspace-editing.band.value', { digits: formatValue(d.digits, 3), t: formatValue(d.t, 2) }),
        onRight: right,
        dx: 9,
        dy: -10,
        className: 'subspace-editing-band-value',
      }),
    ],
  });
}

function normChart(e: Edit, width: number): SVGSVGElement | HTMLElement {
  const rows = Array.from(e.strengths, (s, i) => ({ s, norm: e.norms[i] ?? Number.NaN, lo: e.normLower[i] ?? Number.NaN, hi: e.normUpper[i] ?? Number.NaN }));
  const [cLo, cHi] = e.classNorms;
  const sMax = Math.max(1e-9, ...rows.map((r) => Math.abs(r.s)));
  const yHi = Math.max(cHi, ...rows.map((r) => r.hi)) * 1.05;
  return withSharedSheet(Plot.plot({
    width,
    ...SIDE_CHART_FRAME,
    className: 'subspace-editing-norms',
    ariaLabel: msg('subspace-editing.aria.norms'),
    x: { domain: [-sMax * 1.1, sMax * 1.1], label: msg('subspace-editing.x.strength'), labelAnchor: 'right' },
    y: { domain: [0, yHi], label: msg('subspace-editing.y.norm'), labelAnchor: 'top', grid: true },
    marks: [
      Plot.rectY([{ x1: -sMax * 1.1, x2: sMax * 1.1, y1: cLo, y2: cHi }], { x1: 'x1', x2: 'x2', y1: 'y1', y2: 'y2', fill: 'var(--data)', fillOpacity: 0.18, className: 'subspace-editing-class-range' }),
      Plot.areaY(rows, { x: 's', y1: 'lo', y2: 'hi', fill: 'var(--accent)', fillOpacity: 0.14, className: 'subspace-editing-norm-bound' }),
      Plot.line(rows, { x: 's', y: 'norm', stroke: 'var(--fg)', strokeWidth: 1.4 }),
      Plot.dot(rows, { x: 's', y: 'norm', fill: 'var(--fg)', r: 3, className: 'subspace-editing-norm-points' }),
    ],
  }));
}

function inClassRange(e: Edit): number {
  let inside = 0;
  for (const v of e.norms) if (v >= e.classNorms[0] && v <= e.classNorms[1]) inside++;
  return inside;
}

function withinBound(e: Edit): boolean {
  for (let i = 0; i < e.norms.length; i++) {
    const v = e.norms[i] ?? Number.NaN;
    // A relative slack of 10⁻⁶ absorbs the Float32 pixels the norms are computed from.
    if (!(v >= (e.normLower[i] ?? 0) * (1 - 1e-6) && v <= (e.normUpper[i] ?? 0) * (1 + 1e-6))) return false;
  }
  return true;
}

function readoutText(e: Edit): string {
  const j = e.direction - 1;
  const singular =
    e.method === 'jacobian'
      ? ` ${msg('subspace-editing.readout.singular', { t: formatValue(e.t, 2), values: Array.from(e.singularValues.subarray(0, 4), (v) => formatValue(v, 3)).join(msg('list.separator')) })}`
      : '';
  const sigma = Math.sqrt(e.variances[j] ?? Number.NaN);
  const s = e.strengths[e.strengths.length - 1] ?? 0;
  const maxClip = Math.max(...Array.from(e.clipped));
  return msg('subspace-editing.readout', {
    digit: e.digit,
    image: e.baseIndex + 1,
    count: e.count,
    kind: kindText(e),
    share: formatPercent(e.explained[j] ?? Number.NaN),
    sigma: `σ${subscript(e.direction)}`,
    sigmaValue: formatValue(sigma, 3),
    s: formatValue(s, 2),
    normLo: formatValue(Math.min(...e.norms), 3),
    normHi: formatValue(Math.max(...e.norms), 3),
    which: withinBound(e) ? msg('subspace-editing.bound.all') : msg('subspace-editing.bound.notAll'),
    inRange: inClassRange(e),
    norms: e.norms.length,
    classLo: formatValue(e.classNorms[0], 3),
    classHi: formatValue(e.classNorms[1], 3),
    clipped: formatPercent(maxClip),
  }) + singular;
}

function summaryText(e: Edit): string {
  const j = e.direction - 1;
  const s = e.strengths[e.strengths.length - 1] ?? 0;
  const vars = {
    digit: e.digit,
    kind: kindText(e),
    share: formatPercent(e.explained[j] ?? Number.NaN),
    s: formatValue(s, 2),
    inRange: inClassRange(e),
    norms: e.norms.length,
  };
  return withinBound(e) ? msg('subspace-editing.summary.within', vars) : msg('subspace-editing.summary.outside', vars);
}

/**
 * Chapter 4's editing figure: a strip of one held-out MNIST digit moved along one principal
 * direction of its class, the direction as an image, its share of the class variance, and the
 * images' norms against the stated bound.
 */
export const subspaceEditingView = defineView('subspace-editing', (context) => {
  const { stage, readout, summary } = context;
  stage.classList.add('figure-stage', 'subspace-editing-stage');
  const stripHost = el('div', 'figure-plot subspace-editing-strip-host');
  stripHost.dataset['plot'] = '';
  stripHost.append(placeholderFigure(560, 130, msg('subspace-editing.placeholder'), 'subspace-editing-placeholder'));
  const keys = legend('subspace-editing-legend', [
    { label: msg('subspace-editing.legend.base'), colour: 'var(--accent)', shape: 'ring' },
    { label: msg('subspace-editing.legend.adds'), colour: `rgb(${PLUS.join(',')})`, shape: 'disc' },
    { label: msg('subspace-editing.legend.removes'), colour: `rgb(${MINUS.join(',')})`, shape: 'disc' },
  ]);
  const side = el('div', 'subspace-editing-side');
  const { element: variancePanel, host: varianceHost } = sidePanel(msg('subspace-editing.panel.variance'));
  const normKeys = legend('subspace-editing-norm-legend', [
    { label: msg('subspace-editing.legend.bound'), colour: 'var(--accent)', shape: 'band' },
    { label: msg('subspace-editing.legend.range'), colour: 'var(--data)', shape: 'band' },
  ]);
  const { element: normPanel, host: normHost } = sidePanel(msg('subspace-editing.panel.norms'), normKeys);
  const bandKeys = legend('subspace-editing-band-legend', [
    { label: msg('subspace-editing.legend.digits'), colour: 'var(--fg)', shape: 'dot' },
    { label: msg('subspace-editing.legend.t'), colour: 'var(--accent)', shape: 'line' },
  ]);
  const { element: bandPanel, host: bandHost } = sidePanel(msg('subspace-editing.panel.band'), bandKeys);
  side.append(variancePanel, normPanel, bandPanel);
  side.hidden = true;
  stage.append(stripHost, keys, side);

  let edit: Edit | undefined;
  /**
   * A partial run: first the base digit alone, then the edits along the subspace iteration's
   * current estimate of the directions (they sharpen as it converges); the Jacobian's band and
   * the readout wait for the run's end.
   */
  let partial = false;

  function draw(): void {
    const e = edit;
    if (e === undefined) return;
    // The side panels shown, then every width read before any chart is replaced: a read after a
    // replacement forces the page's layout again.
    side.hidden = false;
    const stripWidth = widthOf(stripHost, 560, 680, 280);
    const varianceWidth = widthOf(varianceHost, 300, 380, 220);
    const normWidth = widthOf(normHost, 300, 380, 220);
    const bandWidth = widthOf(bandHost, 300, 380, 220);
    stripHost.replaceChildren(stripFigure(e, stripWidth));
    if (!hasDirections(e)) {
      // The run's first partial: the base digit alone; both charts are about the directions.
      const pending = msg('subspace-editing.partial.directions');
      varianceHost.replaceChildren(placeholderFigure(300, 160, pending, 'subspace-editing-placeholder'));
      normHost.replaceChildren(placeholderFigure(300, 160, pending, 'subspace-editing-placeholder'));
    } else {
      varianceHost.replaceChildren(varianceChart(e, varianceWidth));
      normHost.replaceChildren(normChart(e, normWidth));
    }
    if (partial) {
      bandHost.replaceChildren(placeholderFigure(300, 160, msg('figure.partialPending'), 'subspace-editing-placeholder'));
      return;
    }
    bandHost.replaceChildren(bandChart(e, bandWidth));
    readout.textContent = readoutText(e);
  }


  return {
    partial(output: OutputOf<'subspace-editing'>, _params: ParamValues) {
      edit = read(output.result);
      partial = true;
      draw();
    },
    show(output: OutputOf<'subspace-editing'>, _params: ParamValues) {
      edit = read(output.result);
      partial = false;
      draw();
      summary.textContent = summaryText(edit);
    },
    settled(note: string) {
      if (edit === undefined) stripHost.replaceChildren(placeholderFigure(560, 130, note, 'subspace-editing-placeholder'));
    },
    redraw() {
      draw();
    },
  };
});
