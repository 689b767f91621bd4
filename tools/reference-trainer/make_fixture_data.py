#!/usr/bin/python3
"""Writes the replay fixture's hand-made inputs: the 128-token vocab, a tiny GLUE-layout folder and the schedule.

    /usr/bin/python3 tools/reference-trainer/make_fixture_data.py packages/testkit/fixtures/reference-trainer

Token ids 0-4 are the specials of the tiny-base fixture ([PAD] 0, [UNK] 1, [CLS] 2,
[SEP] 3, [MASK] 4). No pair is longer than 26 tokens, so no truncation rule matters.
"""
import json
import os
import sys

WORDS = """. , ? ' ##s ##ed ##ing ##ly
the a an is was are were be has had have of to in on at and or but not no it he she they we you this that there what who
man woman child dog cat bird car house city river tree book food water music game team player company market price
said say buy sold sell eat run walk play sing read write like love hate see sleep drive rain win lose stay leave
big small red blue green old new good bad happy sad fast slow very quite today yesterday tomorrow morning night
two three many all some every home school park street shop""".split()

MRPC_TRAIN = [
    (1, "the dog was happy in the park today .", "today the dog was very happy in the park ."),
    (0, "the company sold two shops in the city .", "the team played a game at school yesterday ."),
    (1, "she said the price of food was too high .", "she said food prices were very high ."),
    (0, "he drives a red car to the market every morning .", "the old river is green and slow at night ."),
    (1, "they loved the new music .", "they liked the new music very much ."),
    (0, "the cat sleeps in the house .", "many birds sing in the tree in the morning ."),
    (1, "the player wins every game at home , she said .", "she said the player wins all home games ."),
    (0, "who reads books in the park ?", "the child hates rain and stays home ."),
]
MRPC_DEV = [
    (1, "the dog plays in the park .", "the dog is playing in the park ."),
    (0, "the market is big .", "she sleeps at night ."),
    (1, "he sold the old car .", "the old car was sold by him ."),
]
MNLI_TRAIN = [
    ("the man walks to the shop every morning .", "the man walks .", "entailment"),
    ("the child is sad because it rained .", "the child is very happy .", "contradiction"),
    ("two dogs run in the park .", "the dogs are playing a game .", "neutral"),
    ("she sells food at the market .", "she has a shop .", "neutral"),
    ("the team lost the game yesterday .", "the team won the game yesterday .", "contradiction"),
    ("they drive a blue car to school .", "they have a car .", "entailment"),
    ("the bird sings in the old tree at night .", "a bird is singing .", "entailment"),
    ("many players leave the team .", "some players stay with the team .", "neutral"),
]
MNLI_DEV = [
    ("the woman reads a book at home .", "the woman is reading .", "entailment"),
    ("the city is small and old .", "the city is very big .", "contradiction"),
    ("he eats food every night .", "he eats with the team .", "neutral"),
]
STSB_TRAIN = [
    ("a man is playing music .", "a man plays music .", 4.75),
    ("the dog runs in the park .", "a cat sleeps in the house .", 0.6),
    ("the woman sold the car .", "the car was sold .", 3.2),
    ("two children play a game .", "the children are playing .", 3.8),
    ("the price of water is high .", "water is very good .", 1.25),
    ("a bird sings in the tree .", "the bird is singing in a tree .", 5.0),
    ("he reads a new book every night .", "she writes books .", 1.5),
    ("the river is slow and green .", "the old river is green .", 2.4),
]
STSB_DEV = [
    ("a dog plays in the park .", "the dog is playing .", 4.0),
    ("the man eats food .", "the city is big .", 0.0),
    ("she drives a red car .", "she has a red car .", 2.8),
]
M, N, S = "mrpc", "mnli", "sts-b"
# 12 steps of 4 rows. sts-b is absent until step 4 (its head: grad None, untouched);
# mnli appears at step 1 and is absent at step 3 (its head: zero grad, moves by momentum);
# mrpc is absent at steps 5 and 7; step 7 has one task only; rows repeat across steps.
SCHEDULE = [
    [(M, 0), (N, 0), (M, 1), (N, 1)], [(N, 2), (M, 2), (N, 3), (M, 3)], [(M, 4), (M, 5), (M, 6), (M, 7)],
    [(S, 0), (M, 0), (S, 1), (N, 4)], [(N, 5), (S, 2), (N, 6), (S, 3)], [(M, 1), (S, 4), (N, 7), (M, 2)],
    [(S, 5), (S, 6), (S, 7), (S, 0)], [(M, 3), (N, 0), (N, 1), (N, 2)], [(S, 1), (M, 4), (N, 3), (M, 5)],
    [(N, 4), (N, 5), (M, 6), (S, 2)], [(M, 7), (S, 3), (S, 4), (N, 6)], [(N, 7), (M, 0), (S, 5), (M, 1)],
]
MNLI_HEAD = ["index", "promptID", "pairID", "genre", "sentence1_binary_parse", "sentence2_binary_parse",
             "sentence1_parse", "sentence2_parse", "sentence1", "sentence2"]
STSB_HEAD = ["index", "genre", "filename", "year", "old_index", "source1", "source2", "sentence1", "sentence2", "score"]
MRPC_HEAD = ["Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"]


def write_tsv(path, header, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        for r in [header] + rows:
            f.write("\t".join(str(c) for c in r) + "\n")


def write_vocab(path):
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS
    assert len(vocab) == len(set(vocab)) and len(vocab) <= 128
    vocab += [f"[unused{i}]" for i in range(128 - len(vocab))]  # the model's vocab_size is 128
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(vocab) + "\n")


def main(out):
    write_vocab(os.path.join(out, "model", "vocab.txt"))
    g = os.path.join(out, "glue")
    write_tsv(f"{g}/MRPC/train.tsv", MRPC_HEAD, [(l, 1000 + i, 2000 + i, a, b) for i, (l, a, b) in enumerate(MRPC_TRAIN)])
    write_tsv(f"{g}/MRPC/dev.tsv", MRPC_HEAD, [(l, 3000 + i, 4000 + i, a, b) for i, (l, a, b) in enumerate(MRPC_DEV)])
    parse = ("fiction", "( x )", "( y )", "(ROOT x)", "(ROOT y)")
    write_tsv(f"{g}/MNLI/train.tsv", MNLI_HEAD + ["label1", "gold_label"],
              [(i, 10 + i, f"{10 + i}e", *parse, a, b, y, y) for i, (a, b, y) in enumerate(MNLI_TRAIN)])
    for split in ("dev_matched", "dev_mismatched"):
        write_tsv(f"{g}/MNLI/{split}.tsv", MNLI_HEAD + [f"label{k}" for k in range(1, 6)] + ["gold_label"],
                  [(i, 50 + i, f"{50 + i}n", *parse, a, b, *[y] * 6) for i, (a, b, y) in enumerate(MNLI_DEV)])
    for split, rows in (("train", STSB_TRAIN), ("dev", STSB_DEV)):
        write_tsv(f"{g}/STS-B/{split}.tsv", STSB_HEAD,
                  [(i, "main-captions", "MSRvid", "2012test", i, "none", "none", a, b, f"{s:.3f}")
                   for i, (a, b, s) in enumerate(rows)])
    with open(os.path.join(out, "schedule.jsonl"), "w") as f:
        for step in SCHEDULE:
            f.write(json.dumps({"rows": [{"task": t, "index": i} for t, i in step]}, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
