import type { GaussianMixture } from './mixture.ts';

/**
 * 2-D toy data sets, each a fine mixture of small isotropic Gaussians laid along the shape, scaled
 * to unit order like the OU stationary law N(0, I).
 */
export const toyNames = ['moons', 'rings', 'checkerboard', 'gaussians'] as const;
export type ToyName = (typeof toyNames)[number];

function fromPoints(points: Array<[number, number]>, variance: number, labels: number[]): GaussianMixture {
  const means = new Float32Array(points.length * 2);
  points.forEach(([x, y], i) => {
    means[2 * i] = x;
    means[2 * i + 1] = y;
  });
  return { means, K: points.length, d: 2, variance, labels: Int32Array.from(labels) };
}

function moons(): GaussianMixture {
  const pts: Array<[number, number]> = [];
  const labels: number[] = [];
  const per = 48;
  for (let i = 0; i < per; i++) {
    const a = (Math.PI * i) / (per - 1);
    pts.push([1.2 * (Math.cos(a) - 0.5), 1.2 * (Math.sin(a) - 0.25)]);
    labels.push(0);
    pts.push([1.2 * (1 - Math.cos(a) - 0.5), 1.2 * (0.5 - Math.sin(a) - 0.25)]);
    labels.push(1);
  }
  return fromPoints(pts, 0.07 ** 2, labels);
}

function rings(): GaussianMixture {
  const pts: Array<[number, number]> = [];
  const labels: number[] = [];
  for (const [radius, count, label] of [[0.7, 32, 0], [1.7, 72, 1]] as const) {
    for (let i = 0; i < count; i++) {
      const a = (2 * Math.PI * i) / count;
      pts.push([radius * Math.cos(a), radius * Math.sin(a)]);
      labels.push(label);
    }
  }
  return fromPoints(pts, 0.06 ** 2, labels);
}

function checkerboard(): GaussianMixture {
  // A 4 × 4 board on [−2, 2]², eight dark squares, each filled by a 3 × 3 lattice of Gaussians.
  const pts: Array<[number, number]> = [];
  const labels: number[] = [];
  for (let row = 0; row < 4; row++) {
    for (let col = 0; col < 4; col++) {
      if ((row + col) % 2 !== 0) continue;
      for (let a = 0; a < 3; a++) {
        for (let b = 0; b < 3; b++) {
          pts.push([-2 + col + (a + 0.5) / 3, -2 + row + (b + 0.5) / 3]);
          labels.push(row * 4 + col);
        }
      }
    }
  }
  return fromPoints(pts, 0.12 ** 2, labels);
}

function gaussians(): GaussianMixture {
  const K = 6;
  const pts: Array<[number, number]> = [];
  for (let k = 0; k < K; k++) {
    const a = (2 * Math.PI * k) / K;
    pts.push([2 * Math.cos(a), 2 * Math.sin(a)]);
  }
  return fromPoints(pts, 0.25 ** 2, [0, 1, 2, 3, 4, 5]);
}

export function toyMixture(name: ToyName): GaussianMixture {
  switch (name) {
    case 'moons':
      return moons();
    case 'rings':
      return rings();
    case 'checkerboard':
      return checkerboard();
    case 'gaussians':
      return gaussians();
  }
}
