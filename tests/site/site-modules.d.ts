/*
 * adding-an-experiment.test.ts mounts the site's own host and kit, which Vite builds: its
 * `import.meta.glob` (the message catalogs) and stylesheet imports, which vitest resolves the same way.
 */
/// <reference types="vite/client" />
