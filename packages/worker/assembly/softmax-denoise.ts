// AssemblyScript source of the WebAssembly SIMD kernel behind the `wasm-simd` backend.
// Compiled by packages/worker/src/kernels/wasm/compile.ts into softmax-denoise.wasm.ts (committed,
// checked by a test to match this source), once with and once without relaxed SIMD. Memory is laid
// out by the host (src/kernels/wasm/instance.ts): every pointer below is a byte offset it chose;
// nothing here allocates.
//
// softmaxDenoise for slabs of up to 48 query rows, in register tiles (6 rows with relaxed SIMD,
// 3 without; with relaxed SIMD a slab's last 1–4 rows in pair tiles of 2 rows × 24):
//   1. logits in the inner-product form x·c − |c|²·s²/(2Δ) (one multiply-add per pair-coordinate),
//      float32, the row maximum kept in the tile's epilogue;
//   2. per row: the candidates within 87 + 2E of the maximum (E: the form's error bound); when few,
//      their logits recomputed by direct differences (q/s − c)² in float64 sums; the first argmax;
//      weights exp(logit − max) in float32 SIMD, flushed to exactly 0 below LOG_WEIGHT_FLOOR (never
//      a subnormal), normaliser in float64;
//   3. weighted sum Σ w a in register tiles over each tile's union of surviving centres.
// d = 2 has its own fused float32 path (denoise2).
// The module also carries core's counter-based normals (normals.ts, fillNormals), bit for bit, and
// the backward SDE step that blocks of steps run in the instance (euler-maruyama.ts).

// LOG_WEIGHT_FLOOR of @diffusion-atlas/core
// @ts-ignore: decorator
@inline const FLOOR: f32 = -87.0;
/** Queries per register block. */
// @ts-ignore: decorator
@inline const R: i32 = 4;

export { fillNormals } from './normals';
export { eulerMaruyamaRows } from './euler-maruyama';

export function heapBase(): usize {
  return __heap_base;
}

// Constants of `weights` (the exp), from memory: as v128.const, V8 rematerialises every one inside
// the loop (three instructions each); loaded once into locals they stay in registers.
// (Entry 0 is unused: the exp clamps at FLOOR, entry 12.)
const EXP_TABLE = memory.data<f32>([
  -88.0, 1.44269504088896341, 12582912.0, 0.693359375,
  -2.12194440e-4, 1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3,
  4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1, 1.0,
  FLOOR, 0, 0, 0,
], 16);

// @ts-ignore: decorator
@inline function splatAt(i: i32): v128 {
  return v128.load32_splat(EXP_TABLE + (<usize>i << 2));
}

// a·b + c and c − a·b: fused where the engine has relaxed SIMD (one FMA; the binary built with
// --enable relaxed-simd), else a multiply and an add
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline function nmadd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_nmadd(a, b, c);
  return f32x4.sub(c, f32x4.mul(a, b));
}

/**
 * Most coordinates per float32 multiply-add chain; the chains' sums are then added in float32. A
 * row's d coordinates are cut into ⌈d/KC⌉ chains of equal length (the last shorter by less than
 * one per chain): the error bound grows with length + number of chains, which that keeps about
 * the same as 64-coordinate chains (d = 784: 12 chains of 66, 78, against 13 of 64 with a last of
 * 16, 77), while each chain costs a tile a fold of its accumulators into the logits.
 */
// @ts-ignore: decorator
@inline const KC: i32 = 66;

/** Coordinates per chain for d coordinates: ⌈d / ⌈d/KC⌉⌉. */
// @ts-ignore: decorator
@inline function chainLength(d: i32): i32 {
  const chains = (d + KC - 1) / KC;
  return (d + chains - 1) / chains;
}
/** Query rows per slab: the centres are read once per slab. A multiple of both tile heights. */
// @ts-ignore: decorator
@inline const SLAB: i32 = 48;
/**
 * Tile of both multiply-add phases: TR rows × TC centres (distances) or coordinates (weighted
 * sum). V8 gives 15 xmm registers on x64: with fused multiply-add, 6 × 8 is twelve accumulators,
 * two loaded vectors and one broadcast; without, each multiply needs a temporary, so 3 × 12 (nine
 * accumulators, three vectors, a broadcast and the product). A larger tile spills.
 */
// @ts-ignore: decorator
@inline const TR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 3;
// @ts-ignore: decorator
@inline const TC: i32 = ASC_FEATURE_RELAXED_SIMD ? 8 : 12;
/**
 * Floats per survivor in a tile's packed weights (TR used; a pair tile uses 2). No padding to 32
 * bytes in the relaxed build: where nearly every centre survives (n = 2000, d = 64) the records are
 * most of the weighted sum's memory traffic.
 */
// @ts-ignore: decorator
@inline const WPS: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 4;
/** Unit roundoff of float32. */
// @ts-ignore: decorator
@inline const U32: f64 = 5.9604644775390625e-8;

// @ts-ignore: decorator
@inline function fold(p: usize, acc: v128, first: bool): void {
  v128.store(p, first ? acc : f32x4.add(v128.load(p), acc));
}

/**
 * A whole tile's row of accumulators at the end of a chunk: folded into the logits at p, and at the
 * last chunk also finished there (bh subtracted straight from the registers, the row's running
 * maximum in mp updated) instead of stored, reloaded and stored again by logitsEpilogue: the same
 * float32 operations in the same order, so the same bits.
 */
// @ts-ignore: decorator
@inline function foldRow(p: usize, a0: v128, a1: v128, first: bool, last: bool, b0: v128, b1: v128, mp: usize): void {
  if (!last) {
    fold(p, a0, first);
    fold(p + 16, a1, first);
    return;
  }
  const v0 = f32x4.sub(first ? a0 : f32x4.add(v128.load(p), a0), b0);
  const v1 = f32x4.sub(first ? a1 : f32x4.add(v128.load(p, 16), a1), b1);
  v128.store(p, v0);
  v128.store(p, v1, 16);
  v128.store(mp, f32x4.pmax(f32x4.pmax(v128.load(mp), v0), v1));
}

/** The same for a row of three accumulators (tile3x12). */
// @ts-ignore: decorator
@inline function foldRow3(p: usize, a0: v128, a1: v128, a2: v128, first: bool, last: bool, bg: usize, mp: usize): void {
  if (!last) {
    fold(p, a0, first);
    fold(p + 16, a1, first);
    fold(p + 32, a2, first);
    return;
  }
  const v0 = f32x4.sub(first ? a0 : f32x4.add(v128.load(p), a0), v128.load(bg));
  const v1 = f32x4.sub(first ? a1 : f32x4.add(v128.load(p, 16), a1), v128.load(bg, 16));
  const v2 = f32x4.sub(first ? a2 : f32x4.add(v128.load(p, 32), a2), v128.load(bg, 32));
  v128.store(p, v0);
  v128.store(p, v1, 16);
  v128.store(p, v2, 32);
  v128.store(mp, f32x4.pmax(f32x4.pmax(f32x4.pmax(v128.load(mp), v0), v1), v2));
}

/**
 * Σₖ x_k·c_k over k in [k0, k1) for 6 query rows × 8 centres, added into the tile's logits at Lt
 * (row stride rowBytes); at the last chunk (`last`) less bh (at bg), with the rows' maxima kept at
 * Mt (foldRow). Both operands are packed so that one step of k reads one contiguous run
 * each, at immediate offsets: the tile's queries as xt[k][6], its centres as cg[k][8].
 */
// @ts-ignore: decorator
@inline function tile6x8(xt: usize, cg: usize, k0: i32, k1: i32, last: bool, Lt: usize, rowBytes: usize, bg: usize, Mt: usize): void {
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
  let a40 = f32x4.splat(0), a41 = f32x4.splat(0), a50 = f32x4.splat(0), a51 = f32x4.splat(0);
  let qp = xt + <usize>k0 * 24;
  const end = cg + (<usize>k1 << 5);
  for (let cp = cg + (<usize>k0 << 5); cp < end; cp += 32) {
    const c0 = v128.load(cp);
    const c1 = v128.load(cp, 16);
    let x = v128.load32_splat(qp);
    a00 = madd(x, c0, a00);
    a01 = madd(x, c1, a01);
    x = v128.load32_splat(qp, 4);
    a10 = madd(x, c0, a10);
    a11 = madd(x, c1, a11);
    x = v128.load32_splat(qp, 8);
    a20 = madd(x, c0, a20);
    a21 = madd(x, c1, a21);
    x = v128.load32_splat(qp, 12);
    a30 = madd(x, c0, a30);
    a31 = madd(x, c1, a31);
    x = v128.load32_splat(qp, 16);
    a40 = madd(x, c0, a40);
    a41 = madd(x, c1, a41);
    x = v128.load32_splat(qp, 20);
    a50 = madd(x, c0, a50);
    a51 = madd(x, c1, a51);
    qp += 24;
  }
  const first = k0 == 0;
  const b0 = last ? v128.load(bg) : f32x4.splat(0);
  const b1 = last ? v128.load(bg, 16) : f32x4.splat(0);
  foldRow(Lt, a00, a01, first, last, b0, b1, Mt);
  foldRow(Lt + rowBytes, a10, a11, first, last, b0, b1, Mt + 16);
  foldRow(Lt + 2 * rowBytes, a20, a21, first, last, b0, b1, Mt + 32);
  foldRow(Lt + 3 * rowBytes, a30, a31, first, last, b0, b1, Mt + 48);
  foldRow(Lt + 4 * rowBytes, a40, a41, first, last, b0, b1, Mt + 64);
  foldRow(Lt + 5 * rowBytes, a50, a51, first, last, b0, b1, Mt + 80);
}

/** The same for 3 rows × 12 centres (xt[k][3], cg[k][12]), for the build without fused multiply-add. */
// @ts-ignore: decorator
@inline function tile3x12(xt: usize, cg: usize, k0: i32, k1: i32, last: bool, Lt: usize, rowBytes: usize, bg: usize, Mt: usize): void {
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a02 = f32x4.splat(0);
  let a10 = f32x4.splat(0), a11 = f32x4.splat(0), a12 = f32x4.splat(0);
  let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a22 = f32x4.splat(0);
  let qp = xt + <usize>k0 * 12;
  const end = cg + <usize>k1 * 48;
  for (let cp = cg + <usize>k0 * 48; cp < end; cp += 48) {
    const c0 = v128.load(cp);
    const c1 = v128.load(cp, 16);
    const c2 = v128.load(cp, 32);
    let x = v128.load32_splat(qp);
    a00 = madd(x, c0, a00);
    a01 = madd(x, c1, a01);
    a02 = madd(x, c2, a02);
    x = v128.load32_splat(qp, 4);
    a10 = madd(x, c0, a10);
    a11 = madd(x, c1, a11);
    a12 = madd(x, c2, a12);
    x = v128.load32_splat(qp, 8);
    a20 = madd(x, c0, a20);
    a21 = madd(x, c1, a21);
    a22 = madd(x, c2, a22);
    qp += 12;
  }
  const first = k0 == 0;
  foldRow3(Lt, a00, a01, a02, first, last, bg, Mt);
  foldRow3(Lt + rowBytes, a10, a11, a12, first, last, bg, Mt + 16);
  foldRow3(Lt + 2 * rowBytes, a20, a21, a22, first, last, bg, Mt + 32);
}

/**
 * A pair tile (relaxed build): 2 query rows × 24 centres, the three groups of eight at cg,
 * cg + gBytes and cg + 2·gBytes, added into the pair's logits at Lt. Twelve accumulators, two
 * broadcasts and one loaded vector at a time: as many loads per multiply-add as 6 × 8, so a slab's
 * last 1–4 rows cost a third of a padded 6-row tile per pair instead of a whole one. The queries are
 * packed xt[k][2]. Each (row, centre) sum runs over k in the same order as in tile6x8: same bits.
 */
// @ts-ignore: decorator
@inline function tile2x24(xt: usize, cg: usize, gBytes: usize, k0: i32, k1: i32, Lt: usize, rowBytes: usize): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0), a4 = f32x4.splat(0), a5 = f32x4.splat(0);
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0), b4 = f32x4.splat(0), b5 = f32x4.splat(0);
  let qp = xt + <usize>k0 * 8;
  let p1 = cg + gBytes + (<usize>k0 << 5);
  let p2 = cg + 2 * gBytes + (<usize>k0 << 5);
  const end = cg + (<usize>k1 << 5);
  for (let p0 = cg + (<usize>k0 << 5); p0 < end; p0 += 32) {
    const x0 = v128.load32_splat(qp);
    const x1 = v128.load32_splat(qp, 4);
    let c = v128.load(p0);
    a0 = madd(x0, c, a0);
    b0 = madd(x1, c, b0);
    c = v128.load(p0, 16);
    a1 = madd(x0, c, a1);
    b1 = madd(x1, c, b1);
    c = v128.load(p1);
    a2 = madd(x0, c, a2);
    b2 = madd(x1, c, b2);
    c = v128.load(p1, 16);
    a3 = madd(x0, c, a3);
    b3 = madd(x1, c, b3);
    c = v128.load(p2);
    a4 = madd(x0, c, a4);
    b4 = madd(x1, c, b4);
    c = v128.load(p2, 16);
    a5 = madd(x0, c, a5);
    b5 = madd(x1, c, b5);
    qp += 8;
    p1 += 32;
    p2 += 32;
  }
  const first = k0 == 0;
  fold(Lt, a0, first);
  fold(Lt + 16, a1, first);
  fold(Lt + 32, a2, first);
  fold(Lt + 48, a3, first);
  fold(Lt + 64, a4, first);
  fold(Lt + 80, a5, first);
  fold(Lt + rowBytes, b0, first);
  fold(Lt + rowBytes + 16, b1, first);
  fold(Lt + rowBytes + 32, b2, first);
  fold(Lt + rowBytes + 48, b3, first);
  fold(Lt + rowBytes + 64, b4, first);
  fold(Lt + rowBytes + 80, b5, first);
}

/** A pair tile over one group of eight centres, for the last 8 or 16 when nP is not a multiple of 24. */
// @ts-ignore: decorator
@inline function tile2x8(xt: usize, cg: usize, k0: i32, k1: i32, Lt: usize, rowBytes: usize): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), b0 = f32x4.splat(0), b1 = f32x4.splat(0);
  let qp = xt + <usize>k0 * 8;
  const end = cg + (<usize>k1 << 5);
  for (let cp = cg + (<usize>k0 << 5); cp < end; cp += 32) {
    const x0 = v128.load32_splat(qp);
    const x1 = v128.load32_splat(qp, 4);
    const c0 = v128.load(cp);
    const c1 = v128.load(cp, 16);
    a0 = madd(x0, c0, a0);
    a1 = madd(x0, c1, a1);
    b0 = madd(x1, c0, b0);
    b1 = madd(x1, c1, b1);
    qp += 8;
  }
  const first = k0 == 0;
  fold(Lt, a0, first);
  fold(Lt + 16, a1, first);
  fold(Lt + rowBytes, b0, first);
  fold(Lt + rowBytes + 16, b1, first);
}

/**
 * Subtracts bh from `rows` rows' logits of centres [g, g + width) at L and keeps their running
 * maxima in M: for the pair tiles' rows (whole tiles do the same in foldRow, from registers).
 */
// @ts-ignore: decorator
@inline function logitsEpilogue(L: usize, rowBytes: usize, r0: i32, rows: i32, g: i32, width: i32, bh: usize, M: usize): void {
  const bg = bh + (<usize>g << 2);
  for (let i = r0; i < r0 + rows; i++) {
    const p = L + <usize>i * rowBytes + (<usize>g << 2);
    const mp = M + (<usize>i << 4);
    let mx = v128.load(mp);
    for (let j = 0; j < width; j += 4) {
      const o = <usize>j << 2;
      const v = f32x4.sub(v128.load(p + o), v128.load(bg + o));
      v128.store(p + o, v);
      mx = f32x4.pmax(mx, v);
    }
    v128.store(mp, mx);
  }
}

/**
 * Phase 1 for a slab of `tiles` × TR rows, then `pairs` × 2 rows: logits in the inner-product form, float32,
 * L[r][μ] = x_r·c_μ − bh_μ with x_r = (s/Δ)·q_r and bh_μ = (s²/Δ)|c_μ|²/2 − lw_μ (the |q_r|²/(2Δ) of
 * the squared distance is the same for every centre of a row and cancels in the softmax). xs holds
 * the slab's queries tile by tile (xs[t][k][TR], then the pairs' xs[p][k][2]), ct the centres tile by
 * tile (ct[g][k][TC]). Centres are the outer loop, so each tile's worth of centres is read from
 * memory once per slab (at d = 784 the centres outgrow L2); a pair tile takes three groups at once,
 * which the next two groups' tiles then find in cache. A whole tile's last chunk subtracts bh from its
 * accumulators and keeps each row's running maximum (four lanes, in M) before it stores them
 * (foldRow); the pair tiles' rows get the same from logitsEpilogue once their groups are done.
 */
function logitsSlab(xs: usize, tiles: i32, pairs: i32, d: i32, kc: i32, nP: i32, ct: usize, bh: usize, L: usize, M: usize): void {
  const rowBytes = <usize>nP << 2;
  const tileBytes = <usize>(d * TR) << 2;
  const pairBytes = <usize>(d * 2) << 2;
  const gBytes = <usize>(d * TC) << 2;
  const xp = xs + <usize>tiles * tileBytes;
  const rowsP = tiles * TR;
  for (let r = 0; r < rowsP + 2 * pairs; r++) v128.store(M + (<usize>r << 4), f32x4.splat(-Infinity));
  for (let g = 0; g < nP; g += TC) {
    const cg = ct + <usize>g * (<usize>d << 2);
    const bg = bh + (<usize>g << 2);
    // the pair tiles run at every third group, over it and the next two (or what is left of nP)
    const span = ASC_FEATURE_RELAXED_SIMD && pairs > 0 && g % (3 * TC) == 0 ? min(3 * TC, nP - g) : 0;
    // chunks of coordinates outer, tiles inner: a chunk of these centres and of every tile's
    // queries stay in L1 together (at d = 784 a whole tile of each would not)
    for (let k0 = 0; k0 < d; k0 += kc) {
      const k1 = min(d, k0 + kc);
      const last = k1 == d;
      for (let t = 0; t < tiles; t++) {
        const xt = xs + <usize>t * tileBytes;
        const Lt = L + <usize>(t * TR) * rowBytes + (<usize>g << 2);
        const Mt = M + (<usize>(t * TR) << 4);
        if (ASC_FEATURE_RELAXED_SIMD) tile6x8(xt, cg, k0, k1, last, Lt, rowBytes, bg, Mt);
        else tile3x12(xt, cg, k0, k1, last, Lt, rowBytes, bg, Mt);
      }
      if (ASC_FEATURE_RELAXED_SIMD) {
        for (let p = 0; p < pairs && span > 0; p++) {
          const xt = xp + <usize>p * pairBytes;
          const Lt = L + <usize>(rowsP + 2 * p) * rowBytes + (<usize>g << 2);
          if (span == 3 * TC) tile2x24(xt, cg, gBytes, k0, k1, Lt, rowBytes);
          else for (let j = 0; j < span; j += TC) tile2x8(xt, cg + <usize>(j / TC) * gBytes, k0, k1, Lt + (<usize>j << 2), rowBytes);
        }
      }
    }
    if (span > 0) logitsEpilogue(L, rowBytes, rowsP, 2 * pairs, g, span, bh, M);
  }
}

/**
 * Squared distance |qs − c_μ|² of one row (dp float32, zero padded, qs = q/s) to centre μ of ca
 * (blocks of TC coordinates: ca[kb][μ][TC]): direct differences, float32 over about 64
 * coordinates, float64 across them. No cancellation.
 */
// @ts-ignore: decorator
@inline function exactDist(qs: usize, ca: usize, mu: i32, n: i32, dp: i32): f64 {
  const blockBytes = <usize>(n * TC) << 2;
  const per = 64 / TC;
  let a = ca + (<usize>(mu * TC) << 2);
  let total: f64 = 0;
  for (let k0 = 0; k0 < dp; k0 += per * TC) {
    const k1 = min(dp, k0 + per * TC);
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0);
    for (let k = k0; k < k1; k += TC) {
      const o = <usize>k << 2;
      const t0 = f32x4.sub(v128.load(qs + o), v128.load(a));
      const t1 = f32x4.sub(v128.load(qs + o, 16), v128.load(a, 16));
      s0 = madd(t0, t0, s0);
      s1 = madd(t1, t1, s1);
      if (!ASC_FEATURE_RELAXED_SIMD) {
        const t2 = f32x4.sub(v128.load(qs + o, 32), v128.load(a, 32));
        s2 = madd(t2, t2, s2);
      }
      a += blockBytes;
    }
    total += sum4(s0) + sum4(s1) + sum4(s2);
  }
  return total;
}

/** A row's candidates are recomputed exactly when no more than this many survive the margin... */
// @ts-ignore: decorator
@inline function exactLimit(n: i32): i32 {
  return (n >> 3) + 8;
}
/**
 * ...or, however many, when the row's error bound E exceeds this. E is a worst case (every
 * rounding of the float32 chains in the same direction); the errors measured on the backward
 * run's states are two or more orders of magnitude below it.
 */
// @ts-ignore: decorator
@inline const E_MAX: f64 = 1e-2;
/** ...or when the float32 logits of the maximum's near-ties, recomputed anyway, are off by more than this. */
// @ts-ignore: decorator
@inline const SEEN_MAX: f64 = 2e-5;

// the maximum and first argmax of the last `recompute`
let recomputedTop: f64 = -Infinity;
let recomputedArg: i32 = 0;

/** The same for the `count` centres already listed in cidx (in index order). */
function recomputeListed(count: i32, n: i32, qsRow: usize, ca: usize, dp: i32, lw: usize, coef: f64, cidx: usize, clog: usize): i32 {
  let top: f64 = -Infinity;
  let arg = 0;
  for (let j = 0; j < count; j++) {
    const c = load<i32>(cidx + (<usize>j << 2));
    const l = (lw != 0 ? <f64>load<f32>(lw + (<usize>c << 2)) : 0) - coef * exactDist(qsRow, ca, c, n, dp);
    store<f64>(clog + (<usize>j << 3), l);
    if (l > top) {
      top = l;
      arg = c;
    }
  }
  recomputedTop = top;
  recomputedArg = arg;
  return count;
}

/**
 * Exact logits lw − s²/(2Δ)·|q/s − c|² for the centres whose float32 logit in Lr is ≥ cut, in index
 * order: their indices to cidx, logits (float64) to clog; their maximum and first argmax (strict >,
 * as the reference keeps the first of tied centres) to recomputedTop and recomputedArg. Returns
 * how many.
 */
function recompute(cut: v128, Lr: usize, n: i32, qsRow: usize, ca: usize, dp: i32, lw: usize, coef: f64, cidx: usize, clog: usize): i32 {
  let top: f64 = -Infinity;
  let arg = 0;
  let cands = 0;
  for (let mu = 0; mu < n; mu += 4) {
    let mask = i32x4.bitmask(f32x4.ge(v128.load(Lr + (<usize>mu << 2)), cut));
    while (mask != 0) {
      const c = mu + <i32>ctz(mask);
      mask &= mask - 1;
      if (c >= n) break;
      const l = (lw != 0 ? <f64>load<f32>(lw + (<usize>c << 2)) : 0) - coef * exactDist(qsRow, ca, c, n, dp);
      store<i32>(cidx + (<usize>cands << 2), c);
      store<f64>(clog + (<usize>cands << 3), l);
      cands++;
      if (l > top) {
        top = l;
        arg = c;
      }
    }
  }
  recomputedTop = top;
  recomputedArg = arg;
  return cands;
}

/** <f32>(<f64>v_i · alpha) per lane i of four float32 (alpha splat in both lanes of av). */
// @ts-ignore: decorator
@inline function scaleLanes(v: v128, av: v128): v128 {
  const lo = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v), av));
  const hi = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 0)), av));
  return i64x2.shuffle(lo, hi, 0, 2);
}

/** acc + x_i² in float64 for lanes 0 and 1 of four float32. */
// @ts-ignore: decorator
@inline function addSquaresLow(acc: v128, x: v128): v128 {
  const w = f64x2.promote_low_f32x4(x);
  return f64x2.add(acc, f64x2.mul(w, w));
}

/** The same for lanes 2 and 3. */
// @ts-ignore: decorator
@inline function addSquaresHigh(acc: v128, x: v128): v128 {
  const w = f64x2.promote_low_f32x4(i64x2.shuffle(x, x, 1, 0));
  return f64x2.add(acc, f64x2.mul(w, w));
}

/**
 * Lanes of x to four packed rows' coordinate. With 6-row tiles the rows of an even pair are
 * adjacent (a tile and a pair tile hold an even number of rows), so two 8-byte stores do.
 */
// @ts-ignore: decorator
@inline function storeLanes(x: v128, pa: usize, pb: usize, pc: usize, pd: usize): void {
  if (TR % 2 == 0) {
    v128.store64_lane(pa, x, 0);
    v128.store64_lane(pc, x, 1);
  } else {
    v128.store32_lane(pa, x, 0);
    v128.store32_lane(pb, x, 1);
    v128.store32_lane(pc, x, 2);
    v128.store32_lane(pd, x, 3);
  }
}

/** Where row r of a slab's packed queries starts: in its tile (xs[t][k][TR]) or, past `tiles` whole tiles, its pair (xs[p][k][2]). */
// @ts-ignore: decorator
@inline function packedAt(xs: usize, r: i32, tiles: i32, d: i32): usize {
  const pr = r - tiles * TR;
  return xs + (<usize>(r < tiles * TR ? (r / TR) * d * TR + r % TR : tiles * TR * d + (pr >> 1) * d * 2 + (pr & 1)) << 2);
}

/** Bytes between a packed row's consecutive coordinates. */
// @ts-ignore: decorator
@inline function packedStride(r: i32, tiles: i32): usize {
  return <usize>(r < tiles * TR ? TR : 2) << 2;
}

/**
 * softmaxDenoise for rows [0, rows) of q (rows × d float32, row-major). Centres: ct (in groups
 * of TC = centreBlock(), coordinate-major inside a group: ct[g][k][j]), ca (n × dp float32 in blocks of TC
 * coordinates, ca[kb][μ][TC], dp = d padded to a multiple of TC) and hn (nP float64: |c|²/2; padding centres hold +∞). nP: n padded to a multiple
 * of the tile's centres (centreBlock). lw: n float32 log weights or 0. s and variance of the
 * step. Results: out (rows rounded up to a multiple of 6, × dp float32), nearest (rows int32). scratch: scratchBytes(d, nP, dp)
 * bytes, 16-aligned. `phases` (for the benchmark's breakdown; the sampler passes 3): 1 stops after
 * the inner products, 2 after the softmax, 3 runs all. Returns the weighted sum's multiply-adds
 * (row × surviving centre × coordinate, over each tile's union of survivors).
 *
 * Accuracy. The inner-product form cancels: its logits carry an error up to
 * E = u·((kc + ⌈d/kc⌉ + 2)·|x|·max|c| + 2·max|bh|) (float32 chains of kc = chainLength(d) coordinates, their
 * sums added in float32; u = 2⁻²⁴), large at small Δ and large |c|². So every centre within 87 + 2E
 * of the row's maximum is a candidate; when few are (the usual case below t ≈ 0.5), or when E > E_MAX
 * (small Δ, large |c|²), their distances are recomputed by direct differences (q/s − c)² with
 * float64 sums and the softmax runs on those exact logits. Otherwise (a mixing softmax, where s²/Δ
 * and so E are small) the maximum's near-ties are recomputed (to pick the first nearest centre as
 * the float64 reference does, and to measure the float32 logits' actual error on the row): if that
 * error exceeds SEEN_MAX all candidates are recomputed after all, else the float32 logits stand.
 */
export function denoise(
  q: usize, rows: i32, d: i32, n: i32, nP: i32, dp: i32,
  ct: usize, ca: usize, hn: usize, lw: usize, s: f64, variance: f64,
  out: usize, nearest: usize, scratch: usize, phases: i32,
): f64 {
  // whole tiles and up to two pair tiles
  const tilesMax = SLAB / TR + 2;
  const xs = scratch;
  const errs = xs + ((<usize>(SLAB * d) << 2) + 15 & ~15);
  const M = errs + (<usize>SLAB << 3);
  const zinv = M + (<usize>SLAB << 4);
  const bh = zinv + (<usize>SLAB << 2);
  const L = bh + (<usize>nP << 2);
  const qsRow = L + (<usize>(SLAB * nP) << 2);
  const cidx = qsRow + (<usize>dp << 2);
  const clog = cidx + (<usize>nP << 2);
  const counts = clog + (<usize>nP << 3);
  const idx = counts + (<usize>SLAB << 2);
  const Wp = idx + (<usize>(tilesMax * nP) << 2);
  const tmp = Wp + (<usize>(tilesMax * nP * WPS) << 2);
  const rowBytes = <usize>nP << 2;
  const outRow = <usize>dp << 2;
  const qRow = <usize>d << 2;
  const invS = 1.0 / s;
  const alpha = s / variance;
  const alphav = f64x2.splat(alpha);
  const beta = s * s / variance;
  const coef = s * s / (2.0 * variance);
  const log2e = splatAt(1), magic = splatAt(2), ln2hi = splatAt(3), ln2lo = splatAt(4);
  const p0 = splatAt(5), p1 = splatAt(6), p2 = splatAt(7), p3 = splatAt(8), p4 = splatAt(9), p5 = splatAt(10);
  const one = splatAt(11), floor = splatAt(12);
  const bias = i32x4.splat(127 - 0x4B400000);
  const zero = f32x4.splat(0);

  // bh_μ = β|c_μ|²/2 − lw_μ for this step; padding centres +∞ (logit −∞). Four centres at a time in
  // float64 lanes: the same multiply, subtraction and rounding per centre; the maxima are of
  // values ≥ 0, so their order does not matter
  const betav = f64x2.splat(beta);
  let hm = f64x2.splat(0), bm = f64x2.splat(0);
  let mu = 0;
  for (; mu + 4 <= n; mu += 4) {
    const h0 = v128.load(hn + (<usize>mu << 3));
    const h1 = v128.load(hn + (<usize>mu << 3), 16);
    hm = f64x2.pmax(hm, f64x2.pmax(h0, h1));
    let v0 = f64x2.mul(betav, h0);
    let v1 = f64x2.mul(betav, h1);
    if (lw != 0) {
      const l = v128.load(lw + (<usize>mu << 2));
      v0 = f64x2.sub(v0, f64x2.promote_low_f32x4(l));
      v1 = f64x2.sub(v1, f64x2.promote_low_f32x4(i64x2.shuffle(l, l, 1, 0)));
    }
    bm = f64x2.pmax(bm, f64x2.pmax(f64x2.abs(v0), f64x2.abs(v1)));
    v128.store(bh + (<usize>mu << 2), i64x2.shuffle(f32x4.demote_f64x2_zero(v0), f32x4.demote_f64x2_zero(v1), 0, 2));
  }
  let hmax: f64 = max(f64x2.extract_lane(hm, 0), f64x2.extract_lane(hm, 1));
  let bhmax: f64 = max(f64x2.extract_lane(bm, 0), f64x2.extract_lane(bm, 1));
  for (; mu < nP; mu++) {
    if (mu >= n) {
      store<f32>(bh + (<usize>mu << 2), Infinity);
      continue;
    }
    const h = load<f64>(hn + (<usize>mu << 3));
    hmax = max(hmax, h);
    const v = beta * h - (lw != 0 ? <f64>load<f32>(lw + (<usize>mu << 2)) : 0);
    bhmax = max(bhmax, abs(v));
    store<f32>(bh + (<usize>mu << 2), <f32>v);
  }
  const amax = Math.sqrt(2 * hmax);
  const kc = chainLength(d);
  const chains = (d + kc - 1) / kc;
  const errGain = U32 * <f64>(kc + chains + 2) * amax * 1.0625;
  const errBase = U32 * 2 * bhmax * 1.0625;
  let work: f64 = 0;

  for (let s0 = 0; s0 < rows; s0 += SLAB) {
    const live = min(SLAB, rows - s0);
    // whole tiles, then (relaxed build) the last 1–4 rows in pair tiles; 5 left over fill a tile
    const pairs = ASC_FEATURE_RELAXED_SIMD && live % TR <= 4 ? (live % TR + 1) / 2 : 0;
    const tiles = pairs > 0 ? live / TR : (live + TR - 1) / TR;
    const padded = tiles * TR + 2 * pairs;
    // x = (s/Δ)·q packed tile by tile (xs[t][k][TR], then xs[p][k][2]), rows past `live` zero; each row's error bound E.
    // Four rows at a time, in the lanes of a vector (four coordinates of each, transposed): x in
    // float64 lanes rounded to float32 as one row's scalar code does, and |x|² in four independent
    // float64 chains, each summed in the same order as alone.
    let r = 0;
    for (; r + 4 <= live; r += 4) {
      let pa = packedAt(xs, r, tiles, d), pb = packedAt(xs, r + 1, tiles, d);
      let pc = packedAt(xs, r + 2, tiles, d), pd = packedAt(xs, r + 3, tiles, d);
      const sa = packedStride(r, tiles), sb = packedStride(r + 1, tiles);
      const sc = packedStride(r + 2, tiles), sd = packedStride(r + 3, tiles);
      const src = q + <usize>(s0 + r) * qRow;
      let nab = f64x2.splat(0), ncd = f64x2.splat(0);
      let k = 0;
      for (; k + 4 <= d; k += 4) {
        const o = <usize>k << 2;
        const qa = v128.load(src + o), qb = v128.load(src + qRow + o);
        const qc = v128.load(src + 2 * qRow + o), qd = v128.load(src + 3 * qRow + o);
        const t0 = i32x4.shuffle(qa, qb, 0, 4, 1, 5), t1 = i32x4.shuffle(qc, qd, 0, 4, 1, 5);
        const t2 = i32x4.shuffle(qa, qb, 2, 6, 3, 7), t3 = i32x4.shuffle(qc, qd, 2, 6, 3, 7);
        let x = scaleLanes(i64x2.shuffle(t0, t1, 0, 2), alphav);
        nab = addSquaresLow(nab, x);
        ncd = addSquaresHigh(ncd, x);
        storeLanes(x, pa, pb, pc, pd);
        pa += sa; pb += sb; pc += sc; pd += sd;
        x = scaleLanes(i64x2.shuffle(t0, t1, 1, 3), alphav);
        nab = addSquaresLow(nab, x);
        ncd = addSquaresHigh(ncd, x);
        storeLanes(x, pa, pb, pc, pd);
        pa += sa; pb += sb; pc += sc; pd += sd;
        x = scaleLanes(i64x2.shuffle(t2, t3, 0, 2), alphav);
        nab = addSquaresLow(nab, x);
        ncd = addSquaresHigh(ncd, x);
        storeLanes(x, pa, pb, pc, pd);
        pa += sa; pb += sb; pc += sc; pd += sd;
        x = scaleLanes(i64x2.shuffle(t2, t3, 1, 3), alphav);
        nab = addSquaresLow(nab, x);
        ncd = addSquaresHigh(ncd, x);
        storeLanes(x, pa, pb, pc, pd);
        pa += sa; pb += sb; pc += sc; pd += sd;
      }
      for (; k < d; k++) {
        const o = <usize>k << 2;
        let v = f32x4.splat(load<f32>(src + o));
        v = f32x4.replace_lane(v, 1, load<f32>(src + qRow + o));
        v = f32x4.replace_lane(v, 2, load<f32>(src + 2 * qRow + o));
        v = f32x4.replace_lane(v, 3, load<f32>(src + 3 * qRow + o));
        const x = scaleLanes(v, alphav);
        nab = addSquaresLow(nab, x);
        ncd = addSquaresHigh(ncd, x);
        storeLanes(x, pa, pb, pc, pd);
        pa += sa; pb += sb; pc += sc; pd += sd;
      }
      const e = errs + (<usize>r << 3);
      store<f64>(e, errGain * Math.sqrt(f64x2.extract_lane(nab, 0)) + errBase);
      store<f64>(e, errGain * Math.sqrt(f64x2.extract_lane(nab, 1)) + errBase, 8);
      store<f64>(e, errGain * Math.sqrt(f64x2.extract_lane(ncd, 0)) + errBase, 16);
      store<f64>(e, errGain * Math.sqrt(f64x2.extract_lane(ncd, 1)) + errBase, 24);
    }
    for (; r < padded; r++) {
      const dst = packedAt(xs, r, tiles, d);
      const stride = packedStride(r, tiles);
      if (r < live) {
        const src = q + <usize>(s0 + r) * qRow;
        let norm2: f64 = 0;
        for (let k = 0; k < d; k++) {
          const x = <f32>(<f64>load<f32>(src + (<usize>k << 2)) * alpha);
          store<f32>(dst + <usize>k * stride, x);
          norm2 += <f64>x * <f64>x;
        }
        store<f64>(errs + (<usize>r << 3), errGain * Math.sqrt(norm2) + errBase);
      } else {
        for (let k = 0; k < d; k++) store<f32>(dst + <usize>k * stride, 0);
      }
    }

    logitsSlab(xs, tiles, pairs, d, kc, nP, ct, bh, L, M);
    if (phases < 2) continue;

    // 2. per row: maximum, first argmax, weights (flushed below the floor), 1/normaliser
    for (let r = 0; r < padded; r++) {
      const Lr = L + <usize>r * rowBytes;
      if (r >= live) {
        memory.fill(Lr, 0, rowBytes);
        store<f32>(zinv + (<usize>r << 2), 0);
        continue;
      }
      const mv = v128.load(M + (<usize>r << 4));
      const best = max(max(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), max(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
      const E = load<f64>(errs + (<usize>r << 3));
      const slack = 4 * U32 * (abs(<f64>best) + 87);
      const tv = f32x4.splat(<f32>(<f64>best + <f64>FLOOR - 2 * E - slack));
      // one pass: how many candidates, and which centres tie the maximum within the error
      const nearTie = f32x4.splat(<f32>(<f64>best - 2 * E - slack));
      let count = 0;
      let ties = 0;
      for (let mu = 0; mu < nP; mu += 4) {
        const v = v128.load(Lr + (<usize>mu << 2));
        count += <i32>popcnt(i32x4.bitmask(f32x4.ge(v, tv)));
        let mask = i32x4.bitmask(f32x4.ge(v, nearTie));
        while (mask != 0) {
          const c = mu + <i32>ctz(mask);
          mask &= mask - 1;
          if (c < n) {
            store<i32>(cidx + (<usize>ties << 2), c);
            ties++;
          }
        }
      }
      let exact = count <= exactLimit(n) || E > E_MAX;
      // q/s, zero padded, for the direct form; |q/s|²·s²/(2Δ) is what the inner-product form omits
      const src = q + <usize>(s0 + r) * qRow;
      let qs2: f64 = 0;
      for (let k = 0; k < d; k++) {
        const v = <f32>(<f64>load<f32>(src + (<usize>k << 2)) * invS);
        store<f32>(qsRow + (<usize>k << 2), v);
        qs2 += <f64>v * <f64>v;
      }
      for (let k = d; k < dp; k++) store<f32>(qsRow + (<usize>k << 2), 0);
      // exact logits for all candidates, or only for the maximum's near-ties
      let cands = exact ? recompute(tv, Lr, n, qsRow, ca, dp, lw, coef, cidx, clog) : recomputeListed(ties, n, qsRow, ca, dp, lw, coef, cidx, clog);
      if (!exact) {
        // the near-ties' exact logits measure the float32 logits' actual error on this row
        const offset = coef * qs2;
        let seen: f64 = 0;
        for (let c = 0; c < cands; c++) {
          const approx = <f64>load<f32>(Lr + (<usize>load<i32>(cidx + (<usize>c << 2)) << 2));
          seen = max(seen, abs(approx - (load<f64>(clog + (<usize>c << 3)) + offset)));
        }
        if (seen > SEEN_MAX) {
          exact = true;
          cands = recompute(tv, Lr, n, qsRow, ca, dp, lw, coef, cidx, clog);
        }
      }
      const top = recomputedTop;
      const arg = recomputedArg;
      store<i32>(nearest + (<usize>(s0 + r) << 2), arg);
      let z: f64 = 0;
      if (exact) {
        // weights at the candidates only, from their exact logits; every other weight is 0
        memory.fill(Lr, 0, rowBytes);
        for (let c0 = 0; c0 < cands; c0 += 4) {
          let rel = f32x4.splat(-Infinity);
          for (let j = 0; j < 4; j++) {
            if (c0 + j < cands) store<f32>(tmp + (<usize>j << 2), <f32>(load<f64>(clog + (<usize>(c0 + j) << 3)) - top));
            else store<f32>(tmp + (<usize>j << 2), -Infinity);
          }
          rel = v128.load(tmp);
          const w = weights(rel, zero, log2e, magic, ln2hi, ln2lo, p0, p1, p2, p3, p4, p5, one, floor, bias);
          v128.store(tmp, w);
          for (let j = 0; j < 4 && c0 + j < cands; j++) {
            const wj = load<f32>(tmp + (<usize>j << 2));
            store<f32>(Lr + (<usize>load<i32>(cidx + (<usize>(c0 + j) << 2)) << 2), wj);
            z += <f64>wj;
          }
        }
      } else {
        const bv = f32x4.splat(best);
        let z0 = f64x2.splat(0), z1 = f64x2.splat(0);
        // float32 sums of eight weights per lane (≤ 8 ulp), added in float64
        for (let mu0 = 0; mu0 < nP; mu0 += 32) {
          const mu1 = min(nP, mu0 + 32);
          for (let mu = mu0; mu < mu1; mu += 4) {
            const p = Lr + (<usize>mu << 2);
            v128.store(p, weights(v128.load(p), bv, log2e, magic, ln2hi, ln2lo, p0, p1, p2, p3, p4, p5, one, floor, bias));
          }
          // summed in a loop of their own: beside the exp's constants a running sum spills, and its
          // chain then runs through memory
          let zf = zero;
          for (let mu = mu0; mu < mu1; mu += 4) zf = f32x4.add(zf, v128.load(Lr + (<usize>mu << 2)));
          z0 = f64x2.add(z0, f64x2.promote_low_f32x4(zf));
          z1 = f64x2.add(z1, f64x2.promote_low_f32x4(i32x4.shuffle(zf, zf, 2, 3, 0, 1)));
        }
        const zs = f64x2.add(z0, z1);
        z = f64x2.extract_lane(zs, 0) + f64x2.extract_lane(zs, 1);
      }
      store<f32>(zinv + (<usize>r << 2), <f32>(1.0 / z));
    }
    if (phases < 3) continue;

    // 3. per tile, the union of its rows' surviving centres (as byte offsets into a block of ca)
    // and their weights, packed one survivor per WPS floats; a tile whose union is every centre
    // (a mixing softmax: one of its rows keeps them all) is not packed, its sum reads L's rows
    const cRow = TC << 2;
    const lanes = i32x4(0, cRow, 2 * cRow, 3 * cRow);
    for (let t = 0; t < tiles; t++) {
      const Lt = L + <usize>(t * TR) * rowBytes;
      if (tileDense(Lt, rowBytes, n)) {
        // marked by a count of −1: sumTileDense reads the weights where phase 2 left them
        store<i32>(counts + (<usize>t << 2), -1);
        work += <f64>n * <f64>(TR * dp);
        continue;
      }
      const idxT = idx + (<usize>(t * nP) << 2);
      const WpT = Wp + (<usize>(t * nP * WPS) << 2);
      let count = 0;
      for (let mu = 0; mu < nP; mu += 4) {
        const p = Lt + (<usize>mu << 2);
        const v0 = v128.load(p);
        const v1 = v128.load(p + rowBytes);
        const v2 = v128.load(p + 2 * rowBytes);
        let any = v128.or(v128.or(v0, v1), v2);
        let v3 = zero, v4 = zero, v5 = zero;
        if (ASC_FEATURE_RELAXED_SIMD) {
          v3 = v128.load(p + 3 * rowBytes);
          v4 = v128.load(p + 4 * rowBytes);
          v5 = v128.load(p + 5 * rowBytes);
          any = v128.or(any, v128.or(v128.or(v3, v4), v5));
        }
        let mask = i32x4.bitmask(i32x4.ne(any, zero));
        if (mask == 0) continue;
        const wp = WpT + (<usize>(count * WPS) << 2);
        if (mask == 15) {
          // all four survive (a mixing softmax): transpose the rows' four weights into four records
          v128.store(idxT + (<usize>count << 2), i32x4.add(i32x4.splat(mu * cRow), lanes));
          const t0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5);
          const t1 = i32x4.shuffle(v2, v3, 0, 4, 1, 5);
          const t2 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
          const t3 = i32x4.shuffle(v2, v3, 2, 6, 3, 7);
          const step = <usize>WPS << 2;
          v128.store(wp, i64x2.shuffle(t0, t1, 0, 2));
          v128.store(wp + step, i64x2.shuffle(t0, t1, 1, 3));
          v128.store(wp + 2 * step, i64x2.shuffle(t2, t3, 0, 2));
          v128.store(wp + 3 * step, i64x2.shuffle(t2, t3, 1, 3));
          if (ASC_FEATURE_RELAXED_SIMD) {
            const u0 = i32x4.shuffle(v4, v5, 0, 4, 1, 5);
            const u1 = i32x4.shuffle(v4, v5, 2, 6, 3, 7);
            v128.store64_lane(wp, u0, 0, 16);
            v128.store64_lane(wp + step, u0, 1, 16);
            v128.store64_lane(wp + 2 * step, u1, 0, 16);
            v128.store64_lane(wp + 3 * step, u1, 1, 16);
          }
          count += 4;
          continue;
        }
        while (mask != 0) {
          const j = <i32>ctz(mask);
          mask &= mask - 1;
          store<i32>(idxT + (<usize>count << 2), (mu + j) * cRow);
          const w = WpT + (<usize>(count * WPS) << 2);
          for (let i = 0; i < TR; i++) store<f32>(w + (<usize>i << 2), load<f32>(p + <usize>i * rowBytes + (<usize>j << 2)));
          count++;
        }
      }
      store<i32>(counts + (<usize>t << 2), count);
      work += <f64>count * <f64>(TR * dp);
    }
    // the same for the pair tiles: the union of two rows, their weights in the first two floats of a record
    for (let p = 0; p < pairs; p++) {
      const t = tiles + p;
      const Lt = L + <usize>(tiles * TR + 2 * p) * rowBytes;
      const idxT = idx + (<usize>(t * nP) << 2);
      const WpT = Wp + (<usize>(t * nP * WPS) << 2);
      const step = <usize>WPS << 2;
      let count = 0;
      for (let mu = 0; mu < nP; mu += 4) {
        const q0 = Lt + (<usize>mu << 2);
        const v0 = v128.load(q0);
        const v1 = v128.load(q0 + rowBytes);
        let mask = i32x4.bitmask(i32x4.ne(v128.or(v0, v1), zero));
        if (mask == 0) continue;
        const wp = WpT + (<usize>(count * WPS) << 2);
        if (mask == 15) {
          v128.store(idxT + (<usize>count << 2), i32x4.add(i32x4.splat(mu * cRow), lanes));
          const u0 = i32x4.shuffle(v0, v1, 0, 4, 1, 5);
          const u1 = i32x4.shuffle(v0, v1, 2, 6, 3, 7);
          v128.store64_lane(wp, u0, 0);
          v128.store64_lane(wp + step, u0, 1);
          v128.store64_lane(wp + 2 * step, u1, 0);
          v128.store64_lane(wp + 3 * step, u1, 1);
          count += 4;
          continue;
        }
        while (mask != 0) {
          const j = <i32>ctz(mask);
          mask &= mask - 1;
          store<i32>(idxT + (<usize>count << 2), (mu + j) * cRow);
          const w = WpT + (<usize>(count * WPS) << 2);
          store<f32>(w, load<f32>(q0 + (<usize>j << 2)));
          store<f32>(w, load<f32>(q0 + rowBytes + (<usize>j << 2)), 4);
          count++;
        }
      }
      store<i32>(counts + (<usize>t << 2), count);
      work += <f64>count * <f64>(2 * dp);
    }
    // blocks of coordinates outer, tiles inner: a block of every centre (contiguous in ca) stays
    // in cache across the tiles
    const blockBytes = <usize>(n * TC) << 2;
    for (let k0 = 0; k0 < dp; k0 += TC) {
      const ak = ca + <usize>(k0 / TC) * blockBytes;
      for (let t = 0; t < tiles; t++) {
        const o = out + <usize>(s0 + t * TR) * outRow + (<usize>k0 << 2);
        const count = load<i32>(counts + (<usize>t << 2));
        if (count < 0) sumTileDense(ak, outRow, L + <usize>(t * TR) * rowBytes, rowBytes, n, o, zinv + (<usize>(t * TR) << 2));
        else sumTile(ak, outRow, idx + (<usize>(t * nP) << 2), Wp + (<usize>(t * nP * WPS) << 2), count, o, zinv + (<usize>(t * TR) << 2));
      }
      // pair tiles take three blocks at every third one (or what is left of dp)
      const span = ASC_FEATURE_RELAXED_SIMD && k0 % (3 * TC) == 0 ? min(3 * TC, dp - k0) : 0;
      for (let p = 0; p < pairs && span > 0; p++) {
        const t = tiles + p;
        const r = tiles * TR + 2 * p;
        const o = out + <usize>(s0 + r) * outRow + (<usize>k0 << 2);
        const idxT = idx + (<usize>(t * nP) << 2);
        const WpT = Wp + (<usize>(t * nP * WPS) << 2);
        const count = load<i32>(counts + (<usize>t << 2));
        const zr = zinv + (<usize>r << 2);
        if (span == 3 * TC) sumPair24(ak, blockBytes, outRow, idxT, WpT, count, o, zr);
        else for (let j = 0; j < span; j += TC) sumPair8(ak + <usize>(j / TC) * blockBytes, outRow, idxT, WpT, count, o + (<usize>j << 2), zr);
      }
    }
  }
  return work;
}

/**
 * One pair tile of the weighted sum: 2 rows × 24 coordinates (the blocks of ca at ak, ak + B and
 * ak + 2B), over the pair's survivors, times 1/Z. Same order of additions per (row, coordinate) as
 * sumTile, over the pair's union instead of the tile's: the extra terms of a larger union are
 * exact zeros, so the bits agree.
 */
// @ts-ignore: decorator
@inline function sumPair24(ak: usize, B: usize, outRow: usize, idxT: usize, WpT: usize, count: i32, o: usize, zr: usize): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0), a4 = f32x4.splat(0), a5 = f32x4.splat(0);
  let b0 = f32x4.splat(0), b1 = f32x4.splat(0), b2 = f32x4.splat(0), b3 = f32x4.splat(0), b4 = f32x4.splat(0), b5 = f32x4.splat(0);
  let ip = idxT;
  const wEnd = WpT + <usize>count * (<usize>WPS << 2);
  for (let wp = WpT; wp < wEnd; wp += <usize>WPS << 2) {
    const ap = ak + <usize>load<i32>(ip);
    ip += 4;
    const w0 = v128.load32_splat(wp);
    const w1 = v128.load32_splat(wp, 4);
    let c = v128.load(ap);
    a0 = madd(w0, c, a0);
    b0 = madd(w1, c, b0);
    c = v128.load(ap, 16);
    a1 = madd(w0, c, a1);
    b1 = madd(w1, c, b1);
    c = v128.load(ap + B);
    a2 = madd(w0, c, a2);
    b2 = madd(w1, c, b2);
    c = v128.load(ap + B, 16);
    a3 = madd(w0, c, a3);
    b3 = madd(w1, c, b3);
    c = v128.load(ap + 2 * B);
    a4 = madd(w0, c, a4);
    b4 = madd(w1, c, b4);
    c = v128.load(ap + 2 * B, 16);
    a5 = madd(w0, c, a5);
    b5 = madd(w1, c, b5);
  }
  let z = v128.load32_splat(zr);
  v128.store(o, f32x4.mul(a0, z));
  v128.store(o, f32x4.mul(a1, z), 16);
  v128.store(o, f32x4.mul(a2, z), 32);
  v128.store(o, f32x4.mul(a3, z), 48);
  v128.store(o, f32x4.mul(a4, z), 64);
  v128.store(o, f32x4.mul(a5, z), 80);
  z = v128.load32_splat(zr, 4);
  v128.store(o + outRow, f32x4.mul(b0, z));
  v128.store(o + outRow, f32x4.mul(b1, z), 16);
  v128.store(o + outRow, f32x4.mul(b2, z), 32);
  v128.store(o + outRow, f32x4.mul(b3, z), 48);
  v128.store(o + outRow, f32x4.mul(b4, z), 64);
  v128.store(o + outRow, f32x4.mul(b5, z), 80);
}

/** A pair tile of the weighted sum over one block of eight coordinates, for the last 8 or 16 of dp. */
// @ts-ignore: decorator
@inline function sumPair8(ak: usize, outRow: usize, idxT: usize, WpT: usize, count: i32, o: usize, zr: usize): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), b0 = f32x4.splat(0), b1 = f32x4.splat(0);
  let ip = idxT;
  const wEnd = WpT + <usize>count * (<usize>WPS << 2);
  for (let wp = WpT; wp < wEnd; wp += <usize>WPS << 2) {
    const ap = ak + <usize>load<i32>(ip);
    ip += 4;
    const w0 = v128.load32_splat(wp);
    const w1 = v128.load32_splat(wp, 4);
    const c0 = v128.load(ap);
    const c1 = v128.load(ap, 16);
    a0 = madd(w0, c0, a0);
    a1 = madd(w0, c1, a1);
    b0 = madd(w1, c0, b0);
    b1 = madd(w1, c1, b1);
  }
  let z = v128.load32_splat(zr);
  v128.store(o, f32x4.mul(a0, z));
  v128.store(o, f32x4.mul(a1, z), 16);
  z = v128.load32_splat(zr, 4);
  v128.store(o + outRow, f32x4.mul(b0, z));
  v128.store(o + outRow, f32x4.mul(b1, z), 16);
}

/** A weighted-sum tile's six rows of eight coordinates (two vectors a row), each times its row's 1/Z, to out. */
// @ts-ignore: decorator
@inline function storeTile6x8(
  o: usize, outRow: usize, zr: usize,
  b00: v128, b01: v128, b10: v128, b11: v128, b20: v128, b21: v128,
  b30: v128, b31: v128, b40: v128, b41: v128, b50: v128, b51: v128,
): void {
  let z = v128.load32_splat(zr);
  v128.store(o, f32x4.mul(b00, z));
  v128.store(o, f32x4.mul(b01, z), 16);
  z = v128.load32_splat(zr, 4);
  v128.store(o + outRow, f32x4.mul(b10, z));
  v128.store(o + outRow, f32x4.mul(b11, z), 16);
  z = v128.load32_splat(zr, 8);
  v128.store(o + 2 * outRow, f32x4.mul(b20, z));
  v128.store(o + 2 * outRow, f32x4.mul(b21, z), 16);
  z = v128.load32_splat(zr, 12);
  v128.store(o + 3 * outRow, f32x4.mul(b30, z));
  v128.store(o + 3 * outRow, f32x4.mul(b31, z), 16);
  z = v128.load32_splat(zr, 16);
  v128.store(o + 4 * outRow, f32x4.mul(b40, z));
  v128.store(o + 4 * outRow, f32x4.mul(b41, z), 16);
  z = v128.load32_splat(zr, 20);
  v128.store(o + 5 * outRow, f32x4.mul(b50, z));
  v128.store(o + 5 * outRow, f32x4.mul(b51, z), 16);
}

/** The same for three rows of twelve coordinates (the build without fused multiply-add). */
// @ts-ignore: decorator
@inline function storeTile3x12(
  o: usize, outRow: usize, zr: usize,
  b00: v128, b01: v128, b02: v128, b10: v128, b11: v128, b12: v128, b20: v128, b21: v128, b22: v128,
): void {
  let z = v128.load32_splat(zr);
  v128.store(o, f32x4.mul(b00, z));
  v128.store(o, f32x4.mul(b01, z), 16);
  v128.store(o, f32x4.mul(b02, z), 32);
  z = v128.load32_splat(zr, 4);
  v128.store(o + outRow, f32x4.mul(b10, z));
  v128.store(o + outRow, f32x4.mul(b11, z), 16);
  v128.store(o + outRow, f32x4.mul(b12, z), 32);
  z = v128.load32_splat(zr, 8);
  v128.store(o + 2 * outRow, f32x4.mul(b20, z));
  v128.store(o + 2 * outRow, f32x4.mul(b21, z), 16);
  v128.store(o + 2 * outRow, f32x4.mul(b22, z), 32);
}

/**
 * One tile of the weighted sum: TR rows × TC coordinates, Σ_j w[j][i]·a[idx[j]][k] over the tile's
 * survivors (ak: the block of ca holding the tile's coordinates; idx: byte offsets of the
 * survivors' runs in it), times 1/Z.
 */
// @ts-ignore: decorator
@inline function sumTile(ak: usize, outRow: usize, idxT: usize, WpT: usize, count: i32, o: usize, zr: usize): void {
  if (ASC_FEATURE_RELAXED_SIMD) {
    let b00 = f32x4.splat(0), b01 = f32x4.splat(0), b10 = f32x4.splat(0), b11 = f32x4.splat(0);
    let b20 = f32x4.splat(0), b21 = f32x4.splat(0), b30 = f32x4.splat(0), b31 = f32x4.splat(0);
    let b40 = f32x4.splat(0), b41 = f32x4.splat(0), b50 = f32x4.splat(0), b51 = f32x4.splat(0);
    let ip = idxT;
    const wEnd = WpT + <usize>count * (<usize>WPS << 2);
    for (let wp = WpT; wp < wEnd; wp += <usize>WPS << 2) {
      const ap = ak + <usize>load<i32>(ip);
      ip += 4;
      const a0 = v128.load(ap);
      const a1 = v128.load(ap, 16);
      let w = v128.load32_splat(wp);
      b00 = madd(w, a0, b00);
      b01 = madd(w, a1, b01);
      w = v128.load32_splat(wp, 4);
      b10 = madd(w, a0, b10);
      b11 = madd(w, a1, b11);
      w = v128.load32_splat(wp, 8);
      b20 = madd(w, a0, b20);
      b21 = madd(w, a1, b21);
      w = v128.load32_splat(wp, 12);
      b30 = madd(w, a0, b30);
      b31 = madd(w, a1, b31);
      w = v128.load32_splat(wp, 16);
      b40 = madd(w, a0, b40);
      b41 = madd(w, a1, b41);
      w = v128.load32_splat(wp, 20);
      b50 = madd(w, a0, b50);
      b51 = madd(w, a1, b51);
    }
    storeTile6x8(o, outRow, zr, b00, b01, b10, b11, b20, b21, b30, b31, b40, b41, b50, b51);
  } else {
    let b00 = f32x4.splat(0), b01 = f32x4.splat(0), b02 = f32x4.splat(0);
    let b10 = f32x4.splat(0), b11 = f32x4.splat(0), b12 = f32x4.splat(0);
    let b20 = f32x4.splat(0), b21 = f32x4.splat(0), b22 = f32x4.splat(0);
    let ip = idxT;
    const wEnd = WpT + (<usize>count << 4);
    for (let wp = WpT; wp < wEnd; wp += 16) {
      const ap = ak + <usize>load<i32>(ip);
      ip += 4;
      const a0 = v128.load(ap);
      const a1 = v128.load(ap, 16);
      const a2 = v128.load(ap, 32);
      let w = v128.load32_splat(wp);
      b00 = madd(w, a0, b00);
      b01 = madd(w, a1, b01);
      b02 = madd(w, a2, b02);
      w = v128.load32_splat(wp, 4);
      b10 = madd(w, a0, b10);
      b11 = madd(w, a1, b11);
      b12 = madd(w, a2, b12);
      w = v128.load32_splat(wp, 8);
      b20 = madd(w, a0, b20);
      b21 = madd(w, a1, b21);
      b22 = madd(w, a2, b22);
    }
    storeTile3x12(o, outRow, zr, b00, b01, b02, b10, b11, b12, b20, b21, b22);
  }
}

/**
 * Whether some row of the tile at Lt keeps every one of the n centres (no weight flushed to 0):
 * then the tile's union of survivors is all of them, in index order, and sumTileDense can read the
 * weights from the rows themselves instead of packed records. A row with a zero stops its scan.
 */
// @ts-ignore: decorator
@inline function tileDense(Lt: usize, rowBytes: usize, n: i32): bool {
  for (let i = 0; i < TR; i++) {
    const Lr = Lt + <usize>i * rowBytes;
    let full = true;
    let mu = 0;
    // eight vectors per test: a lane of the unsigned minimum is 0 where any of them has a 0
    for (; full && mu + 32 <= n; mu += 32) {
      const p = Lr + (<usize>mu << 2);
      let m = i32x4.min_u(v128.load(p), v128.load(p, 16));
      m = i32x4.min_u(m, i32x4.min_u(v128.load(p, 32), v128.load(p, 48)));
      m = i32x4.min_u(m, i32x4.min_u(v128.load(p, 64), v128.load(p, 80)));
      m = i32x4.min_u(m, i32x4.min_u(v128.load(p, 96), v128.load(p, 112)));
      full = i32x4.all_true(m);
    }
    for (; full && mu < n; mu++) full = load<i32>(Lr + (<usize>mu << 2)) != 0;
    if (full) return true;
  }
  return false;
}

/**
 * sumTile over all n centres of a dense tile (tileDense), its weights read from the tile's rows of
 * L (row stride rowBytes): the same terms in the same order as the packed records would give.
 */
// @ts-ignore: decorator
@inline function sumTileDense(ak: usize, outRow: usize, Lt: usize, rowBytes: usize, n: i32, o: usize, zr: usize): void {
  if (ASC_FEATURE_RELAXED_SIMD) {
    let b00 = f32x4.splat(0), b01 = f32x4.splat(0), b10 = f32x4.splat(0), b11 = f32x4.splat(0);
    let b20 = f32x4.splat(0), b21 = f32x4.splat(0), b30 = f32x4.splat(0), b31 = f32x4.splat(0);
    let b40 = f32x4.splat(0), b41 = f32x4.splat(0), b50 = f32x4.splat(0), b51 = f32x4.splat(0);
    let lp = Lt;
    const aEnd = ak + (<usize>n << 5);
    for (let ap = ak; ap < aEnd; ap += 32) {
      const a0 = v128.load(ap);
      const a1 = v128.load(ap, 16);
      let w = v128.load32_splat(lp);
      b00 = madd(w, a0, b00);
      b01 = madd(w, a1, b01);
      w = v128.load32_splat(lp + rowBytes);
      b10 = madd(w, a0, b10);
      b11 = madd(w, a1, b11);
      w = v128.load32_splat(lp + 2 * rowBytes);
      b20 = madd(w, a0, b20);
      b21 = madd(w, a1, b21);
      w = v128.load32_splat(lp + 3 * rowBytes);
      b30 = madd(w, a0, b30);
      b31 = madd(w, a1, b31);
      w = v128.load32_splat(lp + 4 * rowBytes);
      b40 = madd(w, a0, b40);
      b41 = madd(w, a1, b41);
      w = v128.load32_splat(lp + 5 * rowBytes);
      b50 = madd(w, a0, b50);
      b51 = madd(w, a1, b51);
      lp += 4;
    }
    storeTile6x8(o, outRow, zr, b00, b01, b10, b11, b20, b21, b30, b31, b40, b41, b50, b51);
  } else {
    let b00 = f32x4.splat(0), b01 = f32x4.splat(0), b02 = f32x4.splat(0);
    let b10 = f32x4.splat(0), b11 = f32x4.splat(0), b12 = f32x4.splat(0);
    let b20 = f32x4.splat(0), b21 = f32x4.splat(0), b22 = f32x4.splat(0);
    let lp = Lt;
    const aEnd = ak + <usize>n * 48;
    for (let ap = ak; ap < aEnd; ap += 48) {
      const a0 = v128.load(ap);
      const a1 = v128.load(ap, 16);
      const a2 = v128.load(ap, 32);
      let w = v128.load32_splat(lp);
      b00 = madd(w, a0, b00);
      b01 = madd(w, a1, b01);
      b02 = madd(w, a2, b02);
      w = v128.load32_splat(lp + rowBytes);
      b10 = madd(w, a0, b10);
      b11 = madd(w, a1, b11);
      b12 = madd(w, a2, b12);
      w = v128.load32_splat(lp + 2 * rowBytes);
      b20 = madd(w, a0, b20);
      b21 = madd(w, a1, b21);
      b22 = madd(w, a2, b22);
      lp += 4;
    }
    storeTile3x12(o, outRow, zr, b00, b01, b02, b10, b11, b12, b20, b21, b22);
  }
}

/** Bytes of scratch `denoise` and `denoise2` need for d coordinates, nP (padded) centres and rows padded to dp. */
export function scratchBytes(d: i32, nP: i32, dp: i32): usize {
  const tilesMax = SLAB / TR + 2;
  return ((<usize>(SLAB * d) << 2) + 15 & ~15) + (<usize>SLAB << 3) + (<usize>SLAB << 4) + (<usize>SLAB << 2)
    + (<usize>nP << 2) + (<usize>(SLAB * nP) << 2) + (<usize>dp << 2) + (<usize>nP << 2) + (<usize>nP << 3)
    + (<usize>SLAB << 2) + (<usize>(tilesMax * nP) << 2) + (<usize>(tilesMax * nP * WPS) << 2) + 16;
}

/**
 * The d = 2 case (most of the atlas's figures), fused: per block of four rows, float32 squared
 * distances to all centres (two coordinates cannot cancel badly), then per row the logits
 * t = lw − (dist − min dist)·coef, their first argmax, and one pass of exp and weighted sums over
 * the centres' coordinate-major groups. Without log-weights the row maximum is 0 by construction,
 * so the logits are formed inside that pass instead of stored and read again. The host puts the
 * padding centres (n to nP) far away (PAD_FAR in instance.ts), where they can neither be nearest
 * nor weigh: their weight is flushed to exactly 0. Same contract as `denoise` (dp = 4; ct only,
 * ca unused).
 */
export function denoise2(
  q: usize, rows: i32, n: i32, nP: i32,
  ct: usize, lw: usize, invS: f64, coef: f64,
  out: usize, nearest: usize, scratch: usize,
): void {
  const T = scratch;
  const rowBytes = <usize>nP << 2;
  const inf = f32x4.splat(Infinity);
  const coefv = f32x4.splat(<f32>coef);
  const log2e = splatAt(1), magic = splatAt(2), ln2hi = splatAt(3), ln2lo = splatAt(4);
  const p0 = splatAt(5), p1 = splatAt(6), p2 = splatAt(7), p3 = splatAt(8), p4 = splatAt(9), p5 = splatAt(10);
  const one = splatAt(11), floor = splatAt(12);
  const bias = i32x4.splat(127 - 0x4B400000);
  const zero = f32x4.splat(0);

  for (let r0 = 0; r0 < rows; r0 += R) {
    const live = min(R, rows - r0);
    // query coordinates divided by s, splatted; rows past `live` repeat the last live row
    const qa = q + (<usize>(r0 << 1) << 2);
    const last = <usize>((live - 1) << 1) << 2;
    const x0 = f32x4.splat(<f32>(<f64>load<f32>(qa) * invS)), y0 = f32x4.splat(<f32>(<f64>load<f32>(qa, 4) * invS));
    const o1 = min(<usize>8, last), o2 = min(<usize>16, last), o3 = min(<usize>24, last);
    const x1 = f32x4.splat(<f32>(<f64>load<f32>(qa + o1) * invS)), y1 = f32x4.splat(<f32>(<f64>load<f32>(qa + o1, 4) * invS));
    const x2 = f32x4.splat(<f32>(<f64>load<f32>(qa + o2) * invS)), y2 = f32x4.splat(<f32>(<f64>load<f32>(qa + o2, 4) * invS));
    const x3 = f32x4.splat(<f32>(<f64>load<f32>(qa + o3) * invS)), y3 = f32x4.splat(<f32>(<f64>load<f32>(qa + o3, 4) * invS));
    let m0 = inf, m1 = inf, m2 = inf, m3 = inf;
    for (let mu = 0; mu < nP; mu += 4) {
      const g = ct + (<usize>mu << 3);
      const cx = v128.load(g);
      const cy = v128.load(g, 16);
      const o = T + (<usize>mu << 2);
      let dx = f32x4.sub(x0, cx), dy = f32x4.sub(y0, cy);
      let d2 = madd(dx, dx, f32x4.mul(dy, dy));
      v128.store(o, d2);
      m0 = f32x4.pmin(m0, d2);
      dx = f32x4.sub(x1, cx); dy = f32x4.sub(y1, cy);
      d2 = madd(dx, dx, f32x4.mul(dy, dy));
      v128.store(o + rowBytes, d2);
      m1 = f32x4.pmin(m1, d2);
      dx = f32x4.sub(x2, cx); dy = f32x4.sub(y2, cy);
      d2 = madd(dx, dx, f32x4.mul(dy, dy));
      v128.store(o + 2 * rowBytes, d2);
      m2 = f32x4.pmin(m2, d2);
      dx = f32x4.sub(x3, cx); dy = f32x4.sub(y3, cy);
      d2 = madd(dx, dx, f32x4.mul(dy, dy));
      v128.store(o + 3 * rowBytes, d2);
      m3 = f32x4.pmin(m3, d2);
    }
    for (let r = 0; r < live; r++) {
      const Tr = T + <usize>r * rowBytes;
      const mv = r == 0 ? m0 : r == 1 ? m1 : r == 2 ? m2 : m3;
      // padding centres sit at PAD_FAR, so they never take the minimum
      const dmin = min(min(f32x4.extract_lane(mv, 0), f32x4.extract_lane(mv, 1)), min(f32x4.extract_lane(mv, 2), f32x4.extract_lane(mv, 3)));
      const dm = f32x4.splat(dmin);
      let arg = 0;
      if (lw == 0) {
        // the logit (dmin − dist)·coef is its own offset from the row maximum, 0: no pass for the
        // maximum, and the first argmax is the first centre whose logit is exactly 0
        for (let mu = 0; mu < nP; mu += 4) {
          const hit = f32x4.eq(f32x4.mul(f32x4.sub(dm, v128.load(Tr + (<usize>mu << 2))), coefv), zero);
          if (v128.any_true(hit)) {
            arg = mu + ctz(i32x4.bitmask(hit));
            break;
          }
        }
        if (arg >= n) arg = 0;
        // the weights overwrite the distances: a pass with no running sums, so the exp's fifteen
        // constants stay in registers (V8 has fifteen), and sums that stay in registers after it
        for (let mu = 0; mu < nP; mu += 4) {
          const p = Tr + (<usize>mu << 2);
          v128.store(p, expFlushed(f32x4.mul(f32x4.sub(dm, v128.load(p)), coefv), log2e, magic, ln2hi, ln2lo, p0, p1, p2, p3, p4, p5, one, floor, bias));
        }
      } else {
        // t = lw − (dist − dmin)·coef: the difference first, so far-away rows keep their precision
        for (let mu = 0; mu < nP; mu += 4) {
          const p = Tr + (<usize>mu << 2);
          v128.store(p, f32x4.add(f32x4.neg(f32x4.mul(f32x4.sub(v128.load(p), dm), coefv)), v128.load(lw + (<usize>mu << 2))));
        }
        // the maximum once the padding's logits are −∞ (their log-weights are not the caller's)
        for (let mu = n; mu < nP; mu++) store<f32>(Tr + (<usize>mu << 2), -Infinity);
        let tmax = f32x4.splat(-Infinity);
        for (let mu = 0; mu < nP; mu += 4) tmax = f32x4.pmax(tmax, v128.load(Tr + (<usize>mu << 2)));
        const best = max(max(f32x4.extract_lane(tmax, 0), f32x4.extract_lane(tmax, 1)), max(f32x4.extract_lane(tmax, 2), f32x4.extract_lane(tmax, 3)));
        while (arg < n && load<f32>(Tr + (<usize>arg << 2)) != best) arg++;
        if (arg >= n) arg = 0;
        const bv = f32x4.splat(best);
        for (let mu = 0; mu < nP; mu += 4) {
          const p = Tr + (<usize>mu << 2);
          v128.store(p, weights(v128.load(p), bv, log2e, magic, ln2hi, ln2lo, p0, p1, p2, p3, p4, p5, one, floor, bias));
        }
      }
      let ax0 = f32x4.splat(0), ay0 = f32x4.splat(0), z0 = f32x4.splat(0);
      let ax1 = f32x4.splat(0), ay1 = f32x4.splat(0), z1 = f32x4.splat(0);
      // two accumulator sets: half the dependency chain, half the float32 rounding growth
      for (let mu = 0; mu < nP; mu += 8) {
        const g = ct + (<usize>mu << 3);
        const w0 = v128.load(Tr + (<usize>mu << 2));
        z0 = f32x4.add(z0, w0);
        ax0 = madd(w0, v128.load(g), ax0);
        ay0 = madd(w0, v128.load(g, 16), ay0);
        const w1 = v128.load(Tr + (<usize>mu << 2), 16);
        z1 = f32x4.add(z1, w1);
        ax1 = madd(w1, v128.load(g, 32), ax1);
        ay1 = madd(w1, v128.load(g, 48), ay1);
      }
      store<i32>(nearest + (<usize>(r0 + r) << 2), arg);
      const z = sum4(z0) + sum4(z1);
      const o = out + (<usize>(r0 + r) << 4);
      store<f32>(o, <f32>((sum4(ax0) + sum4(ax1)) / z));
      store<f32>(o, <f32>((sum4(ay0) + sum4(ay1)) / z), 4);
    }
  }
}

// @ts-ignore: decorator
@inline function sum4(v: v128): f64 {
  return (<f64>f32x4.extract_lane(v, 0) + <f64>f32x4.extract_lane(v, 1)) + (<f64>f32x4.extract_lane(v, 2) + <f64>f32x4.extract_lane(v, 3));
}

/**
 * exp(t − best) as float32, flushed to exactly 0 below the floor. exp on [−87, 0]: Cody–Waite
 * reduction by ln 2 and Cephes' degree-5 polynomial (≈1 ulp); for rel ≥ −87 the result is
 * ≥ 1.4·2⁻¹²⁶, a normal float, and lanes below are masked to 0, so no subnormal is ever formed.
 */
// @ts-ignore: decorator
@inline function weights(
  t: v128, bv: v128, log2e: v128, magic: v128, ln2hi: v128, ln2lo: v128,
  p0: v128, p1: v128, p2: v128, p3: v128, p4: v128, p5: v128, one: v128, floor: v128, bias: v128,
): v128 {
  return expFlushed(f32x4.sub(t, bv), log2e, magic, ln2hi, ln2lo, p0, p1, p2, p3, p4, p5, one, floor, bias);
}

/** exp(rel) as float32 for rel ≤ 0, flushed to exactly 0 below the floor (see `weights`). */
// @ts-ignore: decorator
@inline function expFlushed(
  rel: v128, log2e: v128, magic: v128, ln2hi: v128, ln2lo: v128,
  p0: v128, p1: v128, p2: v128, p3: v128, p4: v128, p5: v128, one: v128, floor: v128, bias: v128,
): v128 {
  // pmax is one maxps (max's NaN rules cost V8 a dozen instructions; no NaN reaches here)
  // clamped at the floor itself, where 2^fx is still a normal float; lanes below it are masked to 0
  const x = f32x4.pmax(rel, floor);
  // round to nearest with the 1.5·2²³ trick: the integer lands in the low mantissa bits, so 2^fx
  // comes from an integer add and a shift (V8 expands trunc_sat into many steps)
  const shifted = madd(x, log2e, magic);
  const fx = f32x4.sub(shifted, magic);
  const r = nmadd(fx, ln2lo, nmadd(fx, ln2hi, x));
  let p = madd(p0, r, p1);
  p = madd(p, r, p2);
  p = madd(p, r, p3);
  p = madd(p, r, p4);
  p = madd(p, r, p5);
  p = f32x4.add(madd(f32x4.mul(p, r), r, r), one);
  // bits(shifted) = 0x4B400000 + fx; the exponent field wants fx + 127
  const e = i32x4.shl(i32x4.add(shifted, bias), 23);
  return v128.and(f32x4.mul(p, e), f32x4.ge(rel, floor));
}

// The arithmetic ceiling of this build on this machine, for the benchmark: `rounds` rounds of
// twelve independent f32x4 multiply-adds (enough in flight to hide their latency), 96 floating-point
// operations per round, fused in the relaxed build, a multiply and an add in the other. The
// operands come from memory and a parameter, not from v128.const: V8 rebuilds a constant vector
// before every use, which would measure its rematerialisation rather than the multiply-adds.
// Not used by the kernel.
const PROBE = memory.data<f32>([0.9999999, 0.9999999, 0.9999999, 0.9999999], 16);

export function maddProbe(rounds: i32, seed: f32): f32 {
  const b = v128.load(PROBE);
  const c = f32x4.splat(seed);
  let a0 = c;
  let a1 = f32x4.add(a0, c);
  let a2 = f32x4.add(a1, c);
  let a3 = f32x4.add(a2, c);
  let a4 = f32x4.add(a3, c);
  let a5 = f32x4.add(a4, c);
  let a6 = f32x4.add(a5, c);
  let a7 = f32x4.add(a6, c);
  let a8 = f32x4.add(a7, c);
  let a9 = f32x4.add(a8, c);
  let a10 = f32x4.add(a9, c);
  let a11 = f32x4.add(a10, c);
  for (let i = 0; i < rounds; i++) {
    a0 = madd(a0, b, c);
    a1 = madd(a1, b, c);
    a2 = madd(a2, b, c);
    a3 = madd(a3, b, c);
    a4 = madd(a4, b, c);
    a5 = madd(a5, b, c);
    a6 = madd(a6, b, c);
    a7 = madd(a7, b, c);
    a8 = madd(a8, b, c);
    a9 = madd(a9, b, c);
    a10 = madd(a10, b, c);
    a11 = madd(a11, b, c);
  }
  const s = f32x4.add(
    f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7))),
    f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11)),
  );
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/** Centres per distance tile: the host pads n to a multiple of this and groups ct by it (d ≠ 2). */
export function centreBlock(): i32 {
  return TC;
}
