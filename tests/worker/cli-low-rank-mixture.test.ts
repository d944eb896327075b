import { describe, expect, it } from 'vitest';
import { cli, resultOf } from './cli-harness.ts';

describe('diffusion-atlas CLI, low-rank-mixture generation with the trained denoiser', () => {
  it('returns the trained model’s reverse-process samples and trajectories beside the other two', async () => {
    const r = resultOf(await cli('run', 'low-rank-mixture', '--n', '10', '--points', '4'));
    const generated = r.generated as number;
    const frames = (r.frameTimes as number[]).length;
    expect(r.samplesTrained).toHaveLength(generated * 3);
    expect(r.trajectoriesTrained).toHaveLength(frames * generated * 3);
    const f = r.memorizedFractionTrained as number;
    expect(f).toBeGreaterThanOrEqual(0);
    expect(f).toBeLessThanOrEqual(1);
    // the fields the chapter's figure reads are still there
    for (const key of ['samplesOptimal', 'samplesEmpirical', 'memorizedFractionOptimal', 'memorizedFractionEmpirical']) expect(r).toHaveProperty(key);
  });
});
