"""Peer timings for `npm run bench`: the hot paths of the superposition experiments in PyTorch / NumPy, same shapes,
one thread. Prints one JSON object: CPU milliseconds per operation (and GFLOP/s for the matmul).
Usage: python3 scripts/peer_bench.py '{"matmul":1024,"ls":{"m":50,"widths":[50,100,200],"q":0.079,"samples":50000,"pairs":200}}'
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

# The least-squares readoff fit as jake-replication runs it (experiments/superposition/naturalLeastSquares.ts), the
# same algorithm in NumPy/SciPy: natural Bernoulli inputs through a frozen N(0,1) layer; Gram matrices (float32
# products, accumulated in float64) over all rows, each feature's rows and each evaluated pair's rows; then for every
# pair and AND and XOR, the class-balanced ridge normal equations factored once by Cholesky in float64 at the widest
# width, and solved at every nested width on the factor's leading block.
ls = cfg["ls"]
m, widths, q, samples, P = ls["m"], ls["widths"], ls["q"], ls["samples"], ls["pairs"]
dmax = widths[-1]
W = np.random.default_rng(2).standard_normal((m, dmax), dtype=np.float32)
pairs = [(i, j) for i in range(m) for j in range(i + 1, m)][:P]
try:
    from scipy.linalg import cho_factor, cho_solve

    def factor(A):
        return cho_factor(A, lower=True)[0]

    def solve_leading(L, d, b):
        return cho_solve((L[:d, :d], True), b)
except ImportError:  # NumPy alone: the factor, then two solves on its leading block
    def factor(A):
        return np.linalg.cholesky(A)

    def solve_leading(L, d, b):
        Ld = L[:d, :d]
        return np.linalg.solve(Ld.T, np.linalg.solve(Ld, b))


def ls_fit():
    rng = np.random.default_rng(3)
    X = rng.random((samples, m)) < q
    H = np.maximum(X.astype(np.float32) @ W, 0)
    gram = lambda rows: (rows.T @ rows).astype(np.float64)
    G = gram(H)
    Gl = [gram(H[X[:, l]]) for l in range(m)]
    Sl = [H[X[:, l]].sum(0, dtype=np.float64) for l in range(m)]
    cl = X.sum(0)
    ridge = 1e-3 * np.eye(dmax)
    for i, j in pairs:
        both = X[:, i] & X[:, j]
        Gp, Sp, cp = gram(H[both]), H[both].sum(0, dtype=np.float64), int(both.sum())
        for G1, S1, n1 in ((Gp, Sp, cp), (Gl[i] + Gl[j] - 2 * Gp, Sl[i] + Sl[j] - 2 * Sp, cl[i] + cl[j] - 2 * cp)):
            n0 = samples - n1
            L = factor((G - G1) / max(n0, 1) + G1 / max(n1, 1) + ridge)
            b = S1 / max(n1, 1)
            for d in widths:
                solve_leading(L, d, b[:d])


ls_fit()
out["lsFitMs"] = best_of(ls_fit, 3) * 1000

try:
    import torch

    out["torch"] = torch.__version__
except ImportError:
    out["torch"] = None
out["numpy"] = np.__version__
print(json.dumps(out))
