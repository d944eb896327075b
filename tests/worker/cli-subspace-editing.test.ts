import { describe, expect, it } from 'vitest';
import { cli, expectUsageError, resultOf } from './cli-harness.ts';

describe('diffusion-atlas CLI, subspace-editing with the Jacobian method', () => {
  it('edits a real MNIST digit along the exact denoiser’s Jacobian and reports its band in t', async () => {
    const r = resultOf(await cli('run', 'subspace-editing', '--method', 'jacobian', '--t', '0.05', '--digit', '1'));
    expect(r.method).toBe('jacobian');
    const sv = r.jacobianSingularValues as number[];
    expect(sv).toHaveLength(8);
    for (let j = 1; j < sv.length; j++) expect(sv[j]).toBeLessThanOrEqual(sv[j - 1] * (1 + 1e-6));
    // at t = 0.05 the softmax rests on a few digits of the class (measured: about 3), so the
    // Jacobian has a few large singular values and then a sharp drop (measured 13.5, 6.2, 3.7, 0.46)
    expect(sv[3]).toBeLessThan(0.2 * sv[0]);
    const neff = r.bandEffectiveDigits as number[];
    expect(neff).toHaveLength(12);
    expect(neff[0]).toBeLessThan(3);
    expect(neff[11]).toBeGreaterThan(500);
    expect(r.strip).toHaveLength(7 * 784);
  });

  it('rejects an unknown method with exit status 2', async () => {
    expectUsageError(await cli('run', 'subspace-editing', '--method', 'svd'), /method/);
  });
});
