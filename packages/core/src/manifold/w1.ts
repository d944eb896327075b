import type { ProgressReport } from '../progress.ts';

/**
 * Wasserstein-1 distances between empirical measures with uniform weights, exactly, in Float64.
 * In 1-D W₁ = ∫|F − G|; in R^d it is the optimal transport linear program, solved here as a
 * min-cost flow with integer masses (each of the m points of x carries n units, each of the n
 * points of y carries m), so unequal sizes need no replication and the optimum is exact.
 */

/** W₁ between two 1-D empirical measures (any sizes): ∫|F_x − F_y| by merging the sorted samples. */
export function w1Sorted1d(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const a = Float64Array.from(x).sort();
  const b = Float64Array.from(y).sort();
  const m = a.length;
  const n = b.length;
  if (m === 0 || n === 0) throw new RangeError('W1 needs two non-empty samples');
  let i = 0;
  let j = 0;
  let prev = Math.min(a[0], b[0]);
  let total = 0;
  while (i < m || j < n) {
    const next = j >= n || (i < m && a[i] <= b[j]) ? a[i] : b[j];
    total += Math.abs(i / m - j / n) * (next - prev);
    prev = next;
    if (j >= n || (i < m && a[i] <= b[j])) i++;
    else j++;
  }
  return total;
}

/**
 * Exact W₁ between (1/m) Σ δ_{x_i} and (1/n) Σ δ_{y_j} in R^d (rows of x and y, Euclidean cost):
 * successive shortest paths with Johnson potentials, one dense Dijkstra per augmentation.
 * Cost O((m + n) · m · n) in practice: milliseconds for a hundred points, seconds for a thousand,
 * so it awaits `checkpoint` (when given) every ~50 ms of work, and tells `progress` (when given)
 * the share of the mass shipped after every augmentation.
 */
export async function w1Exact(
  x: ArrayLike<number>,
  m: number,
  y: ArrayLike<number>,
  n: number,
  d: number,
  checkpoint?: () => Promise<void>,
  progress?: ProgressReport,
): Promise<number> {
  if (m === 0 || n === 0) throw new RangeError('W1 needs two non-empty samples');
  const cost = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let r2 = 0;
      for (let k = 0; k < d; k++) {
        const diff = x[i * d + k] - y[j * d + k];
        r2 += diff * diff;
      }
      cost[i * n + j] = Math.sqrt(r2);
    }
  }
  return (await transportCost(cost, m, n, checkpoint, progress)) / (m * n);
}

/**
 * Minimum of Σ f_ij C_ij over integer flows with row sums n and column sums m. Nodes: left i
 * (0…m−1), right j (m…m+n−1), source and sink implicit: a left node with supply left is a zero
 * distance start, a right node with demand left can end a path.
 */
async function transportCost(cost: Float64Array, m: number, n: number, checkpoint?: () => Promise<void>, progress?: ProgressReport): Promise<number> {
  const supply = new Float64Array(m).fill(n);
  const demand = new Float64Array(n).fill(m);
  const flow = new Float64Array(m * n);
  const potL = new Float64Array(m);
  const potR = new Float64Array(n);
  const distL = new Float64Array(m);
  const distR = new Float64Array(n);
  const doneL = new Uint8Array(m);
  const doneR = new Uint8Array(n);
  // Predecessors: a right node is reached from a left node; a left node from a right node.
  const fromL = new Int32Array(n);
  const fromR = new Int32Array(m);
  let remaining = m * n;
  let total = 0;
  let lastYield = Date.now();
  while (remaining > 0) {
    if (checkpoint && Date.now() - lastYield > 50) {
      await checkpoint();
      lastYield = Date.now();
    }
    // Dijkstra over reduced costs C_ij + potL_i − potR_j ≥ 0 (forward) and its negative (reverse).
    for (let i = 0; i < m; i++) {
      distL[i] = supply[i] > 0 ? 0 : Infinity;
      fromR[i] = -1;
    }
    distR.fill(Infinity);
    doneL.fill(0);
    doneR.fill(0);
    let sink = -1;
    let sinkDist = Infinity;
    for (;;) {
      let best = Infinity;
      let node = -1;
      let isLeft = true;
      for (let i = 0; i < m; i++) {
        if (!doneL[i] && distL[i] < best) {
          best = distL[i];
          node = i;
          isLeft = true;
        }
      }
      for (let j = 0; j < n; j++) {
        if (!doneR[j] && distR[j] < best) {
          best = distR[j];
          node = j;
          isLeft = false;
        }
      }
      // Nothing reachable is closer than the best sink found: distances beyond are not needed.
      if (node < 0 || best >= sinkDist) break;
      if (isLeft) {
        doneL[node] = 1;
        const row = node * n;
        const base = best + potL[node];
        for (let j = 0; j < n; j++) {
          if (doneR[j]) continue;
          // rounding can leave a reduced cost at −1e−16; it is a zero
          const dj = Math.max(best, base + cost[row + j] - potR[j]);
          if (dj < distR[j]) {
            distR[j] = dj;
            fromL[j] = node;
          }
        }
      } else {
        doneR[node] = 1;
        if (demand[node] > 0 && best < sinkDist) {
          sinkDist = best;
          sink = node;
        }
        const base = best + potR[node];
        for (let i = 0; i < m; i++) {
          if (doneL[i] || flow[i * n + node] <= 0) continue;
          const di = Math.max(best, base - cost[i * n + node] - potL[i]);
          if (di < distL[i]) {
            distL[i] = di;
            fromR[i] = node;
          }
        }
      }
    }
    if (sink < 0) throw new Error('transport: no augmenting path (unbalanced masses)');
    // Potentials: settled nodes move by their distance, the rest by the sink's, which keeps every
    // residual reduced cost non-negative.
    for (let i = 0; i < m; i++) potL[i] += Math.min(distL[i], sinkDist);
    for (let j = 0; j < n; j++) potR[j] += Math.min(distR[j], sinkDist);

    // Bottleneck along sink ← … ← start.
    let amount = demand[sink];
    let j = sink;
    for (;;) {
      const i = fromL[j];
      const back = fromR[i];
      if (back < 0) {
        amount = Math.min(amount, supply[i]);
        break;
      }
      amount = Math.min(amount, flow[i * n + back]);
      j = back;
    }
    j = sink;
    for (;;) {
      const i = fromL[j];
      flow[i * n + j] += amount;
      total += amount * cost[i * n + j];
      const back = fromR[i];
      if (back < 0) {
        supply[i] -= amount;
        break;
      }
      flow[i * n + back] -= amount;
      total -= amount * cost[i * n + back];
      j = back;
    }
    demand[sink] -= amount;
    remaining -= amount;
    progress?.(1 - remaining / (m * n));
  }
  return total;
}
