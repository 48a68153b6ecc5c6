#!/usr/bin/env python3
"""Automation rate of the bot on the demo pack's evaluation set, through the real HTTP API.

    python3 scripts/demo-eval.py URL ADMIN_EMAIL ADMIN_PASSWORD [packs/demo/eval/messages.csv]

Each row is the first message of a fresh conversation. Prints how many were resolved, answered,
clarified, acknowledged and handed off, how many decisions differ from the expected ones (kind,
intent, handoff reason), and the latency of message in -> bot reply committed (the widget POST
returns after the bot's reply is committed).
"""
import collections
import csv
import json
import sys
import time
import urllib.request

url, email, password = sys.argv[1:4]
path = sys.argv[4] if len(sys.argv) > 4 else "packs/demo/eval/messages.csv"


def call(method, p, body=None, token=None):
    req = urllib.request.Request(url + p, data=json.dumps(body).encode() if body is not None else None, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"null")


admin = call("POST", "/api/v1/auth/login", {"email": email, "password": password})["token"]
kinds = collections.Counter()
wrong = []
latencies = []
rows = list(csv.DictReader(open(path, newline="", encoding="utf-8")))
for row in rows:
    c = call("POST", "/api/v1/widget/conversations", {"name": "Eval", "email": row["customer_email"] or "eval@example.org"})
    t0 = time.perf_counter()
    call("POST", f"/api/v1/widget/conversations/{c['conversation_id']}/messages", {"text": row["text"]}, c["customer_token"])
    latencies.append((time.perf_counter() - t0) * 1000)
    decisions = call("GET", f"/api/v1/conversations/{c['conversation_id']}/decisions", token=admin)["decisions"]
    d = decisions[-1] if decisions else {}
    kind = d.get("kind", "none")
    kinds[kind] += 1
    expected = (row["expected_kind"], row["expected_intent"] or None, row["expected_handoff_reason"] or None)
    got = (kind, d.get("intent") if kind not in ("clarify",) or row["expected_intent"] else None, d.get("handoff_reason"))
    ok_kind = kind == expected[0]
    ok_intent = expected[1] is None or d.get("intent") == expected[1] or kind == "handoff" and expected[0] == "handoff"
    ok_reason = expected[2] is None or d.get("handoff_reason") == expected[2]
    if not (ok_kind and ok_intent and ok_reason):
        wrong.append((row["text"][:70], expected, (kind, d.get("intent"), d.get("handoff_reason"))))

n = len(rows)
latencies.sort()
pct = lambda p: latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]
print(f"{n} messages: " + ", ".join(f"{k} {v} ({v / n:.0%})" for k, v in kinds.most_common()))
automated = kinds["resolve"] + kinds["answer"] + kinds["acknowledge"]
print(f"automated (resolve + answer + acknowledge): {automated} ({automated / n:.0%})")
print(f"decisions that differ from the expected ones: {len(wrong)} ({len(wrong) / n:.0%})")
for text, exp, got in wrong:
    print(f"  {text!r}: expected {exp}, got {got}")
print(f"message -> reply committed: p50 {pct(50):.1f} ms, p99 {pct(99):.1f} ms (one at a time, over HTTP)")
