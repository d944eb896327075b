import * as Plot from '@observablehq/plot';
import { MEMORIZATION_RATIO, type ResultRecord } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
import { t as msg } from '../../i18n/messages.ts';
import { el, widthOf } from '../kit/dom.ts';
import { formatPercent, formatValue } from '../kit/format.ts';
import { placeholderFigure } from '../kit/placeholder-figure.ts';
import { column, nullableNumber, numberField, numbers, requiredNumber } from '../kit/result-fields.ts';
import { legendItem, strokeLegendItem } from '../kit/legend.ts';
import { COLLAPSE_RULE, SPECIATION_RULE } from '../kit/time-markers.ts';
import { logTickLabel, logTicks } from '../kit/log-scale.ts';
import { plot, PLOT_STYLE } from '../kit/plot-style.ts';
import { defineView, type OutputOf, type ParamValues } from '../kit/view.ts';
import { setRichText } from '../kit/rich-text.ts';
import { inkImage, inkPng } from '../kit/pixel-images.ts';

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
    // NaN in a partial run's result, before Λ is computed
    Lambda: numberField(r, 'Lambda'),
    // NaN in a partial run's result, before Λ is computed
    tS: numberField(r, 'tS'),
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
    // NaN in a partial run's result, before the neighbours are known
    memorizedFraction: numberField(r, 'memorizedFraction'),
    count: Math.round(samples.length / d),
  };
}

const SVG_NS = 'http://www.w3.org/2000/svg';

function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Readonly<Record<string, string | number>>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

/** Gallery layout, in pixels: a pair is two digits side by side over a two-line caption. */
const PAIR_MIN_WIDTH = 96;
const PAIR_GAP = 10;
const PAIR_PAD = 5;
const DIGIT_GAP = 4;
const CAPTION_LINE = 13;

/**
 * Each generated digit beside its nearest training digit, framed in the memorized colour when the
 * ratio test calls it a copy; as many pairs per row as fit, like a grid of cards.
 */
function galleryFigure(g: Digits, width: number, images: GalleryImages): SVGSVGElement {
  // As many pairs per row as fit, then rows as even as that allows (16 pairs: 4 × 4 rather than 5, 5, 5, 1).
  const fit = Math.max(1, Math.min(g.count, Math.floor((width + PAIR_GAP) / (PAIR_MIN_WIDTH + PAIR_GAP))));
  const rows = Math.ceil(g.count / fit);
  const columns = Math.ceil(g.count / rows);
  // Half a pixel in from each edge, so frames are not clipped.
  const inner = width - 1;
  const pairWidth = (inner - PAIR_GAP * (columns - 1)) / columns;
  const cell = (pairWidth - 2 * PAIR_PAD - DIGIT_GAP) / 2;
  const pairHeight = PAIR_PAD + cell + 4 + 2 * CAPTION_LINE + PAIR_PAD;
  const height = Math.ceil(rows * pairHeight + (rows - 1) * PAIR_GAP + 1);
  const svg = svgEl('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'digits-gallery-figure' });
  // A partial run's digits are on their way: no nearest training digit yet, so that slot stays empty.
  const paired = g.nearest.length > 0;
  for (let i = 0; i < g.count; i++) {
    const ratio = g.ratio[i] ?? Number.NaN;
    const index = g.nearest[i] ?? 0;
    const memorized = ratio < MEMORIZATION_RATIO;
    const x = 0.5 + (i % columns) * (pairWidth + PAIR_GAP);
    const y = 0.5 + Math.floor(i / columns) * (pairHeight + PAIR_GAP);
    const pair = svgEl('g', { class: `digits-pair${memorized ? ' digits-memorized' : ''}`, 'data-ratio': String(ratio) });
    pair.append(
      svgEl('rect', { x, y, width: pairWidth, height: pairHeight, rx: 6, fill: 'var(--bg)', stroke: memorized ? 'var(--memorized)' : 'var(--rule)', 'stroke-width': memorized ? 1.5 : 1 }),
    );
    const top = y + PAIR_PAD;
    const left = x + PAIR_PAD;
    const right = left + cell + DIGIT_GAP;
    for (const at of [left, right]) pair.append(svgEl('rect', { x: at, y: top, width: cell, height: cell, rx: 2, fill: 'var(--bg-soft)' }));
    pair.append(inkImage({ href: images.samples[i] ?? '', x: left, y: top, size: cell, className: 'digits-sample' }));
    if (!paired) {
      svg.append(pair);
      continue;
    }
    pair.append(inkImage({ href: images.nearest[i] ?? '', x: right, y: top, size: cell, className: 'digits-nearest' }));
    const caption = svgEl('text', { x: left, y: top + cell + 4, fill: 'var(--fg-soft)', 'font-size': 11, class: 'digits-caption' });
    const lines = [`r = ${formatValue(ratio, 2)}`, `#${index} (${g.trainingLabels[index] ?? '?'})`];
    lines.forEach((line, k) => {
      const span = svgEl('tspan', { x: left, dy: k === 0 ? CAPTION_LINE - 2 : CAPTION_LINE });
      span.textContent = line;
      caption.append(span);
    });
    pair.append(caption);
    svg.append(pair);
  }
  return svg;
}

/** The digits as PNGs, encoded once per result and reused by every redraw. */
interface GalleryImages {
  samples: string[];
  nearest: string[];
}

function galleryImages(g: Digits): GalleryImages {
  const size = g.width * g.height;
  return {
    samples: Array.from({ length: g.count }, (_, i) => inkPng(g.samples, i * size, g.width, g.height)),
    nearest: g.nearest.length === 0 ? [] : Array.from({ length: g.count }, (_, i) => inkPng(g.training, (g.nearest[i] ?? 0) * size, g.width, g.height)),
  };
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
export const digitsView = defineView('digits', (context) => {
  const { stage, readout, summary } = context;
  stage.classList.add('figure-stage', 'digits-stage');
  const galleryTitle = el('p', 'figure-panel-title', msg('digits.gallery.title'));
  const galleryNote = el('p', 'figure-note digits-note', msg('digits.gallery.note'));
  const gallery = el('div', 'digits-gallery');
  const entropyTitle = el('p', 'figure-panel-title');
  setRichText(entropyTitle, msg('digits.entropy.title'));
  const entropyHost = el('div', 'figure-plot');
  const legend = el('p', 'figure-legend');
  legend.append(
    legendItem('bar', 'var(--memorized)', msg('digits.legend.copy')),
    legendItem('dot', 'var(--sample)', 'fᵉ/α'),
    strokeLegendItem(SPECIATION_RULE, msg('figure.legend.speciationTime')),
    strokeLegendItem(COLLAPSE_RULE, msg('digits.legend.tC')),
  );
  stage.append(galleryTitle, galleryNote, gallery, entropyTitle, entropyHost, legend);
  entropyHost.append(placeholderFigure(widthOf(entropyHost, 600, MAX_WIDTH), 220, msg('digits.placeholder'), 'digits-figure figure-placeholder'));

  let current: Digits | undefined;
  let images: GalleryImages = { samples: [], nearest: [] };
  /** A partial run: its digits on their way and its entropy points so far; the readout waits for its end. */
  let partial = false;

  function drawGallery(g: Digits, images: GalleryImages, width: number): void {
    const copies = memorizedCount(g);
    const svg = galleryFigure(g, width, images);
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', msg('digits.gallery.labelDrawn', { count: g.count, copies }));
    gallery.replaceChildren(svg);
    gallery.dataset['pairs'] = String(g.count);
    gallery.dataset['memorized'] = String(copies);
  }

  function drawEntropy(g: Digits, width: number): void {
    const points = Array.from(g.t, (t, i) => ({ t, e: g.excessEntropy[i] ?? Number.NaN }));
    const lo = Math.min(...g.t);
    const hi = Math.max(...g.t);
    const marks = [
      { t: g.tS, label: 't_S', style: SPECIATION_RULE, cls: 'digits-ts' },
      ...(g.tC === null ? [] : [{ t: g.tC, label: 't_C', style: COLLAPSE_RULE, cls: 'digits-tc' }]),
    ].filter((m) => m.t >= lo && m.t <= hi);
    const svg = plot({
      width,
      height: Math.round(Math.max(200, Math.min(280, width * 0.45))),
      marginLeft: 40,
      marginRight: 12,
      marginTop: 22,
      marginBottom: 38,
      className: 'digits-figure',
      ariaLabel: msg('digits.aria.entropy', { n: g.n, points: points.length }),
      style: PLOT_STYLE,
      x: { type: 'log', domain: [lo, hi], ticks: logTicks(lo, hi), tickFormat: logTickLabel, label: msg('figure.axis.time'), labelAnchor: 'right' },
      y: { domain: [-0.05, 1.1], ticks: [0, 0.5, 1], label: '↑ fᵉ/α', grid: true },
      marks: [
        Plot.ruleY([0], { stroke: 'var(--muted)' }),
        Plot.ruleY([g.collapseLevel], { stroke: 'var(--muted)', strokeDasharray: '2 3' }),
        Plot.line(points, { x: 't', y: 'e', stroke: 'var(--sample)', strokeOpacity: 0.6 }),
        Plot.dot(points, { x: 't', y: 'e', r: 3, fill: 'var(--sample)', stroke: 'var(--bg)', strokeWidth: 0.6, className: 'digits-entropy' }),
        ...marks.flatMap((m) => [
          Plot.ruleX([m.t], { ...m.style, className: m.cls }),
          Plot.text([m.t], { x: (v: number) => v, frameAnchor: 'top', dy: -12, dx: m.label === 't_S' ? 4 : -4, textAnchor: m.label === 't_S' ? 'start' : 'end', text: () => m.label, fill: m.style.stroke, fontSize: 12, fontWeight: 600 }),
        ]),
      ],
    });
    svg.dataset['points'] = String(points.length);
    entropyHost.replaceChildren(svg);
  }

  function draw(): void {
    const g = current;
    if (g === undefined) return;
    // Both widths before either chart is replaced: a read after a replacement forces the page's layout again.
    const galleryWidth = widthOf(gallery, 560, MAX_WIDTH, 200);
    const entropyWidth = widthOf(entropyHost, 600, MAX_WIDTH, 240);
    drawGallery(g, images, galleryWidth);
    drawEntropy(g, entropyWidth);
    if (!partial) setRichText(readout, readoutText(g));
  }


  return {
    partial(output: OutputOf<'digits'>, _params: ParamValues) {
      current = digitsOf(output);
      images = galleryImages(current);
      partial = true;
      draw();
    },
    show(output: OutputOf<'digits'>, _params: ParamValues) {
      current = digitsOf(output);
      partial = false;
      images = galleryImages(current);
      draw();
      fillPageTable(current);
      setRichText(summary, summaryText(current, output.backend));
    },
    settled(note: string) {
      if (current === undefined) entropyHost.replaceChildren(placeholderFigure(widthOf(entropyHost, 600, MAX_WIDTH), 220, note, 'digits-figure figure-placeholder'));
    },
    redraw() {
      draw();
    },
  };
});
