import * as Plot from '@observablehq/plot';
import type { RunOutput } from '@diffusion-atlas/worker';
import { t as msg } from '../i18n/messages.ts';
import { PLOT_STYLE, legendItem } from './ch2-view.ts';
import { el, widthOf } from './dom.ts';
import { formatValue } from './format.ts';
import { float64Field, numberField, recordField, textField } from './result-fields.ts';
import { setRichText, subscriptSvgText } from './rich-text.ts';
import { divergingLevels, latticeSvg } from './lattice-svg.ts';
import type { ViewContext, WidgetView } from './view.ts';
import './physics-widgets.css';

/** Frames drawn as small multiples, and at most this many cells per side (finer grids are subsampled). */
const SHOWN_FRAMES = [2.5, 1, 0.3, 0.001];
const MAX_CELLS = 64;
/** Okabe–Ito blue, green, vermillion and the text colour: one per frame time, distinct for colour-blind readers. */
const TIME_COLOURS = ['#0072B2', '#009E73', '#D55E00', 'currentColor'];

/** The field forming, its spectrum against e^{−2t}P(k) + Δ_t, and each mode's time t_k. */
export function gaussianFieldView(context: ViewContext): WidgetView {
  const { stage, readout, summary } = context;
  const frames = el('div', 'gf-frames');
  const row = el('div', 'gf-row');
  stage.append(frames, row);
  let last: RunOutput | undefined;

  function draw(output: RunOutput): void {
    const r = output.result;
    const width = widthOf(stage, 680, 900);
    const frameTimes = float64Field(r, 'frameTimes');
    const fr = recordField(r, 'frames');
    const L = numberField(fr, 'L');
    const values = float64Field(fr, 'values');
    const stride = Math.max(1, Math.round(L / MAX_CELLS));
    const picks = SHOWN_FRAMES.map((target) => {
      let best = 0;
      frameTimes.forEach((t, i) => {
        if (Math.abs(Math.log(t / target)) < Math.abs(Math.log((frameTimes[best] ?? 1) / target))) best = i;
      });
      return best;
    }).filter((v, i, all) => all.indexOf(v) === i);
    const side = Math.max(80, Math.min(160, Math.floor((width - 24) / picks.length) - 8));
    const palette = divergingLevels(2.5, 11);
    frames.replaceChildren(
      ...picks.map((f) => {
        const t = frameTimes[f] ?? 0;
        const grid = new Float64Array((L / stride) * (L / stride));
        for (let y = 0; y < L; y += stride) for (let x = 0; x < L; x += stride) grid[(y / stride) * (L / stride) + x / stride] = values[f * L * L + y * L + x] ?? 0;
        const svg = latticeSvg(grid, L / stride, {
          side,
          title: `t = ${formatValue(t, 2)}`,
          label: msg('gaussian-field.aria.frame', { t: formatValue(t, 2) }),
          ...palette,
        });
        svg.classList.add('gf-frame');
        svg.dataset['t'] = String(t);
        return svg;
      }),
    );

    const k = float64Field(r, 'k');
    const power = float64Field(r, 'power');
    const modeTimes = float64Field(r, 'modeTimes');
    const spectra = recordField(r, 'spectra');
    const measured = float64Field(spectra, 'measured');
    const theory = float64Field(spectra, 'theory');
    const J = k.length;
    const timesShown = picks.map((f) => ({ f, label: `t = ${formatValue(frameTimes[f] ?? 0, 2)}` }));
    const dots = timesShown.flatMap(({ f, label }) => Array.from(k, (kj, j) => ({ k: kj, p: measured[f * J + j] ?? 0, label })));
    const lines = timesShown.flatMap(({ f, label }) => Array.from(k, (kj, j) => ({ k: kj, p: theory[f * J + j] ?? 0, label })));
    const half = Math.max(260, Math.floor((width - 16) / 2));
    const spectrum = Plot.plot({
      style: PLOT_STYLE,
      width: half,
      height: 260,
      marginLeft: 52,
      marginBottom: 42,
      x: { type: 'log', label: msg('gaussian-field.axis.k'), labelArrow: 'none' },
      y: { type: 'log', label: msg('gaussian-field.axis.power'), labelArrow: 'none', grid: true, tickFormat: (v: number) => formatValue(v) },
      color: { type: 'ordinal', range: TIME_COLOURS, domain: timesShown.map((d) => d.label) },
      ariaLabel: msg('gaussian-field.aria.spectrum'),
      marks: [
        Plot.line(lines, { x: 'k', y: 'p', stroke: 'label', strokeWidth: 1.4 }),
        Plot.dot(dots, { x: 'k', y: 'p', fill: 'label', r: 2.6 }),
        Plot.line(Array.from(k, (kj, j) => ({ k: kj, p: power[j] ?? 0 })), { x: 'k', y: 'p', stroke: 'var(--fg)', strokeDasharray: '4 3' }),
      ],
    });
    const times = Plot.plot({
      style: PLOT_STYLE,
      width: half,
      height: 260,
      marginLeft: 52,
      marginBottom: 42,
      x: { type: 'log', label: msg('gaussian-field.axis.k'), labelArrow: 'none' },
      y: { label: msg('gaussian-field.axis.modeTime'), labelArrow: 'none', grid: true },
      ariaLabel: msg('gaussian-field.aria.modeTimes'),
      marks: [
        Plot.line(Array.from(k, (kj, j) => ({ k: kj, t: modeTimes[j] ?? 0 })), { x: 'k', y: 't', stroke: 'var(--sample)', strokeWidth: 1.6 }),
        Plot.dot(Array.from(k, (kj, j) => ({ k: kj, t: modeTimes[j] ?? 0 })), { x: 'k', y: 't', fill: 'var(--sample)', r: 2.6 }),
        Plot.text([0], { frameAnchor: 'top-right', dx: -4, dy: 4, textAnchor: 'end', fontSize: 12, text: () => msg('gaussian-field.annotation.modeTime') }),
      ],
    });
    subscriptSvgText(spectrum);
    spectrum.classList.add('gf-spectrum-figure');
    spectrum.dataset['shells'] = String(J);
    times.classList.add('gf-times-figure');
    times.dataset['first'] = String(modeTimes[0] ?? Number.NaN);
    subscriptSvgText(times);
    const vsN = recordField(r, 'collapseVsN');
    const nAxis = float64Field(vsN, 'n');
    const tC = float64Field(vsN, 'tC');
    const tCNow = numberField(r, 'collapseTime');
    const nValue = output.params['n'];
    const nNow = typeof nValue === 'number' ? nValue : 0;
    const collapse = Plot.plot({
      style: PLOT_STYLE,
      width: half,
      height: 240,
      marginLeft: 52,
      marginBottom: 42,
      x: { type: 'log', label: msg('gaussian-field.axis.n'), labelArrow: 'none' },
      y: { label: msg('gaussian-field.axis.collapseTime'), labelArrow: 'none', grid: true, domain: [0, Math.max(modeTimes[0] ?? 1, tC[0] ?? 1) * 1.1] },
      ariaLabel: msg('gaussian-field.aria.collapse'),
      marks: [
        Plot.line(Array.from(nAxis, (n, j) => ({ n, t: tC[j] ?? 0 })), { x: 'n', y: 't', stroke: 'var(--memorized)', strokeWidth: 1.6 }),
        Plot.ruleY([modeTimes[0] ?? 0], { stroke: 'var(--sample)', strokeDasharray: '4 3' }),
        Plot.text([modeTimes[0] ?? 0], { y: (v: number) => v, frameAnchor: 'left', dx: 4, dy: 12, textAnchor: 'start', fontSize: 12, text: () => msg('gaussian-field.annotation.largest', { t: formatValue(modeTimes[0] ?? 0, 3) }) }),
        ...(nNow > 0 ? [Plot.dot([{ n: nNow, t: tCNow }], { x: 'n', y: 't', fill: 'var(--memorized)', r: 5, stroke: 'var(--bg)' })] : []),
      ],
    });
    subscriptSvgText(collapse);
    collapse.classList.add('gf-collapse-figure');
    const key = el('p', 'ch2-legend');
    key.append(...timesShown.map((d, i) => legendItem('dot', TIME_COLOURS[i] ?? 'currentColor', d.label)), legendItem('dash', 'var(--fg)', msg('gaussian-field.legend.power')));
    const spectrumBox = el('div');
    spectrumBox.append(key, spectrum);
    row.replaceChildren(spectrumBox, times, collapse);
    const empirical = textField(r, 'score') === 'empirical';
    setRichText(
      readout,
      empirical
        ? msg('gaussian-field.readout.empirical', { tC: formatValue(numberField(r, 'collapseTime'), 3), t1: formatValue(modeTimes[0] ?? 0, 3) })
        : msg('gaussian-field.readout.exact', { t1: formatValue(modeTimes[0] ?? 0, 3), tLast: formatValue(modeTimes[J - 1] ?? 0, 3) }),
    );
    setRichText(summary, msg('gaussian-field.summary', { t1: formatValue(modeTimes[0] ?? 0, 3), tLast: formatValue(modeTimes[J - 1] ?? 0, 3) }));
  }

  return {
    show(output) {
      last = output;
      stage.classList.remove('is-stale');
      draw(output);
    },
    pending() {
      stage.classList.add('is-stale');
    },
    settled() {
      stage.classList.remove('is-stale');
    },
    restyle() {
      if (last !== undefined) draw(last);
    },
  };
}
