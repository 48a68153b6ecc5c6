#!/usr/bin/env python3
"""The baselines `tandem topics` (issue 19) is measured against: TF-IDF + KMeans and LSA (TF-IDF
reduced by truncated SVD, a stand-in for sentence embeddings when no embedding model is at hand) +
KMeans, on any CSV with `text,label` columns, with k the number of labels. Prints clustering
accuracy (best one-to-one mapping of clusters to labels, Hungarian), NMI and ARI, each the mean over
five seeds.

    python3 scripts/topics-baseline.py ../shared/data/banking77/test.csv

Banking77 (Casanueva et al., 2020) is CC BY 4.0 (see its LICENSE); nothing of it is stored here.
"""
import csv
import os
import sys

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.preprocessing import normalize

path = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/banking77/test.csv"
if not os.path.isfile(path):
    print(f"no data at {path}: skipping (the data lives in ../shared/data)")
    sys.exit(0)
with open(path, newline="", encoding="utf-8") as f:
    rows = [(r["text"], r["label"]) for r in csv.DictReader(f)]
texts = [t for t, _ in rows]
names = sorted({l for _, l in rows})
labels = np.array([names.index(l) for _, l in rows])
k = len(names)


def accuracy(truth, found):
    n = max(truth.max(), found.max()) + 1
    table = np.zeros((n, n), dtype=np.int64)
    for t, c in zip(truth, found):
        table[c, t] += 1
    rows_, cols = linear_sum_assignment(-table)
    return table[rows_, cols].sum() / len(truth)


def measure(name, features):
    scores = []
    for seed in range(5):
        found = KMeans(n_clusters=k, n_init=5, random_state=seed).fit_predict(features)
        scores.append((accuracy(labels, found), normalized_mutual_info_score(labels, found),
                       adjusted_rand_score(labels, found)))
    acc, nmi, ari = np.mean(scores, axis=0)
    print(f"{name:<22} ACC {acc:.3f}  NMI {nmi:.3f}  ARI {ari:.3f}")


print(f"{path}: {len(texts)} texts, k = {k}")
tfidf = TfidfVectorizer(sublinear_tf=True, min_df=2, ngram_range=(1, 2)).fit_transform(texts)
measure("TF-IDF + KMeans", tfidf)
lsa = normalize(TruncatedSVD(n_components=100, random_state=0).fit_transform(tfidf))
measure("LSA(100) + KMeans", lsa)
