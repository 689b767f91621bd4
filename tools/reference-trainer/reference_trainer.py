#!/usr/bin/python3
"""The reference trainer of CA-MTL (transformers 2.11 Trainer + CA-MTL's MultiTaskTrainer), re-implemented.

Trains the CA-MTL-base model of camtl_ref_model.py on a fixed schedule of
batches and prints/writes the loss of every step (before its update) and the
lr it was updated with. What it reproduces, rule by rule:

* AdamW = transformers.AdamW (2.11): eps added to the uncorrected sqrt(v), the
  bias corrections folded into the step size, decoupled decay AFTER the step
  on the updated weights (p ← p − lr·wd·p), `p.grad is None` ⇒ skipped (no
  state, no step count); no decay on names containing "bias" or
  "LayerNorm.weight" (MultiTaskTrainer.get_optimizers).
* LR = get_linear_schedule_with_warmup through LambdaLR: update k (0-based)
  uses base_lr·λ(k); λ(s) = s / max(1, W) while s < W, then
  max(0, (N − s) / max(1, N − W)). CA-MTL passes W = warmup_proportion · N
  unrounded (`--warmup-rounding none`, the default; `int` = int(), as the
  stock HF Trainer of that time did with --warmup_steps, for comparison).
* Each step: loss.backward(); clip_grad_norm_(params, 1.0) over the params
  that have a grad (torch 1.6: coef = max/(norm + 1e-6), applied when < 1);
  optimizer.step(); scheduler.step(); model.zero_grad() — which ZEROES
  existing grads (torch < 2.0), so a head whose task is absent after its first
  use gets a zero gradient and moves by momentum, while a never-used head has
  grad None and is skipped.

`--self-check` verifies the forward and every gradient against the
tiny-base conformance fixture (expected.json, grads.safetensors) in float64.
"""
import argparse
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from camtl_ref_model import block_diag_bias, forward  # noqa: E402
from st_io import read_safetensors  # noqa: E402

NO_DECAY = ("bias", "LayerNorm.weight")


def load_model(folder, dtype):
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    tensors = read_safetensors(os.path.join(folder, "model.safetensors"))
    params = {n: torch.nn.Parameter(t.to(dtype)) for n, t in tensors.items()}
    return cfg, params


class HfAdamW:
    """transformers 2.11 AdamW over a dict of named parameters (betas 0.9/0.999)."""

    def __init__(self, params, lr, eps, weight_decay, betas=(0.9, 0.999)):
        self.params, self.lr, self.eps, self.betas = params, lr, eps, betas
        self.decay = {n: (0.0 if any(nd in n for nd in NO_DECAY) else weight_decay) for n in params}
        self.state = {}

    @torch.no_grad()
    def step(self):
        b1, b2 = self.betas
        for name, p in self.params.items():
            if p.grad is None:
                continue
            st = self.state.setdefault(name, {"step": 0, "m": torch.zeros_like(p), "v": torch.zeros_like(p)})
            st["step"] += 1
            st["m"].mul_(b1).add_(p.grad, alpha=1.0 - b1)
            st["v"].mul_(b2).addcmul_(p.grad, p.grad, value=1.0 - b2)
            denom = st["v"].sqrt().add_(self.eps)
            step_size = self.lr * math.sqrt(1.0 - b2 ** st["step"]) / (1.0 - b1 ** st["step"])
            p.addcdiv_(st["m"], denom, value=-step_size)
            if self.decay[name] > 0.0:
                p.add_(p, alpha=-self.lr * self.decay[name])


def lr_lambda(step, warmup, total):
    if step < warmup:
        return float(step) / float(max(1, warmup))
    return max(0.0, float(total - step) / float(max(1, total - warmup)))


@torch.no_grad()
def clip_grad_norm(params, max_norm):
    """torch 1.6 clip_grad_norm_ (norm 2): params without a grad are left out."""
    grads = [p.grad for p in params.values() if p.grad is not None]
    total = torch.norm(torch.stack([torch.norm(g, 2.0) for g in grads]), 2.0)
    coef = max_norm / (total + 1e-6)
    if coef < 1:
        for g in grads:
            g.mul_(coef)
    return total.item()


def zero_grad(params):
    """Module.zero_grad() of torch 1.6: existing grads are zeroed in place, None stays None."""
    for p in params.values():
        if p.grad is not None:
            p.grad.detach_()
            p.grad.zero_()


def give_every_param_a_grad(params):
    """NOT the reference: a never-used head gets a zero grad (so its step count and weight decay run).

    For measuring how much the absent-head rule matters (--absent-heads zero-grad).
    """
    for p in params.values():
        if p.grad is None:
            p.grad = torch.zeros_like(p)


def make_batch(rows, tasks, draw_list, dtype):
    """Stacks the schedule's rows (already padded to max_seq_length) into the reference's batch tensors."""
    picked = [rows[d["task"]][d["index"]] for d in draw_list]
    long = lambda k: torch.tensor([r[k] for r in picked], dtype=torch.long)  # noqa: E731
    return {
        "input_ids": long("input_ids"),
        "token_type_ids": long("token_type_ids"),
        "attention_mask": long("attention_mask"),
        "task_id": torch.tensor([tasks.index(d["task"]) for d in draw_list], dtype=torch.long),
        # A float tensor, as in the fixture and the MT-U loader; CE casts it to long per task.
        "labels": torch.tensor([float(r["label"]) for r in picked], dtype=dtype),
    }


def train(args):
    dtype = torch.float64 if args.dtype == "float64" else torch.float32
    cfg, params = load_model(args.model, dtype)
    with open(args.rows) as f:
        rows = json.load(f)
    with open(args.schedule) as f:
        schedule = [json.loads(line)["rows"] for line in f if line.strip()]
    total = len(schedule) if args.max_steps is None else min(args.max_steps, len(schedule))
    warmup = args.warmup * total
    if args.warmup_rounding == "int":
        warmup = int(warmup)
    opt = HfAdamW(params, args.lr, args.adam_epsilon, args.weight_decay)
    records = []
    for step in range(total):
        opt.lr = args.lr * lr_lambda(step, warmup, total)  # LambdaLR: lr of update `step`
        batch = make_batch(rows, cfg["tasks"], schedule[step], dtype)
        loss, per_task = forward(params, cfg, batch)
        loss.backward()
        if args.absent_heads == "zero-grad":
            give_every_param_a_grad(params)
        norm = clip_grad_norm(params, args.max_grad_norm)
        opt.step()
        zero_grad(params)
        records.append({
            "step": step + 1,
            "loss": loss.item(),
            "lr": opt.lr,
            "gradNorm": norm,
            "perTaskLoss": {cfg["tasks"][t]: v[0].item() for t, v in per_task.items()},
        })
        print(json.dumps(records[-1]))
    return {"settings": settings_record(args, total, warmup), "steps": records}


def settings_record(args, total, warmup):
    keys = ("lr", "warmup", "warmup_rounding", "weight_decay", "max_grad_norm", "adam_epsilon", "dtype",
            "absent_heads")
    return {**{k: getattr(args, k) for k in keys}, "total_steps": total, "warmup_steps": warmup}


def rel_err(a, b):
    scale = max(float(b.abs().max()), 1e-12)
    return float((a - b).abs().max()) / scale


def self_check(folder):
    """Forward, attention biases and every gradient vs the tiny-base fixture, in float64."""
    cfg, params = load_model(folder, torch.float64)
    with open(os.path.join(folder, "expected.json")) as f:
        exp = json.load(f)
    tensor = lambda j, dt: torch.tensor(j["data"], dtype=dt).view(j["shape"])  # noqa: E731
    inp = exp["inputs"]
    batch = {k: tensor(inp[k], torch.long) for k in ("input_ids", "token_type_ids", "attention_mask", "task_id")}
    batch["labels"] = tensor(inp["labels"], torch.float64)
    loss, per_task = forward(params, cfg, batch)
    loss.backward()
    worst = {"loss_abs": abs(loss.item() - exp["outputs"]["loss"])}
    for t, (task_loss, logits) in per_task.items():
        ref = exp["outputs"]["per_task"][cfg["tasks"][t]]
        worst[f"logits.{cfg['tasks'][t]}"] = rel_err(logits.detach(), tensor(ref["logits"], torch.float64))
        worst[f"task_loss.{cfg['tasks'][t]}"] = abs(task_loss.item() - ref["loss"])
    inter = read_safetensors(os.path.join(folder, "intermediates.safetensors"))
    cond = torch.nn.functional.linear(
        params["bert.task_type_embeddings.weight"][batch["task_id"]],
        params["bert.encoder.task_transformation.weight"], params["bert.encoder.task_transformation.bias"])
    for k in range(cfg["num_hidden_layers"]):
        sub = "new_attention" if k == cfg["num_hidden_layers"] - 1 else "attention"
        m = block_diag_bias(params, f"bert.encoder.layer.{k}.{sub}.self", cond.detach(), cfg["max_seq_length"])
        worst[f"attention_bias_M.layer{k}"] = rel_err(m.detach(), inter[f"attention_bias_M.layer{k}"])
    grads = read_safetensors(os.path.join(folder, "grads.safetensors"))
    missing = sorted(set(grads) ^ set(params))
    # The key biases' gradients are analytically 0 (softmax is shift-invariant; stored ≈ 1e-17):
    # relative error is meaningless there, so each tensor passes at |Δ| ≤ 1e-6·max|ref| + 1e-12.
    diffs = {n: (float((params[n].grad - g).abs().max()), float(g.abs().max())) for n, g in grads.items() if n in params}
    worst["grads_max_abs"] = max(d for d, _ in diffs.values())
    worst["grads_max_rel_nonzero"] = max(d / r for d, r in diffs.values() if r > 1e-12)
    failing = sorted(n for n, (d, r) in diffs.items() if d > 1e-6 * r + 1e-12)
    print(json.dumps({"self_check": worst, "grads_checked": len(diffs), "failing_grads": failing,
                      "name_mismatch": missing}, indent=1))
    ok = (worst["loss_abs"] < 1e-12 and not missing and not failing
          and all(v < 1e-9 for k, v in worst.items() if not k.startswith("grads_")))
    print("self-check", "PASSED" if ok else "FAILED")
    return ok


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--self-check", metavar="FIXTURE_DIR", help="verify against tiny-base's expected.json/grads")
    ap.add_argument("--model", help="CA-MTL checkpoint folder (config.json, model.safetensors)")
    ap.add_argument("--rows", help="JSON {task: [{input_ids, token_type_ids, attention_mask, label}, …]}")
    ap.add_argument("--schedule", help='schedule.jsonl: {"rows":[{"task":…,"index":…},…]} per step')
    ap.add_argument("--output", help="write {settings, steps} JSON here")
    ap.add_argument("--lr", type=float, default=2e-5)
    ap.add_argument("--warmup", type=float, default=0.1, help="warmup_proportion")
    ap.add_argument("--warmup-rounding", choices=("none", "int"), default="none")
    ap.add_argument("--weight-decay", type=float, default=0.0)
    ap.add_argument("--max-grad-norm", type=float, default=1.0)
    ap.add_argument("--adam-epsilon", type=float, default=1e-8)
    ap.add_argument("--max-steps", type=int)
    ap.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    ap.add_argument("--absent-heads", choices=("reference", "zero-grad"), default="reference",
                    help="zero-grad: every param gets a grad from step 1 (not the reference; for comparison)")
    args = ap.parse_args()
    if args.self_check:
        sys.exit(0 if self_check(args.self_check) else 1)
    if not (args.model and args.rows and args.schedule):
        ap.error("--model, --rows and --schedule are required (or --self-check DIR)")
    result = train(args)
    if args.output:
        with open(args.output, "w") as f:
            json.dump(result, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
