import { describe, expect, it } from 'vitest';
import { cli, csvRows, resultOf } from './cli-harness.ts';

describe('diffusion-atlas CLI, sphere held-out log-likelihood', () => {
  it('reports the held-out earthquakes’ log-likelihood against s_min, and a table of it', async () => {
    const [json, csv] = await Promise.all([
      cli('run', 'sphere', '--n', '200', '--walkers', '40', '--steps', '20'),
      cli('run', 'sphere', '--n', '50', '--walkers', '20', '--steps', '10', '--table', 'heldOut'),
    ]);
    const r = resultOf(json);
    const ll = r.heldOutLogLikelihood as number[];
    const s = r.sMinGrid as number[];
    expect(ll).toHaveLength(s.length);
    expect(r.heldOutCount as number).toBeGreaterThan(50);
    // real epicentres cluster: the best stopping time beats the uniform law (measured: −1.2 at
    // s ≈ 0.03–0.05 against −log 4π = −2.53 for n = 200), and stopping at 10⁻⁵ is far worse
    const best = Math.max(...ll);
    expect(best).toBeGreaterThan((r.uniformLogLikelihood as number) + 0.5);
    expect(ll[0]).toBeLessThan(best - 10);
    expect(csv.code).toBe(0);
    const { header, rows } = csvRows(csv.stdout);
    expect(header).toEqual(['sMin', 'heldOutLogLikelihood', 'trainingLogLikelihood']);
    expect(rows.length).toBeGreaterThan(2);
    for (const row of rows) expect(row).toHaveLength(3);
  });
});
