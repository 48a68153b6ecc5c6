#!/usr/bin/env python3
"""The review loop on the demo pack, end to end through the real HTTP API: what the evaluation
messages put in the review queue, and what relabelling them does to the automation rate.

    python3 scripts/review-loop-eval.py URL ADMIN_EMAIL ADMIN_PASSWORD [--force]

Against a fresh `tandem serve` with the demo pack:
1. every row of packs/demo/eval/messages.csv ("train": the rows a trainer relabels) and of
   messages-real.csv ("test": never relabelled, so out of sample) is the first message of a new
   conversation; prints the automation rate and the wrong automations (the bot resolved, answered
   or acknowledged although the row expects another intent or a person);
2. counts the review items the "train" rows created, by reason;
3. relabels each with the row's expected intent (rows that expect no intent: dismissed), trains a
   candidate and promotes it through the gate (with --force an admin forces a refusal, with a reason);
4. sends both files again and prints the figures before and after.
"""
import collections
import csv
import json
import sys
import urllib.error
import urllib.request

url, email, password = sys.argv[1:4]
force = "--force" in sys.argv[4:]
FILES = {"train": "packs/demo/eval/messages.csv", "test": "packs/demo/eval/messages-real.csv"}


def call(method, path, body=None, token=None):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode() if body is not None else None,
                                 method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


admin = call("POST", "/api/v1/auth/login", {"email": email, "password": password})[1]["token"]
AUTOMATED = ("resolve", "answer", "acknowledge")


def run(rows):
    """Sends each row; returns [(row, conversation, customer message id, decision)]."""
    out = []
    for row in rows:
        _, c = call("POST", "/api/v1/widget/conversations",
                    {"name": "Eval", "email": row["customer_email"] or "eval@example.org"})
        _, m = call("POST", f"/api/v1/widget/conversations/{c['conversation_id']}/messages", {"text": row["text"]},
                    c["customer_token"])
        _, d = call("GET", f"/api/v1/conversations/{c['conversation_id']}/decisions", token=admin)
        out.append((row, c["conversation_id"], m["id"], (d["decisions"] or [{}])[-1]))
    return out


def figures(results):
    n = len(results)
    automated = sum(1 for _, _, _, d in results if d.get("kind") in AUTOMATED)
    wrong = [(r["text"], r["expected_intent"], d.get("intent")) for r, _, _, d in results
             if d.get("kind") in ("resolve", "answer") and (d.get("intent") != (r["expected_intent"] or None)
                                                             or r["expected_kind"] not in AUTOMATED)]
    return f"automated {automated}/{n} ({automated / n:.1%}), wrong automation {len(wrong)}", wrong


rows = {name: list(csv.DictReader(open(path, newline="", encoding="utf-8"))) for name, path in FILES.items()}
before = {name: run(r) for name, r in rows.items()}
for name, results in before.items():
    print(f"before, {name} ({FILES[name]}): {figures(results)[0]}")

_, listed = call("GET", "/api/v1/reviews?status=open&limit=1000", token=admin)
ours = {m for _, _, m, _ in before["train"]}
items = [r for r in listed["reviews"] if r["message_id"] in ours]
print(f"review items from the {len(rows['train'])} train rows: {len(items)} "
      f"({dict(collections.Counter(r['reason'] for r in items))})")
expected = {m: row["expected_intent"] for row, _, m, _ in before["train"]}
relabelled = dismissed = held = 0
for item in items:
    intent = expected.get(item["message_id"]) or None
    _, done = call("POST", f"/api/v1/reviews/{item['id']}/resolve",
                   {"intent": intent} if intent else {"dismiss": True}, admin)
    relabelled += bool(intent)
    dismissed += not intent
    held += bool(done.get("review", {}).get("held_out"))
print(f"relabelled {relabelled} (held out for the regression set: {held}), dismissed {dismissed}")

status, trained = call("POST", "/api/v1/models", {}, admin)
comparison = trained["comparison"]
print(f"candidate {trained['model']['id']}: accuracy {comparison['active']['accuracy']:.3f} -> "
      f"{comparison['candidate']['accuracy']:.3f}, macro-F1 {comparison['active']['macro_f1']:.3f} -> "
      f"{comparison['candidate']['macro_f1']:.3f}, regressions {comparison['regressions']}")
status, promoted = call("POST", f"/api/v1/models/{trained['model']['id']}/promote", {}, admin)
if status == 409 and force:
    print(f"refused: {promoted['error'].get('reasons')}; forced")
    status, promoted = call("POST", f"/api/v1/models/{trained['model']['id']}/promote",
                            {"force": True, "reason": "review-loop-eval --force"}, admin)
print(f"promotion: {status} {promoted.get('error', {}).get('reasons', '') if status != 200 else 'active'}")

after = {name: run(r) for name, r in rows.items()}
for name, results in after.items():
    line, wrong = figures(results)
    print(f"after, {name} ({FILES[name]}): {line}")
    for text, want, got in wrong:
        print(f"    wrong: {text[:70]!r} expected {want or 'none'}, got {got}")
