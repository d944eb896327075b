import { defineConfig } from 'vitest/config';
import { SlowestFirst } from './slowest-first.ts';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Browser suites share one built site and one Chromium; keep files from fighting over cores.
    fileParallelism: true,
    maxWorkers: 2,
    sequence: { sequencer: SlowestFirst },
    reporters: ['default', ['json', { outputFile: '.reports/vitest.json' }]],
  },
});
