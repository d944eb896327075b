import * as Plot from '@observablehq/plot';
import { formatValue, superscript } from './format.ts';

/** Log10 rounding slack, so 10³ computed as 999.9999 still counts as a power of ten. */
const EPS = 1e-9;

/**
 * Ticks for a log axis: the powers of ten inside [lo, hi], thinned to at most `max` labels so they
 * never collide; where fewer than three powers fall inside, 2 and 5 times them fill in. Given
 * explicitly because Plot's default log ticks come with SI-prefixed labels (30m for 0.03).
 */
export function logTicks(lo: number, hi: number, max = Infinity): number[] {
  if (!(lo > 0) || !(hi >= lo)) return [];
  const first = Math.ceil(Math.log10(lo) - EPS);
  const last = Math.floor(Math.log10(hi) + EPS);
  const count = last - first + 1;
  const stride = Math.max(1, Math.ceil(count / Math.max(1, max)));
  const ticks: number[] = [];
  for (let k = first; k <= last; k += stride) ticks.push(10 ** k);
  if (ticks.length < 3) {
    for (const m of [2, 5]) {
      for (let e = Math.floor(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) {
        const v = Number((m * 10 ** e).toPrecision(3));
        if (v >= lo * (1 - EPS) && v <= hi * (1 + EPS)) ticks.push(v);
      }
    }
  }
  ticks.sort((a, b) => a - b);
  return ticks.length <= max ? ticks : ticks.filter((v) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < EPS);
}

/** Tick labels on log axes: 0.01 to 1000 as plain digits, 10⁴ or 2·10⁻⁴ further out (never "1e-4"). */
export function logTickLabel(v: number): string {
  if (!(v > 0)) return formatValue(v);
  if (v >= 1e-2 && v < 1e4) return String(Number(v.toPrecision(2)));
  const e = Math.floor(Math.log10(v) + EPS);
  const m = Number((v / 10 ** e).toPrecision(2));
  return m === 1 ? `10${superscript(e)}` : `${m}·10${superscript(e)}`;
}

/** [min, max] of the finite, positive values, for log scales; `fallback` when there are none. */
export function positiveExtent(values: Iterable<number>, fallback: [number, number]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!(v > 0) || !Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return lo <= hi ? [lo, hi] : fallback;
}

/** Widen a log-scale domain by a factor on each side, so marks at the ends are not cut by the frame. */
export function padLog([lo, hi]: [number, number], factor = 1.4): [number, number] {
  return [lo / factor, hi * factor];
}

export interface LogAxisOptions {
  label: string | null;
  anchor?: 'top' | 'bottom' | 'left' | 'right';
  labelAnchor?: 'left' | 'right' | 'center' | 'top' | 'bottom';
  /** Text for a tick value; defaults to `logTickLabel`. */
  text?: (value: number) => string;
  className?: string;
}

/*
 * Explicit axis marks for log scales: given a tick list and a format function, Plot hands the
 * format to d3's log tickFormat, which blanks every label whose mantissa is not 1, 2 or 5 or so;
 * a text channel is printed as it is.
 */
export function logAxisX(ticks: readonly number[], o: LogAxisOptions): Plot.CompoundMark {
  return Plot.axisX([...ticks], {
    anchor: o.anchor ?? 'bottom',
    label: o.label,
    labelAnchor: o.labelAnchor ?? 'right',
    text: o.text ?? logTickLabel,
    ...(o.className === undefined ? {} : { className: o.className }),
  });
}

export function logAxisY(ticks: readonly number[], o: LogAxisOptions): Plot.CompoundMark {
  return Plot.axisY([...ticks], {
    anchor: o.anchor ?? 'left',
    label: o.label,
    labelAnchor: o.labelAnchor ?? 'top',
    text: o.text ?? logTickLabel,
    ...(o.className === undefined ? {} : { className: o.className }),
  });
}
