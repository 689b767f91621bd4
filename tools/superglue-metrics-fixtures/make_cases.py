#!/usr/bin/python3
"""SuperGLUE metric cases for camtl's tests, computed as the official scorers do.

The formulas are those of the HF `super_glue` metric (the SuperGLUE baselines'
definitions on scikit-learn):
  cb:      accuracy, f1_score(labels, preds, average="macro")
  multirc: f1_a = f1_score(labels, preds) over all answer options;
           exact_match = mean over questions of all(pred == label)
  axb:     matthews_corrcoef(labels, preds)
  axg:     accuracy; gender parity = share of groups whose predictions are all
           equal (jiant's GenderParity pairs rows 2k/2k+1; groups generalise it,
           a group of one counts as consistent)
jiant v2's CB F1 (mean of the three one-vs-rest F1s, an absent class scoring 0)
is recorded as `f1_jiant_v2` so the one place the definitions differ is visible.

Run with Debian's python3 (python3-sklearn):
  /usr/bin/python3 tools/superglue-metrics-fixtures/make_cases.py \
      > packages/testkit/fixtures/superglue-metrics/cases.json
"""
import json
import random
import sys
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import f1_score, matthews_corrcoef

warnings.filterwarnings("ignore", category=UndefinedMetricWarning)
warnings.filterwarnings("ignore", category=RuntimeWarning)


def accuracy(preds, labels):
    return float(np.mean(np.array(preds) == np.array(labels)))


def cb(preds, labels):
    p, l = np.array(preds), np.array(labels)
    jiant = np.mean([f1_score(y_true=l == c, y_pred=p == c) for c in range(3)])
    return {
        "accuracy": accuracy(preds, labels),
        "f1": float(f1_score(labels, preds, average="macro")),
        "f1_jiant_v2": float(jiant),
    }


def by_group(groups):
    rows = {}
    for i, g in enumerate(groups):
        rows.setdefault(g, []).append(i)
    return list(rows.values())


def multirc(preds, labels, groups):
    ems = [all(preds[i] == labels[i] for i in rows) for rows in by_group(groups)]
    return {"f1a": float(f1_score(labels, preds)), "em": sum(ems) / len(ems)}


def axg(preds, labels, groups):
    same = [all(preds[i] == preds[rows[0]] for i in rows) for rows in by_group(groups)]
    return {"accuracy": accuracy(preds, labels), "gender_parity": sum(same) / len(same)}


def axb(preds, labels):
    return {"mcc": float(matthews_corrcoef(labels, preds))}


def groups_of(rng, n, max_size):
    out, g = [], 0
    while len(out) < n:
        size = rng.randint(1, max_size)
        out += [f"{g // 7}/{g}"] * size
        g += 1
    return out[:n]


def random_cases(rng):
    cases = []
    for k in range(40):
        n = rng.randint(1, 60)
        c = rng.choice([2, 3])
        labels = [rng.randrange(c) for _ in range(n)]
        preds = [l if rng.random() < 0.6 else rng.randrange(c) for l in labels]
        cases.append({"task": "cb", "name": f"random {k}", "predictions": preds, "labels": labels})
        bin_l = [rng.randrange(2) for _ in range(n)]
        bin_p = [l if rng.random() < 0.7 else 1 - l for l in bin_l]
        groups = groups_of(rng, n, 6)
        cases.append({"task": "multirc", "name": f"random {k}", "predictions": bin_p, "labels": bin_l, "groups": groups})
        cases.append({"task": "axb", "name": f"random {k}", "predictions": bin_p, "labels": bin_l})
        cases.append({"task": "axg", "name": f"random {k}", "predictions": bin_p, "labels": bin_l, "groups": groups_of(rng, n, 2)})
    return cases


EDGE = [
    {"task": "cb", "name": "neutral absent from both", "predictions": [0, 1, 1, 0], "labels": [0, 1, 0, 0]},
    {"task": "cb", "name": "neutral only predicted", "predictions": [2, 1, 1, 0], "labels": [0, 1, 0, 0]},
    {"task": "cb", "name": "all one class, all right", "predictions": [1, 1, 1], "labels": [1, 1, 1]},
    {"task": "cb", "name": "all one class predicted", "predictions": [0, 0, 0, 0, 0], "labels": [0, 1, 2, 2, 1]},
    {"task": "cb", "name": "single row wrong", "predictions": [2], "labels": [0]},
    {"task": "multirc", "name": "no positives anywhere", "predictions": [0, 0, 0], "labels": [0, 0, 0], "groups": ["0/0", "0/0", "0/1"]},
    {"task": "multirc", "name": "no positive predicted", "predictions": [0, 0, 0, 0], "labels": [1, 0, 1, 0], "groups": ["0/0", "0/0", "0/1", "0/1"]},
    {"task": "multirc", "name": "groups of one", "predictions": [1, 0, 1], "labels": [1, 1, 1], "groups": ["a", "b", "c"]},
    {"task": "multirc", "name": "interleaved groups", "predictions": [1, 0, 1, 1], "labels": [1, 0, 0, 1], "groups": ["x", "y", "x", "y"]},
    {"task": "axb", "name": "all one class", "predictions": [1, 1, 1], "labels": [1, 1, 1]},
    {"task": "axb", "name": "constant predictions", "predictions": [0, 0, 0, 0], "labels": [0, 1, 0, 1]},
    {"task": "axb", "name": "all wrong", "predictions": [1, 0, 1, 0], "labels": [0, 1, 0, 1]},
    {"task": "axg", "name": "groups of one", "predictions": [0, 1, 1], "labels": [0, 0, 1], "groups": ["1", "2", "3"]},
    {"task": "axg", "name": "pairs split", "predictions": [0, 1, 1, 1], "labels": [0, 0, 1, 1], "groups": ["a", "a", "b", "b"]},
]

SCORERS = {
    "cb": lambda c: cb(c["predictions"], c["labels"]),
    "multirc": lambda c: multirc(c["predictions"], c["labels"], c["groups"]),
    "axb": lambda c: axb(c["predictions"], c["labels"]),
    "axg": lambda c: axg(c["predictions"], c["labels"], c["groups"]),
}


def main():
    cases = EDGE + random_cases(random.Random(11))
    for case in cases:
        case["expected"] = SCORERS[case["task"]](case)
    meta = {"generator": "tools/superglue-metrics-fixtures/make_cases.py", "sklearn": sklearn.__version__, "seed": 11}
    json.dump({"meta": meta, "cases": cases}, sys.stdout, indent=None, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
