#!/usr/bin/python3
# The onnxruntime-node column of `pnpm -s bench`: exports torch_train_bench.py's
# BertCls for one config to ONNX with the PyTorch that is installed (Debian's
# python3-torch). The weights are those the timing script builds: the same seed
# (torch.manual_seed(0)) and the same construction order, so ORT runs the model
# PyTorch was timed on. torch 1.13's exporter writes the protobuf from C++; the
# `onnx` Python package is not needed.
#
#   /usr/bin/python3 export_onnx.py --config bert-mini --out DIR
#
# writes DIR/<config>.onnx (dynamic batch and sequence axes, int64 inputs
# input_ids, token_type_ids, attention_mask; output logits) and
# DIR/<config>.check.json: a small eval-mode batch and PyTorch's logits for it,
# so the bench can check that ORT computes the same function.
import argparse
import json
import os

import torch

from torch_train_bench import CONFIGS, BertCls, VOCAB

OPSET = 14
INPUTS = ["input_ids", "token_type_ids", "attention_mask"]


def check_batch(B=2, S=24):
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(5, VOCAB, (B, S), generator=g)
    tt = torch.zeros(B, S, dtype=torch.long)
    tt[:, S // 2:] = 1
    am = torch.ones(B, S, dtype=torch.long)
    am[1, -4:] = 0
    return ids, tt, am


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--config", required=True)
    ap.add_argument("--out", required=True, help="folder for <config>.onnx and <config>.check.json")
    a = ap.parse_args()
    found = [c for c in CONFIGS if c[0] == a.config]
    if not found:
        raise SystemExit(f"unknown config {a.config}")
    name, H, L, nh, I, S, B = found[0]
    torch.manual_seed(0)
    model = BertCls(H, L, nh, I).eval()
    ids, tt, am = check_batch()
    path = os.path.join(a.out, f"{name}.onnx")
    axes = {k: {0: "batch", 1: "seq"} for k in INPUTS}
    axes["logits"] = {0: "batch"}
    with torch.no_grad():
        torch.onnx.export(model, (ids, tt, am), path, input_names=INPUTS, output_names=["logits"],
                          dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True)
        logits = model(ids, tt, am)
    check = {"shape": list(ids.shape), "input_ids": ids.flatten().tolist(), "token_type_ids": tt.flatten().tolist(),
             "attention_mask": am.flatten().tolist(), "logits": logits.flatten().tolist()}
    with open(os.path.join(a.out, f"{name}.check.json"), "w") as f:
        json.dump(check, f)
    print(json.dumps({"torch": torch.__version__, "opset": OPSET, "path": path}))


if __name__ == "__main__":
    main()
