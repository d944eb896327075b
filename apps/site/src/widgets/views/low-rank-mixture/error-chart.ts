import * as Plot from '@observablehq/plot';
import type { Mixture } from './mixture.ts';
import { t as msg } from '../../../i18n/messages.ts';
import { formatValue } from '../../kit/format.ts';
import { logTicks } from '../../kit/log-scale.ts';
import { PLOT_STYLE } from '../../kit/plot-style.ts';
import { withSharedSheet } from '../../kit/plot-sheet.ts';

/** The three denoisers, in the same colours in every figure and legend. */
export const DENOISER_COLOURS = {
  optimal: '#2f7fd0',
  trained: '#3f8f3a',
  empirical: 'var(--memorized)',
  bound: 'var(--fg-soft)',
} as const;

/** What the figure needs from a run, read once per result. */
export interface Row {
  t: number;
  mean: number;
  lo: number;
  hi: number;
}

/** Mean ± 2 standard errors, floored just above 0 so the log axis can draw the band. */
export function rows(t: Float64Array, mean: Float64Array, se: Float64Array): Row[] {
  return Array.from(t, (tt, i) => {
    const m = mean[i] ?? Number.NaN;
    const s = se[i] ?? 0;
    return { t: tt, mean: m, lo: Math.max(m * 0.05, m - 2 * s), hi: m + 2 * s };
  });
}

export function errorChart(m: Mixture, width: number): SVGSVGElement | HTMLElement {
  const optimal = rows(m.t, m.mseOptimal, m.seOptimal);
  const trained = rows(m.t, m.mseTrained, m.seTrained);
  const empirical = rows(m.t, m.mseEmpirical, m.seEmpirical);
  const bound = Array.from(m.t, (t, i) => ({ t, mean: m.mseKnownComponent[i] ?? Number.NaN }));
  const band = (data: Row[], colour: string, name: string): Plot.Markish =>
    Plot.areaY(data, { x: 't', y1: 'lo', y2: 'hi', fill: colour, fillOpacity: 0.16, className: `low-rank-mixture-band low-rank-mixture-band-${name}` });
  const line = (data: ReadonlyArray<{ t: number; mean: number }>, colour: string, name: string, dash?: string, strokeWidth = 1.8): Plot.Markish =>
    Plot.line(data, {
      x: 't',
      y: 'mean',
      stroke: colour,
      strokeWidth,
      ...(dash === undefined ? {} : { strokeDasharray: dash }),
      className: `low-rank-mixture-mse low-rank-mixture-mse-${name}`,
    });
  const tLo = Math.min(...m.t);
  const tHi = Math.max(...m.t);
  const values = [...optimal, ...trained, ...empirical].flatMap((row) => [row.lo, row.hi]).concat(bound.map((b) => b.mean));
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  const yLo = Math.min(...positive) * 0.9;
  const yHi = Math.max(...positive) * 1.1;
  const xTicks = logTicks(tLo, tHi, Math.floor(width / 45));
  const yTicks = logTicks(yLo, yHi, 9);
  const svg = Plot.plot({
    width,
    height: Math.round(Math.min(320, width * 0.78)),
    marginLeft: 48,
    marginRight: 12,
    marginTop: 22,
    marginBottom: 36,
    className: 'low-rank-mixture-errors',
    ariaLabel: msg('low-rank-mixture.aria.curves', { points: m.testPoints }),
    style: PLOT_STYLE,
    x: { type: 'log', domain: [tLo, tHi] },
    y: { type: 'log', domain: [yLo, yHi] },
    marks: [
      // Explicit axis marks with a text channel: a tickFormat on a log scale goes through d3's log
      // tickFormat, which blanks the labels it judges too many (0.05 and 0.5 vanished).
      Plot.gridY(yTicks, { strokeOpacity: 0.08 }),
      Plot.axisX(xTicks, { label: msg('low-rank-mixture.x'), labelAnchor: 'right', text: (v: number) => formatValue(v) }),
      Plot.axisY(yTicks, { label: '↑ E|x̂₀ − x₀|²', labelAnchor: 'top', text: (v: number) => formatValue(v) }),
      band(empirical, DENOISER_COLOURS.empirical, 'empirical'),
      band(optimal, DENOISER_COLOURS.optimal, 'optimal'),
      band(trained, DENOISER_COLOURS.trained, 'trained'),
      line(bound, DENOISER_COLOURS.bound, 'known', '2 3', 1.2),
      line(empirical, DENOISER_COLOURS.empirical, 'empirical'),
      line(optimal, DENOISER_COLOURS.optimal, 'optimal'),
      // Dashed on top of the optimal curve: where the subspaces are recovered the two coincide.
      line(trained, DENOISER_COLOURS.trained, 'trained', '6 4', 2),
    ],
  });
  svg.dataset['points'] = String(m.t.length);
  return withSharedSheet(svg);
}

/**
 * Chapter 4's first figure: data on K subspaces in a rotatable 3-D view, with the learned
 * subspaces and backward trajectories, beside the denoising error of the optimal, trained and
 * memorizing denoisers over t.
 */
