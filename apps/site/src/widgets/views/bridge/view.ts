import * as Plot from '@observablehq/plot';
import { sgmVarianceTheory } from '@diffusion-atlas/core';
import { t as msg } from '../../../i18n/messages.ts';
import { el, tag, widthOf } from '../../kit/dom.ts';
import { formatValue } from '../../kit/format.ts';
import { placeholderFigure } from '../../kit/placeholder-figure.ts';
import { playbackLifecycle } from '../../kit/playback-lifecycle.ts';
import { createTimeline, type Timeline } from '../../kit/timeline.ts';
import { range } from '../../kit/arrays.ts';
import { legend, legendItem } from '../../kit/legend.ts';
import { logTickLabel, logTicks, padLog, positiveExtent } from '../../kit/log-scale.ts';
import { panel } from '../../kit/panels.ts';
import { plot, PLOT_STYLE } from '../../kit/plot-style.ts';
import { defineView, type OutputOf, type ParamValues } from '../../kit/view.ts';
import { at, type GaussianRun, type ParticleRun, type Run, runOf, summaryText, tText } from './run.ts';

/** Paths drawn per panel: enough to see the flow, few enough to see each one. */
const MAX_PATHS_1D = 40;
const MAX_PATHS_2D = 140;
const MAX_PANEL = 340;
/** Range of the A axis: the control's own range. */
const A_RANGE: [number, number] = [0.05, 10];
/** Bins of the x₁ histogram of the particle case: ~12 particles a bin at the default M = 200. */
const HIST_BINS = 16;

/** The widths of a drawing: a panel of the charts above and below the paths, and a panel of the paths. */
interface Widths {
  upper: number;
  paths: number;
}

export const bridgeView = defineView('bridge', (context) => {
  const { stage, readout, summary } = context;
  stage.classList.add('figure-stage', 'bridge-stage');
  const upper = el('div', 'figure-panels');
  const lower = el('div', 'figure-panels');
  const pathsBox = el('div', 'bridge-paths');
  stage.append(upper, pathsBox, lower);
  upper.append(placeholderFigure(320, 220, msg('figure.placeholder'), 'figure-placeholder'));

  let run: Run | undefined;
  const timeline: Timeline<Widths> = createTimeline<Widths>({
    label: msg('bridge.timeline'),
    describe: (index) => (run === undefined ? '' : tText(at(run.times, frameOf(run, index)))),
    onFrame: (index, widths) => drawPaths(index, widths?.paths ?? panelWidth(pathsBox)),
  });
  const pathsLegend = el('p', 'figure-legend');
  const sgmPanel = panel('bridge-sgm-panel', '');
  const sbPanel = panel('bridge-sb-panel', '');
  const pathPanels = el('div', 'figure-panels');
  pathPanels.append(sgmPanel.element, sbPanel.element);
  pathsBox.append(pathPanels, timeline.element, pathsLegend);

  /** The timeline plays generation: its first frame is t = T, its last t = 0. */
  function frameOf(r: Run, index: number): number {
    return r.times.length - 1 - index;
  }

  function panelWidth(host: HTMLElement): number {
    const full = widthOf(host, 640, 2 * MAX_PANEL + 16, 260);
    return full >= 560 ? Math.min(MAX_PANEL, Math.floor((full - 16) / 2)) : Math.min(full, MAX_PANEL + 60);
  }

  /**
   * Every width a drawing needs, read before it replaces any chart: a read after a replacement
   * forces the page's layout again.
   */
  function measure(): Widths {
    return { upper: panelWidth(stage), paths: panelWidth(pathsBox) };
  }

  function marginalPanel(r: Run, width: number): HTMLElement {
    const p = panel('bridge-marginal-panel', r.kind === 'gaussian' ? msg('bridge.panel.marginal.gaussian') : msg('bridge.panel.marginal.particles'));
    const rows = range(r.marginalError.length).map((i) => ({ k: at(r.iteration, i), err: at(r.marginalError, i) }));
    const yDomain = padLog(positiveExtent(rows.map((d) => d.err), [1e-8, 1]), 2);
    const svg = plot({
      width,
      height: Math.round(width * 0.7),
      marginLeft: 48,
      marginBottom: 34,
      marginRight: 10,
      className: 'bridge-marginal-figure',
      ariaLabel: msg('bridge.aria.marginal', { from: formatValue(at(r.marginalError, 0), 2), to: formatValue(at(r.marginalError, rows.length - 1), 2) }),
      style: PLOT_STYLE,
      x: { label: msg('bridge.x.iteration'), domain: [0, Math.max(2, rows.length)], ticks: Math.min(6, rows.length) },
      y: { type: 'log', domain: yDomain, label: r.kind === 'gaussian' ? msg('bridge.y.marginal.gaussian') : msg('bridge.y.marginal.particles'), ticks: logTicks(yDomain[0], yDomain[1]).filter((_, i, a) => a.length < 7 || i % 2 === 0), tickFormat: logTickLabel, grid: true },
      marks: [
        Plot.line(rows.filter((d) => d.err > 0), { x: 'k', y: 'err', stroke: 'var(--sample)', strokeWidth: 1.2 }),
        Plot.dot(rows.filter((d) => d.err > 0), { x: 'k', y: 'err', r: 2.4, fill: 'var(--sample)', className: 'bridge-marginal' }),
      ],
    });
    tag(svg, { iterations: rows.length });
    p.plot.append(svg);
    return p.element;
  }

  function couplingPanel(r: GaussianRun, width: number): HTMLElement {
    const p = panel('bridge-coupling-panel', msg('bridge.panel.coupling'));
    // Iteration 0 is the reference process itself, before any half-step.
    const rows = [{ k: 0, c: r.couplingReference }, ...range(r.coupling.length).map((i) => ({ k: at(r.iteration, i), c: at(r.coupling, i) }))];
    const values = [...rows.map((d) => d.c), r.couplingTheory];
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const pad = Math.max((hi - lo) * 0.12, 1e-3 * Math.max(1, Math.abs(hi)));
    const svg = plot({
      width,
      height: Math.round(width * 0.7),
      marginLeft: 44,
      marginBottom: 34,
      marginRight: 10,
      className: 'bridge-coupling-figure',
      ariaLabel: msg('bridge.aria.coupling', { theory: formatValue(r.couplingTheory, 4) }),
      style: PLOT_STYLE,
      x: { label: msg('bridge.x.ipf'), domain: [0, Math.max(2, r.coupling.length)], ticks: Math.min(6, r.coupling.length + 1) },
      y: { domain: [lo - pad, hi + pad], label: msg('bridge.y.coupling'), ticks: 5, grid: true },
      marks: [
        Plot.ruleY([r.couplingTheory], { stroke: 'var(--accent)', strokeWidth: 1.6, className: 'bridge-theory' }),
        Plot.line(rows, { x: 'k', y: 'c', stroke: 'var(--sample)', strokeWidth: 1.2, className: 'bridge-coupling-line' }),
        Plot.dot(rows, { x: 'k', y: 'c', r: 2.6, fill: 'var(--sample)', className: 'bridge-coupling' }),
      ],
    });
    tag(svg, { iterations: r.coupling.length, theory: r.couplingTheory, last: at(r.coupling, r.coupling.length - 1) });
    p.plot.append(svg);
    p.element.append(legend('', [legendItem('dot', 'var(--sample)', msg('bridge.legend.iterates')), legendItem('line', 'var(--accent)', msg('bridge.legend.closedForm'))]));
    return p.element;
  }

  function variancePanel(r: GaussianRun, width: number): HTMLElement {
    const p = panel('bridge-variance-panel', msg('bridge.panel.variance'));
    // The closed forms over the A axis at this B and T (a few hundred flops, drawn, not simulated).
    const curve = range(81).map((i) => {
      const A = A_RANGE[0] * (A_RANGE[1] / A_RANGE[0]) ** (i / 80);
      return { A, sgm: sgmVarianceTheory(A, r.B, r.T), target: A };
    });
    const yDomain = padLog(positiveExtent([...curve.flatMap((d) => [d.sgm, d.target]), r.sgmVariance], [0.05, 10]), 1.2);
    const svg = plot({
      width,
      height: Math.round(width * 0.7),
      marginLeft: 44,
      marginBottom: 34,
      marginRight: 10,
      className: 'bridge-variance-figure',
      ariaLabel: msg('bridge.aria.variance', { B: formatValue(r.B), T: formatValue(r.T), variance: formatValue(r.sgmVariance), A: formatValue(r.A) }),
      style: PLOT_STYLE,
      x: { type: 'log', domain: A_RANGE, label: msg('bridge.x.variance'), ticks: [0.1, 1, 10], tickFormat: logTickLabel },
      y: { type: 'log', domain: yDomain, label: msg('bridge.y.variance'), ticks: logTicks(yDomain[0], yDomain[1]), tickFormat: logTickLabel, grid: true },
      marks: [
        Plot.line(curve, { x: 'A', y: 'target', stroke: 'var(--muted)', strokeDasharray: '4 3', className: 'bridge-target' }),
        Plot.line(curve, { x: 'A', y: 'sgm', stroke: 'var(--sample)', strokeWidth: 1.6, className: 'bridge-sgm-curve' }),
        Plot.ruleX([r.A], { stroke: 'var(--rule)' }),
        Plot.dot([r.A], { x: (a: number) => a, y: () => r.A, r: 5, fill: 'var(--accent)', className: 'bridge-sb' }),
        Plot.dot([r.A], { x: (a: number) => a, y: () => r.sgmVariance, r: 4, fill: 'var(--sample)', stroke: 'var(--bg)', className: 'bridge-sgm' }),
      ],
    });
    tag(svg, { a: r.A, sgm: r.sgmVariance, theory: r.sgmVarianceTheory });
    p.plot.append(svg);
    p.element.append(
      legend('', [
        legendItem('line', 'var(--sample)', msg('bridge.legend.firstHalfStep')),
        legendItem('dot', 'var(--accent)', msg('bridge.legend.exactlyA')),
        legendItem('dash', 'var(--muted)', msg('bridge.legend.target')),
      ]),
    );
    return p.element;
  }

  /**
   * Where the particles end along x₁, against the data: the exact score puts plain diffusion's
   * points on the moons too, so its error shows in the proportions, not in the positions.
   */
  function histogramPanel(r: ParticleRun, width: number): HTMLElement {
    const p = panel('bridge-hist-panel', msg('bridge.panel.histogram'));
    const lo = -r.extent;
    const hi = r.extent;
    const edges = range(HIST_BINS + 1).map((i) => lo + ((hi - lo) * i) / HIST_BINS);
    const first = (paths: Float64Array) => (i: number): number => at(paths, 2 * i);
    const ids = range(r.M);
    const svg = plot({
      width,
      height: Math.round(width * 0.7),
      marginLeft: 40,
      marginBottom: 34,
      marginRight: 10,
      className: 'bridge-hist-figure',
      ariaLabel: msg('bridge.aria.histogram', { M: r.M }),
      style: PLOT_STYLE,
      x: { domain: [lo, hi], label: msg('bridge.x.histogram'), ticks: 5 },
      y: { label: msg('bridge.y.histogram'), grid: true, ticks: 4 },
      marks: [
        Plot.rectY(ids, Plot.binX<Plot.RectYOptions>({ y: 'count' }, { x: (i: number) => at(r.data, 2 * i), thresholds: edges, fill: 'var(--data)', fillOpacity: 0.55, inset: 0.5, className: 'bridge-hist-data' })),
        Plot.lineY(ids, Plot.binX<Plot.LineYOptions>({ y: 'count' }, { x: first(r.paths), thresholds: edges, stroke: 'var(--accent)', strokeWidth: 1.6, curve: 'step', className: 'bridge-hist-sb' })),
        Plot.lineY(ids, Plot.binX<Plot.LineYOptions>({ y: 'count' }, { x: first(r.sgmPaths), thresholds: edges, stroke: 'var(--sample)', strokeWidth: 1.6, curve: 'step', className: 'bridge-hist-sgm' })),
        Plot.ruleY([0], { stroke: 'var(--muted)' }),
      ],
    });
    tag(svg, { bins: HIST_BINS });
    p.plot.append(svg);
    p.element.append(
      legend('', [
        legendItem('bar', 'var(--data)', msg('bridge.legend.data')),
        legendItem('line', 'var(--sample)', msg('bridge.legend.sgm')),
        legendItem('line', 'var(--accent)', msg('bridge.legend.sb')),
      ]),
    );
    return p.element;
  }

  function drawUpper(width: number): void {
    const r = run;
    if (r === undefined) return;
    if (r.kind === 'gaussian') {
      upper.replaceChildren(couplingPanel(r, width), variancePanel(r, width));
      lower.replaceChildren(marginalPanel(r, width));
    } else {
      upper.replaceChildren();
      lower.replaceChildren(histogramPanel(r, width), marginalPanel(r, width));
    }
  }

  function drawPaths(index: number, width: number): void {
    const r = run;
    if (r === undefined) return;
    const f = frameOf(r, index);
    const t = at(r.times, f);
    if (r.kind === 'gaussian') drawPaths1d(r, f, t, width);
    else drawPaths2d(r, f, t, width);
    stage.dataset['frame'] = String(index);
    const key = f === 0 ? 'bridge.readout.end' : f === r.times.length - 1 ? 'bridge.readout.start' : 'bridge.readout.middle';
    readout.textContent = msg(key, { t: tText(t), T: formatValue(r.T) });
  }

  function drawPaths1d(r: GaussianRun, f: number, t: number, width: number): void {
    const count = Math.min(r.M, MAX_PATHS_1D);
    const F = r.times.length;
    const rows = (paths: Float64Array): Array<{ i: number; t: number; x: number }> =>
      range(count).flatMap((i) => range(F).map((k) => ({ i, t: at(r.times, k), x: at(paths, k * r.M + i) })));
    const reach = 2.6 * Math.sqrt(Math.max(r.A, r.B));
    const one = (paths: Float64Array, host: HTMLElement, kind: 'sgm' | 'sb', title: string): void => {
      const colour = kind === 'sb' ? 'var(--accent)' : 'var(--sample)';
      // The bridge's x₀ marginal is A exactly (the last half-step imposes it); plain diffusion's is the closed form.
      const generated = kind === 'sb' ? r.A : r.sgmVariance;
      const svg = plot({
        width,
        height: Math.round(width * 0.72),
        marginLeft: 40,
        marginBottom: 34,
        marginRight: 10,
        className: `bridge-paths-${kind}-figure`,
        ariaLabel: msg('bridge.aria.paths', { title, count, T: formatValue(r.T) }),
        style: PLOT_STYLE,
        x: { domain: [0, r.T], label: msg('bridge.x.paths'), ticks: 4 },
        y: { domain: [-reach, reach], label: 'x', ticks: 5 },
        marks: [
          // The two laws the paths must join: ±2 standard deviations of the data at 0 and of the prior at T.
          Plot.ruleX([0], { y1: -2 * Math.sqrt(r.A), y2: 2 * Math.sqrt(r.A), stroke: 'var(--data)', strokeWidth: 7, strokeOpacity: 0.55, className: 'bridge-data-band' }),
          Plot.ruleX([r.T], { y1: -2 * Math.sqrt(r.B), y2: 2 * Math.sqrt(r.B), stroke: 'var(--data)', strokeWidth: 7, strokeOpacity: 0.55, className: 'bridge-prior-band' }),
          // The law generated at t = 0, beside the data's: ±2 s.d. of the output.
          Plot.ruleX([0], { y1: -2 * Math.sqrt(generated), y2: 2 * Math.sqrt(generated), dx: -7, stroke: colour, strokeWidth: 3, className: `bridge-${kind}-band` }),
          Plot.ruleX([t], { stroke: 'var(--rule)' }),
          Plot.line(rows(paths), { x: 't', y: 'x', z: 'i', stroke: colour, strokeOpacity: 0.4, strokeWidth: 1, clip: true, className: `bridge-path-${kind}` }),
          Plot.dot(range(count), { x: () => t, y: (i: number) => at(paths, f * r.M + i), r: 2, fill: colour, clip: true, className: `bridge-particles-${kind}` }),
        ],
      });
      tag(svg, { paths: count, frame: f });
      host.replaceChildren(svg);
    };
    sgmPanel.element.querySelector('.figure-panel-title')?.replaceChildren(msg('bridge.panel.sgm.gaussian', { variance: formatValue(r.sgmVariance, 3) }));
    sbPanel.element.querySelector('.figure-panel-title')?.replaceChildren(msg('bridge.panel.sb.gaussian', { variance: formatValue(r.A, 3) }));
    one(r.sgmPaths, sgmPanel.plot, 'sgm', msg('bridge.title.sgm'));
    one(r.paths, sbPanel.plot, 'sb', msg('bridge.title.sb'));
  }

  function drawPaths2d(r: ParticleRun, f: number, t: number, width: number): void {
    const count = Math.min(r.M, MAX_PATHS_2D);
    const F = r.times.length;
    const xy = (paths: Float64Array, k: number, i: number, axis: 0 | 1): number => at(paths, (k * r.M + i) * 2 + axis);
    const one = (paths: Float64Array, host: HTMLElement, kind: 'sgm' | 'sb', title: string): void => {
      // Each path from the prior end down to the current frame: what has been travelled so far.
      const travelled = range(count).flatMap((i) => range(F - f).map((j) => ({ i, k: F - 1 - j })));
      const svg = plot({
        width,
        height: width,
        marginLeft: 30,
        marginBottom: 28,
        marginTop: 20,
        marginRight: 8,
        className: `bridge-paths-${kind}-figure`,
        ariaLabel: msg('bridge.aria.particles', { title, M: r.M, t: tText(t) }),
        style: PLOT_STYLE,
        x: { domain: [-r.extent, r.extent], label: 'x₁', ticks: 5 },
        y: { domain: [-r.extent, r.extent], label: 'x₂', ticks: 5 },
        marks: [
          Plot.frame({ strokeOpacity: 0.2 }),
          Plot.dot(range(r.M), { x: (i: number) => at(r.data, 2 * i), y: (i: number) => at(r.data, 2 * i + 1), r: 2.2, fill: 'var(--data)', fillOpacity: 0.7, className: 'bridge-data' }),
          Plot.line(travelled, {
            x: (d: { i: number; k: number }) => xy(paths, d.k, d.i, 0),
            y: (d: { i: number; k: number }) => xy(paths, d.k, d.i, 1),
            z: (d: { i: number; k: number }) => d.i,
            stroke: kind === 'sb' ? 'var(--accent)' : 'var(--sample)',
            strokeOpacity: 0.3,
            strokeWidth: 0.9,
            clip: true,
            className: `bridge-path-${kind}`,
          }),
          Plot.dot(range(r.M), {
            x: (i: number) => xy(paths, f, i, 0),
            y: (i: number) => xy(paths, f, i, 1),
            r: 2.2,
            fill: kind === 'sb' ? 'var(--accent)' : 'var(--sample)',
            clip: true,
            className: `bridge-particles-${kind}`,
          }),
        ],
      });
      tag(svg, { paths: count, particles: r.M, frame: f });
      host.replaceChildren(svg);
    };
    sgmPanel.element.querySelector('.figure-panel-title')?.replaceChildren(msg('bridge.panel.sgm.particles', { T: formatValue(r.T) }));
    sbPanel.element.querySelector('.figure-panel-title')?.replaceChildren(msg('bridge.panel.sb.particles'));
    one(r.sgmPaths, sgmPanel.plot, 'sgm', msg('bridge.title.sgm'));
    one(r.paths, sbPanel.plot, 'sb', msg('bridge.title.sb'));
  }

  function setLegend(r: Run): void {
    pathsLegend.replaceChildren(
      ...(r.kind === 'gaussian'
        ? [
            legendItem('line', 'var(--sample)', msg('bridge.legend.sgmPaths')),
            legendItem('line', 'var(--accent)', msg('bridge.legend.sbPaths')),
            legendItem('bar', 'var(--data)', msg('bridge.legend.sd')),
          ]
        : [
            legendItem('dot', 'var(--data)', msg('bridge.legend.moons')),
            legendItem('dot', 'var(--sample)', msg('bridge.legend.sgm')),
            legendItem('dot', 'var(--accent)', msg('bridge.legend.sb')),
          ]),
    );
  }

  function drawAll(): void {
    if (run === undefined) return;
    const widths = measure();
    drawUpper(widths.upper);
    drawPaths(timeline.index(), widths.paths);
  }

  return {
    show(output: OutputOf<'bridge'>, _params: ParamValues) {
      run = runOf(output);
      stage.dataset['case'] = run.kind;
      const widths = measure();
      setLegend(run);
      drawUpper(widths.upper);
      // the timeline draws its frame at once, at the width measured above
      const frames = run.times.length;
      timeline.reset(frames, widths);
      summary.textContent = summaryText(run, output.backend);
    },
    ...playbackLifecycle({ timeline, shown: () => run !== undefined, host: upper, width: 320, height: 220, redraw: drawAll }),
  };
});

