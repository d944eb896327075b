import * as Plot from '@observablehq/plot';
import { t as msg } from '../../i18n/messages.ts';
import { el, tag, widthOf } from '../kit/dom.ts';
import { formatPercent, formatValue } from '../kit/format.ts';
import { latticeSvg } from '../kit/lattice.ts';
import { legend, type LegendItem } from '../kit/legend.ts';
import { placeholder } from '../kit/placeholder-figure.ts';
import { PLOT_STYLE, plot } from '../kit/plot-style.ts';
import { setRichText } from '../kit/rich-text.ts';
import { defineView, type OutputOf } from '../kit/view.ts';

type Result = OutputOf<'ising-2d'>['result'];

/** The two series of the histograms, declared once for the bars and the key. */
const DATA: LegendItem = { label: msg('ising-2d.legend.data'), colour: 'var(--data)', shape: 'bar' };
const GENERATED: LegendItem = { label: msg('ising-2d.legend.generated'), colour: 'var(--sample)', shape: 'bar' };
const BINS = 24;

function lattice(values: Float64Array, L: number, title: string, side: number): SVGSVGElement {
  const svg = latticeSvg(values, L, { side, title, label: title, colours: ['var(--bg-soft)', 'var(--fg)'], level: (v) => (v > 0 ? 1 : 0) });
  svg.classList.add('ising-2d-lattice');
  tag(svg, { cells: L * L });
  return svg;
}

function trajectoriesFigure(r: Result, width: number, height: number): SVGSVGElement | HTMLElement {
  const { t, m, count } = r.trajectories;
  const rows: { t: number; m: number; i: number }[] = [];
  for (let f = 0; f < t.length; f++) for (let i = 0; i < count; i++) rows.push({ t: t[f] ?? 0, m: m[f * count + i] ?? 0, i });
  const figure = plot({
    style: PLOT_STYLE,
    width,
    height,
    marginLeft: 52,
    marginBottom: 42,
    x: { domain: [t[0] ?? 1, 0], label: msg('ising-2d.axis.time'), labelAnchor: 'center', labelArrow: 'none' },
    y: { domain: [-1.1, 1.1], label: msg('ising-2d.axis.magnetization'), labelArrow: 'none' },
    ariaLabel: msg('ising-2d.aria.trajectories', { count }),
    marks: [
      Plot.ruleY([0], { stroke: 'var(--rule)' }),
      Plot.line(rows, { x: 't', y: 'm', z: 'i', stroke: GENERATED.colour, strokeOpacity: 0.6 }),
      ...(r.tS > 0
        ? [
            Plot.ruleX([r.tS], { stroke: 'var(--fg)', strokeDasharray: '4 3' }),
            Plot.text([r.tS], { x: (d: number) => d, frameAnchor: 'top', dx: 6, dy: 4, textAnchor: 'start', fontSize: 12, text: () => `t_S = ${formatValue(r.tS, 3)}` }),
          ]
        : []),
    ],
  });
  figure.classList.add('ising-2d-trajectories-figure');
  tag(figure, { ts: r.tS });
  return figure;
}

interface Reference {
  value: number;
  label: string;
}

function histogram(r: Result, key: 'energy' | 'magnetization', axis: string, reference: Reference, width: number): SVGSVGElement | HTMLElement {
  const bars = (series: LegendItem, values: Float64Array, opacity: number): Plot.Markish =>
    Plot.rectY(Array.from(values, (v) => ({ v })), { ...Plot.binX({ y: 'proportion' }, { x: 'v', thresholds: BINS }), fill: series.colour, fillOpacity: opacity });
  // The reference value's label goes on the side with more room, so it never runs off the frame.
  const all = [...r.data[key], ...r.generatedStats[key]];
  const lo = Math.min(...all, reference.value);
  const hi = Math.max(...all, reference.value);
  const anchor = reference.value - lo > hi - reference.value ? 'end' : 'start';
  const figure = plot({
    style: PLOT_STYLE,
    width,
    height: 220,
    marginLeft: 52,
    marginBottom: 42,
    x: { label: axis, labelArrow: 'none' },
    // Headroom over the tallest bar for the reference value's label.
    y: { label: msg('ising-2d.axis.fraction'), labelArrow: 'none', grid: true, insetTop: 18 },
    ariaLabel: msg('ising-2d.aria.histogram', { what: axis }),
    marks: [
      bars(DATA, r.data[key], 0.7),
      bars(GENERATED, r.generatedStats[key], 0.55),
      Plot.ruleX([reference.value], { stroke: 'var(--fg)', strokeDasharray: '4 3' }),
      Plot.text([reference.value], { x: (v: number) => v, frameAnchor: 'top', dy: 4, dx: anchor === 'start' ? 4 : -4, textAnchor: anchor, fontSize: 12, text: () => reference.label }),
      Plot.ruleY([0]),
    ],
  });
  figure.classList.add('ising-2d-histogram');
  tag(figure, { what: key });
  return figure;
}

/** A data and a generated configuration, the magnetization along the backward run, and the two histograms. */
export const ising2dView = defineView('ising-2d', (context) => {
  const { stage, readout, summary } = context;
  const top = el('div', 'ising-2d-row');
  const bottom = el('div', 'ising-2d-row');
  stage.append(top, legend('ising-2d-legend', [DATA, GENERATED]), bottom);
  let result: Result | undefined;

  function draw(): void {
    if (result === undefined) return;
    const r = result;
    const width = widthOf(stage, 680, 900);
    const { L } = r.examples;
    // Lattices beside the trajectories on wide screens; on a phone the two lattices share a row.
    const narrow = width < 560;
    const side = narrow ? Math.floor((width - 16) / 2) : Math.max(120, Math.min(180, Math.floor(width / 4)));
    const trajectoryWidth = narrow ? width : Math.max(260, width - 2 * side - 32);
    top.replaceChildren(
      lattice(r.examples.data, L, msg('ising-2d.title.data'), side),
      lattice(r.examples.generated, L, msg('ising-2d.title.generated'), side),
      trajectoriesFigure(r, trajectoryWidth, narrow ? 240 : side + 60),
    );
    const half = width < 560 ? width : Math.floor((width - 16) / 2);
    bottom.replaceChildren(
      histogram(r, 'energy', msg('ising-2d.axis.energy'), { value: r.onsagerEnergy, label: msg('ising-2d.annotation.onsager', { u: formatValue(r.onsagerEnergy, 3) }) }, half),
      histogram(r, 'magnetization', msg('ising-2d.axis.magnetization'), { value: r.spontaneousMagnetization, label: msg('ising-2d.annotation.mStar', { m: formatValue(r.spontaneousMagnetization, 3) }) }, half),
    );
  }

  return {
    // A partial run: the magnetization so far and the first run's current sign pattern; no generated statistics yet.
    partial(output) {
      result = output.result;
      draw();
    },
    show(output) {
      result = output.result;
      draw();
      const r = output.result;
      tag(stage, { memorized: r.memorizedFraction });
      setRichText(readout, msg('ising-2d.readout', { lambda: formatValue(r.lambda, 3), tS: formatValue(r.tS, 3), memorized: formatPercent(r.memorizedFraction) }));
      setRichText(summary, msg('ising-2d.summary', { tS: formatValue(r.tS, 3), memorized: formatPercent(r.memorizedFraction) }));
    },
    redraw: draw,
    settled(note) {
      if (result === undefined) top.replaceChildren(placeholder(note));
    },
  };
});
