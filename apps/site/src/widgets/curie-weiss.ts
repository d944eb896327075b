import * as Plot from '@observablehq/plot';
import type { RunOutput } from '@diffusion-atlas/worker';
import { t as msg } from '../i18n/messages.ts';
import { PLOT_STYLE, legendItem } from './ch2-view.ts';
import { el, widthOf } from './dom.ts';
import { formatPercent, formatValue } from './format.ts';
import { float64Field, numberField, recordField, textField } from './result-fields.ts';
import { setRichText, subscriptSvgText } from './rich-text.ts';
import type { ViewContext, WidgetView } from './view.ts';
import './physics-widgets.css';

const PLUS = 'var(--sample)';
const MINUS = 'var(--memorized)';
const THEORY = 'var(--fg)';

/** One figure per idea: the magnetization splitting, where it ends against P(m), and t_S across β_c = 1. */
export function curieWeissView(context: ViewContext): WidgetView {
  const { stage, readout, summary } = context;
  const top = el('div', 'cw-plot');
  const bottom = el('div', 'cw-row');
  const legend = el('p', 'ch2-legend');
  legend.append(
    legendItem('line', PLUS, msg('curie-weiss.legend.plus')),
    legendItem('line', MINUS, msg('curie-weiss.legend.minus')),
    legendItem('dot', THEORY, msg('curie-weiss.legend.exact')),
  );
  stage.append(top, legend, bottom);
  let last: RunOutput | undefined;

  function draw(output: RunOutput): void {
    const r = output.result;
    const traj = recordField(r, 'trajectories');
    const t = float64Field(traj, 't');
    const m = float64Field(traj, 'm');
    const count = numberField(traj, 'count');
    const tS = numberField(r, 'tS');
    const width = widthOf(stage, 680, 900);
    const finalSign = Array.from({ length: count }, (_, i) => Math.sign(m[(t.length - 1) * count + i] ?? 0));
    const rows: { t: number; m: number; i: number }[] = [];
    for (let f = 0; f < t.length; f++) for (let i = 0; i < count; i++) rows.push({ t: t[f] ?? 0, m: m[f * count + i] ?? 0, i });
    const tMax = t[0] ?? 1;
    const trajectories = Plot.plot({
      style: PLOT_STYLE,
      width,
      height: 300,
      marginLeft: 52,
      marginBottom: 42,
      x: { domain: [tMax, 0], label: msg('curie-weiss.axis.time'), labelAnchor: 'center', labelArrow: 'none' },
      y: { domain: [-1.1, 1.1], label: msg('curie-weiss.axis.magnetization'), labelArrow: 'none' },
      ariaLabel: msg('curie-weiss.aria.trajectories', { count }),
      marks: [
        Plot.ruleY([0], { stroke: 'var(--rule)' }),
        Plot.line(rows, {
          x: 't',
          y: 'm',
          z: 'i',
          stroke: (d: { i: number }) => ((finalSign[d.i] ?? 0) >= 0 ? PLUS : MINUS),
          strokeOpacity: 0.55,
          strokeWidth: 1.2,
        }),
        ...(tS > 0
          ? [
              Plot.ruleX([tS], { stroke: THEORY, strokeDasharray: '4 3' }),
              Plot.text([tS], { x: (d: number) => d, frameAnchor: 'top', dx: 6, dy: 4, textAnchor: 'start', text: () => `t_S = ${formatValue(tS, 3)}`, fontSize: 13 }),
            ]
          : []),
      ],
    });
    subscriptSvgText(trajectories);
    trajectories.classList.add('cw-trajectories-figure');
    trajectories.dataset['count'] = String(count);
    trajectories.dataset['ts'] = String(tS);
    top.replaceChildren(trajectories);

    const levels = recordField(r, 'levels');
    const lm = float64Field(levels, 'm');
    const lp = float64Field(levels, 'p');
    const finalM = float64Field(r, 'finalM');
    const N = lm.length - 1;
    const counts = new Map<number, number>();
    for (const v of finalM) counts.set(Math.round(((v + 1) * N) / 2), (counts.get(Math.round(((v + 1) * N) / 2)) ?? 0) + 1);
    const generated = Array.from(counts, ([k, c]) => ({ m: (2 * k - N) / N, p: c / finalM.length }));
    const exact = Array.from(lp, (p, k) => ({ m: lm[k] ?? 0, p }));
    const half = Math.max(240, Math.floor((width - 16) / 2));
    const plusFraction = numberField(r, 'plusFraction');
    const plusTheory = numberField(r, 'plusWeightTheory');
    const histogram = Plot.plot({
      style: PLOT_STYLE,
      width: half,
      height: 240,
      marginLeft: 52,
      marginBottom: 42,
      x: { domain: [-1.05, 1.05], label: msg('curie-weiss.axis.finalMagnetization'), labelArrow: 'none' },
      y: { label: msg('curie-weiss.axis.probability'), labelArrow: 'none', grid: true },
      ariaLabel: msg('curie-weiss.aria.histogram'),
      marks: [
        Plot.ruleY([0]),
        Plot.ruleX(generated, { x: 'm', y: 'p', stroke: (d: { m: number }) => (d.m >= 0 ? PLUS : MINUS), strokeWidth: 4 }),
        Plot.dot(exact, { x: 'm', y: 'p', fill: THEORY, r: 2.2 }),
        Plot.text([0], {
          frameAnchor: 'top-left',
          dx: 4,
          dy: 2,
          textAnchor: 'start',
          fontSize: 12,
          lineHeight: 1.3,
          text: () => msg('curie-weiss.annotation.plus', { generated: formatPercent(plusFraction), exact: formatPercent(plusTheory) }),
        }),
      ],
    });
    const curve = recordField(r, 'betaCurve');
    const beta = float64Field(curve, 'beta');
    const curveTS = float64Field(curve, 'tS');
    const betaValue = output.params['beta'];
    const betaNow = typeof betaValue === 'number' ? betaValue : Number.NaN;
    const transition = Plot.plot({
      style: PLOT_STYLE,
      width: half,
      height: 240,
      marginLeft: 52,
      marginBottom: 42,
      x: { label: msg('curie-weiss.axis.beta'), labelArrow: 'none' },
      y: { label: msg('curie-weiss.axis.tS'), labelArrow: 'none', grid: true },
      ariaLabel: msg('curie-weiss.aria.transition'),
      marks: [
        Plot.ruleX([1], { stroke: 'var(--rule)', strokeDasharray: '4 3' }),
        Plot.text([1], { x: (d: number) => d, frameAnchor: 'top', dx: -4, dy: 4, textAnchor: 'end', text: () => 'β_c = 1', fontSize: 12 }),
        Plot.line(Array.from(beta, (b, j) => ({ b, y: curveTS[j] ?? 0 })), { x: 'b', y: 'y', stroke: THEORY }),
        Plot.dot([{ b: betaNow, y: tS }], { x: 'b', y: 'y', fill: PLUS, r: 5, stroke: 'var(--bg)' }),
      ],
    });
    subscriptSvgText(histogram);
    histogram.classList.add('cw-histogram-figure');
    histogram.dataset['plusFraction'] = String(plusFraction);
    histogram.dataset['plusTheory'] = String(plusTheory);
    transition.classList.add('cw-transition-figure');
    subscriptSvgText(transition);
    bottom.replaceChildren(histogram, transition);
    setRichText(
      readout,
      msg('curie-weiss.readout', { lambda: formatValue(numberField(r, 'lambda'), 3), tS: formatValue(tS, 3), score: textField(r, 'score') === 'exact' ? msg('curie-weiss.score.exact') : msg('curie-weiss.score.empirical') }),
    );
    setRichText(summary, msg('curie-weiss.summary', { generated: formatPercent(plusFraction), exact: formatPercent(plusTheory), tS: formatValue(tS, 3) }));
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
