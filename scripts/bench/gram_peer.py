"""Peer timing for scripts/bench/onnxGram.ts: the Gram matrix Z^T Z of the least-squares readoff fit in NumPy
(float32, BLAS on one thread: the caller sets OMP/OPENBLAS threads to 1). Prints one JSON object.
Usage: python3 scripts/bench/gram_peer.py '{"n":1000,"cols":202}'
"""
import json
import sys
import time

import numpy as np

cfg = json.loads(sys.argv[1])
Z = np.maximum(np.random.default_rng(0).standard_normal((cfg["n"], cfg["cols"]), dtype=np.float32), 0)
Z.T @ Z
best = float("inf")
for _ in range(20):
    t0 = time.perf_counter()
    Z.T @ Z
    best = min(best, time.perf_counter() - t0)
print(json.dumps({"gramMs": best * 1000, "numpy": np.__version__}))
