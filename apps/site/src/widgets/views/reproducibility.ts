import * as Plot from '@observablehq/plot';
import { t as msg } from '../../i18n/messages.ts';
import { categoryColour } from '../kit/colours.ts';
import { tag, widthOf } from '../kit/dom.ts';
import { formatPercent, formatValue } from '../kit/format.ts';
import { legend, type LegendItem } from '../kit/legend.ts';
import { logAxisX, logTicks, padLog, positiveExtent } from '../kit/log-scale.ts';
import { panel } from '../kit/panels.ts';
import { placeholderFigure } from '../kit/placeholder-figure.ts';
import { plot, PLOT_STYLE } from '../kit/plot-style.ts';
import { setRichText } from '../kit/rich-text.ts';
import { defineView, type OutputOf, type ResultFor } from '../kit/view.ts';

/*
 * The reproducibility scores against the number of samples per subspace: one line per pair of
 * models run from the same initial noises, and the copied fraction of the empirical denoiser's
 * samples. Each series is declared once (label, colour, dash) and both the marks and the legend
 * are drawn from that list.
 */

const MAX_WIDTH = 720;

type Result = ResultFor<'reproducibility'>;

interface Series {
  key: 'learnedDisjoint' | 'empiricalDisjoint' | 'learnedEmpirical' | 'memorizedEmpirical';
  item: LegendItem;
  dash?: string;
}

function seriesOf(): Series[] {
  return [
    { key: 'learnedDisjoint', item: { label: msg('reproducibility.series.learnedDisjoint'), colour: categoryColour(0), shape: 'line' } },
    { key: 'empiricalDisjoint', item: { label: msg('reproducibility.series.empiricalDisjoint'), colour: categoryColour(1), shape: 'line' } },
    { key: 'learnedEmpirical', item: { label: msg('reproducibility.series.learnedEmpirical'), colour: categoryColour(2), shape: 'line' } },
    { key: 'memorizedEmpirical', item: { label: msg('reproducibility.series.memorizedEmpirical'), colour: categoryColour(1), shape: 'dash' }, dash: '5 4' },
  ];
}

function valuesOf(r: Result, key: Series['key']): Float64Array {
  switch (key) {
    case 'learnedDisjoint':
      return r.reproducibilityLearnedDisjoint;
    case 'empiricalDisjoint':
      return r.reproducibilityEmpiricalDisjoint;
    case 'learnedEmpirical':
      return r.reproducibilityLearnedEmpirical;
    case 'memorizedEmpirical':
      return r.memorizedFractionEmpirical;
  }
}

interface Point {
  n: number;
  value: number;
}

function chart(r: Result, series: readonly Series[], width: number): SVGSVGElement | HTMLElement {
  const n = Array.from(r.nValues);
  const xDomain = padLog(positiveExtent(n, [1, 100]), 1.3);
  const last = n.length - 1;
  const nLast = n[last] ?? Number.NaN;
  const marks: Plot.Markish[] = [
    Plot.ruleX([r.r], { stroke: 'currentColor', strokeOpacity: 0.5, strokeDasharray: '2 3', className: 'reproducibility-rank' }),
    Plot.text([r.r], { x: (v: number) => v, y: 1, text: () => `n = r = ${r.r}`, dy: -8, textAnchor: 'start', dx: 4, fill: 'currentColor' }),
    logAxisX(logTicks(xDomain[0], xDomain[1]), { label: msg('reproducibility.axis.n') }),
  ];
  for (const s of series) {
    const values = valuesOf(r, s.key);
    const points: Point[] = n.map((v, i) => ({ n: v, value: values[i] ?? Number.NaN }));
    const style = { x: 'n', y: 'value', stroke: s.item.colour, className: `reproducibility-${s.key}` };
    marks.push(Plot.line(points, s.dash === undefined ? { ...style, strokeWidth: 1.6 } : { ...style, strokeDasharray: s.dash }));
    marks.push(Plot.dot(points, { x: 'n', y: 'value', r: 2.8, fill: s.dash === undefined ? s.item.colour : 'none', stroke: s.item.colour, className: `reproducibility-${s.key}-points` }));
  }
  // The key values: each pair's score at the largest n, written beside its last point. Labels are
  // pushed apart vertically so that scores within a few percent of each other do not overlap.
  const ends = series
    .filter((s) => s.dash === undefined)
    .map((s) => ({ colour: s.item.colour, key: s.key, value: valuesOf(r, s.key)[last] ?? Number.NaN }))
    .sort((a, b) => b.value - a.value);
  const height = Math.round(Math.min(width, MAX_WIDTH) * 0.5) + 60;
  const unit = 1 / (height - 60);
  let floor = Infinity;
  const placed = ends.map((e) => {
    const y = Math.min(e.value, floor - 15 * unit);
    floor = y;
    return { ...e, y };
  });
  marks.push(
    Plot.text(placed, {
      x: () => nLast,
      y: 'y',
      text: (e: { value: number }) => formatPercent(e.value),
      fill: 'colour',
      dx: 8,
      textAnchor: 'start',
      className: 'reproducibility-end-label',
    }),
  );
  return plot({
    width,
    height,
    marginLeft: 48,
    marginRight: 44,
    marginTop: 24,
    marginBottom: 40,
    style: PLOT_STYLE,
    className: 'reproducibility-figure',
    ariaLabel: msg('reproducibility.aria.chart'),
    x: { type: 'log', domain: xDomain, axis: null },
    y: { domain: [0, 1], label: msg('reproducibility.axis.score'), grid: true, tickFormat: (v: number) => formatPercent(v) },
    color: { type: 'identity' },
    marks,
  });
}

export const reproducibilityView = defineView('reproducibility', (context) => {
  const { stage, readout, summary } = context;
  stage.classList.add('figure-stage', 'reproducibility-stage');
  const series = seriesOf();
  const chartPanel = panel('reproducibility-panel', msg('reproducibility.panel.scores'));
  chartPanel.plot.append(placeholderFigure(560, 300, msg('figure.placeholder'), 'figure-placeholder'));
  chartPanel.element.append(legend('reproducibility-legend', series.map((s) => s.item)));
  stage.append(chartPanel.element);
  let result: Result | undefined;

  function draw(): void {
    const r = result;
    if (r === undefined) return;
    const svg = chart(r, series, widthOf(chartPanel.plot, 560, MAX_WIDTH, 280));
    tag(svg, { points: r.nValues.length });
    chartPanel.plot.replaceChildren(svg);
    setRichText(readout, msg('reproducibility.readout', { noises: r.noises, distance: formatValue(r.agreementDistance, 3), r: r.r }));
  }

  return {
    // A partial run: the sizes n run so far, the others NaN (not drawn).
    partial(output: OutputOf<'reproducibility'>) {
      result = output.result;
      draw();
    },
    show(output: OutputOf<'reproducibility'>) {
      result = output.result;
      draw();
      const last = result.nValues.length - 1;
      summary.textContent = msg('reproducibility.summary', {
        n: result.nValues[last] ?? 0,
        learned: formatPercent(result.reproducibilityLearnedDisjoint[last] ?? 0),
        empirical: formatPercent(result.reproducibilityEmpiricalDisjoint[last] ?? 0),
      });
    },
    settled(note: string) {
      if (result === undefined) chartPanel.plot.replaceChildren(placeholderFigure(560, 300, note, 'figure-placeholder'));
    },
    redraw: draw,
  };
});
