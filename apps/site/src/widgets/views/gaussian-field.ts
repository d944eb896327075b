import * as Plot from '@observablehq/plot';
import { t as msg } from '../../i18n/messages.ts';
import { el, paramNumber, tag, widthOf } from '../kit/dom.ts';
import { formatValue } from '../kit/format.ts';
import { divergingLevels, latticeSvg } from '../kit/lattice.ts';
import { legend, type LegendItem } from '../kit/legend.ts';
import { logAxisX, logAxisY, logTicks, padLog, positiveExtent } from '../kit/log-scale.ts';
import { panel, panelGrid } from '../kit/panels.ts';
import { placeholder } from '../kit/placeholder-figure.ts';
import { PLOT_STYLE, plot } from '../kit/plot-style.ts';
import { setRichText } from '../kit/rich-text.ts';
import { defineView, type OutputOf } from '../kit/view.ts';

type Result = OutputOf<'gaussian-field'>['result'];

/** Frames drawn as small multiples, and at most this many cells per side (finer grids are subsampled). */
const SHOWN_FRAMES = [2.5, 1, 0.3, 0.001];
const MAX_CELLS = 64;
/** Okabe–Ito blue, green, vermillion and the text colour: one per frame time, distinct for colour-blind readers. */
const TIME_COLOURS = ['#0072B2', '#009E73', '#D55E00', 'currentColor'];
const POWER: LegendItem = { label: msg('gaussian-field.legend.power'), colour: 'var(--fg)', shape: 'dash' };
const MODE = 'var(--sample)';
const COLLAPSE = 'var(--memorized)';

/** The frame nearest each shown time on a log scale, without repeats. */
function pickFrames(frameTimes: Float64Array): number[] {
  return SHOWN_FRAMES.map((target) => {
    let best = 0;
    frameTimes.forEach((t, i) => {
      if (Math.abs(Math.log(t / target)) < Math.abs(Math.log((frameTimes[best] ?? 1) / target))) best = i;
    });
    return best;
  }).filter((v, i, all) => all.indexOf(v) === i);
}

function kExtent(r: Result): [number, number] {
  return padLog(positiveExtent(r.k, [1, 16]), 1.15);
}

/** The wavenumber axis: its own ticks as text (Plot's log format would blank most of them). */
function kAxis(domain: [number, number]): Plot.CompoundMark[] {
  return [logAxisX(logTicks(domain[0], domain[1]), { label: msg('gaussian-field.axis.k') })];
}

function frameFigures(r: Result, picks: readonly number[], width: number): SVGSVGElement[] {
  const { L, values } = r.frames;
  const stride = Math.max(1, Math.round(L / MAX_CELLS));
  const cells = L / stride;
  const side = Math.max(76, Math.min(160, Math.floor((width - 24) / picks.length) - 8));
  const palette = divergingLevels(2.5, 11);
  return picks.map((f) => {
    const t = r.frameTimes[f] ?? 0;
    const grid = new Float64Array(cells * cells);
    for (let y = 0; y < L; y += stride) for (let x = 0; x < L; x += stride) grid[(y / stride) * cells + x / stride] = values[f * L * L + y * L + x] ?? 0;
    const svg = latticeSvg(grid, cells, { side, title: `t = ${formatValue(t, 2)}`, label: msg('gaussian-field.aria.frame', { t: formatValue(t, 2) }), ...palette });
    svg.classList.add('gaussian-field-frame');
    tag(svg, { t });
    return svg;
  });
}

function spectrumFigure(r: Result, times: readonly LegendItem[], picks: readonly number[], width: number): SVGSVGElement | HTMLElement {
  const J = r.k.length;
  const series = (values: Float64Array): { k: number; p: number; label: string }[] =>
    picks.flatMap((f, i) => Array.from(r.k, (k, j) => ({ k, p: values[f * J + j] ?? 0, label: times[i]?.label ?? '' })));
  const kDomain = kExtent(r);
  const pDomain = padLog(positiveExtent([...r.power, ...r.spectra.measured, ...r.spectra.theory], [0.01, 10]), 1.2);
  const figure = plot({
    style: PLOT_STYLE,
    width,
    height: 260,
    marginLeft: 56,
    marginBottom: 42,
    x: { type: 'log', domain: kDomain, axis: null },
    y: { type: 'log', domain: pDomain, axis: null },
    color: { type: 'ordinal', domain: times.map((d) => d.label), range: times.map((d) => d.colour) },
    ariaLabel: msg('gaussian-field.aria.spectrum'),
    marks: [
      ...kAxis(kDomain),
      logAxisY(logTicks(pDomain[0], pDomain[1], 5), { label: msg('gaussian-field.axis.power') }),
      Plot.gridY(logTicks(pDomain[0], pDomain[1], 5), { strokeOpacity: 0.12 }),
      Plot.line(series(r.spectra.theory), { x: 'k', y: 'p', stroke: 'label', strokeWidth: 1.4 }),
      Plot.dot(series(r.spectra.measured), { x: 'k', y: 'p', fill: 'label', r: 2.6 }),
      Plot.line(Array.from(r.k, (k, j) => ({ k, p: r.power[j] ?? 0 })), { x: 'k', y: 'p', stroke: POWER.colour, strokeDasharray: '4 3' }),
    ],
  });
  figure.classList.add('gaussian-field-spectrum-figure');
  tag(figure, { shells: J });
  return figure;
}

function modeTimesFigure(r: Result, width: number): SVGSVGElement | HTMLElement {
  const rows = Array.from(r.k, (k, j) => ({ k, t: r.modeTimes[j] ?? 0 }));
  const kDomain = kExtent(r);
  const figure = plot({
    style: PLOT_STYLE,
    width,
    height: 260,
    marginLeft: 52,
    marginBottom: 42,
    x: { type: 'log', domain: kDomain, axis: null },
    y: { label: msg('gaussian-field.axis.modeTime'), labelArrow: 'none', grid: true },
    ariaLabel: msg('gaussian-field.aria.modeTimes'),
    marks: [
      ...kAxis(kDomain),
      Plot.line(rows, { x: 'k', y: 't', stroke: MODE, strokeWidth: 1.6 }),
      Plot.dot(rows, { x: 'k', y: 't', fill: MODE, r: 2.6 }),
      Plot.text([0], { frameAnchor: 'top-right', dx: -4, dy: 4, textAnchor: 'end', fontSize: 12, text: () => msg('gaussian-field.annotation.modeTime') }),
    ],
  });
  figure.classList.add('gaussian-field-times-figure');
  tag(figure, { first: r.modeTimes[0] ?? Number.NaN });
  return figure;
}

function collapseFigure(r: Result, nNow: number, width: number): SVGSVGElement | HTMLElement {
  const first = r.modeTimes[0] ?? 0;
  const { n, tC } = r.collapseVsN;
  const nDomain = padLog(positiveExtent(n, [1, 1e4]), 1.15);
  const figure = plot({
    style: PLOT_STYLE,
    width,
    height: 240,
    marginLeft: 52,
    marginBottom: 42,
    x: { type: 'log', domain: nDomain, axis: null },
    y: { label: msg('gaussian-field.axis.collapseTime'), labelArrow: 'none', grid: true, domain: [0, Math.max(first, tC[0] ?? 1) * 1.1] },
    ariaLabel: msg('gaussian-field.aria.collapse'),
    marks: [
      logAxisX(logTicks(nDomain[0], nDomain[1]), { label: msg('gaussian-field.axis.n') }),
      Plot.line(Array.from(n, (v, j) => ({ n: v, t: tC[j] ?? 0 })), { x: 'n', y: 't', stroke: COLLAPSE, strokeWidth: 1.6 }),
      Plot.ruleY([first], { stroke: MODE, strokeDasharray: '4 3' }),
      // At the right, above the line, where the collapse curve has already passed under it.
      Plot.text([first], { y: (v: number) => v, frameAnchor: 'right', dx: -4, dy: -8, textAnchor: 'end', fontSize: 12, text: () => msg('gaussian-field.annotation.largest', { t: formatValue(first, 3) }) }),
      ...(nNow > 0 ? [Plot.dot([{ n: nNow, t: r.collapseTime }], { x: 'n', y: 't', fill: COLLAPSE, r: 5, stroke: 'var(--bg)' })] : []),
    ],
  });
  figure.classList.add('gaussian-field-collapse-figure');
  return figure;
}

/** The field forming, its spectrum against e^{−2t}P(k) + Δ_t, each mode's time t_k, and collapse against n. */
export const gaussianFieldView = defineView('gaussian-field', (context) => {
  const { stage, readout, summary } = context;
  const frames = el('div', 'gaussian-field-frames');
  const grid = panelGrid('gaussian-field-panels', 270);
  const spectrum = panel('gaussian-field-spectrum');
  const times = panel('gaussian-field-times');
  const collapse = panel('gaussian-field-collapse');
  const key = el('div');
  spectrum.title.replaceWith(key);
  times.title.remove();
  collapse.title.remove();
  grid.append(spectrum.element, times.element, collapse.element);
  stage.append(frames, grid);
  let result: Result | undefined;
  let nNow = 0;

  function draw(): void {
    if (result === undefined) return;
    const r = result;
    // Every width before any chart is replaced: a read after a replacement forces the page's layout again.
    const width = widthOf(stage, 680, 900);
    const spectrumWidth = widthOf(spectrum.plot, 330, 460);
    const timesWidth = widthOf(times.plot, 330, 460);
    const collapseWidth = widthOf(collapse.plot, 330, 460);
    const picks = pickFrames(r.frameTimes);
    frames.replaceChildren(...frameFigures(r, picks, width));
    const shown: LegendItem[] = picks.map((f, i) => ({ label: `t = ${formatValue(r.frameTimes[f] ?? 0, 2)}`, colour: TIME_COLOURS[i] ?? 'currentColor', shape: 'dot' }));
    key.replaceChildren(legend('gaussian-field-legend', [...shown, POWER]));
    spectrum.plot.replaceChildren(spectrumFigure(r, shown, picks, spectrumWidth));
    times.plot.replaceChildren(modeTimesFigure(r, timesWidth));
    collapse.plot.replaceChildren(collapseFigure(r, nNow, collapseWidth));
  }

  return {
    // A partial run has the frames taken so far: the same figure with fewer of them.
    partial(output, params) {
      result = output.result;
      nNow = paramNumber(params, 'n', 0);
      draw();
    },
    show(output, params) {
      result = output.result;
      nNow = paramNumber(params, 'n', 0);
      draw();
      const r = output.result;
      const t1 = formatValue(r.modeTimes[0] ?? 0, 3);
      const tLast = formatValue(r.modeTimes[r.k.length - 1] ?? 0, 3);
      setRichText(
        readout,
        r.score === 'empirical' ? msg('gaussian-field.readout.empirical', { tC: formatValue(r.collapseTime, 3), t1 }) : msg('gaussian-field.readout.exact', { t1, tLast }),
      );
      setRichText(summary, msg('gaussian-field.summary', { t1, tLast }));
    },
    redraw: draw,
    settled(note) {
      if (result === undefined) frames.replaceChildren(placeholder(note));
    },
  };
});
