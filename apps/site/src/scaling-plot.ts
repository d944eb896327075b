import { t } from './i18n/messages.ts';

/**
 * The performance page's scaling table as a picture: the time of one score evaluation against
 * the work m·n·d it does, on log axes, at a mixing time and a late one. Drawn at build time as
 * inline SVG from the table in docs/performance.md itself, so the plot cannot disagree with it.
 */
export interface ScalingRow {
  m: number;
  n: number;
  d: number;
  /** Milliseconds per call at t = 1 and at t = 0.05. */
  early: number;
  late: number;
}

/** The rows of the first markdown table under the “Scaling” heading. */
export function scalingRows(markdown: string): ScalingRow[] {
  const section = markdown.split(/^## /m).find((s) => /^Scaling\b/.test(s)) ?? '';
  const rows: ScalingRow[] = [];
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const [, m, n, d, early, late] = cells;
    const values = [m, n, d, early, late].map(Number);
    if (values.every((v) => Number.isFinite(v) && v > 0) && cells.length >= 7) {
      const [vm = 0, vn = 0, vd = 0, ve = 0, vl = 0] = values;
      rows.push({ m: vm, n: vn, d: vd, early: ve, late: vl });
    }
  }
  return rows;
}

const W = 380;
const H = 260;
const LEFT = 52;
const RIGHT = 14;
const TOP = 14;
const BOTTOM = 48;

function logScale(min: number, max: number, from: number, to: number): (v: number) => number {
  const a = Math.log10(min);
  const b = Math.log10(max);
  return (v) => from + ((Math.log10(v) - a) / (b - a)) * (to - from);
}

function superscript(exponent: number): string {
  const digits = '⁰¹²³⁴⁵⁶⁷⁸⁹';
  return String(exponent)
    .split('')
    .map((c) => (c === '-' ? '⁻' : (digits[Number(c)] ?? c)))
    .join('');
}

export function scalingPlotSvg(rows: readonly ScalingRow[]): string {
  if (rows.length === 0) return '';
  const x = logScale(3e5, 3e8, LEFT, W - RIGHT);
  const y = logScale(0.1, 30, H - BOTTOM, TOP);
  const fmt = (v: number): string => v.toFixed(1);
  const xTicks = [1e6, 1e7, 1e8];
  const yTicks = [0.1, 0.3, 1, 3, 10, 30];
  const parts: string[] = [];
  parts.push(`<rect x="${LEFT}" y="${TOP}" width="${W - LEFT - RIGHT}" height="${H - TOP - BOTTOM}" class="frame"/>`);
  for (const v of xTicks) {
    parts.push(`<line x1="${fmt(x(v))}" x2="${fmt(x(v))}" y1="${TOP}" y2="${H - BOTTOM}" class="grid"/>`);
    parts.push(`<text x="${fmt(x(v))}" y="${H - BOTTOM + 17}" text-anchor="middle">10${superscript(Math.round(Math.log10(v)))}</text>`);
  }
  for (const v of yTicks) {
    parts.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${fmt(y(v))}" y2="${fmt(y(v))}" class="grid"/>`);
    parts.push(`<text x="${LEFT - 6}" y="${fmt(y(v) + 4)}" text-anchor="end">${v}</text>`);
  }
  // Time ∝ work at the measured median rate: the line every point would sit on if only m·n·d mattered.
  const rates = rows.map((r) => (r.m * r.n * r.d) / r.early).sort((a, b) => a - b);
  const rate = rates[Math.floor(rates.length / 2)] ?? 1;
  // Clipped to the frame: from where the line enters the plotted range of times to where it leaves it.
  const from = Math.max(3e5, 0.1 * rate);
  const to = Math.min(3e8, 30 * rate);
  parts.push(`<line x1="${fmt(x(from))}" y1="${fmt(y(from / rate))}" x2="${fmt(x(to))}" y2="${fmt(y(to / rate))}" class="trend"/>`);
  for (const r of rows) {
    const work = r.m * r.n * r.d;
    parts.push(`<circle cx="${fmt(x(work))}" cy="${fmt(y(r.early))}" r="4" class="early"/>`);
    parts.push(`<circle cx="${fmt(x(work))}" cy="${fmt(y(r.late))}" r="3.5" class="late"/>`);
  }
  parts.push(`<text x="${(LEFT + W - RIGHT) / 2}" y="${H - 10}" text-anchor="middle">${t('performance.plot.x')}</text>`);
  parts.push(`<text transform="translate(13 ${(TOP + H - BOTTOM) / 2}) rotate(-90)" text-anchor="middle">${t('performance.plot.y')}</text>`);
  const legendY = TOP + 16;
  parts.push(`<circle cx="${LEFT + 14}" cy="${legendY - 4}" r="4" class="early"/><text x="${LEFT + 24}" y="${legendY}">${t('performance.plot.early')}</text>`);
  parts.push(`<circle cx="${LEFT + 14}" cy="${legendY + 14}" r="3.5" class="late"/><text x="${LEFT + 24}" y="${legendY + 18}">${t('performance.plot.late')}</text>`);
  parts.push(`<line x1="${LEFT + 6}" x2="${LEFT + 22}" y1="${legendY + 32}" y2="${legendY + 32}" class="trend"/><text x="${LEFT + 24}" y="${legendY + 36}">${t('performance.plot.trend')}</text>`);
  return `<figure class="scaling-plot" data-diagram="performance-scaling"><div class="diagram-art" role="img" aria-label="${t('performance.plot.alt')}"><svg viewBox="0 0 ${W} ${H}" aria-hidden="true">${parts.join('')}</svg></div><figcaption>${t('performance.plot.caption')}</figcaption></figure>`;
}
