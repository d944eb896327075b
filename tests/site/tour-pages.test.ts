import { describe } from 'vitest';
import { skipE2E, sitePages } from './harness.ts';
import { pageTour } from './page-tour.ts';

/* The page tour (page-tour.ts) over every page of the build but the chapters: embeds, contents, performance, diagnostics, 404. */

describe.skipIf(skipE2E)('page tour: embeds and the other pages', () => {
  pageTour('pages', sitePages().filter((p) => !p.startsWith('/chapters/')));
});
