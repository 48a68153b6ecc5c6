#!/usr/bin/env python3
"""Measures personal-name detection (Tandem's, optionally Presidio's) on human-labelled NER data.

Data: CoNLL-style files with person labels; the data is not part of this repository, pass the paths:

- WNUT-17 (English social-media text, CC BY 4.0), github.com/leondz/emerging_entities_17:
  `emerging.test.annotated`, `emerging.dev.conll` (lines `token<TAB>tag`, tags `B-person`,
  `I-person`, ...; blank line between sentences).
- GermEval 2014 NER (German Wikipedia and news text, CC BY 4.0), e.g. `NER-de-test.tsv` (lines
  `index<TAB>token<TAB>outer tag<TAB>inner tag`, `#` comment line before each sentence; person tags
  `B-PER`, `I-PER`; derived forms `PERderiv`/`PERpart` such as "Goethe-Preis" are not persons here).

    python3 scripts/ner_names_eval.py FILE [FILE...] [--tandem target/release/tandem] [--presidio]
        [--spacy-model NAME] [--errors 20] [--limit N]

Each sentence is rebuilt by joining its tokens with single spaces and given to
`tandem redact --jsonl` (and to Presidio's AnalyzerEngine, English pipeline, when asked). A token is
predicted a name when a NAME (Presidio: PERSON) finding overlaps it; it is gold when its tag is a
person tag. Token level: TP, FP, FN over all tokens. Span level: a gold person span is found when
a predicted name overlaps it; a predicted span is correct when it overlaps a gold person span.
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pii_eval  # noqa: E402  (the shared runner: tandem redact --jsonl, byte to character offsets)

PERSON_TAGS = {"B-person", "I-person", "B-PER", "I-PER"}


def read_conll(path):
    """Sentences as lists of (token, is_person)."""
    sentences, cur = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#") and "\t" in line and cur == []:
                continue  # GermEval sentence header
            if not line.strip():
                if cur:
                    sentences.append(cur)
                cur = []
                continue
            parts = line.split("\t")
            if len(parts) >= 3 and parts[0].isdigit():  # GermEval: index, token, outer, inner
                token, tag = parts[1], parts[2]
            elif len(parts) >= 2:
                token, tag = parts[0], parts[1]
            else:
                continue
            cur.append((token, tag in PERSON_TAGS))
    if cur:
        sentences.append(cur)
    return sentences


def layout(sentence):
    """The text and each token's (start, end) character span."""
    text, spans, at = [], [], 0
    for token, _ in sentence:
        if text:
            at += 1
        spans.append((at, at + len(token)))
        text.append(token)
        at += len(token)
    return " ".join(text), spans


def run_tandem(binary, texts):
    """Tandem's name findings per text: (start, end, evidence) in character offsets."""
    return [[(a, b, evidence) for kind, a, b, evidence in found if kind == "name"]
            for found in pii_eval.run_tandem(binary, texts)]


def run_presidio(texts, model):
    spacy_model = pii_eval.spacy_model
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    model = spacy_model(model)
    print(f"presidio-analyzer with spaCy model {model}", file=sys.stderr)
    provider = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": "en", "model_name": model}],
    })
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    return [[(r.start, r.end, f"PERSON {r.score:.2f}") for r in engine.analyze(text=t, language="en", entities=["PERSON"])]
            for t in texts]


def gold_spans(sentence, spans):
    out, cur = [], None
    for (token, person), (a, b) in zip(sentence, spans):
        if person:
            cur = (cur[0], b) if cur else (a, b)
        elif cur:
            out.append(cur)
            cur = None
    if cur:
        out.append(cur)
    return out


def score(sentences, preds):
    tp = fp = fn = 0
    found = total = correct = predicted = 0
    for sent, pred in zip(sentences, preds):
        text, spans = layout(sent)
        for (token, person), (a, b) in zip(sent, spans):
            hit = any(pa < b and pb > a for pa, pb, _ in pred)
            tp += person and hit
            fp += hit and not person
            fn += person and not hit
        gold = gold_spans(sent, spans)
        total += len(gold)
        found += sum(any(pa < b and pb > a for pa, pb, _ in pred) for a, b in gold)
        predicted += len(pred)
        correct += sum(any(pa < gb and pb > ga for ga, gb in gold) for pa, pb, _ in pred)
    return (tp, fp, fn), (found, total, correct, predicted)


def prf(tp, fp, fn):
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def show_errors(sentences, preds, limit):
    shown = 0
    for sent, pred in zip(sentences, preds):
        text, spans = layout(sent)
        gold = {text[a:b] for a, b in gold_spans(sent, spans)}
        got = {text[a:b] for a, b, _ in pred}
        if gold != got:
            print("TEXT", repr(text[:200]))
            print("  gold", sorted(gold))
            print("  pred", sorted((text[a:b], ev) for a, b, ev in pred))
            shown += 1
            if shown >= limit:
                return


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--tandem", default="target/release/tandem")
    ap.add_argument("--presidio", action="store_true")
    ap.add_argument("--spacy-model")
    ap.add_argument("--errors", type=int, default=0)
    ap.add_argument("--limit", type=int, default=0, help="use only the first N sentences of each file")
    a = ap.parse_args()
    for path in a.files:
        sentences = read_conll(path)
        if a.limit:
            sentences = sentences[: a.limit]
        texts = [layout(s)[0] for s in sentences]
        systems = {"tandem": run_tandem(a.tandem, texts)}
        if a.presidio:
            systems["presidio"] = run_presidio(texts, a.spacy_model)
        print(f"{os.path.basename(path)}: {len(sentences)} sentences, "
              f"{sum(p for s in sentences for _, p in s)} person tokens")
        for name, preds in systems.items():
            (tp, fp, fn), (found, total, correct, predicted) = score(sentences, preds)
            p, r, f = prf(tp, fp, fn)
            sp = correct / predicted if predicted else 0.0
            sr = found / total if total else 0.0
            sf = 2 * sp * sr / (sp + sr) if sp + sr else 0.0
            print(f"  {name:<9} token P/R/F1 {p:.2f} / {r:.2f} / {f:.2f}   "
                  f"span (any overlap) {sp:.2f} / {sr:.2f} / {sf:.2f}   ({predicted} predicted spans)")
        if a.errors:
            show_errors(sentences, systems["tandem"], a.errors)


if __name__ == "__main__":
    main()
