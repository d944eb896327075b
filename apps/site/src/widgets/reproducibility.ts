import * as Plot from '@observablehq/plot';
import { AtlasError, type ResultRecord } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
import { t as msg } from '../i18n/messages.ts';
import { setRichText } from './rich-text.ts';
import type { ParamValues } from './url-state.ts';
import type { ViewContext, ViewFactory, WidgetView } from './view.ts';

/*
 * The reproducibility scores against the number of samples per subspace: one line per pair of
 * models run from the same initial noises, and the memorized fraction of the empirical denoiser's
 * samples. Self-contained: it reads only the result fields it draws.
 */

const MAX_WIDTH = 720;

interface Reading {
  n: number[];
  learnedDisjoint: number[];
  empiricalDisjoint: number[];
  learnedEmpirical: number[];
  memorizedEmpirical: number[];
  agreementDistance: number;
  noises: number;
  r: number;
}

function numbers(result: ResultRecord, key: string): number[] {
  const value = result[key];
  if (value instanceof Float64Array) return Array.from(value);
  throw new AtlasError('internal', `the result has no Float64Array field “${key}”`);
}

function scalar(result: ResultRecord, key: string): number {
  const value = result[key];
  if (typeof value === 'number') return value;
  throw new AtlasError('internal', `the result has no numeric field “${key}”`);
}

function read(result: ResultRecord): Reading {
  return {
    n: numbers(result, 'nValues'),
    learnedDisjoint: numbers(result, 'reproducibilityLearnedDisjoint'),
    empiricalDisjoint: numbers(result, 'reproducibilityEmpiricalDisjoint'),
    learnedEmpirical: numbers(result, 'reproducibilityLearnedEmpirical'),
    memorizedEmpirical: numbers(result, 'memorizedFractionEmpirical'),
    agreementDistance: scalar(result, 'agreementDistance'),
    noises: scalar(result, 'noises'),
    r: scalar(result, 'r'),
  };
}

interface Point {
  n: number;
  value: number;
  series: string;
}

function pointsOf(r: Reading): Point[] {
  const series: [string, number[]][] = [
    [msg('reproducibility.series.learnedDisjoint'), r.learnedDisjoint],
    [msg('reproducibility.series.empiricalDisjoint'), r.empiricalDisjoint],
    [msg('reproducibility.series.learnedEmpirical'), r.learnedEmpirical],
    [msg('reproducibility.series.memorizedEmpirical'), r.memorizedEmpirical],
  ];
  return series.flatMap(([name, values]) => r.n.map((n, i) => ({ n, value: values[i] ?? Number.NaN, series: name })));
}

function chart(r: Reading, width: number): SVGSVGElement | HTMLElement {
  const points = pointsOf(r);
  const memorized = msg('reproducibility.series.memorizedEmpirical');
  return Plot.plot({
    width,
    height: Math.round(Math.min(width, MAX_WIDTH) * 0.5) + 60,
    marginLeft: 48,
    marginBottom: 40,
    style: { background: 'transparent', color: 'currentColor', overflow: 'visible' },
    ariaLabel: msg('reproducibility.aria.chart'),
    x: { type: 'log', label: msg('reproducibility.axis.n') },
    y: { domain: [0, 1], label: msg('reproducibility.axis.score'), grid: true },
    color: { legend: true },
    marks: [
      Plot.ruleX([r.r], { stroke: 'currentColor', strokeOpacity: 0.5, strokeDasharray: '2,3' }),
      Plot.line(
        points.filter((p) => p.series !== memorized),
        { x: 'n', y: 'value', stroke: 'series', z: 'series' },
      ),
      Plot.line(
        points.filter((p) => p.series === memorized),
        { x: 'n', y: 'value', stroke: 'series', z: 'series', strokeDasharray: '5,4' },
      ),
      Plot.dot(points, { x: 'n', y: 'value', stroke: 'series', fill: 'series', r: 2.5 }),
    ],
  });
}

export const reproducibilityView: ViewFactory = (context: ViewContext): WidgetView => {
  const { stage, readout, summary } = context;
  const host = document.createElement('div');
  host.className = 'reproducibility-chart';
  stage.replaceChildren(host);
  let reading: Reading | undefined;

  function draw(): void {
    if (reading === undefined) return;
    const width = Math.max(280, Math.min(MAX_WIDTH, host.clientWidth || MAX_WIDTH));
    host.replaceChildren(chart(reading, width));
    setRichText(
      readout,
      msg('reproducibility.readout', {
        noises: reading.noises,
        distance: reading.agreementDistance.toFixed(3),
        r: reading.r,
      }),
    );
  }

  let drawnWidth = -1;
  const resize = new ResizeObserver(() => {
    if (host.clientWidth === drawnWidth) return;
    drawnWidth = host.clientWidth;
    draw();
  });
  resize.observe(host);

  return {
    show(output: RunOutput, _params: ParamValues) {
      reading = read(output.result);
      stage.classList.remove('is-stale');
      draw();
      const last = reading.n.length - 1;
      summary.textContent = msg('reproducibility.summary', {
        n: reading.n[last] ?? 0,
        learned: Math.round(100 * (reading.learnedDisjoint[last] ?? 0)),
        empirical: Math.round(100 * (reading.empiricalDisjoint[last] ?? 0)),
      });
    },
    pending() {
      stage.classList.add('is-stale');
    },
    settled(note: string) {
      stage.classList.remove('is-stale');
      if (reading === undefined) host.replaceChildren(document.createTextNode(note));
    },
    restyle() {
      draw();
    },
  };
};
