import * as Plot from '@observablehq/plot';
import type { ResultRecord } from '@diffusion-atlas/core';
import { t as msg } from '../../../i18n/messages.ts';
import { range } from '../../kit/arrays.ts';
import { categoryColour } from '../../kit/colours.ts';
import { formatValue } from '../../kit/format.ts';
import type { LegendItem } from '../../kit/legend.ts';
import { logAxisX, logTicks, padLog, positiveExtent } from '../../kit/log-scale.ts';
import { plot, PLOT_STYLE } from '../../kit/plot-style.ts';
import { pointLabel } from '../../kit/point-label.ts';
import { column, requiredNumber } from '../../kit/result-fields.ts';

/**
 * Stopping the exact-score reversal at s_min samples a heat-kernel density estimate of the
 * epicentres; its mean log-density on held-out quakes and on the training epicentres themselves,
 * against s_min, with the uniform law's −log 4π for reference. The held-out curve's maximum is the
 * stopping time that generalizes best; the training curve only grows as s_min → 0 (memorization).
 */
export interface Likelihood {
  sMin: Float64Array;
  heldOut: Float64Array;
  training: Float64Array;
  uniform: number;
  heldOutCount: number;
  /** Index of the largest held-out log-likelihood on the grid. */
  best: number;
}

export function readLikelihood(r: ResultRecord): Likelihood {
  const heldOut = column(r, 'heldOutLogLikelihood');
  let best = 0;
  for (let i = 1; i < heldOut.length; i++) if ((heldOut[i] ?? -Infinity) > (heldOut[best] ?? -Infinity)) best = i;
  return {
    sMin: column(r, 'sMinGrid'),
    heldOut,
    training: column(r, 'trainingLogLikelihood'),
    uniform: requiredNumber(r, 'uniformLogLikelihood'),
    heldOutCount: requiredNumber(r, 'heldOutCount'),
    best,
  };
}

/** The series, declared once for the marks and the legend. */
export function likelihoodSeries(): { heldOut: LegendItem; training: LegendItem; uniform: LegendItem } {
  return {
    heldOut: { label: msg('sphere.legend.heldOut'), colour: categoryColour(0), shape: 'line' },
    training: { label: msg('sphere.legend.trainingLikelihood'), colour: categoryColour(1), shape: 'dash' },
    uniform: { label: msg('sphere.legend.uniform'), colour: 'var(--muted)', shape: 'dash' },
  };
}

export function likelihoodChart(l: Likelihood, width: number): SVGSVGElement | HTMLElement {
  const series = likelihoodSeries();
  const rows = range(l.sMin.length).map((i) => ({ s: l.sMin[i] ?? Number.NaN, heldOut: l.heldOut[i] ?? Number.NaN, training: l.training[i] ?? Number.NaN }));
  const xDomain = padLog(positiveExtent(l.sMin, [1e-4, 1]), 1.25);
  const finite = [...rows.flatMap((d) => [d.heldOut, d.training]), l.uniform].filter((v) => Number.isFinite(v));
  // The held-out curve falls like −1/s_min as s_min → 0 (−2000 at 10⁻⁵ for the default), which would
  // flatten everything else: the axis stops a little below the uniform line and the best value,
  // and the curve leaves the frame there (its value at the smallest s_min is in the panel's note).
  const hi = Math.max(...finite);
  const floor = Math.min(l.uniform, l.heldOut[l.best] ?? l.uniform);
  const lo = Math.max(Math.min(...finite), floor - 0.6 * Math.max(1e-9, hi - floor));
  const pad = 0.06 * Math.max(1e-9, hi - lo);
  const best = rows[l.best] ?? { s: Number.NaN, heldOut: Number.NaN };
  // The label goes on the side of the best point with more room.
  const rightHalf = Math.log(best.s / xDomain[0]) / Math.log(xDomain[1] / xDomain[0]) > 0.55;
  const svg = plot({
    width,
    height: Math.round(Math.min(width, 560) * 0.55) + 50,
    marginLeft: 48,
    marginRight: 16,
    marginTop: 26,
    marginBottom: 38,
    className: 'sphere-likelihood-figure',
    ariaLabel: msg('sphere.aria.likelihood', { count: l.heldOutCount, best: formatValue(best.s, 2), value: formatValue(best.heldOut, 3), uniform: formatValue(l.uniform, 3) }),
    style: PLOT_STYLE,
    x: { type: 'log', domain: xDomain, axis: null },
    y: { domain: [lo - pad, hi + pad], label: msg('sphere.y.likelihood'), grid: true },
    marks: [
      logAxisX(logTicks(xDomain[0], xDomain[1], 6), { label: msg('sphere.x.sMin') }),
      Plot.ruleY([l.uniform], { stroke: series.uniform.colour, strokeDasharray: '5 4', className: 'sphere-likelihood-uniform' }),
      Plot.line(rows, { x: 's', y: 'training', stroke: series.training.colour, strokeDasharray: '5 4', strokeWidth: 1.4, clip: true, className: 'sphere-likelihood-training' }),
      Plot.line(rows, { x: 's', y: 'heldOut', stroke: series.heldOut.colour, strokeWidth: 1.6, clip: true }),
      Plot.dot(rows, { x: 's', y: 'heldOut', r: 2.8, fill: series.heldOut.colour, clip: true, className: 'sphere-likelihood-held-out' }),
      Plot.ruleX([best.s], { stroke: series.heldOut.colour, strokeOpacity: 0.5, strokeDasharray: '2 3' }),
      Plot.dot([best], { x: 's', y: 'heldOut', r: 5.5, stroke: series.heldOut.colour, strokeWidth: 2, fill: 'none', className: 'sphere-likelihood-best' }),
      pointLabel(best, {
        x: 's',
        y: 'heldOut',
        text: (d: { s: number; heldOut: number }) => msg('sphere.likelihood.best', { s: formatValue(d.s, 2), value: formatValue(d.heldOut, 3) }),
        onRight: rightHalf,
        dx: 10,
        dy: -12,
        className: 'sphere-likelihood-best-label',
      }),
    ],
  });
  svg.setAttribute('data-points', String(rows.length));
  svg.setAttribute('data-best', String(best.s));
  return svg;
}
