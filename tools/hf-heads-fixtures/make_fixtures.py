"""Tiny HF checkpoints of BertForTokenClassification, BertForQuestionAnswering and
BertForMultipleChoice, with inputs and the outputs PyTorch computes for them.

Run with Debian's torch (no `transformers` needed):

    /usr/bin/python3 tools/hf-heads-fixtures/make_fixtures.py packages/testkit/fixtures/hf-heads
    /usr/bin/python3 tools/hf-heads-fixtures/make_fixtures.py --self-check packages/core/fixtures/bert-tiny

The BERT below follows transformers' modeling_bert.py in eval mode (no dropout):
embeddings (word + position + token type) → LayerNorm, post-LN layers, GELU in
its erf form, LayerNorm eps from config.json, the additive mask (1 − m)·−10000.
The heads and losses are HF's, including the ignore rules: labels −100 for
token classification (and multiple choice), and QA positions clamped to [0, S]
with S as the ignore index. Weights are drawn in float32 and every reference
value is computed in float64 from those float32 numbers.
"""
import argparse
import json
import math
import os
import struct
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "reference-trainer"))
from st_io import read_safetensors  # noqa: E402  (the repository's own small reader)

ARCHS = {
    "token-classification": "BertForTokenClassification",
    "question-answering": "BertForQuestionAnswering",
    "multiple-choice": "BertForMultipleChoice",
}


def write_safetensors(path, tensors):
    """8-byte little-endian header length, JSON header padded to 8 bytes, raw little-endian F32 bytes."""
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name, t in tensors.items():
        raw = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def layer_norm(x, p, name, eps):
    return F.layer_norm(x, x.shape[-1:], p[f"{name}.weight"], p[f"{name}.bias"], eps)


def linear(x, p, name):
    return F.linear(x, p[f"{name}.weight"], p[f"{name}.bias"])


def gelu(x):
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def bert_layer(h, p, pre, cfg, mask):
    B, S, H = h.shape
    nh = cfg["num_attention_heads"]
    d = H // nh
    eps = cfg["layer_norm_eps"]

    def heads(x):  # [B, S, H] → [B, nh, S, d]
        return x.view(B, S, nh, d).transpose(1, 2)

    q, k, v = (heads(linear(h, p, f"{pre}.attention.self.{n}")) for n in ("query", "key", "value"))
    scores = q @ k.transpose(-1, -2) / math.sqrt(d) + mask  # [B, nh, S, S]
    ctx = (scores.softmax(-1) @ v).transpose(1, 2).reshape(B, S, H)
    a = layer_norm(linear(ctx, p, f"{pre}.attention.output.dense") + h, p, f"{pre}.attention.output.LayerNorm", eps)
    inter = gelu(linear(a, p, f"{pre}.intermediate.dense"))
    return layer_norm(linear(inter, p, f"{pre}.output.dense") + a, p, f"{pre}.output.LayerNorm", eps)


def bert_encoder(p, cfg, ids, types, mask):
    """ids/types/mask [B, S] → sequence output [B, S, H] (float64)."""
    S = ids.shape[1]
    e = p["bert.embeddings.word_embeddings.weight"][ids] + p["bert.embeddings.token_type_embeddings.weight"][types]
    e = e + p["bert.embeddings.position_embeddings.weight"][:S]
    h = layer_norm(e, p, "bert.embeddings.LayerNorm", cfg["layer_norm_eps"])
    additive = (1.0 - mask.to(torch.float64))[:, None, None, :] * -10000.0  # [B, 1, 1, S]
    for i in range(cfg["num_hidden_layers"]):
        h = bert_layer(h, p, f"bert.encoder.layer.{i}", cfg, additive)
    return h


def pooled(p, h):
    return torch.tanh(linear(h[:, 0], p, "bert.pooler.dense"))


def token_classification(p, cfg, x):
    h = bert_encoder(p, cfg, x["input_ids"], x["token_type_ids"], x["attention_mask"])
    logits = linear(h, p, "classifier")  # [B, S, C]
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), x["labels"].reshape(-1), ignore_index=-100)
    return h, {"logits": logits, "loss": loss}


def question_answering(p, cfg, x):
    h = bert_encoder(p, cfg, x["input_ids"], x["token_type_ids"], x["attention_mask"])
    start, end = linear(h, p, "qa_outputs").split(1, dim=-1)  # [B, S, 1] each
    start, end = start.squeeze(-1), end.squeeze(-1)
    S = start.shape[1]
    sp, ep = x["start_positions"].clamp(0, S), x["end_positions"].clamp(0, S)
    loss = (F.cross_entropy(start, sp, ignore_index=S) + F.cross_entropy(end, ep, ignore_index=S)) / 2
    return h, {"start_logits": start, "end_logits": end, "loss": loss}


def multiple_choice(p, cfg, x):
    B, C, S = x["input_ids"].shape
    flat = [x[k].reshape(B * C, S) for k in ("input_ids", "token_type_ids", "attention_mask")]
    h = bert_encoder(p, cfg, *flat)
    logits = linear(pooled(p, h), p, "classifier").view(B, C)
    return h, {"logits": logits, "loss": F.cross_entropy(logits, x["labels"])}


def random_weights(cfg, head, seed):
    """Not HF's init (LayerNorm 1/0, biases 0): every tensor matters, so a swapped or ignored one shows."""
    g = torch.Generator().manual_seed(seed)
    H, I, V = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    p = {}

    def mat(name, out, inp):
        p[f"{name}.weight"] = torch.randn(out, inp, generator=g) / math.sqrt(inp)
        p[f"{name}.bias"] = torch.randn(out, generator=g) * 0.05

    def norm(name):
        p[f"{name}.weight"] = 1 + 0.1 * torch.randn(H, generator=g)
        p[f"{name}.bias"] = 0.05 * torch.randn(H, generator=g)

    p["bert.embeddings.word_embeddings.weight"] = 0.5 * torch.randn(V, H, generator=g)
    p["bert.embeddings.position_embeddings.weight"] = 0.5 * torch.randn(cfg["max_position_embeddings"], H, generator=g)
    p["bert.embeddings.token_type_embeddings.weight"] = 0.5 * torch.randn(cfg["type_vocab_size"], H, generator=g)
    norm("bert.embeddings.LayerNorm")
    for i in range(cfg["num_hidden_layers"]):
        pre = f"bert.encoder.layer.{i}"
        for n in ("query", "key", "value"):
            mat(f"{pre}.attention.self.{n}", H, H)
        mat(f"{pre}.attention.output.dense", H, H)
        norm(f"{pre}.attention.output.LayerNorm")
        mat(f"{pre}.intermediate.dense", I, H)
        mat(f"{pre}.output.dense", H, I)
        norm(f"{pre}.output.LayerNorm")
    if head == "multiple-choice":  # HF: add_pooling_layer=False for token classification and QA only
        mat("bert.pooler.dense", H, H)
        mat("classifier", 1, H)  # one output whatever num_labels says
    elif head == "token-classification":
        mat("classifier", len(cfg["id2label"]), H)
    else:
        mat("qa_outputs", 2, H)
    return {k: v.to(torch.float32) for k, v in p.items()}


def base_config(hidden, heads, inter, eps, arch, num_labels):
    labels = {str(i): f"LABEL_{i}" for i in range(num_labels)}
    return {
        "architectures": [arch],
        "model_type": "bert",
        "vocab_size": 100,
        "hidden_size": hidden,
        "num_hidden_layers": 2,
        "num_attention_heads": heads,
        "intermediate_size": inter,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": 32,
        "type_vocab_size": 2,
        "initializer_range": 0.02,
        "layer_norm_eps": eps,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "id2label": labels,
        "label2id": {v: int(k) for k, v in labels.items()},
    }


def rows(g, B, S, lengths, pair_at):
    """[CLS]=2 a… [SEP]=3 b… [SEP] [PAD]=0…: ids, token types (1 on segment b) and the mask (0 on pads)."""
    ids, types, mask = torch.zeros(B, S, dtype=torch.long), torch.zeros(B, S, dtype=torch.long), torch.zeros(B, S, dtype=torch.long)
    for b, (n, cut) in enumerate(zip(lengths, pair_at)):
        ids[b, :n] = torch.randint(5, 100, (n,), generator=g)
        ids[b, 0], ids[b, cut], ids[b, n - 1] = 2, 3, 3
        types[b, cut + 1 : n] = 1
        mask[b, :n] = 1
    return ids, types, mask


def token_case(g):
    B, S, C = 3, 9, 5
    ids, types, mask = rows(g, B, S, [9, 6, 4], [4, 5, 3])
    labels = torch.randint(0, C, (B, S), generator=g)
    labels[mask == 0] = -100  # pads
    labels[:, 0] = -100  # [CLS]
    labels[0, 2] = labels[1, 3] = -100  # later sub-tokens of a word
    return {"input_ids": ids, "token_type_ids": types, "attention_mask": mask, "labels": labels}, C


def qa_case(g):
    B, S = 4, 10
    ids, types, mask = rows(g, B, S, [10, 10, 7, 8], [3, 4, 2, 5])
    # row 1's start is past S (clamped to S, then ignored); row 2's end too; row 3 has a negative start (clamped to 0)
    start = torch.tensor([4, 17, 3, -2])
    end = torch.tensor([6, 5, 12, 6])
    return {"input_ids": ids, "token_type_ids": types, "attention_mask": mask,
            "start_positions": start, "end_positions": end}


def mc_case(g):
    B, C, S = 2, 3, 7
    ids, types, mask = rows(g, B * C, S, [7, 6, 7, 5, 7, 4], [3, 2, 4, 2, 3, 2])
    mask[0, 2] = 0  # a hole inside the first choice, used as given
    mask[4, 5] = 0
    view = lambda t: t.view(B, C, S)  # noqa: E731
    labels = torch.tensor([2, 0])
    return {"input_ids": view(ids), "token_type_ids": view(types), "attention_mask": view(mask), "labels": labels}


def json_tensor(t, dtype):
    return {"shape": list(t.shape), "dtype": dtype, "data": [v.item() for v in t.reshape(-1)]}


def write_fixture(root, head, cfg, params, inputs, int64_keys):
    folder = os.path.join(root, head)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    write_safetensors(os.path.join(folder, "model.safetensors"), params)
    # Some tensors as int64, the rest as int32: camtl reads both.
    js = {k: json_tensor(v, "int64" if k in int64_keys else "int32") for k, v in inputs.items()}
    with open(os.path.join(folder, "inputs.json"), "w") as f:
        json.dump(js, f)
    p64 = {k: v.to(torch.float64) for k, v in params.items()}
    run = {"token-classification": token_classification, "question-answering": question_answering,
           "multiple-choice": multiple_choice}[head]
    with torch.no_grad():
        h, out = run(p64, cfg, inputs)
    expected = {"architecture": cfg["architectures"][0], "computed_in": "float64 from the float32 weights",
                "outputs": {"last_hidden_state": json_tensor(h, "float64")}}
    for k, v in out.items():
        expected["outputs"][k] = v.item() if v.dim() == 0 else json_tensor(v, "float64")
    with open(os.path.join(folder, "expected.json"), "w") as f:
        json.dump(expected, f)
    print(head, {k: (round(v.item(), 6) if v.dim() == 0 else list(v.shape)) for k, v in out.items()})


def make(root):
    g = torch.Generator().manual_seed(11)
    tok_inputs, C = token_case(g)
    cfg = base_config(16, 2, 32, 1e-12, ARCHS["token-classification"], C)
    write_fixture(root, "token-classification", cfg, random_weights(cfg, "token-classification", 1), tok_inputs,
                  {"input_ids", "labels"})
    cfg = base_config(24, 3, 48, 1e-5, ARCHS["question-answering"], 2)
    write_fixture(root, "question-answering", cfg, random_weights(cfg, "question-answering", 2), qa_case(g),
                  {"start_positions", "attention_mask"})
    # num_labels 3 in config.json: BertForMultipleChoice still has a single output.
    cfg = base_config(32, 4, 48, 1e-12, ARCHS["multiple-choice"], 3)
    write_fixture(root, "multiple-choice", cfg, random_weights(cfg, "multiple-choice", 3), mc_case(g),
                  {"labels", "token_type_ids"})


def self_check(folder):
    """This BERT against the repository's PyTorch BertForSequenceClassification fixture (bert-tiny)."""
    cfg = json.load(open(os.path.join(folder, "config.json")))
    cfg.setdefault("layer_norm_eps", 1e-12)
    p = {k: v.to(torch.float64) for k, v in read_safetensors(os.path.join(folder, "model.safetensors")).items()}
    case = json.load(open(os.path.join(folder, "expected.json")))["cases"][0]
    x = {k: torch.tensor(v["data"]).view(v["shape"]) for k, v in case["inputs"].items()}
    with torch.no_grad():
        h = bert_encoder(p, cfg, x["input_ids"], x["token_type_ids"], x["attention_mask"])
        logits = linear(pooled(p, h), p, "classifier")
    ref = case["outputs"]
    dh = (h - torch.tensor(ref["last_hidden_state"]["data"], dtype=torch.float64).view(h.shape)).abs().max().item()
    dl = (logits - torch.tensor(ref["logits"]["data"], dtype=torch.float64).view(logits.shape)).abs().max().item()
    print(f"self-check vs {folder}: max |Δ| hidden {dh:.2e}, logits {dl:.2e}")
    return 0 if max(dh, dl) < 1e-9 else 1


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("out", help="the fixture root, or the bert-tiny folder with --self-check")
    ap.add_argument("--self-check", action="store_true")
    a = ap.parse_args()
    sys.exit(self_check(a.out) if a.self_check else make(a.out))
