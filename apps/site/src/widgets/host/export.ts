import type { AnyExperiment, ParamSpecs, ParamsOf } from '@diffusion-atlas/core';
import { formatCsvSections, formatJson, schemaVersion } from '@diffusion-atlas/core';
import type { RunOutput } from '@diffusion-atlas/worker';
import { t } from '../../i18n/messages.ts';
import { PLOT_RULES } from '../kit/plot-sheet.ts';
import { pngChunk } from '../kit/png.ts';
import type { ParamValues } from './url-state.ts';

/** Everything a download carries besides the figure itself, so a file can be traced back to its run. */
export interface ExportInfo {
  experiment: AnyExperiment;
  params: ParamValues;
  output: RunOutput;
  /** Absolute permalink of the view. */
  permalink: string;
  /** The CLI command that reproduces the data. */
  command: string;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function fileStem(info: ExportInfo): string {
  const seed = info.params['seed'];
  return typeof seed === 'number' ? `${info.experiment.name}-seed${seed}` : info.experiment.name;
}

/** The provenance record written into every file. */
function provenance(info: ExportInfo): Record<string, unknown> {
  return {
    experiment: info.experiment.name,
    title: info.experiment.title,
    schemaVersion: schemaVersion(info.experiment),
    seed: info.params['seed'] ?? null,
    params: info.output.params,
    permalink: info.permalink,
    command: info.command,
    backend: info.output.backend,
  };
}

/**
 * The run's tables as CSV, after `#` comment lines holding the seed, the parameters and the
 * command; numbers are written by core's serialiser, as `diffusion-atlas run … --format csv` writes them.
 */
export function exportCsv(info: ExportInfo): string {
  const p = provenance(info);
  const head = [
    `# Diffusion Atlas: ${info.experiment.name} (parameter schema v${String(p['schemaVersion'])})`,
    `# seed: ${String(p['seed'])}`,
    `# params: ${JSON.stringify(info.output.params)}`,
    `# permalink: ${info.permalink}`,
    `# command: ${info.command}`,
    '',
  ];
  // RunOutput.params are the resolved, validated parameters of exactly this experiment.
  const tables = info.experiment.tables(info.output.result, info.output.params as ParamsOf<ParamSpecs>);
  return `${head.join('\n')}\n${formatCsvSections(tables)}`;
}

/** The whole run as JSON: the provenance record, then the result (typed arrays as plain arrays). */
export function exportJson(info: ExportInfo): string {
  return formatJson({ ...provenance(info), elapsedMs: info.output.elapsedMs, result: info.output.result }, { indent: 2 });
}

/** The figures a view drew: top-level SVGs and canvases big enough to be charts (not icons). */
export function figureElements(stage: HTMLElement, preferred?: Element | null): Element[] {
  if (preferred !== undefined && preferred !== null) return [preferred];
  return [...stage.querySelectorAll('svg, canvas')].filter((el) => {
    if ((el.parentElement?.closest('svg') ?? null) !== null) return false;
    if (el.closest('[data-poster]') !== null) return false;
    const box = el.getBoundingClientRect();
    return box.width >= 60 && box.height >= 40;
  });
}

const VAR = /var\(\s*(--[\w-]+)\s*(?:,\s*([^)]*))?\)/g;

/** Replace CSS custom properties by their current values: a saved file has no stylesheet to ask. */
function resolveVars(text: string, styles: CSSStyleDeclaration): string {
  return text.replace(VAR, (_whole, name: string, fallback: string | undefined) => {
    const value = styles.getPropertyValue(name).trim();
    return value !== '' ? value : (fallback ?? '').trim();
  });
}

function resolveTree(root: Element, styles: CSSStyleDeclaration): void {
  for (const el of [root, ...root.querySelectorAll('*')]) {
    for (const attr of [...el.attributes]) {
      if (attr.value.includes('var(')) el.setAttribute(attr.name, resolveVars(attr.value, styles));
    }
    if (el.tagName.toLowerCase() === 'style' && el.textContent !== null) el.textContent = resolveVars(el.textContent, styles);
  }
}

/**
 * One standalone SVG of what the widget shows: every figure placed where it sits on screen, colours
 * resolved for the current theme, on the page's background, with the provenance as metadata.
 */
export function exportSvg(info: ExportInfo, stage: HTMLElement, preferred?: Element | null): string | null {
  const figures = figureElements(stage, preferred);
  if (figures.length === 0) return null;
  const rootStyles = getComputedStyle(document.documentElement);
  const boxes = figures.map((el) => el.getBoundingClientRect());
  const left = Math.min(...boxes.map((b) => b.left));
  const top = Math.min(...boxes.map((b) => b.top));
  // Charts draw axis labels a little outside their box (overflow: visible); a margin keeps them.
  const pad = 12;
  const width = Math.ceil(Math.max(...boxes.map((b) => b.right)) - left) + 2 * pad;
  const height = Math.ceil(Math.max(...boxes.map((b) => b.bottom)) - top) + 2 * pad;

  const out = document.createElementNS(SVG_NS, 'svg');
  out.setAttribute('xmlns', SVG_NS);
  out.setAttribute('width', String(width));
  out.setAttribute('height', String(height));
  out.setAttribute('viewBox', `0 0 ${width} ${height}`);
  out.setAttribute('font-family', getComputedStyle(stage).fontFamily);
  const title = document.createElementNS(SVG_NS, 'title');
  title.textContent = info.experiment.title;
  const metadata = document.createElementNS(SVG_NS, 'metadata');
  metadata.textContent = JSON.stringify(provenance(info));
  const background = document.createElementNS(SVG_NS, 'rect');
  background.setAttribute('width', '100%');
  background.setAttribute('height', '100%');
  background.setAttribute('fill', rootStyles.getPropertyValue('--bg').trim() || '#ffffff');
  // Plot's rules for its charts, which on the page come from figure.css (see kit/plot-sheet.ts).
  const sheet = document.createElementNS(SVG_NS, 'style');
  sheet.textContent = PLOT_RULES;
  out.append(title, metadata, sheet, background);

  figures.forEach((el, i) => {
    const box = boxes[i];
    if (box === undefined) return;
    const x = String(box.left - left + pad);
    const y = String(box.top - top + pad);
    if (el instanceof HTMLCanvasElement) {
      const image = document.createElementNS(SVG_NS, 'image');
      image.setAttribute('href', el.toDataURL('image/png'));
      image.setAttribute('x', x);
      image.setAttribute('y', y);
      image.setAttribute('width', String(box.width));
      image.setAttribute('height', String(box.height));
      out.append(image);
      return;
    }
    const clone = el.cloneNode(true);
    if (!(clone instanceof SVGSVGElement)) return;
    resolveTree(clone, rootStyles);
    clone.setAttribute('x', x);
    clone.setAttribute('y', y);
    clone.setAttribute('width', String(box.width));
    clone.setAttribute('height', String(box.height));
    // `currentColor` inside the figure means the text colour around it on the page; the class stays
    // because Plot's rules (the file's own <style>) are keyed on it.
    clone.style.color = getComputedStyle(el).color;
    clone.style.removeProperty('width');
    clone.style.removeProperty('height');
    clone.setAttribute('overflow', 'visible');
    out.append(clone);
  });
  return new XMLSerializer().serializeToString(out);
}

/** A PNG tEXt chunk (Latin-1 keyword and text; non-Latin-1 characters are escaped as JSON does). */
function textChunk(keyword: string, text: string): Uint8Array {
  const safe = text.replace(/[^\x20-\x7e\n]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const data = new Uint8Array(keyword.length + 1 + safe.length);
  for (let i = 0; i < keyword.length; i++) data[i] = keyword.charCodeAt(i);
  for (let i = 0; i < safe.length; i++) data[keyword.length + 1 + i] = safe.charCodeAt(i);
  return pngChunk('tEXt', data);
}

/** Insert provenance chunks right after IHDR (which is always 8 + 25 bytes into the file). */
function withText(png: Uint8Array, entries: ReadonlyArray<readonly [string, string]>): Uint8Array<ArrayBuffer> {
  const at = 8 + 25;
  const chunks = entries.map(([k, v]) => textChunk(k, v));
  const extra = chunks.reduce((sum, c) => sum + c.length, 0);
  const out = new Uint8Array(new ArrayBuffer(png.length + extra));
  out.set(png.subarray(0, at), 0);
  let offset = at;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  out.set(png.subarray(at), offset);
  return out;
}

/** The SVG rasterized at twice its size, with the provenance in PNG text chunks. */
export async function exportPng(info: ExportInfo, svg: string): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const scale = 2;
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
    canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
    const ctx = canvas.getContext('2d');
    if (ctx === null) throw new Error('no 2-D canvas');
    ctx.scale(scale, scale);
    ctx.drawImage(image, 0, 0);
    const blob = await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b === null ? reject(new Error('the figure could not be encoded as PNG')) : resolve(b)), 'image/png'),
    );
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const tagged = withText(bytes, [
      ['Title', info.experiment.title],
      ['Software', t('site.name')],
      ['Source', info.permalink],
      ['Comment', JSON.stringify(provenance(info))],
    ]);
    return new Blob([tagged], { type: 'image/png' });
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Hand a file to the reader through a temporary link (no network: the data never leaves the page). */
export function download(data: Blob | string, filename: string, type: string): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
