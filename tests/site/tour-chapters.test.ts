import { describe } from 'vitest';
import { skipE2E, sitePages } from './harness.ts';
import { pageTour } from './page-tour.ts';

/* The page tour (page-tour.ts) over every chapter of the build, found at run time. */

describe.skipIf(skipE2E)('page tour: chapters', () => {
  pageTour('chapters', sitePages().filter((p) => p.startsWith('/chapters/')));
});
