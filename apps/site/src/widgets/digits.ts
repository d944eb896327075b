import * as Plot from '@observablehq/plot';
import { MEMORIZATION_RATIO, type ResultRecord } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
import { t as msg } from '../i18n/messages.ts';
import { formatPercent, formatValue } from './format.ts';
import {
  PLOT_STYLE,
  column,
  el,
  legendItem,
  logTicks,
  nullableNumber,
  numbers,
  requiredNumber,
  timeTick,
  widthOf,
} from './ch2-view.ts';
import type { ParamValues } from './url-state.ts';
import type { ViewContext, WidgetView } from './view.ts';
import { setRichText, subscriptSvgText } from './rich-text.ts';
import { placeholderFigure } from './placeholder-figure.ts';

/** Table 1 of the paper, MNIST row (32×32 zero-padded, n = 10 000): the reference beside our numbers. */
const TABLE1_MNIST = { Lambda: 7.66, tS: 1.02 } as const;
const MAX_WIDTH = 680;

interface Digits {
  classes: readonly number[];
  n: number;
  d: number;
  width: number;
  height: number;
  Lambda: number;
  tS: number;
  tC: number | null;
  alpha: number;
  collapseLevel: number;
  probes: number;
  t: Float64Array;
  excessEntropy: Float64Array;
  samples: Float64Array;
  training: Float64Array;
  trainingLabels: Float64Array;
  nearest: Float64Array;
  ratio: Float64Array;
  memorizedFraction: number;
  count: number;
}

function digitsOf(output: RunOutput): Digits {
  const r: ResultRecord = output.result;
  const d = requiredNumber(r, 'd');
  const samples = column(r, 'samples');
  const labels = column(r, 'trainingLabels');
  return {
    classes: Array.from(numbers(r['classes'], 'classes')),
    n: labels.length,
    d,
    width: requiredNumber(r, 'width'),
    height: requiredNumber(r, 'height'),
    Lambda: requiredNumber(r, 'Lambda'),
    tS: requiredNumber(r, 'tS'),
    tC: nullableNumber(r, 'tC'),
    alpha: requiredNumber(r, 'alpha'),
    collapseLevel: requiredNumber(r, 'collapseLevel'),
    probes: requiredNumber(r, 'probes'),
    t: column(r, 't'),
    excessEntropy: column(r, 'excessEntropy'),
    samples,
    training: column(r, 'training'),
    trainingLabels: labels,
    nearest: column(r, 'nearest'),
    ratio: column(r, 'ratio'),
    memorizedFraction: requiredNumber(r, 'memorizedFraction'),
    count: Math.round(samples.length / d),
  };
}

/** The page's ink colour as RGB, read from the theme so the digits follow it. */
function inkColour(from: Element): [number, number, number] {
  const text = getComputedStyle(from).getPropertyValue('--fg').trim();
  const hex = /^#([0-9a-f]{6})$/i.exec(text);
  if (hex !== null) {
    const v = Number.parseInt(hex[1] ?? '000000', 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  return [29, 32, 38];
}

function paintDigit(canvas: HTMLCanvasElement, pixels: Float64Array, offset: number, w: number, h: number, ink: [number, number, number]): void {
  canvas.width = w;
  canvas.height = h;
  const ctx = typeof canvas.getContext === 'function' ? canvas.getContext('2d') : null;
  if (ctx === null) return;
  const image = ctx.createImageData(w, h);
  for (let k = 0; k < w * h; k++) {
    // Intensities are in [0, 1]; generated digits carry a trace of noise from t_min, clipped here.
    const v = Math.min(1, Math.max(0, pixels[offset + k] ?? 0));
    image.data[4 * k] = ink[0];
    image.data[4 * k + 1] = ink[1];
    image.data[4 * k + 2] = ink[2];
    image.data[4 * k + 3] = Math.round(255 * v);
  }
  ctx.putImageData(image, 0, 0);
}

function classesText(g: Digits): string {
  return msg('digits.classes', { a: g.classes[0] ?? '?', b: g.classes[1] ?? '?' });
}

function memorizedCount(g: Digits): number {
  let count = 0;
  for (const r of g.ratio) if (r < MEMORIZATION_RATIO) count++;
  return count;
}

function readoutText(g: Digits): string {
  const tC = g.tC === null ? msg('digits.notReached') : formatValue(g.tC, 3);
  return [
    msg('digits.readout.data', { classes: classesText(g), n: g.n, d: g.d }),
    msg('digits.readout.lambda', { Lambda: formatValue(g.Lambda, 3), tS: formatValue(g.tS, 3), tableLambda: TABLE1_MNIST.Lambda, tableTS: TABLE1_MNIST.tS }),
    msg('digits.readout.tC', { tC, level: formatValue(g.collapseLevel, 2), probes: g.probes, alpha: formatValue(g.alpha, 2) }),
    msg('digits.readout.copies', { copies: memorizedCount(g), count: g.count }),
  ].join(' ');
}

function summaryText(g: Digits, backend: string): string {
  const copies = memorizedCount(g);
  const head = msg('digits.summary', {
    copies,
    count: g.count,
    n: g.n,
    classes: classesText(g),
    fraction: formatPercent(g.memorizedFraction),
    Lambda: formatValue(g.Lambda, 3),
    tS: formatValue(g.tS, 3),
    tC: g.tC === null ? msg('digits.noTime') : formatValue(g.tC, 3),
  });
  return `${head} ${msg('widget.computedOn', { backend })}`;
}

/** The cells of the chapter's Table 1 that this figure fills (`data-digits-live="Lambda"`, …). */
function fillPageTable(g: Digits): void {
  const values: Record<string, string> = {
    classes: classesText(g),
    n: String(g.n),
    d: String(g.d),
    Lambda: formatValue(g.Lambda, 3),
    tS: formatValue(g.tS, 3),
    tC: g.tC === null ? '—' : formatValue(g.tC, 3),
  };
  for (const cell of document.querySelectorAll<HTMLElement>('[data-digits-live]')) {
    const value = values[cell.dataset['digitsLive'] ?? ''];
    if (value !== undefined) cell.textContent = value;
  }
}

/**
 * The digits figure: each generated digit beside the training digit nearest to it (framed in the
 * memorized colour when the ratio test calls it a copy), and the excess entropy fᵉ/α of the
 * training set with t_S and t_C.
 */
export function digitsView(context: ViewContext): WidgetView {
  const { stage, readout, summary } = context;
  stage.classList.add('ch2-stage', 'dg-stage');
  const galleryTitle = el('p', 'ch2-panel-title', msg('digits.gallery.title'));
  const galleryNote = el('p', 'ch2-note dg-note', msg('digits.gallery.note'));
  const gallery = el('div', 'dg-gallery');
  gallery.setAttribute('role', 'img');
  gallery.setAttribute('aria-label', msg('digits.gallery.label'));
  const entropyTitle = el('p', 'ch2-panel-title');
  setRichText(entropyTitle, msg('digits.entropy.title'));
  const entropyHost = el('div', 'ch2-plot');
  const legend = el('p', 'ch2-legend');
  legend.append(
    legendItem('bar', 'var(--memorized)', msg('digits.legend.copy')),
    legendItem('dot', 'var(--sample)', 'fᵉ/α'),
    legendItem('dash', 'var(--fg-soft)', msg('ch2.legend.tS')),
    legendItem('dash', 'var(--memorized)', msg('digits.legend.tC')),
  );
  stage.append(galleryTitle, galleryNote, gallery, entropyTitle, entropyHost, legend);
  entropyHost.append(placeholderFigure(widthOf(entropyHost, 600, MAX_WIDTH), 220, msg('digits.placeholder'), 'dg-figure ch2-placeholder'));

  let current: Digits | undefined;

  function drawGallery(g: Digits): void {
    const ink = inkColour(stage);
    const size = g.width * g.height;
    const pairs: HTMLElement[] = [];
    const copies = memorizedCount(g);
    for (let i = 0; i < g.count; i++) {
      const ratio = g.ratio[i] ?? Number.NaN;
      const index = g.nearest[i] ?? 0;
      const pair = el('figure', `dg-pair${ratio < MEMORIZATION_RATIO ? ' dg-memorized' : ''}`);
      const images = el('div', 'dg-images');
      const generated = el('canvas', 'dg-sample');
      const nearest = el('canvas', 'dg-nearest');
      generated.setAttribute('aria-hidden', 'true');
      nearest.setAttribute('aria-hidden', 'true');
      paintDigit(generated, g.samples, i * size, g.width, g.height, ink);
      paintDigit(nearest, g.training, index * size, g.width, g.height, ink);
      images.append(generated, nearest);
      const caption = el('figcaption');
      caption.textContent = `r = ${formatValue(ratio, 2)} · #${index} (${g.trainingLabels[index] ?? '?'})`;
      pair.append(images, caption);
      pair.dataset['ratio'] = String(ratio);
      pairs.push(pair);
    }
    gallery.replaceChildren(...pairs);
    gallery.dataset['pairs'] = String(g.count);
    gallery.dataset['memorized'] = String(copies);
    gallery.setAttribute('aria-label', msg('digits.gallery.labelDrawn', { count: g.count, copies }));
  }

  function drawEntropy(g: Digits): void {
    const width = widthOf(entropyHost, 600, MAX_WIDTH, 240);
    const points = Array.from(g.t, (t, i) => ({ t, e: g.excessEntropy[i] ?? Number.NaN }));
    const lo = Math.min(...g.t);
    const hi = Math.max(...g.t);
    const marks = [
      { t: g.tS, label: 't_S', colour: 'var(--fg-soft)', dash: '2 3', cls: 'dg-ts' },
      ...(g.tC === null ? [] : [{ t: g.tC, label: 't_C', colour: 'var(--memorized)', dash: '6 3', cls: 'dg-tc' }]),
    ].filter((m) => m.t >= lo && m.t <= hi);
    const svg = Plot.plot({
      width,
      height: Math.round(Math.max(200, Math.min(280, width * 0.45))),
      marginLeft: 40,
      marginRight: 12,
      marginTop: 22,
      marginBottom: 38,
      className: 'dg-figure',
      ariaLabel: msg('digits.aria.entropy', { n: g.n, points: points.length }),
      style: PLOT_STYLE,
      x: { type: 'log', domain: [lo, hi], ticks: logTicks(lo, hi), tickFormat: timeTick, label: msg('ch2.x.time'), labelAnchor: 'right' },
      y: { domain: [-0.05, 1.1], ticks: [0, 0.5, 1], label: '↑ fᵉ/α', grid: true },
      marks: [
        Plot.ruleY([0], { stroke: 'var(--muted)' }),
        Plot.ruleY([g.collapseLevel], { stroke: 'var(--muted)', strokeDasharray: '2 3' }),
        Plot.line(points, { x: 't', y: 'e', stroke: 'var(--sample)', strokeOpacity: 0.6 }),
        Plot.dot(points, { x: 't', y: 'e', r: 3, fill: 'var(--sample)', stroke: 'var(--bg)', strokeWidth: 0.6, className: 'dg-entropy' }),
        ...marks.flatMap((m) => [
          Plot.ruleX([m.t], { stroke: m.colour, strokeDasharray: m.dash, strokeWidth: 1.5, className: m.cls }),
          Plot.text([m.t], { x: (v: number) => v, frameAnchor: 'top', dy: -12, dx: m.label === 't_S' ? 4 : -4, textAnchor: m.label === 't_S' ? 'start' : 'end', text: () => m.label, fill: m.colour, fontSize: 11, fontWeight: 600 }),
        ]),
      ],
    });
    subscriptSvgText(svg);
    svg.dataset['points'] = String(points.length);
    entropyHost.replaceChildren(svg);
  }

  function draw(): void {
    const g = current;
    if (g === undefined) return;
    drawGallery(g);
    drawEntropy(g);
    setRichText(readout, readoutText(g));
  }

  const resize = new ResizeObserver(() => {
    if (current !== undefined) drawEntropy(current);
  });
  resize.observe(entropyHost);

  return {
    show(output: RunOutput, _params: ParamValues) {
      current = digitsOf(output);
      stage.classList.remove('is-stale');
      draw();
      fillPageTable(current);
      setRichText(summary, summaryText(current, output.backend));
    },
    pending() {
      stage.classList.add('is-stale');
    },
    settled(note: string) {
      stage.classList.remove('is-stale');
      if (current === undefined) entropyHost.replaceChildren(placeholderFigure(widthOf(entropyHost, 600, MAX_WIDTH), 220, note, 'dg-figure ch2-placeholder'));
    },
    restyle() {
      draw();
    },
    figure() {
      return entropyHost.querySelector('svg');
    },
  };
}
