#!/usr/bin/env python3
"""Builds names.txt and words.txt (the name gazetteer and the common-word list of pii/names.rs).

Run once by hand; nothing is downloaded at build or run time. Inputs (see docs/pii.md):

  --census DIR   the 1990 US Census name files dist.male.first, dist.female.first, dist.all.last
                 (public domain, US Government work; shipped e.g. in the MIT-licensed PyPI package
                 `names` 0.3.0)
  --berlin DIR   a checkout of github.com/berlinonline/haeufige-vornamen-berlin (data/cleaned/*/*.csv:
                 first names of babies registered in Berlin 2012-2023, CC BY 3.0 DE, source: Berliner
                 Landesamt für Bürger- und Ordnungsangelegenheiten (LABO) / BerlinOnline). The
                 directory must hold data/cleaned; from a bare mirror, extract it first, e.g.
                 `git --git-dir=REPO archive HEAD data/cleaned | tar -x -C DIR`. The build stops
                 if it finds no Berlin names (an empty directory silently left them out before).
  --berlin-min N names registered at least N times over all years and districts (default 4)
  --scowl FILE   SCOWL word lists (Debian wamerican-small / wbritish-small, /usr/share/dict/*-small;
                 Copyright 2000-2011 Kevin Atkinson, permissive licence: use, copy, modify,
                 distribute and sell with the notice kept)
  --extra FILE   extra.txt beside this script (hand-written lists)

Output names.txt: `name<TAB>flags`, lower case; g = given name, s = surname, a = also a common
word (needs more evidence). words.txt: lower-case common words that are not in names.txt.
"""

import argparse
import glob
import os
import sys


def read_census(path, limit):
    out = []
    with open(path, encoding="latin-1") as f:
        for line in f:
            parts = line.split()
            if parts and len(out) < limit:
                out.append(parts[0].lower())
    return out


def sections(path):
    """extra.txt: `[section]` headers, then one entry per line (# comments)."""
    out, cur = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            if line.startswith("[") and line.endswith("]"):
                cur = out.setdefault(line[1:-1], [])
            elif cur is not None:
                cur.extend(w.lower() for w in line.split())
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--census", required=True)
    ap.add_argument("--berlin", required=True)
    ap.add_argument("--scowl", nargs="+", required=True)
    ap.add_argument("--extra", default=os.path.join(os.path.dirname(__file__), "extra.txt"))
    ap.add_argument("--out", default=os.path.dirname(__file__) or ".")
    ap.add_argument("--berlin-min", type=int, default=4, help="least Berlin count for a given name")
    a = ap.parse_args()

    extra = sections(a.extra)
    scowl = set()
    for p in a.scowl:
        with open(p, encoding="utf-8") as f:
            for w in f:
                w = w.strip()
                if w and w[0].islower() and "'" not in w:
                    scowl.add(w)
    common = scowl | set(extra.get("common_de", [])) | set(extra.get("common_en", [])) | set(extra.get("not_name", []))

    male = read_census(os.path.join(a.census, "dist.male.first"), 10**6)
    female = read_census(os.path.join(a.census, "dist.female.first"), 10**6)
    # Frequent names keep their name reading even when a rare word has the same spelling
    # ("peter", "martin", "victor"): only names that are also everyday words are marked.
    frequent = set(male[:400]) | set(female[:400])
    given = set(male) | set(female)
    counts = {}
    for path in glob.glob(os.path.join(a.berlin, "data", "cleaned", "*", "*.csv")):
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.strip().split(",")
                if len(parts) >= 2 and parts[1].isdigit():
                    counts[parts[0]] = counts.get(parts[0], 0) + int(parts[1])
    for name, n in counts.items():
        if n >= a.berlin_min and name.replace("-", "").isalpha() and len(name) >= 2:
            given.add(name.lower())
            if n >= 300:
                frequent.add(name.lower())
    if not counts:
        sys.exit(f"no Berlin name files under {a.berlin}/data/cleaned")
    given |= set(extra.get("given", []))
    frequent |= set(extra.get("given", []))

    surnames = read_census(os.path.join(a.census, "dist.all.last"), 25000)
    top_surnames = set(surnames[:1500])
    sur = set(surnames)
    for s in list(sur):
        for plain, umlaut in (("ue", "ü"), ("oe", "ö"), ("ae", "ä")):
            if plain in s[1:]:
                sur.add(s[0] + s[1:].replace(plain, umlaut))
    sur |= set(extra.get("surname", []))
    top_surnames |= set(extra.get("surname", []))

    always = set(extra.get("ambiguous", []))
    never = set(extra.get("not_ambiguous", []))
    not_names = set(extra.get("not_name", []))
    rows = {}
    for n in given | sur:
        if len(n) < 2 or n in not_names:
            continue
        flags = ""
        if n in given:
            flags += "g"
        if n in sur:
            flags += "s"
        keep_name = (n in frequent) or (n in top_surnames and n not in given)
        if n in always or (n in common and not keep_name and n not in never):
            flags += "a"
        rows[n] = flags

    with open(os.path.join(a.out, "names.txt"), "w", encoding="utf-8") as f:
        f.write(
            "# Name gazetteer of pii/names.rs, built by build.py (see docs/pii.md). Sources: 1990 US Census\n"
            "# name files (public domain); first names registered in Berlin 2012-2023 (CC BY 3.0 DE,\n"
            "# Berliner Landesamt für Bürger- und Ordnungsangelegenheiten (LABO) / BerlinOnline, via\n"
            "# github.com/berlinonline/haeufige-vornamen-berlin); hand-written additions in extra.txt.\n"
            "# Flags: g given name, s surname, a also a common word (SCOWL, Copyright 2000-2011 Kevin Atkinson).\n"
        )
        for n in sorted(rows):
            f.write(f"{n}\t{rows[n]}\n")
    words = sorted(w for w in common if w not in rows and len(w) >= 2)
    with open(os.path.join(a.out, "words.txt"), "w", encoding="utf-8") as f:
        f.write(
            "# Common lower-case words of pii/names.rs, built by build.py. English: SCOWL size 35\n"
            "# (wamerican-small, wbritish-small). Copyright 2000-2011 by Kevin Atkinson. Permission to use,\n"
            "# copy, modify, distribute and sell these word lists, the associated scripts, the output created\n"
            "# from the scripts, and its documentation for any purpose is hereby granted without fee, provided\n"
            "# that the above copyright notice appears in all copies and that both that copyright notice and\n"
            "# this permission notice appear in supporting documentation. Kevin Atkinson makes no\n"
            "# representations about the suitability of this array for any purpose. It is provided \"as is\"\n"
            "# without express or implied warranty. German and extra English words: extra.txt (hand-written).\n"
        )
        for w in words:
            f.write(w + "\n")
    print(f"{len(rows)} names, {len(words)} words", file=sys.stderr)


if __name__ == "__main__":
    main()
