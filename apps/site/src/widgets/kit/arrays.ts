export function range(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i);
}

/** Mean of the finite entries, or NaN when there are none. */
export function mean(values: readonly number[]): number {
  const finite = values.filter((v) => Number.isFinite(v));
  return finite.length === 0 ? Number.NaN : finite.reduce((s, v) => s + v, 0) / finite.length;
}

/** Geometric mean of the positive entries, or NaN when there are none. */
export function geometricMean(values: readonly number[]): number {
  const positive = values.filter((v) => v > 0 && Number.isFinite(v));
  if (positive.length === 0) return Number.NaN;
  return Math.exp(positive.reduce((s, v) => s + Math.log(v), 0) / positive.length);
}

/** The largest entry of a list (NaN entries ignored); −∞ for an empty list. */
export function maxOf(values: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? Number.NaN;
    if (v > m) m = v;
  }
  return m;
}
