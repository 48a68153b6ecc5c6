#!/usr/bin/env python3
"""The baseline the soft-skill scorer (issue 18) must beat: TF-IDF + logistic regression per skill,
trained on ESConv's strategy_train.csv and measured on strategy_test.csv (never tuned there).

    python3 scripts/quality-baseline.py [../shared/data/esconv]

ESConv (Liu et al., 2021, CC BY-NC 4.0, see its LICENSE) labels each supporter reply with one
strategy; a skill is present in a reply when its strategy is one of the skill's (SKILL_STRATEGIES).
Skills ESConv cannot tell (politeness, clarity, greeting, closing, de_escalation) are not measured
here. Prints, per skill: support in the test split, precision, recall, F1 and ROC AUC.
"""
import csv
import os
import sys

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support, roc_auc_score

SKILL_STRATEGIES = {
    "exploration": {"Question"},
    "understanding": {"Restatement or Paraphrasing", "Reflection of feelings"},
    "empathy": {"Reflection of feelings", "Affirmation and Reassurance"},
    "solution": {"Providing Suggestions"},
}

root = sys.argv[1] if len(sys.argv) > 1 else "../shared/data/esconv"
if not os.path.isdir(root):
    print(f"no ESConv data at {root}: skipping (the data lives in ../shared/data/esconv)")
    sys.exit(0)


def read(split):
    rows = list(csv.DictReader(open(os.path.join(root, f"strategy_{split}.csv"), newline="", encoding="utf-8")))
    return [r["text"] for r in rows], [r["label"] for r in rows]


train_x, train_y = read("train")
test_x, test_y = read("test")
vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
train_m = vectorizer.fit_transform(train_x)
test_m = vectorizer.transform(test_x)
print(f"ESConv strategies: {len(train_x)} training replies, {len(test_x)} test replies")
print(f"{'skill':<14}{'support':>8}{'precision':>11}{'recall':>8}{'F1':>7}{'AUC':>7}")
for skill, strategies in SKILL_STRATEGIES.items():
    y_train = [int(y in strategies) for y in train_y]
    y_test = [int(y in strategies) for y in test_y]
    model = LogisticRegression(max_iter=2000, class_weight="balanced")
    model.fit(train_m, y_train)
    predicted = model.predict(test_m)
    p, r, f, _ = precision_recall_fscore_support(y_test, predicted, average="binary", zero_division=0)
    auc = roc_auc_score(y_test, model.predict_proba(test_m)[:, 1])
    print(f"{skill:<14}{sum(y_test):>8}{p:>11.3f}{r:>8.3f}{f:>7.3f}{auc:>7.3f}")
