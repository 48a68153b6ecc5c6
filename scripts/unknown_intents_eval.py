#!/usr/bin/env python3
"""The unknown-intent protocol on an intent data set (Banking77: train.csv and test.csv with the
header `text,label`): a quarter of the intents, drawn at random with a fixed seed, are held out as
"unknown"; the classifiers are trained on the training examples of the other three quarters and
tested on the whole test split, where the messages of the unknown intents are out of scope.
Several seeds; mean ± standard deviation.

Compared, each rejecting a message when its top score falls below a threshold chosen the same
way (the score under which a target fraction of held-out in-scope messages falls, on a stratified
20% of the training examples, the model fitted on the other 80% and refitted on everything):
- Tandem's fast tier, by the CLI: `tandem train --max-in-scope-rejection T` (which also bounds
  the threshold by intents held out as pretend unknown ones), then `tandem eval --oos-label`;
- scikit-learn TF-IDF (word 1-2-grams, sublinear tf) + LinearSVC (threshold on the top decision
  score), and + LogisticRegression (threshold on the top probability).

Reported: in-scope accuracy (known-intent test messages given their intent and not rejected),
out-of-scope recall (unknown-intent test messages rejected), in-scope rejected, accuracy over
every test message with "unknown" as a class, and macro-F1 over the known intents and "unknown".

    python3 scripts/unknown_intents_eval.py ../shared/data/banking77 \
        --tandem target/release/tandem [--seeds 1,2,3] [--targets 0.05] [--tune]

`--tune` never reads test.csv: 20% of train.csv (stratified, every intent) plays the test split,
and the rest is the training data; use it to choose the target rate.
Needs scikit-learn (pip install scikit-learn).
"""

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict

OOS = "__unknown__"


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [(r["text"], r["label"]) for r in csv.DictReader(f)]


def write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        w.writerows(rows)


def stratified_split(rows, fraction, rng):
    by = defaultdict(list)
    for r in rows:
        by[r[1]].append(r)
    keep, held = [], []
    for label in sorted(by):
        group = by[label][:]
        rng.shuffle(group)
        n = min(round(len(group) * fraction), len(group) - 1)
        held += group[:n]
        keep += group[n:]
    return keep, held


def hazen_threshold(scores, rate):
    """The `rate` quantile of the scores, midpoint plotting position (as Tandem's
    rejection_rate_threshold)."""
    p = sorted(scores)
    if not p or rate <= 0:
        return float("-inf")
    pos = min(rate, 1.0) * len(p) - 0.5
    if pos <= 0:
        return p[0]
    lo = int(pos)
    if lo + 1 >= len(p):
        return p[-1] + 1e-6
    return p[lo] + (pos - lo) * (p[lo + 1] - p[lo])


def metrics(truth, predicted, known):
    from sklearn.metrics import f1_score

    in_total = sum(1 for t in truth if t != OOS)
    oos_total = len(truth) - in_total
    in_correct = sum(1 for t, p in zip(truth, predicted) if t != OOS and t == p)
    in_rejected = sum(1 for t, p in zip(truth, predicted) if t != OOS and p == OOS)
    oos_caught = sum(1 for t, p in zip(truth, predicted) if t == OOS and p == OOS)
    return {
        "in_scope_accuracy": in_correct / in_total,
        "oos_recall": oos_caught / oos_total if oos_total else float("nan"),
        "in_scope_rejected": in_rejected / in_total,
        "accuracy": sum(1 for t, p in zip(truth, predicted) if t == p) / len(truth),
        "macro_f1": f1_score(truth, predicted, labels=sorted(known) + [OOS], average="macro", zero_division=0),
    }


def sklearn_run(kind, train_rows, test_rows, known, target, seed):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import LinearSVC

    def fit(rows):
        vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True)
        x = vec.fit_transform([t for t, _ in rows])
        y = [l for _, l in rows]
        clf = LinearSVC(C=1.0) if kind == "svc" else LogisticRegression(C=10.0, max_iter=3000)
        clf.fit(x, y)
        return vec, clf

    def top(vec, clf, texts):
        x = vec.transform(texts)
        s = clf.decision_function(x) if kind == "svc" else clf.predict_proba(x)
        best = s.argmax(axis=1)
        return [clf.classes_[i] for i in best], s.max(axis=1).tolist()

    fit_rows, held_rows = stratified_split(train_rows, 0.2, random.Random(seed))
    vec, clf = fit(fit_rows)
    _, held_scores = top(vec, clf, [t for t, _ in held_rows])
    threshold = hazen_threshold(held_scores, target)
    vec, clf = fit(train_rows)
    labels, scores = top(vec, clf, [t for t, _ in test_rows])
    predicted = [l if s >= threshold else OOS for l, s in zip(labels, scores)]
    return metrics([l for _, l in test_rows], predicted, known)


def tandem_run(tandem, tmp, train_rows, test_rows, target, seed):
    train_csv = os.path.join(tmp, "train.csv")
    test_csv = os.path.join(tmp, "test.csv")
    model = os.path.join(tmp, "model.tndm")
    write(train_csv, train_rows)
    write(test_csv, test_rows)
    subprocess.run(
        [tandem, "train", "--data", train_csv, "--out", model, "--max-in-scope-rejection", str(target)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    out = subprocess.run(
        [tandem, "eval", "--model", model, "--data", test_csv, "--oos-label", OOS, "--json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    r = json.loads(out)
    return {
        "in_scope_accuracy": r["in_scope_accuracy"],
        "oos_recall": r["oos_recall"],
        "in_scope_rejected": r["in_scope_rejected"],
        "accuracy": r["accuracy"],
        "macro_f1": r["macro_f1"],
        "p50_us": r["latency_us"]["p50"],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", help="directory with train.csv and test.csv")
    ap.add_argument("--tandem", default="target/release/tandem", help="the tandem binary ('' to skip)")
    ap.add_argument("--seeds", default="1,2,3")
    ap.add_argument("--targets", default="0.05", help="target rates of in-scope rejections, comma-separated")
    ap.add_argument("--known-fraction", type=float, default=0.75)
    ap.add_argument("--tune", action="store_true", help="test on 20%% of train.csv, never read test.csv")
    ap.add_argument("--no-sklearn", action="store_true")
    args = ap.parse_args()

    train_all = read(os.path.join(args.data, "train.csv"))
    labels = sorted({l for _, l in train_all})
    seeds = [int(s) for s in args.seeds.split(",")]
    targets = [float(t) for t in args.targets.split(",")]
    results = defaultdict(list)
    for seed in seeds:
        rng = random.Random(seed)
        shuffled = labels[:]
        rng.shuffle(shuffled)
        n_known = round(len(labels) * args.known_fraction)
        known = set(shuffled[:n_known])
        if args.tune:
            train_part, test_part = stratified_split(train_all, 0.2, random.Random(1000 + seed))
        else:
            train_part, test_part = train_all, read(os.path.join(args.data, "test.csv"))
        train_rows = [(t, l) for t, l in train_part if l in known]
        test_rows = [(t, l if l in known else OOS) for t, l in test_part]
        for target in targets:
            if args.tandem:
                with tempfile.TemporaryDirectory() as tmp:
                    r = tandem_run(args.tandem, tmp, train_rows, test_rows, target, seed)
                results[("tandem fast tier", target)].append(r)
                print(f"seed {seed} target {target} tandem {r}", file=sys.stderr, flush=True)
            # A threshold at the top of the held-out scores would reject everything: the baselines
            # have no "unbounded" setting (Tandem's target 1 is its balanced threshold).
            if not args.no_sklearn and target < 1:
                for kind, name in [("svc", "TF-IDF + LinearSVC"), ("lr", "TF-IDF + LogisticRegression")]:
                    r = sklearn_run(kind, train_rows, test_rows, known, target, seed)
                    results[(name, target)].append(r)
                    print(f"seed {seed} target {target} {name} {r}", file=sys.stderr, flush=True)

    split = "20% of train.csv (--tune)" if args.tune else "test.csv"
    print(
        f"unknown-intent protocol: {len(labels)} intents, {round(len(labels) * args.known_fraction)} known, "
        f"tested on {split}; seeds {args.seeds}; mean ± sd in %"
    )
    cols = ["in_scope_accuracy", "oos_recall", "in_scope_rejected", "accuracy", "macro_f1"]
    print(f"| {'model':28} | target | " + " | ".join(f"{c:>17}" for c in cols) + " |")
    print(f"|{'-' * 30}|--------|" + "|".join("-" * 19 for _ in cols) + "|")
    for (name, target), runs in results.items():
        cells = []
        for c in cols:
            v = [r[c] * 100 for r in runs]
            sd = statistics.stdev(v) if len(v) > 1 else 0.0
            cells.append(f"{statistics.mean(v):8.2f} ± {sd:5.2f}")
        print(f"| {name:28} | {target:6.3f} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
