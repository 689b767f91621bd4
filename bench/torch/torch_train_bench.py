#!/usr/bin/python3
# Ported into camtl's bench/ from the shared performance-anchor script
# /work/shared/tools/torch_train_bench.py (the "PyTorch on CPU" anchor of
# perf-anchors.md). The model, data and timing loop are unchanged; the port
# adds --threads (default 2, what the anchor hard-codes), and per config the
# process's peak RSS (resource.getrusage ru_maxrss, KiB on Linux) as
# "peak_rss_mb" so camtl's memory can be compared. ru_maxrss is a process-wide
# peak: run one config per process (--configs NAME) to get that config's own.
# `bench epoch` adds --batch and --seqs: train steps only, at each listed
# padded length, so an epoch's batches can be priced with torch's own times.
# Without them the defaults, output and JSON are those of the anchor.
"""CPU performance anchor: PyTorch (Debian python3-torch 1.13.1, OpenBLAS) timing of a
BERT encoder + sequence-classification head.

  /usr/bin/python3 torch_train_bench.py [--steps N] [--warmup W] [--json OUT.json] [--configs NAMES] [--threads T]
                                       [--batch B] [--seqs S1,S2,...]

For each config it times
  train step : model.train() (dropout 0.1), forward + cross-entropy + backward + AdamW.step()
               (+ zero_grad), lr 2e-5, weight_decay 0.01
  infer step : model.eval(), torch.no_grad(), forward only (logits)
on random token ids (vocab 30522, max_position 512, type_vocab 2, 2 labels), all
positions unmasked except the last 16 of every second row (padding mask exercised).
torch.set_num_threads(T) (default 2); OMP/OpenBLAS/MKL threads also set to T.
Reports median ms/step (and min/max), examples/second = batch / median seconds,
and the process's peak RSS after each config (peak_rss_mb).
--batch B replaces each config's batch. --seqs S1,S2,... times only train steps,
one set per padded length S (the padding of every second row is min(16, S // 2)
positions, so no row is all padding), and reports them as "train_ms_by_seq".
"""
import os

import sys  # noqa: E402

# --threads must take effect before torch (and OpenBLAS) load, so read it early.
_THREADS = "2"
for _i, _a in enumerate(sys.argv):
    if _a == "--threads" and _i + 1 < len(sys.argv):
        _THREADS = sys.argv[_i + 1]
    elif _a.startswith("--threads="):
        _THREADS = _a.split("=", 1)[1]
os.environ.setdefault("OMP_NUM_THREADS", _THREADS)
os.environ.setdefault("OPENBLAS_NUM_THREADS", _THREADS)
os.environ.setdefault("MKL_NUM_THREADS", _THREADS)

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

CONFIGS = [
    # name, hidden, layers, heads, intermediate, seq, batch
    ("bert-tiny", 128, 2, 2, 512, 128, 32),
    ("bert-mini", 256, 4, 4, 1024, 128, 16),
    ("bert-small", 512, 4, 8, 2048, 128, 8),
]
VOCAB, MAXPOS, TYPES, LABELS = 30522, 512, 2, 2


class Layer(nn.Module):
    def __init__(self, H, nh, I, p):
        super().__init__()
        self.nh, self.hd = nh, H // nh
        self.query, self.key, self.value = nn.Linear(H, H), nn.Linear(H, H), nn.Linear(H, H)
        self.attn_out, self.ln1 = nn.Linear(H, H), nn.LayerNorm(H, eps=1e-12)
        self.inter, self.out, self.ln2 = nn.Linear(H, I), nn.Linear(I, H), nn.LayerNorm(H, eps=1e-12)
        self.drop = nn.Dropout(p)

    def forward(self, x, ext_mask):
        B, S, H = x.shape

        def heads(t):
            return t.view(B, S, self.nh, self.hd).transpose(1, 2)

        q, k, v = heads(self.query(x)), heads(self.key(x)), heads(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.hd) + ext_mask
        probs = self.drop(torch.softmax(scores, -1))
        ctx = (probs @ v).transpose(1, 2).reshape(B, S, H)
        x = self.ln1(self.drop(self.attn_out(ctx)) + x)
        h = F.gelu(self.inter(x))
        return self.ln2(self.drop(self.out(h)) + x)


class BertCls(nn.Module):
    def __init__(self, H, L, nh, I, p=0.1):
        super().__init__()
        self.word, self.pos, self.tok_type = nn.Embedding(VOCAB, H), nn.Embedding(MAXPOS, H), nn.Embedding(TYPES, H)
        self.emb_ln, self.drop = nn.LayerNorm(H, eps=1e-12), nn.Dropout(p)
        self.layers = nn.ModuleList([Layer(H, nh, I, p) for _ in range(L)])
        self.pooler, self.cls = nn.Linear(H, H), nn.Linear(H, LABELS)

    def forward(self, ids, tt, am):
        S = ids.shape[1]
        x = self.drop(self.emb_ln(self.word(ids) + self.pos(torch.arange(S))[None] + self.tok_type(tt)))
        ext = (1.0 - am[:, None, None, :].to(x.dtype)) * -10000.0
        for layer in self.layers:
            x = layer(x, ext)
        return self.cls(self.drop(torch.tanh(self.pooler(x[:, 0]))))


def timeit(fn, warmup, steps):
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(steps):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1000.0)
    return ts


def make_batch(B, S):
    ids = torch.randint(5, VOCAB, (B, S))
    tt = torch.zeros(B, S, dtype=torch.long)
    tt[:, S // 2:] = 1
    am = torch.ones(B, S, dtype=torch.long)
    pad = min(16, S // 2)
    if pad:
        am[::2, -pad:] = 0
    labels = torch.randint(0, LABELS, (B,))
    return ids, tt, am, labels


def time_seqs(model, opt, name, B, seqs, a):
    """Train steps only, at each padded length: what `bench epoch` prices its batches with."""
    by_seq = {}
    for S in seqs:
        ids, tt, am, labels = make_batch(B, S)

        def train_step():
            model.train()
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(ids, tt, am), labels).backward()
            opt.step()

        tr = timeit(train_step, a.warmup, a.steps)
        by_seq[str(S)] = statistics.median(tr)
        print(f"{name:10s} B={B} S={S} | train step median {by_seq[str(S)]:.1f} ms "
              f"(min {min(tr):.1f}, max {max(tr):.1f})", flush=True)
    return {"config": name, "batch": B, "seqs": seqs, "train_ms_by_seq": by_seq,
            "loadavg_after": open("/proc/loadavg").read().split()[:3],
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--json", default=None)
    ap.add_argument("--configs", default=None, help="comma-separated subset of config names")
    ap.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (and OMP/OpenBLAS/MKL)")
    ap.add_argument("--batch", type=int, default=None, help="batch size instead of each config's own")
    ap.add_argument("--seqs", default=None, help="comma-separated padded lengths: train steps only, per length")
    a = ap.parse_args()
    seqs = [int(x) for x in a.seqs.split(",") if x.strip()] if a.seqs else None
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    env = {"torch": torch.__version__, "python": platform.python_version(), "threads": torch.get_num_threads(),
           "cpu": next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?"),
           "nproc": os.cpu_count(), "loadavg_at_start": open("/proc/loadavg").read().split()[:3]}
    print("env:", json.dumps(env))
    results = []
    wanted = set(a.configs.split(",")) if a.configs else None
    for name, H, L, nh, I, S, B in CONFIGS:
        if wanted and name not in wanted:
            continue
        B = a.batch or B
        model = BertCls(H, L, nh, I)
        nparams = sum(p.numel() for p in model.parameters())
        opt = torch.optim.AdamW(model.parameters(), lr=2e-5, weight_decay=0.01)
        if seqs:
            results.append(time_seqs(model, opt, name, B, seqs, a))
            continue
        ids, tt, am, labels = make_batch(B, S)

        def train_step():
            model.train()
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(ids, tt, am), labels)
            loss.backward()
            opt.step()

        def infer_step():
            model.eval()
            with torch.no_grad():
                model(ids, tt, am)

        tr = timeit(train_step, a.warmup, a.steps)
        inf = timeit(infer_step, a.warmup, a.steps)
        r = {"config": name, "hidden": H, "layers": L, "heads": nh, "intermediate": I, "seq": S, "batch": B,
             "params": nparams,
             "train_ms_median": statistics.median(tr), "train_ms_min": min(tr), "train_ms_max": max(tr),
             "train_examples_per_s": B / (statistics.median(tr) / 1000.0),
             "infer_ms_median": statistics.median(inf), "infer_ms_min": min(inf), "infer_ms_max": max(inf),
             "infer_examples_per_s": B / (statistics.median(inf) / 1000.0)}
        r["loadavg_after"] = open("/proc/loadavg").read().split()[:3]
        r["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        results.append(r)
        print(f"{name:10s} params={nparams/1e6:.2f}M  B={B} S={S} | train step median {r['train_ms_median']:.1f} ms "
              f"(min {r['train_ms_min']:.1f}, max {r['train_ms_max']:.1f}) = {r['train_examples_per_s']:.1f} ex/s | "
              f"inference median {r['infer_ms_median']:.1f} ms = {r['infer_examples_per_s']:.1f} ex/s", flush=True)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"env": env, "steps": a.steps, "warmup": a.warmup, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
