// One backward SDE step of a block of rows, in place, for the thread pool's blocks of steps: the
// softmax score F = (scale·mean − x)/variance stored in float32 (core's meanToScore), then
// sampleBackward's update x ← x + η (x + 2F) + s·ξ rounded once to float32. The same float64
// operations in the same order as the JavaScript they replace (f64x2 lanes are each an IEEE
// operation, correctly rounded as in JavaScript, and nothing here fuses a multiply-add), so the
// same bits; tests/worker/pool-blocks.test.ts compares whole runs with the step-by-step sampler.

// @ts-ignore: decorator
@inline function stepLanes(x: v128, mean: v128, xi: v128, scale: v128, variance: v128, eta: v128, s: v128, two: v128): v128 {
  // the score as a float32, as the sampler reads it back
  const f = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.div(f64x2.sub(f64x2.mul(scale, mean), x), variance)));
  return f64x2.add(f64x2.add(x, f64x2.mul(eta, f64x2.add(x, f64x2.mul(two, f)))), f64x2.mul(s, xi));
}

/**
 * Rows × d states at q (float32, row stride d) advanced in place, from the kernel's means at out
 * (float32, row stride dp) and the step's normals at noise (float64, row stride d).
 */
export function eulerMaruyamaRows(q: usize, out: usize, noise: usize, rows: i32, d: i32, dp: i32, scale: f64, variance: f64, eta: f64, s: f64): void {
  const sv = f64x2.splat(scale);
  const vv = f64x2.splat(variance);
  const ev = f64x2.splat(eta);
  const nv = f64x2.splat(s);
  const two = f64x2.splat(2);
  for (let r = 0; r < rows; r++) {
    const qr = q + (<usize>(r * d) << 2);
    const mr = out + (<usize>(r * dp) << 2);
    const nr = noise + (<usize>(r * d) << 3);
    let k = 0;
    for (; k + 2 <= d; k += 2) {
      const x = f64x2.promote_low_f32x4(v128.load64_zero(qr + (<usize>k << 2)));
      const m = f64x2.promote_low_f32x4(v128.load64_zero(mr + (<usize>k << 2)));
      const v = stepLanes(x, m, v128.load(nr + (<usize>k << 3)), sv, vv, ev, nv, two);
      v128.store64_lane(qr + (<usize>k << 2), f32x4.demote_f64x2_zero(v), 0);
    }
    for (; k < d; k++) {
      const x = <f64>load<f32>(qr + (<usize>k << 2));
      const f = <f64><f32>((scale * <f64>load<f32>(mr + (<usize>k << 2)) - x) / variance);
      store<f32>(qr + (<usize>k << 2), <f32>(x + eta * (x + 2 * f) + s * load<f64>(nr + (<usize>k << 3))));
    }
  }
}
