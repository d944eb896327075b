import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The files that take longest (a minute or more each on a 2-core machine), slowest first. Without
 * durations of its own from an earlier run (a fresh clone, as in CI), vitest starts the largest
 * files first, and the page tours are small files that each take minutes: started last, one would
 * be the run's tail while the other worker sits idle.
 */
const SLOWEST = [
  'site/tour-chapters.test.ts',
  'site/tour-pages.test.ts',
  'site/embed.test.ts',
  'site/pseudo-locale.test.ts',
  'site/low-dimensional-structure.test.ts',
  'worker/prose-numbers.test.ts',
  'site/partial-frames.test.ts',
];

for (const file of SLOWEST) {
  if (!existsSync(join(import.meta.dirname, file))) throw new Error(`slowest-first.ts names ${file}, which is not there`);
}

/** vitest's order where it has durations; otherwise the files above first, then the largest. */
export class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    if (files.every((spec) => this.ctx.cache.getTestSpecificationResult(spec) !== undefined)) return sorted;
    const rank = (spec: TestSpecification): number => {
      const index = SLOWEST.findIndex((file) => spec.moduleId.endsWith(`/${file}`));
      return index < 0 ? SLOWEST.length : index;
    };
    // a stable sort: the files not named keep the base order
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
