import * as Plot from '@observablehq/plot';
import { t as msg } from '../../../i18n/messages.ts';
import { el, widthOf } from '../../kit/dom.ts';
import { formatValue, powerOfTen } from '../../kit/format.ts';
import { placeholderFigure } from '../../kit/placeholder-figure.ts';
import { legendItem } from '../../kit/legend.ts';
import { logTickLabel, logTicks } from '../../kit/log-scale.ts';
import { plot, PLOT_STYLE } from '../../kit/plot-style.ts';
import { defineView, type OutputOf, type ParamValues } from '../../kit/view.ts';
import { setRichText, subscriptSvgText } from '../../kit/rich-text.ts';
import { canvasAvailable, edges, LANDMARKS, loadStaticSweep, MAX_WIDTH, requirementText, sameState, sliceColumns, sourceText, STATIC_SWEEP_PATH, staticSweepOf, SVG_CELLS_PER_AXIS, SVG_NS, type Sweep, sweepOf } from './sweep.ts';

/** Where the colour legend's ramp starts, below its title. */
const LEGEND_TOP = 24;

/**
 * The build writes the experiment's default state at a fine resolution here (scripts/build-data.ts);
 * at the site's root, like the MNIST files the worker reads.
 */
export const curseView = defineView('curse', (context) => {
  const { stage, readout, summary } = context;
  stage.classList.add('figure-stage', 'curse-stage');
  const panels = el('div', 'curse-panels');
  const heat = el('section', 'figure-panel curse-heat-panel');
  const heatTitle = el('p', 'figure-panel-title');
  setRichText(heatTitle, msg('curse.panel.heat'));
  const heatHost = el('div', 'figure-plot');
  const legendHost = el('div', 'curse-legend');
  heat.append(heatTitle, heatHost, legendHost);
  const slices = el('section', 'figure-panel');
  const slicesTitle = el('p', 'figure-panel-title');
  setRichText(slicesTitle, msg('curse.panel.slices'));
  const slicesHost = el('div', 'figure-plot');
  slices.append(slicesTitle, slicesHost);
  panels.append(heat, slices);
  const legend = el('p', 'figure-legend');
  const note = el('p', 'figure-note');
  setRichText(note, msg('curse.note'));
  heat.append(note);
  legend.append(
    legendItem('line', 'var(--sample)', msg('curse.legend.slice')),
    legendItem('line', 'var(--accent)', msg('curse.legend.tS')),
    legendItem('dash', 'var(--muted)', 't*'),
  );
  stage.append(panels, legend);
  heatHost.append(placeholderFigure(widthOf(heatHost, 600, MAX_WIDTH), 300, msg('curse.placeholder'), 'curse-figure figure-placeholder'));

  let shown: Sweep | undefined;
  let live: Sweep | undefined;
  let staticSweep: Sweep | undefined;
  let backend = '';
  // Build-time posters draw in a server DOM with no page address and nothing to fetch: the build
  // hands them the file instead.
  const handed = context.staticData?.(STATIC_SWEEP_PATH);
  const canFetch = typeof fetch === 'function' && typeof (globalThis as { location?: unknown }).location !== 'undefined';
  if (handed !== undefined) staticSweep = staticSweepOf(handed);
  else if (canFetch) {
    loadStaticSweep()
      .then((sweep) => {
        staticSweep = sweep;
        // The live run may have beaten the file; the fine sweep replaces it if it is still the state shown.
        if (live !== undefined && sameState(live.params, sweep.params)) present(sweep);
      })
      .catch((error: unknown) => {
        stage.dataset['staticError'] = error instanceof Error ? error.message : String(error);
      });
  }

  function present(sweep: Sweep): void {
    shown = sweep;
    // The order in which sources were drawn, for tests: the page should open on the static sweep.
    stage.dataset['drawn'] = [stage.dataset['drawn'], sweep.source].filter((x) => x !== undefined && x !== '').join(',');
    draw();
    setRichText(summary, summaryText(sweep));
  }

  function summaryText(s: Sweep): string {
    const dMin = formatValue(s.params['dMin'] ?? Number.NaN);
    const dMax = formatValue(s.params['dMax'] ?? Number.NaN);
    const nMax = powerOfTen(s.colsLog10n[s.colsLog10n.length - 1] ?? 0);
    const tStar = formatValue(s.params['tStar'] ?? Number.NaN);
    const head = msg('curse.summary', { dMin, dMax, nMax, tStar, alpha: formatValue(s.alphaRequired, 3) });
    return s.source === 'live' && backend !== '' ? `${head} ${msg('widget.computedOn', { backend })}` : head;
  }

  function colourDomain(s: Sweep): [number, number] {
    const tStar = s.params['tStar'] ?? 0.1;
    let hi = 1;
    for (const v of s.tC) if (Number.isFinite(v) && v > hi) hi = v;
    return [Math.min(1e-3, tStar / 3), hi];
  }

  function drawHeat(s: Sweep, width: number): void {
    const height = Math.round(Math.max(260, Math.min(420, width * 0.68)));
    const dMin = s.params['dMin'] ?? (s.rowsD[0] ?? 1);
    const dMax = s.params['dMax'] ?? (s.rowsD[s.rowsD.length - 1] ?? 2);
    const yLo = s.colsLog10n[0] ?? 0.3;
    const yHi = s.colsLog10n[s.colsLog10n.length - 1] ?? 3;
    // room above the map for the y label's descenders: the painted map covers the plot area to its edge
    const margin = { left: 50, right: 12, top: 20, bottom: 40 };
    const required = Array.from(s.d, (d, i) => ({ d, y: s.log10nRequired[i] ?? Number.NaN })).filter((p) => p.y >= yLo && p.y <= yHi);
    const landmarks = LANDMARKS.filter((l) => l.d >= dMin && l.d <= dMax).map((l) => ({ d: l.d, label: msg(l.key) }));
    const yTicks = logTicks(yLo, yHi);
    const svg = plot({
      width,
      height,
      marginLeft: margin.left,
      marginRight: margin.right,
      marginTop: margin.top,
      marginBottom: margin.bottom,
      className: 'curse-figure',
      ariaLabel: msg('curse.aria.heat'),
      style: PLOT_STYLE,
      x: { type: 'log', domain: [dMin, dMax], label: msg('curse.x'), labelAnchor: 'right', ticks: logTicks(dMin, dMax), tickFormat: (v: number) => formatValue(v) },
      y: { type: 'log', domain: [yLo, yHi], label: msg('curse.y.heat'), ticks: yTicks, tickFormat: (v: number) => powerOfTen(v) },
      marks: [
        Plot.ruleX(landmarks, { x: 'd', stroke: 'white', strokeOpacity: 0.7, strokeDasharray: '3 3' }),
        Plot.text(landmarks, { x: 'd', frameAnchor: 'top', dy: 6, dx: -3, textAnchor: 'end', text: 'label', fill: 'white', fontSize: 10 }),
        Plot.line(required, { x: 'd', y: 'y', stroke: 'white', strokeWidth: 2.5, className: 'curse-required' }),
        Plot.text(required.slice(Math.floor(required.length * 0.55), Math.floor(required.length * 0.55) + 1), {
          x: 'd',
          y: 'y',
          text: () => `t_C = t* = ${formatValue(s.params['tStar'] ?? Number.NaN)}`,
          dx: -6,
          dy: -8,
          textAnchor: 'end',
          fill: 'white',
          fontSize: 11,
          fontWeight: 600,
        }),
        Plot.frame({ stroke: 'var(--muted)' }),
      ],
    });
    paintHeat(svg, s, margin, width, height);
    svg.dataset['source'] = s.source;
    svg.dataset['rows'] = String(s.rowsD.length);
    svg.dataset['cols'] = String(s.colsLog10n.length);
    heatHost.replaceChildren(svg);

    const [lo, hi] = colourDomain(s);
    // Plot draws a continuous ramp on a canvas, which the posters' server DOM lacks.
    if (!canvasAvailable()) {
      legendHost.replaceChildren();
      return;
    }
    const colourLegend = Plot.legend({
      color: { type: 'log', domain: [lo, hi], scheme: 'viridis', label: msg('curse.colour'), tickFormat: logTickLabel, ticks: logTicks(lo, hi).slice(0, 6) },
      width: Math.min(320, width),
      // Plot's 10 px ramp, with 6 px more above it than Plot's 18 (and 6 more in all) for the title's subscript
      marginTop: LEGEND_TOP,
      height: 56,
      marginLeft: 14,
      marginRight: 14,
      className: 'curse-colour-legend',
    });
    subscriptSvgText(colourLegend);
    // Plot writes the title 6 px above the ramp, where the subscript of t_C would touch it
    colourLegend.querySelector(':scope > text')?.setAttribute('y', String(LEGEND_TOP - 12));
    colourLegend.setAttribute('aria-label', msg('curse.aria.colour', { lo: logTickLabel(lo), hi: formatValue(hi, 2) }));
    legendHost.replaceChildren(colourLegend);
  }

  /** Cells under the axes: one canvas image in a browser, a coarse set of SVG rectangles without a canvas. */
  function paintHeat(svg: SVGSVGElement | HTMLElement, s: Sweep, margin: { left: number; right: number; top: number; bottom: number }, width: number, height: number): void {
    const plot = svg as unknown as Plot.Plot;
    const x = plot.scale('x');
    const y = plot.scale('y');
    if (x === undefined || y === undefined || x.apply === undefined || y.apply === undefined) return;
    const sx = x.apply;
    const sy = y.apply;
    const [lo, hi] = colourDomain(s);
    const colour = Plot.scale({ color: { type: 'log', domain: [lo, hi], scheme: 'viridis' } });
    const paint = (v: number): string => String(colour.apply(Math.min(hi, Math.max(lo, Number.isFinite(v) ? v : lo))));
    const rows = s.rowsD.length;
    const cols = s.colsLog10n.length;
    const dEdges = edges(s.rowsD, s.params['dMin'] ?? (s.rowsD[0] ?? 1), s.params['dMax'] ?? (s.rowsD[rows - 1] ?? 2));
    const nEdges = edges(s.colsLog10n, s.colsLog10n[0] ?? 0.3, s.colsLog10n[cols - 1] ?? 3);
    const innerW = width - margin.left - margin.right;
    const innerH = height - margin.top - margin.bottom;
    const first = svg.querySelector(':scope > g');

    const canvas = document.createElement('canvas');
    const scale = 2;
    canvas.width = Math.ceil(innerW * scale);
    canvas.height = Math.ceil(innerH * scale);
    const ctx = typeof canvas.getContext === 'function' ? canvas.getContext('2d') : null;
    if (ctx !== null) {
      const cells = (fill: (colour: string, x: number, y: number, w: number, h: number) => boolean): boolean => {
        for (let i = 0; i < rows; i++) {
          const x0 = (Number(sx(dEdges[i])) - margin.left) * scale;
          const x1 = (Number(sx(dEdges[i + 1])) - margin.left) * scale;
          for (let j = 0; j < cols; j++) {
            const y0 = (Number(sy(nEdges[j + 1])) - margin.top) * scale;
            const y1 = (Number(sy(nEdges[j])) - margin.top) * scale;
            // Half a pixel of overlap hides the seams antialiasing would leave between cells.
            if (!fill(paint(s.tC[i * cols + j] ?? Number.NaN), Math.floor(x0), Math.floor(y0), Math.ceil(x1 - x0) + 1, Math.ceil(y1 - y0) + 1)) return false;
          }
        }
        return true;
      };
      // The cells are whole-pixel rectangles of opaque colours, written into the pixels directly:
      // the same pixels as one fillRect per cell, without some 50 000 canvas calls (tens of
      // milliseconds of the page's main thread at the default resolution).
      const pixels = ctx.createImageData(canvas.width, canvas.height);
      const words = new Uint32Array(pixels.data.buffer);
      const packed = new Map<string, number | null>();
      const direct = cells((colour, x, y, w, h) => {
        let word = packed.get(colour);
        if (word === undefined) {
          word = opaqueWord(ctx, colour);
          packed.set(colour, word);
        }
        if (word === null) return false;
        fillCell(words, canvas.width, canvas.height, x, y, w, h, word);
        return true;
      });
      if (direct) ctx.putImageData(pixels, 0, 0);
      else {
        // a colour with transparency blends where cells overlap: the canvas paints those
        cells((colour, x, y, w, h) => {
          ctx.fillStyle = colour;
          ctx.fillRect(x, y, w, h);
          return true;
        });
      }
      const image = document.createElementNS(SVG_NS, 'image');
      image.setAttribute('class', 'curse-heat');
      image.setAttribute('x', String(margin.left));
      image.setAttribute('y', String(margin.top));
      image.setAttribute('width', String(innerW));
      image.setAttribute('height', String(innerH));
      image.setAttribute('preserveAspectRatio', 'none');
      image.setAttribute('href', canvas.toDataURL('image/png'));
      svg.insertBefore(image, first);
      return;
    }
    const group = document.createElementNS(SVG_NS, 'g');
    group.setAttribute('class', 'curse-heat');
    const rowStep = Math.ceil(rows / SVG_CELLS_PER_AXIS);
    const colStep = Math.ceil(cols / SVG_CELLS_PER_AXIS);
    for (let i = 0; i < rows; i += rowStep) {
      const x0 = Number(sx(dEdges[i]));
      const x1 = Number(sx(dEdges[Math.min(rows, i + rowStep)]));
      for (let j = 0; j < cols; j += colStep) {
        const y0 = Number(sy(nEdges[Math.min(cols, j + colStep)]));
        const y1 = Number(sy(nEdges[j]));
        const rect = document.createElementNS(SVG_NS, 'rect');
        rect.setAttribute('x', x0.toFixed(1));
        rect.setAttribute('y', y0.toFixed(1));
        rect.setAttribute('width', (x1 - x0 + 0.4).toFixed(1));
        rect.setAttribute('height', (y1 - y0 + 0.4).toFixed(1));
        rect.setAttribute('fill', paint(s.tC[i * cols + j] ?? Number.NaN));
        group.append(rect);
      }
    }
    svg.insertBefore(group, first);
  }

  function drawSlices(s: Sweep, width: number): void {
    const height = Math.round(Math.max(260, Math.min(340, width * 0.75)));
    const cols = s.colsLog10n.length;
    const [lo] = colourDomain(s);
    let hi = 1;
    for (const v of s.tS) if (v > hi) hi = v;
    for (const v of s.tC) if (Number.isFinite(v) && v > hi) hi = v;
    const inRange = (v: number): boolean => Number.isFinite(v) && v >= lo && v <= hi;
    const picked = sliceColumns(s.colsLog10n);
    type Row = { d: number; t: number; n: string };
    const lines: Row[] = [];
    const labels: Row[] = [];
    for (const j of picked) {
      const n = `n ≈ ${powerOfTen(s.colsLog10n[j] ?? 0)}`;
      let entry: Row | undefined;
      for (let i = 0; i < s.rowsD.length; i++) {
        const t = s.tC[i * cols + j] ?? Number.NaN;
        const row = { d: s.rowsD[i] ?? Number.NaN, t: inRange(t) ? t : Number.NaN, n };
        lines.push(row);
        if (entry === undefined && inRange(t)) entry = row;
      }
      if (entry !== undefined) labels.push(entry);
    }
    const tStar = s.params['tStar'] ?? 0.1;
    const tS = Array.from(s.d, (d, i) => ({ d, t: s.tS[i] ?? Number.NaN }));
    const dLo = s.params['dMin'] ?? 1;
    const dHi = s.params['dMax'] ?? 2;
    // Each label sits where its curve enters the chart from below, to its left, in the gap before
    // the next curve; only a curve entering at the very left edge gets its label on its right.
    const leftHalf = (d: number): boolean => Math.log(d / dLo) < 0.12 * Math.log(dHi / dLo);
    const svg = plot({
      width,
      height,
      marginLeft: 44,
      marginRight: 12,
      marginTop: 16,
      marginBottom: 40,
      className: 'curse-slices-figure',
      ariaLabel: msg('curse.aria.slices', { count: picked.length }),
      style: PLOT_STYLE,
      x: { type: 'log', domain: [dLo, dHi], label: msg('curse.x'), labelAnchor: 'right', ticks: logTicks(dLo, dHi), tickFormat: (v: number) => formatValue(v) },
      y: { type: 'log', domain: [lo, hi], label: msg('curse.y.slices'), ticks: logTicks(lo, hi), tickFormat: logTickLabel, grid: true },
      marks: [
        Plot.ruleY([tStar], { stroke: 'var(--muted)', strokeDasharray: '5 4', className: 'curse-tstar' }),
        Plot.text([tStar], { y: (v: number) => v, frameAnchor: 'right', dy: -7, dx: -2, textAnchor: 'end', text: () => `t* = ${formatValue(tStar)}`, fill: 'var(--muted)', fontSize: 11 }),
        Plot.line(tS, { x: 'd', y: 't', stroke: 'var(--accent)', strokeWidth: 2.2, className: 'curse-ts' }),
        Plot.line(lines, { x: 'd', y: 't', z: 'n', stroke: 'var(--sample)', strokeWidth: 1.4, className: 'curse-slice' }),
        ...(['start', 'end'] as const).map((anchor) =>
          Plot.text(
            labels.filter((r) => leftHalf(r.d) === (anchor === 'start')),
            { x: 'd', y: 't', text: 'n', dx: anchor === 'start' ? 6 : -6, dy: -2, textAnchor: anchor, lineAnchor: 'bottom', fill: 'var(--fg-soft)', fontSize: 10, stroke: 'var(--bg)', strokeWidth: 3, paintOrder: 'stroke' },
          ),
        ),
      ],
    });
    svg.dataset['slices'] = String(picked.length);
    slicesHost.replaceChildren(svg);
  }

  function draw(): void {
    const s = shown;
    if (s === undefined) return;
    // Both widths before either chart is replaced: a read after a replacement forces the page's layout again.
    const heatWidth = widthOf(heatHost, 600, MAX_WIDTH, 260);
    const slicesWidth = widthOf(slicesHost, 600, MAX_WIDTH, 240);
    drawHeat(s, heatWidth);
    drawSlices(s, slicesWidth);
    stage.dataset['source'] = s.source;
    setRichText(readout, `${requirementText(s)} ${sourceText(s)}`);
  }

  return {
    resizes: panels,
    show(output: OutputOf<'curse'>, _params: ParamValues) {
      backend = output.backend;
      live = sweepOf(output.params, output.result, 'live');
      present(staticSweep !== undefined && sameState(live.params, staticSweep.params) ? staticSweep : live);
    },
    settled(note: string) {
      if (shown === undefined) heatHost.replaceChildren(placeholderFigure(widthOf(heatHost, 600, MAX_WIDTH), 300, note, 'curse-figure figure-placeholder'));
    },
    redraw() {
      draw();
    },
  };
});

/**
 * An opaque CSS colour as one pixel's four bytes in an ImageData's buffer, read as one word (in
 * the platform's byte order); null for a colour with transparency. The canvas parses the colour:
 * it gives an opaque one back as #rrggbb.
 */
function opaqueWord(ctx: CanvasRenderingContext2D, colour: string): number | null {
  ctx.fillStyle = colour;
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(String(ctx.fillStyle));
  if (hex === null) return null;
  const bytes = Uint8ClampedArray.from([hex[1], hex[2], hex[3], 'ff'], (h) => Number.parseInt(h ?? '0', 16));
  return new Uint32Array(bytes.buffer)[0] ?? null;
}

/** fillRect(x, y, w, h) of one opaque colour into a canvas's pixel words, clipped to the canvas. */
function fillCell(words: Uint32Array, width: number, height: number, x: number, y: number, w: number, h: number, word: number): void {
  const left = Math.max(0, x);
  const right = Math.min(width, x + w);
  if (right <= left) return;
  for (let row = Math.max(0, y); row < Math.min(height, y + h); row++) words.fill(word, row * width + left, row * width + right);
}
