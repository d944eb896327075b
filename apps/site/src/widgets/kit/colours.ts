/*
 * Literal colours rather than theme variables where a figure needs several distinct hues: each has a
 * relative luminance near 0.2, which keeps at least 3:1 contrast against both the light and the dark page.
 */

/** An ordered ramp from blue to ochre, for a series that runs over one quantity (training-set size). */
const RAMP = ['#2f7fd0', '#6a62d8', '#9652c2', '#bb4796', '#d04c66', '#cf5f1f', '#b07312', '#7d8714'] as const;

/** `count` colours spread over the whole ramp, so two series are as distinct as eight would allow. */
export function seriesColours(count: number): string[] {
  if (count <= 1) return [RAMP[0]];
  return Array.from({ length: count }, (_, i) => RAMP[Math.round((i * (RAMP.length - 1)) / (count - 1))] ?? RAMP[0]);
}

/** Unordered categories (one per subspace, one per class): hues as far apart as the ramp's ends. */
const CATEGORIES = ['#2f7fd0', '#cf5f1f', '#3f8f3a', '#9652c2', '#d04c66', '#a87512'] as const;

export function categoryColour(k: number): string {
  return CATEGORIES[k % CATEGORIES.length] ?? CATEGORIES[0];
}
