"""CA-MTL-base forward in plain PyTorch, written from the spec (design/camtl-spec.md §2-3).

An independent re-implementation of what the official code (CAMTL/CA-MTL,
src/model/ca_mtl.py + encoders/ca_mtl_base.py + decoder.py, on transformers
2.11's BERT blocks) computes, with every dropout at 0: the replayed runs that
this checks are run with `--dropout 0`, which also removes the reference's
head dropout of 0.1. Parameters live in a flat dict under the reference's
`CaMtl.state_dict()` names, so the optimiser can apply the name-based
weight-decay rule, and absent task heads never enter the graph (their grad
stays None until their task first appears, as in the reference, which runs
each Decoder only on its own rows).
"""
import math

import torch
import torch.nn.functional as F


def linear(P, prefix, x):
    """y = x Wᵀ + b with W stored [out, in] (PyTorch/HF layout)."""
    return F.linear(x, P[prefix + ".weight"], P[prefix + ".bias"])


def film(P, prefix, cond, x):
    """(1 + γ) ⊙ x + β, γ the first and β the second half of gb_weights(cond); cond [B, d] → broadcast [B, 1, ·]."""
    gb = linear(P, prefix + ".gb_weights", cond).unsqueeze(1)
    gamma, beta = torch.chunk(gb, 2, dim=-1)
    return (1 + gamma) * x + beta


def layer_norm(P, prefix, x, eps):
    return F.layer_norm(x, (x.shape[-1],), P[prefix + ".weight"], P[prefix + ".bias"], eps)


def cond_layer_norm(P, prefix, x, cond, eps):
    """Scale-only conditional LayerNorm: weight_b = (1 + γ(z′_b)) ⊙ w + β(z′_b); the bias is not conditioned.

    Per example rather than per task's first row: all rows of a task share z′, so
    outputs and parameter gradients are the same as the reference's loop over tasks.
    """
    w = film(P, prefix + ".ln_weight_modulation", cond, P[prefix + ".weight"])  # [B, 1, H]
    normed = F.layer_norm(x, (x.shape[-1],), None, None, eps)
    return normed * w + P[prefix + ".bias"]


def block_diag_bias(P, prefix, cond, L):
    """The attention bias M [B, L, L] of spec §3.3, by its closed form.

    Ã_b = (1 + γ_b) ⊙ A + β_b with A = random_weight_matrix [L, c];
    M[b, i, j] = Ã_b[i, j − c·⌊i/c⌋] when ⌊i/c⌋ = ⌊j/c⌋, else 0 — what
    torch.chunk + torch.block_diag + the column cut build, uneven blocks included.
    """
    A = P[prefix + ".random_weight_matrix"]
    c = A.shape[1]
    a_tilde = film(P, prefix + ".cond_block_diag_attn", cond, A)  # [B, L, c]
    i = torch.arange(L).unsqueeze(1)
    j = torch.arange(L).unsqueeze(0)
    col = j - c * (i // c)
    inside = ((col >= 0) & (col < c)).to(a_tilde.dtype)  # [L, L]
    index = col.clamp(0, c - 1).unsqueeze(0).expand(a_tilde.shape[0], L, L)
    return torch.gather(a_tilde, 2, index) * inside


def self_attention(P, prefix, x, cond, mask_add, heads):
    B, L, H = x.shape
    dh = H // heads

    def split(t):
        return t.view(B, L, heads, dh).permute(0, 2, 1, 3)

    q, k, v = (split(linear(P, f"{prefix}.{n}", x)) for n in ("query", "key", "value"))
    scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(dh)
    # One bias per example shared by all heads, added before the padding mask (as the reference).
    scores = scores + block_diag_bias(P, prefix, cond, L).unsqueeze(1)
    scores = scores + mask_add
    context = torch.matmul(torch.softmax(scores, dim=-1), v)
    return context.permute(0, 2, 1, 3).reshape(B, L, H)


def encoder_layer(P, prefix, x, cond, mask_add, cfg, kind):
    """kind: 'plain' (bias only, BertLayer9), 'cln' (MyBertLayer9) or 'top' (MyBertAdapterLayer9)."""
    eps = cfg["layer_norm_eps"]
    att, inter, out = ("new_attention", "new_intermediate", "new_output") if kind == "top" else (
        "attention", "intermediate", "output")
    norm = layer_norm if kind == "plain" else None

    def ln(name, t):
        if norm is not None:
            return layer_norm(P, name, t, eps)
        return cond_layer_norm(P, name, t, cond, eps)

    context = self_attention(P, f"{prefix}.{att}.self", x, cond, mask_add, cfg["num_attention_heads"])
    a = ln(f"{prefix}.{att}.output.LayerNorm", linear(P, f"{prefix}.{att}.output.dense", context) + x)
    hidden = F.gelu(linear(P, f"{prefix}.{inter}.dense", a))  # exact erf GELU, as BERT's "gelu"
    f = ln(f"{prefix}.{out}.LayerNorm", linear(P, f"{prefix}.{out}.dense", hidden) + a)
    if kind != "top":
        return f
    # Conditional bottleneck: no non-linearity, no inner residual; the adapter's residual is `a`, not `f`.
    ad = f"{prefix}.adapter"
    z2 = linear(P, f"{ad}.bottleneck.emb_transf", cond)
    u = film(P, f"{ad}.bottleneck.hidden_modulation", z2, f)
    u = linear(P, f"{ad}.bottleneck.up_proj_layer", linear(P, f"{ad}.bottleneck.down_proj_layer", u))
    return cond_layer_norm(P, f"{ad}.condlayernorm", u + a, cond, eps)


def layer_kinds(num_layers):
    """Base layout: ⌊n/2⌋ bias-only layers, ⌊n/2⌋ − 1 CLN layers, one rebuilt top layer."""
    bottom = num_layers // 2
    return ["plain"] * bottom + ["cln"] * (num_layers - bottom - 1) + ["top"]


def pooled_output(P, cfg, input_ids, token_type_ids, attention_mask, task_id):
    B, L = input_ids.shape
    dtype = P["bert.pooler.dense.weight"].dtype
    z = F.embedding(task_id, P["bert.task_type_embeddings.weight"])
    e = "bert.embeddings"
    emb = (
        F.embedding(input_ids, P[f"{e}.word_embeddings.weight"])
        + F.embedding(torch.arange(L).unsqueeze(0).expand(B, L), P[f"{e}.position_embeddings.weight"])
        + F.embedding(token_type_ids, P[f"{e}.token_type_embeddings.weight"])
    )
    x = layer_norm(P, f"{e}.LayerNorm", emb, cfg["layer_norm_eps"])
    x = film(P, "bert.conditional_alignment", z, x)  # alignment uses the raw task embedding z
    cond = linear(P, "bert.encoder.task_transformation", z)  # every in-layer module uses z′
    mask_add = (1.0 - attention_mask.to(dtype))[:, None, None, :] * -10000.0
    for k, kind in enumerate(layer_kinds(cfg["num_hidden_layers"])):
        x = encoder_layer(P, f"bert.encoder.layer.{k}", x, cond, mask_add, cfg, kind)
    return torch.tanh(linear(P, "bert.pooler.dense", x[:, 0]))


def forward(P, cfg, batch):
    """Loss = mean over the tasks present of each task's mean loss (CE, or MSE for 1-label tasks).

    Returns (loss, {task_index: (task_loss, logits)}). Heads run only on their own
    rows, so an absent task's head is not in the graph.
    """
    pooled = pooled_output(P, cfg, batch["input_ids"], batch["token_type_ids"], batch["attention_mask"],
                           batch["task_id"])
    per_task = {}
    for t in torch.unique(batch["task_id"]).tolist():  # sorted, as the reference's torch.unique
        rows = batch["task_id"] == t
        logits = linear(P, f"decoders.{t}.model", pooled[rows])
        labels = batch["labels"][rows]
        if cfg["num_labels_per_task"][t] == 1:
            task_loss = F.mse_loss(logits.view(-1), labels.to(logits.dtype).view(-1))
        else:
            task_loss = F.cross_entropy(logits, labels.long())
        per_task[t] = (task_loss, logits)
    loss = torch.stack([per_task[t][0] for t in sorted(per_task)]).mean()
    return loss, per_task
