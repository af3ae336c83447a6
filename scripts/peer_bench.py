"""Peer timings for `npm run bench`: the hot paths of the superposition experiments in PyTorch / NumPy, same shapes,
one thread. Prints one JSON object: CPU milliseconds per operation (and GFLOP/s for the matmul).
Usage: python3 scripts/peer_bench.py '{"m":50,"d":200,"k":1225,"batch":100,"p":6,"steps":60,"lsN":1000,"lsWidths":[50,100,200],"matmul":1024}'
"""
import json
import sys
import time

import numpy as np

cfg = json.loads(sys.argv[1])
out = {}


def best_of(fn, repeats=3):
    best = float("inf")
    for _ in range(repeats):
        t0 = time.process_time()  # CPU time, as the tfjs side measures: steadier under load
        fn()
        best = min(best, time.process_time() - t0)
    return best


# Matmul throughput: NumPy's BLAS on one thread (the caller sets OMP/OPENBLAS threads to 1).
n = cfg["matmul"]
a = np.random.default_rng(0).standard_normal((n, n), dtype=np.float32)
b = np.random.default_rng(1).standard_normal((n, n), dtype=np.float32)
a @ b
t = best_of(lambda: a @ b, 5)
out["matmulGflops"] = 2 * n**3 / t / 1e9

# Least-squares readoffs as jake-replication fits them: for each nested width d, ridge normal equations on the first
# d columns of H (n x dMax) against 2 targets, solved by Cholesky in float64.
rng = np.random.default_rng(2)
N, widths = cfg["lsN"], cfg["lsWidths"]
H = np.maximum(rng.standard_normal((N, widths[-1]), dtype=np.float32), 0)
Y = (rng.random((N, 2)) < 0.3).astype(np.float32)
try:
    from scipy.linalg import cho_factor, cho_solve

    def solve(G, r):
        return cho_solve(cho_factor(G), r)
except ImportError:  # NumPy alone
    def solve(G, r):
        return np.linalg.solve(G, r)


def ls_fit():
    for d in widths:
        h = H[:, :d]
        G = (h.T @ h).astype(np.float64) + 1e-3 * N * np.eye(d)
        solve(G, (h.T @ Y).astype(np.float64))


def ls_fit_nested():
    # Our algorithm (lib/nestedRidge.ts): one Gram of [H | Y], one Cholesky factor, leading blocks per width.
    Z = np.concatenate([H, Y], axis=1)
    ZtZ = (Z.T @ Z).astype(np.float64)
    dmax = widths[-1]
    L = np.linalg.cholesky(ZtZ[:dmax, :dmax] + 1e-3 * N * np.eye(dmax))
    for d in widths:
        Ld = L[:d, :d]
        z = solve_triangular(Ld, ZtZ[:d, dmax:], lower=True)
        solve_triangular(Ld.T, z, lower=False)


ls_fit()
out["lsFitMs"] = best_of(lambda: [ls_fit() for _ in range(10)], 5) / 10 * 1000
try:
    from scipy.linalg import solve_triangular

    ls_fit_nested()
    out["lsFitNestedMs"] = best_of(lambda: [ls_fit_nested() for _ in range(10)], 5) / 10 * 1000
except ImportError:
    out["lsFitNestedMs"] = None

try:
    import torch

    out["torch"] = torch.__version__
except ImportError:
    out["torch"] = None
out["numpy"] = np.__version__
print(json.dumps(out))
