import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { GENERATED_PATH, compileAll, generatedModuleText } from '@diffusion-atlas/worker/wasm-compile';

describe('the committed wasm-simd binaries', () => {
  it('are what the AssemblyScript source compiles to (run `npm run build:wasm -w @diffusion-atlas/worker` if not)', async () => {
    const fresh = generatedModuleText(await compileAll());
    const committed = await readFile(GENERATED_PATH, 'utf8');
    expect(committed === fresh).toBe(true);
  });
});
