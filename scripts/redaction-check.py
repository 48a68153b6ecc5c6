#!/usr/bin/env python3
"""Measures `tandem redact` the way a user would, through the CLI.

    python3 scripts/redaction-check.py [--seed N] [--banking77 DIR]

1. Recall: 200 each of payment card numbers (Luhn-valid; Visa, Mastercard, Amex, Discover; plain,
   spaced or dashed), IBANs (valid mod-97 check digits; DE, GB, FR, NL, ES; plain or in groups of
   four), e-mail addresses, phone numbers (UK, US, German and national, spaced or not) and street
   addresses (alone, or with a UK city and postcode or a US city, state and ZIP) inside short
   sentences: each must be replaced, whole, by its own tag.
2. False positives: 200 Luhn-invalid 16-digit numbers, 100 order numbers (A1234), 100 amounts and
   100 product names that look like UK postcodes (M2 8GB) must pass unchanged, and so must the
   Banking77 messages (train and test) from DIR (default ../shared/data/banking77, when present).

TANDEM_BIN names the binary (default: target/release/tandem). Exits 1 when a check fails.
"""
import argparse
import csv
import os
import random
import subprocess
import sys
from collections import Counter

ap = argparse.ArgumentParser()
ap.add_argument("--seed", type=int, default=7)
ap.add_argument("--banking77", default=os.path.join(os.path.dirname(__file__), "../../shared/data/banking77"))
args = ap.parse_args()
rng = random.Random(args.seed)
tandem = os.environ.get("TANDEM_BIN", "target/release/tandem")


def digits(k):
    return "".join(rng.choice("0123456789") for _ in range(k))


def luhn_ok(number):
    total = 0
    for i, d in enumerate(reversed(number)):
        d = int(d)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card(valid=True):
    prefix, length = rng.choice([("4", 16), ("51", 16), ("37", 15), ("6011", 16)])
    while True:
        n = prefix + digits(length - len(prefix))
        if luhn_ok(n) == valid:
            break
    if length == 16 and rng.random() < 0.6:
        return rng.choice([" ", "-"]).join(n[i : i + 4] for i in range(0, 16, 4))
    return n


def iban():
    country, length = rng.choice([("DE", 18), ("GB", 18), ("FR", 23), ("NL", 14), ("ES", 20)])
    bban = digits(length)
    check = 98 - int("".join(str(int(c, 36)) for c in bban + country + "00")) % 97
    s = f"{country}{check:02d}{bban}"
    return " ".join(s[i : i + 4] for i in range(0, len(s), 4)) if rng.random() < 0.5 else s


def email():
    user = rng.choice(["anna", "john.smith", "m.k", "peter_99", "julia"]) + str(rng.randint(0, 99))
    return user + "@" + rng.choice(["example.com", "mail.co.uk", "firma.de", "web.io"])


def phone():
    return rng.choice(
        [
            lambda: f"+44 20 {digits(4)} {digits(4)}",
            lambda: f"+1 ({rng.randint(200, 989)}) {digits(3)}-{digits(4)}",
            lambda: f"+49 30 {digits(8)}",
            lambda: f"0{rng.randint(100, 999)} {digits(3)} {digits(4)}",
            lambda: f"+447{digits(9)}",
            lambda: f"07{digits(3)} {digits(6)}",
            lambda: f"(020) {digits(4)} {digits(4)}",
        ]
    )()


def address():
    street = f"{rng.randint(1, 999)} {rng.choice(['Baker', 'Elm', 'High', 'Church', 'Mill Pond'])} {rng.choice(['Street', 'St', 'Road', 'Avenue', 'Lane'])}"
    return street + rng.choice(
        [
            lambda: "",
            lambda: f", London {rng.choice(['NW1', 'SW1A', 'E14', 'M2'])} {rng.randint(1, 9)}{rng.choice(['XE', 'AA', 'BD', 'HT'])}",
            lambda: f", Springfield, {rng.choice(['IL', 'MA', 'OR'])} {digits(5)}",
        ]
    )()


def product():
    return rng.choice(["MacBook M2 8GB", "Galaxy S23 256GB", "model X5 2GB"])


def amount():
    return rng.choice(["$", "£", "€", ""]) + str(rng.randint(1, 9999)) + rng.choice([".00", ".50", ""]) + rng.choice(["", " EUR"])


TEMPLATES = ["my {} please help", "I used {} yesterday", "can you check {}?", "it is {}", "{} is what I have"]
KINDS = [("CARD", card), ("IBAN", iban), ("EMAIL", email), ("PHONE", phone), ("ADDRESS", address)]
positives = [(kind, make()) for kind, make in KINDS for _ in range(200)]
negatives = [card(valid=False) for _ in range(200)]
negatives += [f"A{rng.randint(1000, 99999)}" for _ in range(100)] + [amount() for _ in range(100)]
negatives += [product() for _ in range(100)]
templates = [rng.choice(TEMPLATES) for _ in positives]
lines = [t.format(v) for t, (_, v) in zip(templates, positives)] + [rng.choice(TEMPLATES).format(v) for v in negatives]
real = []
if os.path.isdir(args.banking77):
    for name in ("train.csv", "test.csv"):
        with open(os.path.join(args.banking77, name), newline="") as f:
            real += [row["text"].replace("\n", " ") for row in csv.DictReader(f)]
else:
    print(f"{args.banking77} is absent: no real messages checked")
lines += real

out = subprocess.run([tandem, "redact"], input="\n".join(lines) + "\n", capture_output=True, text=True, check=True)
redacted = out.stdout.split("\n")
found, total, failures = Counter(), Counter(), []
for (kind, value), template, line in zip(positives, templates, redacted):
    total[kind] += 1
    if line == template.format(f"[{kind}]"):
        found[kind] += 1
    else:
        failures.append(f"missed {kind}: {line}")
synthetic_fp = [o for o, l in zip(redacted[len(positives) :], lines[len(positives) : len(positives) + len(negatives)]) if o != l]
real_fp = [(l, o) for l, o in zip(real, redacted[len(positives) + len(negatives) :]) if o != l]
for kind in total:
    print(f"{kind:7} found {found[kind]}/{total[kind]}")
print(f"unchanged: {len(negatives) - len(synthetic_fp)}/{len(negatives)} invalid cards, order numbers, amounts and product names")
if real:
    print(f"unchanged: {len(real) - len(real_fp)}/{len(real)} Banking77 messages")
failures += [f"false positive: {o}" for o in synthetic_fp] + [f"false positive: {l!r} -> {o!r}" for l, o in real_fp]
for f in failures[:20]:
    print(f)
sys.exit(1 if failures else 0)
