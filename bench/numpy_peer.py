"""NumPy peer of `diffusion-atlas bench`: the same backward run, written the way a researcher would.

One full backward run with the exact empirical score per configuration: Euler-Maruyama on a uniform
grid from t = 3 to t = 1e-3, float32 throughout, training data from the two-class Gaussian mixture
(+-1 means, unit variance), starting points N(0, I). Per step:

    logits = (s x.a - s^2 |a|^2 / 2) / Delta      (expanded form: |x|^2 cancels in the softmax)
    w      = softmax(logits), weights more than 87 below the row maximum set to exactly 0
    D      = w @ A,  nearest = argmax(w)
    x     += eta (x + 2 (s D - x) / Delta) + sqrt(2 eta) xi

with preallocated buffers and BLAS matmuls, so NumPy is measured at its best, not in a strawman.
The flush is applied before exp (logit -> -inf), so neither exp nor the second matmul ever touches
a subnormal float (unflushed, NumPy loses several times on config c to subnormal arithmetic).

Single-threaded on purpose: OMP/OpenBLAS thread counts are pinned to 1 before NumPy loads.
Prints one line per configuration in the format of `diffusion-atlas bench`.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import statistics
import sys
import time

import numpy as np

CONFIGS = {
    "a": dict(d=2, n=1000, m=1000, T=200),
    "b": dict(d=64, n=2000, m=256, T=100),
    "c": dict(d=784, n=1000, m=64, T=100),
}
T_MAX = 3.0
T_MIN = 1e-3
LOG_WEIGHT_FLOOR = -87.0


def training_data(n, d, rng):
    sign = np.where(rng.random(n) < 0.5, 1.0, -1.0).astype(np.float32)
    return (sign[:, None] + rng.standard_normal((n, d), dtype=np.float32)).astype(np.float32)


def backward_run(A, x0, steps, rng, flush=True):
    m, d = x0.shape
    n = A.shape[0]
    grid = T_MAX + (T_MIN - T_MAX) * np.arange(steps + 1, dtype=np.float64) / steps
    half_norms = np.float32(0.5) * np.einsum("ij,ij->i", A, A)  # |a|^2 / 2, once
    x = x0.copy()
    G = np.empty((m, n), dtype=np.float32)
    rowmax = np.empty((m, 1), dtype=np.float32)
    mask = np.empty((m, n), dtype=bool)
    z = np.empty((m, 1), dtype=np.float32)
    D = np.empty((m, d), dtype=np.float32)
    noise = np.empty((m, d), dtype=np.float32)
    nearest = np.empty(m, dtype=np.intp)
    for k in range(steps):
        t = grid[k]
        eta = t - grid[k + 1]
        s = np.float32(np.exp(-t))
        v = np.float32(-np.expm1(-2.0 * t))
        np.matmul(x, A.T, out=G)
        G *= s / v
        G -= (s * s / v) * half_norms
        np.max(G, axis=1, keepdims=True, out=rowmax)
        np.argmax(G, axis=1, out=nearest)
        G -= rowmax
        if flush:
            np.less(G, LOG_WEIGHT_FLOOR, out=mask)
            G[mask] = -np.inf
        np.exp(G, out=G)
        np.sum(G, axis=1, keepdims=True, out=z)
        np.matmul(G, A, out=D)
        D /= z
        # score F = (s D - x) / v;  x <- x + eta (x + 2F) + sqrt(2 eta) xi
        rng.standard_normal(out=noise, dtype=np.float32)
        D *= np.float32(2 * eta) * s / v
        x *= np.float32(1 + eta - 2 * eta / v)
        x += D
        noise *= np.float32(np.sqrt(2 * eta))
        x += noise
    return x, nearest


def bench(name, repeats, flush=True):
    c = CONFIGS[name]
    d, n, m, T = c["d"], c["n"], c["m"], c["T"]
    rng = np.random.default_rng(1)
    A = training_data(n, d, rng)
    x0 = rng.standard_normal((m, d), dtype=np.float32)
    backward_run(A, x0, T, np.random.default_rng(2), flush)  # warm-up
    wall, cpu = [], []
    for r in range(repeats):
        step_rng = np.random.default_rng(3 + r)
        c0, w0 = time.process_time(), time.perf_counter()
        x, _ = backward_run(A, x0, T, step_rng, flush)
        wall.append(time.perf_counter() - w0)
        cpu.append(time.process_time() - c0)
        if not np.all(np.isfinite(x)):
            raise SystemExit(f"numpy_peer: non-finite state in config {name}")
    median = statistics.median(wall)
    gflops = 4 * m * n * d * T / median / 1e9
    print(
        f"numpy cfg={name} d={d} n={n} m={m} T={T} median_s={median:.4f} GFLOPs={gflops:.1f} "
        f"cpu_s={statistics.median(cpu):.4f} backend=numpy-{np.__version__}-float32{'' if flush else '-noflush'} workers=1",
        flush=True,
    )


def blas_note():
    """Which BLAS kernel NumPy runs, when threadpoolctl is there to say (optional)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "threadpoolctl not installed: BLAS kernel not reported"
    infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return "; ".join(f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} threads={i.get('num_threads')}" for i in infos)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", choices=sorted(CONFIGS), action="append")
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--no-flush", action="store_true", help="skip the subnormal flush (what a naive script does; slower, see docs/performance.md)")
    args = p.parse_args()
    print(f"# numpy {np.__version__}: {blas_note()}", file=sys.stderr, flush=True)
    for name in args.config or sorted(CONFIGS):
        bench(name, args.repeats, flush=not args.no_flush)


if __name__ == "__main__":
    main()
