import { describe, expect, it } from 'vitest';
import { cli, expectUsageError, resultOf } from './cli-harness.ts';

describe('diffusion-atlas CLI, manifold with the population score', () => {
  it('runs with --score population and returns the curve’s W₁ and the tangential score', async () => {
    const r = resultOf(await cli('run', 'manifold', '--score', 'population', '--D', '8', '--n', '10', '--trajectories', '12', '--epsilon', '0.01,0.1'));
    expect(r.score).toBe('population');
    expect(r.w1Curve).toHaveLength(2);
    expect(r.w1CurveDenoised).toHaveLength(2);
    expect(typeof r.w1CurveFloor).toBe('number');
    const t = r.t as number[];
    const tangential = r.scoreNormTangential as number[];
    expect(tangential).toHaveLength(t.length);
    const norm = r.scoreNorm as number[];
    tangential.forEach((x, i) => expect(x).toBeLessThan(1e-5 * norm[i]));
  });

  it('refuses the population score for the three-lobed curve, with exit status 2', async () => {
    expectUsageError(await cli('run', 'manifold', '--score', 'population', '--shape', 'curve'), /circle/);
  });
});
