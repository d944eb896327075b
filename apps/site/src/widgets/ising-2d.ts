import * as Plot from '@observablehq/plot';
import type { RunOutput } from '@diffusion-atlas/worker';
import { t as msg } from '../i18n/messages.ts';
import { PLOT_STYLE, legendItem } from './ch2-view.ts';
import { el, widthOf } from './dom.ts';
import { formatPercent, formatValue } from './format.ts';
import { float64Field, numberField, recordField } from './result-fields.ts';
import { setRichText, subscriptSvgText } from './rich-text.ts';
import { latticeSvg } from './lattice-svg.ts';
import type { ViewContext, WidgetView } from './view.ts';
import './physics-widgets.css';

const DATA = 'var(--data)';
const GENERATED = 'var(--sample)';

/** A data and a generated configuration, the magnetization along the backward run, and the two histograms. */
export function ising2dView(context: ViewContext): WidgetView {
  const { stage, readout, summary } = context;
  const top = el('div', 'is-row');
  const legend = el('p', 'ch2-legend');
  legend.append(legendItem('bar', DATA, msg('ising-2d.legend.data')), legendItem('bar', GENERATED, msg('ising-2d.legend.generated')));
  const bottom = el('div', 'is-row');
  stage.append(top, legend, bottom);
  let last: RunOutput | undefined;

  function lattice(values: Float64Array, L: number, title: string, side: number): SVGSVGElement {
    const svg = latticeSvg(values, L, { side, title, label: title, colours: ['var(--bg-soft)', 'var(--fg)'], level: (v) => (v > 0 ? 1 : 0) });
    svg.classList.add('is-lattice');
    svg.dataset['cells'] = String(L * L);
    return svg;
  }

  function draw(output: RunOutput): void {
    const r = output.result;
    const width = widthOf(stage, 680, 900);
    const ex = recordField(r, 'examples');
    const L = numberField(ex, 'L');
    const side = Math.max(120, Math.min(180, Math.floor(width / 4)));
    const traj = recordField(r, 'trajectories');
    const t = float64Field(traj, 't');
    const m = float64Field(traj, 'm');
    const count = numberField(traj, 'count');
    const tS = numberField(r, 'tS');
    const rows: { t: number; m: number; i: number }[] = [];
    for (let f = 0; f < t.length; f++) for (let i = 0; i < count; i++) rows.push({ t: t[f] ?? 0, m: m[f * count + i] ?? 0, i });
    const trajectories = Plot.plot({
      style: PLOT_STYLE,
      width: Math.max(260, width - 2 * side - 32),
      height: side + 60,
      marginLeft: 52,
      marginBottom: 42,
      x: { domain: [t[0] ?? 1, 0], label: msg('ising-2d.axis.time'), labelArrow: 'none' },
      y: { domain: [-1.1, 1.1], label: msg('ising-2d.axis.magnetization'), labelArrow: 'none' },
      ariaLabel: msg('ising-2d.aria.trajectories', { count }),
      marks: [
        Plot.ruleY([0], { stroke: 'var(--rule)' }),
        Plot.line(rows, { x: 't', y: 'm', z: 'i', stroke: GENERATED, strokeOpacity: 0.6 }),
        ...(tS > 0
          ? [
              Plot.ruleX([tS], { stroke: 'var(--fg)', strokeDasharray: '4 3' }),
              Plot.text([tS], { x: (d: number) => d, frameAnchor: 'top', dx: 6, dy: 4, textAnchor: 'start', text: () => `t_S = ${formatValue(tS, 3)}`, fontSize: 13 }),
            ]
          : []),
      ],
    });
    subscriptSvgText(trajectories);
    trajectories.classList.add('is-trajectories-figure');
    trajectories.dataset['ts'] = String(tS);
    top.replaceChildren(
      lattice(float64Field(ex, 'data'), L, msg('ising-2d.title.data'), side),
      lattice(float64Field(ex, 'generated'), L, msg('ising-2d.title.generated'), side),
      trajectories,
    );

    const data = recordField(r, 'data');
    const gen = recordField(r, 'generatedStats');
    const half = Math.max(260, Math.floor((width - 16) / 2));
    const histogram = (key: 'energy' | 'magnetization', label: string, reference: number, referenceLabel: string, anchor: 'start' | 'end'): SVGSVGElement | HTMLElement => {
      const d = Array.from(float64Field(data, key), (v) => ({ v, who: 'data' }));
      const g = Array.from(float64Field(gen, key), (v) => ({ v, who: 'generated' }));
      const svg = Plot.plot({
        style: PLOT_STYLE,
        width: half,
        height: 220,
        marginLeft: 52,
        marginBottom: 42,
        x: { label, labelArrow: 'none' },
        y: { label: msg('ising-2d.axis.fraction'), labelArrow: 'none', grid: true },
        ariaLabel: msg('ising-2d.aria.histogram', { what: label }),
        marks: [
          Plot.rectY(d, { ...Plot.binX({ y: 'proportion' }, { x: 'v', thresholds: 24 }), fill: DATA, fillOpacity: 0.7 }),
          Plot.rectY(g, { ...Plot.binX({ y: 'proportion' }, { x: 'v', thresholds: 24 }), fill: GENERATED, fillOpacity: 0.55 }),
          Plot.ruleX([reference], { stroke: 'var(--fg)', strokeDasharray: '4 3' }),
          Plot.text([reference], { x: (v: number) => v, frameAnchor: 'top', dy: 4, dx: anchor === 'start' ? 4 : -4, textAnchor: anchor, fontSize: 12, text: () => referenceLabel }),
          Plot.ruleY([0]),
        ],
      });
      subscriptSvgText(svg);
      svg.classList.add('is-histogram');
      svg.dataset['what'] = key;
      return svg;
    };
    const energy = numberField(r, 'onsagerEnergy');
    const mStar = numberField(r, 'spontaneousMagnetization');
    bottom.replaceChildren(
      histogram('energy', msg('ising-2d.axis.energy'), energy, msg('ising-2d.annotation.onsager', { u: formatValue(energy, 3) }), 'start'),
      histogram('magnetization', msg('ising-2d.axis.magnetization'), mStar, msg('ising-2d.annotation.mStar', { m: formatValue(mStar, 3) }), mStar > 0.5 ? 'end' : 'start'),
    );
    const memorized = numberField(r, 'memorizedFraction');
    stage.dataset['memorized'] = String(memorized);
    setRichText(readout, msg('ising-2d.readout', { lambda: formatValue(numberField(r, 'lambda'), 3), tS: formatValue(tS, 3), memorized: formatPercent(memorized) }));
    setRichText(summary, msg('ising-2d.summary', { tS: formatValue(tS, 3), memorized: formatPercent(memorized) }));
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
