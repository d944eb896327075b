import { normalAt } from '../random.ts';

/**
 * One-dimensional data manifolds (closed curves in a plane) carried into R^D by a random linear
 * isometry: x = Q γ(φ) with Q a D × 2 matrix of orthonormal columns. Distances, the curve's length
 * and the data law are unchanged; only the ambient dimension D, where the OU noise lives, grows.
 */
export const manifoldShapes = ['circle', 'curve'] as const;
export type ManifoldShape = (typeof manifoldShapes)[number];

/**
 * The plane curve: the unit circle, or a three-lobed "flower" r(φ) = 1 + 0.4 cos 3φ, non-convex and
 * with varying curvature, of the same unit scale as the OU stationary law.
 */
export function curvePoint(shape: ManifoldShape, phi: number): [number, number] {
  const r = shape === 'circle' ? 1 : 1 + 0.4 * Math.cos(3 * phi);
  return [r * Math.cos(phi), r * Math.sin(phi)];
}

/**
 * A D × 2 frame (row-major) with orthonormal columns, by Gram–Schmidt on two Gaussian vectors
 * from (seed, stream), in Float64.
 */
export function isometricFrame(D: number, seed: number, stream: number): Float64Array {
  if (D < 2) throw new RangeError(`an isometric embedding of a plane needs D ≥ 2 (got ${D})`);
  const q = new Float64Array(2 * D);
  for (let attempt = 0; ; attempt++) {
    let n0 = 0;
    for (let k = 0; k < D; k++) {
      const g = normalAt(seed, stream, attempt * 2 * D + k);
      q[2 * k] = g;
      n0 += g * g;
    }
    n0 = Math.sqrt(n0);
    let dot = 0;
    for (let k = 0; k < D; k++) {
      q[2 * k] /= n0;
      const g = normalAt(seed, stream, attempt * 2 * D + D + k);
      q[2 * k + 1] = g;
      dot += g * q[2 * k];
    }
    let n1 = 0;
    for (let k = 0; k < D; k++) {
      q[2 * k + 1] -= dot * q[2 * k];
      n1 += q[2 * k + 1] * q[2 * k + 1];
    }
    n1 = Math.sqrt(n1);
    // Two Gaussian vectors are parallel with probability 0; redraw rather than divide by ~0.
    if (n1 > 1e-8) {
      for (let k = 0; k < D; k++) q[2 * k + 1] /= n1;
      return q;
    }
  }
}

/** Points γ(φ_i) in the plane, n × 2, Float64. */
export function curvePoints(shape: ManifoldShape, phi: ArrayLike<number>): Float64Array {
  const out = new Float64Array(2 * phi.length);
  for (let i = 0; i < phi.length; i++) {
    const [a, b] = curvePoint(shape, phi[i]);
    out[2 * i] = a;
    out[2 * i + 1] = b;
  }
  return out;
}

/** Q y for each row of planar points y (count × 2): count × D, Float32 for the score kernels. */
export function embed(planar: Float64Array, count: number, frame: Float64Array, D: number): Float32Array {
  const out = new Float32Array(count * D);
  for (let i = 0; i < count; i++) {
    const y0 = planar[2 * i];
    const y1 = planar[2 * i + 1];
    for (let k = 0; k < D; k++) out[i * D + k] = frame[2 * k] * y0 + frame[2 * k + 1] * y1;
  }
  return out;
}

/**
 * Qᵀx (count × 2): coordinates in the data plane, and the distance |x − QQᵀx| out of it, which is
 * where the noise of the D − 2 other directions shows.
 */
export function project(x: Float32Array | Float64Array, count: number, frame: Float64Array, D: number): { planar: Float32Array; offPlane: Float32Array } {
  const planar = new Float32Array(2 * count);
  const offPlane = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    let p0 = 0;
    let p1 = 0;
    let r2 = 0;
    for (let k = 0; k < D; k++) {
      const v = x[i * D + k];
      p0 += frame[2 * k] * v;
      p1 += frame[2 * k + 1] * v;
      r2 += v * v;
    }
    planar[2 * i] = p0;
    planar[2 * i + 1] = p1;
    offPlane[i] = Math.sqrt(Math.max(0, r2 - p0 * p0 - p1 * p1));
  }
  return { planar, offPlane };
}
