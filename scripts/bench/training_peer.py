"""Peer for scripts/bench/training.ts: Jake Mendel's training step in PyTorch on one thread, same shapes and loss.
Usage: python3 scripts/bench/training_peer.py '{"m":50,"d":200,"k":1225,"batch":100,"p":6,"steps":30,"rounds":5,"trainFirst":true}'
Prints one JSON object: {"cpuMs": CPU milliseconds per step, the least over the rounds, "torch": version}.
"""
import json
import sys
import time

import torch

cfg = json.loads(sys.argv[1])
torch.set_num_threads(1)
m, d, k, batch, p, steps = cfg["m"], cfg["d"], cfg["k"], cfg["batch"], cfg["p"], cfg["steps"]
rounds = cfg.get("rounds", 1)
train_first = cfg["trainFirst"]
g = torch.Generator().manual_seed(0)
pairs = torch.combinations(torch.arange(m), 2)[:k]
q = 2 * (torch.log(torch.tensor(float(m))) ** 0.5).item() / m
W = torch.randn(m, d, generator=g).requires_grad_(train_first)
bias = torch.zeros(d).requires_grad_(train_first)
R = torch.zeros(d, k, requires_grad=True)
opt = torch.optim.Adam([W, bias, R] if train_first else [R], lr=3e-3, eps=1e-10)


def step():
    # Inputs and targets are made inside the step, as the tfjs loop makes them.
    x = (torch.rand(batch, m, generator=g) < q).float()
    y = x[:, pairs[:, 0]] * x[:, pairs[:, 1]]
    ones = y.sum()
    w = torch.where(y == 1, 1 / ones.clamp(min=1), 1 / (y.numel() - ones).clamp(min=1))
    pred = torch.relu(x @ W + bias) @ R
    loss = ((pred - y) ** p * w).sum()
    opt.zero_grad()
    loss.backward()
    opt.step()
    loss.item()  # the tfjs loop reads every step's loss for its stopping rule


for _ in range(5):
    step()
best = float("inf")
for _ in range(rounds):
    c0 = time.process_time()
    for _ in range(steps):
        step()
    best = min(best, (time.process_time() - c0) / steps * 1000)
print(json.dumps({"cpuMs": best, "torch": torch.__version__}))
