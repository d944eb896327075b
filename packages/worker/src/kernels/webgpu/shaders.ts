import { LOG_WEIGHT_FLOOR } from '@diffusion-atlas/core';

/*
 * WGSL compute shaders for softmaxDenoise, one block of query rows (a chunk) per dispatch:
 * (a) logits, (b) row max, argmax and flushed weights, (c) the weighted mean. All three share one
 * uniform block; the logits buffer is overwritten in place by the weights, so a chunk needs one
 * rows × n buffer.
 *
 * Accuracy: float32 throughout, the direct difference form (q − s·c)² as on every other path
 * (the expanded form would cancel at small variance). Squared distances and the mean's products
 * are summed in float32 partial sums of one tile (16 terms) and then across tiles, so the
 * rounding error grows like (16 + d/16)·2⁻²⁴ rather than d·2⁻²⁴.
 */

/** Edge of the square tiles of the logits and mean kernels. */
export const TILE = 16;
/** Threads per row in the row-statistics kernel. */
export const ROW_THREADS = 256;

const PARAMS = /* wgsl */ `
struct Params {
  rows: u32,   // query rows in this chunk
  n: u32,
  d: u32,
  row0: u32,   // first query row of the chunk
  scale: f32,
  inv2v: f32,
}
@group(0) @binding(0) var<uniform> p: Params;
`;

/** W[i, μ] = log w_μ − ‖q_i − s·c_μ‖² / (2Δ); thread (x = μ, y = i) of a TILE × TILE block. */
export const LOGITS_WGSL = /* wgsl */ `${PARAMS}
@group(0) @binding(1) var<storage, read> queries: array<f32>;
@group(0) @binding(2) var<storage, read> centres: array<f32>;
@group(0) @binding(3) var<storage, read> logWeights: array<f32>;
@group(0) @binding(4) var<storage, read_write> W: array<f32>;

var<workgroup> qs: array<array<f32, ${TILE}>, ${TILE}>;
var<workgroup> cs: array<array<f32, ${TILE}>, ${TILE}>;

@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = wg.y * ${TILE}u + lid.y;
  let mu = wg.x * ${TILE}u + lid.x;
  // the centre row this thread loads into the tile (tile rows are indexed by lid.y)
  let muLoad = wg.x * ${TILE}u + lid.y;
  var dist2 = 0.0;
  for (var k0 = 0u; k0 < p.d; k0 += ${TILE}u) {
    let k = k0 + lid.x;
    var qv = 0.0;
    var cv = 0.0;
    if (i < p.rows && k < p.d) { qv = queries[(p.row0 + i) * p.d + k]; }
    if (muLoad < p.n && k < p.d) { cv = p.scale * centres[muLoad * p.d + k]; }
    qs[lid.y][lid.x] = qv;
    cs[lid.y][lid.x] = cv;
    workgroupBarrier();
    var part = 0.0;
    for (var kk = 0u; kk < ${TILE}u; kk++) {
      let diff = qs[lid.y][kk] - cs[lid.x][kk];
      part += diff * diff;
    }
    dist2 += part;
    workgroupBarrier();
  }
  if (i < p.rows && mu < p.n) {
    W[i * p.n + mu] = logWeights[mu] - dist2 * p.inv2v;
  }
}
`;

/**
 * One workgroup per row: the row max and its first index (ties go to the lower index, as in the
 * reference), then W ← e^{W − max} with weights below the floor set to exactly 0, and their sum.
 */
export const ROW_STATS_WGSL = /* wgsl */ `${PARAMS}
@group(0) @binding(1) var<storage, read_write> W: array<f32>;
@group(0) @binding(2) var<storage, read_write> z: array<f32>;
@group(0) @binding(3) var<storage, read_write> nearest: array<u32>;

var<workgroup> bestV: array<f32, ${ROW_THREADS}>;
var<workgroup> bestI: array<u32, ${ROW_THREADS}>;
var<workgroup> sums: array<f32, ${ROW_THREADS}>;

@compute @workgroup_size(${ROW_THREADS})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = wg.x;
  let t = lid.x;
  let base = i * p.n;
  var v = -3.0e38;
  var arg = 0xffffffffu;
  for (var mu = t; mu < p.n; mu += ${ROW_THREADS}u) {
    let l = W[base + mu];
    if (l > v) { v = l; arg = mu; }
  }
  bestV[t] = v;
  bestI[t] = arg;
  workgroupBarrier();
  for (var stride = ${ROW_THREADS / 2}u; stride > 0u; stride >>= 1u) {
    if (t < stride) {
      let ov = bestV[t + stride];
      let oi = bestI[t + stride];
      if (ov > bestV[t] || (ov == bestV[t] && oi < bestI[t])) {
        bestV[t] = ov;
        bestI[t] = oi;
      }
    }
    workgroupBarrier();
  }
  let best = bestV[0];
  var s = 0.0;
  for (var mu = t; mu < p.n; mu += ${ROW_THREADS}u) {
    let rel = W[base + mu] - best;
    var w = 0.0;
    if (rel >= ${LOG_WEIGHT_FLOOR.toFixed(1)}) { w = exp(rel); }
    W[base + mu] = w;
    s += w;
  }
  sums[t] = s;
  workgroupBarrier();
  for (var stride = ${ROW_THREADS / 2}u; stride > 0u; stride >>= 1u) {
    if (t < stride) { sums[t] += sums[t + stride]; }
    workgroupBarrier();
  }
  if (t == 0u) {
    z[i] = sums[0];
    nearest[p.row0 + i] = bestI[0];
  }
}
`;

/** mean[i, k] = Σ_μ W[i, μ] c_μ[k] / z_i; thread (x = k, y = i) of a TILE × TILE block. */
export const WEIGHTED_MEAN_WGSL = /* wgsl */ `${PARAMS}
@group(0) @binding(1) var<storage, read> W: array<f32>;
@group(0) @binding(2) var<storage, read> centres: array<f32>;
@group(0) @binding(3) var<storage, read> z: array<f32>;
@group(0) @binding(4) var<storage, read_write> mean: array<f32>;

var<workgroup> ws: array<array<f32, ${TILE}>, ${TILE}>;
var<workgroup> cs: array<array<f32, ${TILE}>, ${TILE}>;

@compute @workgroup_size(${TILE}, ${TILE})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let i = wg.y * ${TILE}u + lid.y;
  let k = wg.x * ${TILE}u + lid.x;
  var acc = 0.0;
  for (var mu0 = 0u; mu0 < p.n; mu0 += ${TILE}u) {
    let muW = mu0 + lid.x;
    let muC = mu0 + lid.y;
    var wv = 0.0;
    var cv = 0.0;
    if (i < p.rows && muW < p.n) { wv = W[i * p.n + muW]; }
    if (muC < p.n && k < p.d) { cv = centres[muC * p.d + k]; }
    ws[lid.y][lid.x] = wv;
    cs[lid.y][lid.x] = cv;
    workgroupBarrier();
    var part = 0.0;
    for (var j = 0u; j < ${TILE}u; j++) {
      part += ws[lid.y][j] * cs[j][lid.x];
    }
    acc += part;
    workgroupBarrier();
  }
  if (i < p.rows && k < p.d) {
    mean[(p.row0 + i) * p.d + k] = acc / z[i];
  }
}
`;
