"""Peer for scripts/bench/saeErrors.ts: one training step of /sae-errors/' character language model in PyTorch on
one thread, same shapes, architecture, loss and optimiser (pre-LN transformer, learned positions, causal multi-head
attention, ReLU MLP, untied unembedding; Adam β = (0.9, 0.99)); the embedding is PyTorch's own lookup.
Usage: python3 scripts/bench/sae_lm_peer.py '{"vocab":96,"ctx":64,"dModel":64,"heads":4,"dMlp":256,"layers":2,"batch":32,"steps":20}'
Prints one JSON object: {"stepMs": ..., "tokensPerSecond": ..., "tokensPerCpuSecond": ..., "torch": version}.
"""
import json
import math
import sys
import time

import torch
import torch.nn.functional as F

cfg = json.loads(sys.argv[1])
torch.set_num_threads(1)
V, T, d, H, dm, L, B, steps = (cfg[k] for k in ("vocab", "ctx", "dModel", "heads", "dMlp", "layers", "batch", "steps"))
dh = d // H
g = torch.Generator().manual_seed(0)


def param(*shape, std=0.02):
    return (torch.randn(*shape, generator=g) * std).requires_grad_()


P = {"wte": param(V, d), "wpe": param(T, d), "lnfg": torch.ones(d, requires_grad=True), "lnfb": torch.zeros(d, requires_grad=True), "wu": param(d, V), "bu": torch.zeros(V, requires_grad=True)}
for l in range(L):
    P.update({
        f"l{l}.ln1g": torch.ones(d, requires_grad=True), f"l{l}.ln1b": torch.zeros(d, requires_grad=True),
        f"l{l}.wqkv": param(d, 3 * d), f"l{l}.wo": param(d, d, std=0.02 / math.sqrt(2 * L)), f"l{l}.bo": torch.zeros(d, requires_grad=True),
        f"l{l}.ln2g": torch.ones(d, requires_grad=True), f"l{l}.ln2b": torch.zeros(d, requires_grad=True),
        f"l{l}.w1": param(d, dm), f"l{l}.b1": torch.zeros(dm, requires_grad=True),
        f"l{l}.w2": param(dm, d, std=0.02 / math.sqrt(2 * L)), f"l{l}.b2": torch.zeros(d, requires_grad=True),
    })
mask = torch.triu(torch.full((T, T), -1e9), diagonal=1)


def forward(x):
    h = P["wte"][x] + P["wpe"]  # [B, T, d]
    for l in range(L):
        a = F.layer_norm(h, (d,), P[f"l{l}.ln1g"], P[f"l{l}.ln1b"], 1e-5)
        q, k, v = (a @ P[f"l{l}.wqkv"]).split(d, dim=-1)
        q, k, v = (t.view(B, T, H, dh).transpose(1, 2) for t in (q, k, v))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(dh) + mask, dim=-1) @ v
        h = h + att.transpose(1, 2).reshape(B, T, d) @ P[f"l{l}.wo"] + P[f"l{l}.bo"]
        a = F.layer_norm(h, (d,), P[f"l{l}.ln2g"], P[f"l{l}.ln2b"], 1e-5)
        h = h + torch.relu(a @ P[f"l{l}.w1"] + P[f"l{l}.b1"]) @ P[f"l{l}.w2"] + P[f"l{l}.b2"]
    return F.layer_norm(h, (d,), P["lnfg"], P["lnfb"], 1e-5) @ P["wu"] + P["bu"]


opt = torch.optim.Adam(P.values(), lr=3e-3, betas=(0.9, 0.99))
warm = 3
t0 = None
for s in range(steps + warm):
    if s == warm:
        t0 = time.perf_counter()
        c0 = time.process_time()
    # Random windows are made inside the step, as the tfjs loop samples its windows.
    w = torch.randint(0, V, (B, T + 1), generator=g)
    loss = F.cross_entropy(forward(w[:, :T]).reshape(B * T, V), w[:, 1:].reshape(B * T))
    opt.zero_grad()
    loss.backward()
    opt.step()
    loss.item()  # the tfjs loop reads every step's loss
step_s = (time.perf_counter() - t0) / steps
cpu_s = (time.process_time() - c0) / steps
print(json.dumps({"stepMs": step_s * 1000, "tokensPerSecond": B * T / step_s, "tokensPerCpuSecond": B * T / cpu_s, "torch": torch.__version__}))
