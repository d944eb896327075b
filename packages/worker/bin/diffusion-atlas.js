#!/usr/bin/env node
// A JS shim so the bin works through npm's link; the CLI itself is TypeScript, run by Node's type stripping.
if (!process.features.typescript) {
  process.stderr.write(`diffusion-atlas: needs a Node that runs TypeScript (22.18+ or 24; this is ${process.version}); try npx diffusion-atlas\n`);
  process.exit(2);
}
// A reader piping into `head` closes the pipe early: that ends the output, it is not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
