#!/usr/bin/env python3
"""Bot turns under load: THREADS customers each open a fresh conversation and ask one routine
question, over and over, for SECONDS. Measures the message POST, which returns after the bot's
reply is committed (message in -> bot reply committed).

    python3 scripts/load/bot_turns.py URL [THREADS] [SECONDS]
"""
import http.client
import json
import sys
import threading
import time
import urllib.parse

url = urllib.parse.urlparse(sys.argv[1])
threads = int(sys.argv[2]) if len(sys.argv) > 2 else 8
seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 15
QUESTIONS = [
    "Where is my order A1001?",
    "What is your return policy?",
    "Could you send me the invoice for order A1001 again please?",
    "How long does shipping take?",
    "What's my store credit balance?",
]
latencies, lock = [], threading.Lock()
deadline = time.time() + seconds


def call(conn, path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request("POST", path, json.dumps(body), headers)
    resp = conn.getresponse()
    data = resp.read()
    return resp.status, json.loads(data or b"null")


def worker(n):
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    i = 0
    while time.time() < deadline:
        _, c = call(conn, "/api/v1/widget/conversations", {"name": "Load", "email": "maria.rossi@example.com"})
        t0 = time.perf_counter()
        status, _ = call(conn, f"/api/v1/widget/conversations/{c['conversation_id']}/messages",
                         {"text": QUESTIONS[(n + i) % len(QUESTIONS)]}, c["customer_token"])
        took = (time.perf_counter() - t0) * 1000
        if status == 201:
            with lock:
                latencies.append(took)
        i += 1


started = time.time()
ts = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
for t in ts:
    t.start()
for t in ts:
    t.join()
elapsed = time.time() - started
latencies.sort()
pct = lambda p: latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]
print(f"{len(latencies)} bot turns in {elapsed:.1f} s with {threads} customers: {len(latencies) / elapsed:.0f} per second "
      f"(plus as many conversation starts); message -> bot reply committed p50 {pct(50):.1f} ms, p99 {pct(99):.1f} ms")
