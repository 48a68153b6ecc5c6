#!/usr/bin/env python3
"""Floods a running Tandem the way a hostile client would and prints what held.

    python3 scripts/flood.py [--url http://127.0.0.1:8080] [--idle 1100] [--clients 10] [--posts 300]

1. Idle connections: opens --idle TCP connections that send nothing, spread over --clients source
   addresses (127.0.0.2, 127.0.0.3, ... on Linux's loopback /8), counts how many the server closed
   at once (refused past a client's share) and how many it still holds.
2. While they are open, times 100 GET /healthz from another address (127.0.0.200): p50, p99, failures.
3. Widget: starts conversations and posts --posts messages into one conversation as fast as it can,
   counting 201s and 429s.

It only uses the standard library. Run it against a server you own (e.g. `tandem serve` on a fresh
data directory).
"""

import argparse
import http.client
import json
import socket
import time
import urllib.parse


def healthz_latencies(host, port, n, source):
    times, failures = [], 0
    for _ in range(n):
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection(host, port, timeout=5, source_address=(source, 0))
            conn.request("GET", "/healthz")
            ok = conn.getresponse().status == 200
            conn.close()
        except OSError:
            ok = False
        if ok:
            times.append(time.perf_counter() - started)
        else:
            failures += 1
    times.sort()
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000 if times else float("nan")
    return pick(0.5), pick(0.99), failures


def idle_flood(host, port, total, clients):
    held, refused, errors = [], 0, 0
    for i in range(total):
        source = f"127.0.0.{2 + i % clients}"
        try:
            s = socket.create_connection((host, port), timeout=2, source_address=(source, 0))
        except OSError:
            errors += 1
            continue
        held.append(s)
    time.sleep(0.5)
    for s in held:
        s.setblocking(False)
        try:
            if s.recv(1) == b"":
                refused += 1
        except BlockingIOError:
            pass
        except OSError:
            refused += 1
    return held, refused, errors


def post(host, port, path, body, token=None):
    conn = http.client.HTTPConnection(host, port, timeout=5)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request("POST", path, json.dumps(body), headers)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, (json.loads(data) if data else None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:8080")
    ap.add_argument("--idle", type=int, default=1100)
    ap.add_argument("--clients", type=int, default=10)
    ap.add_argument("--posts", type=int, default=300)
    args = ap.parse_args()
    url = urllib.parse.urlparse(args.url)
    host, port = url.hostname, url.port or 80

    p50, p99, failed = healthz_latencies(host, port, 100, "127.0.0.200")
    print(f"/healthz before the flood: p50 {p50:.1f} ms, p99 {p99:.1f} ms, {failed} failed")
    held, refused, errors = idle_flood(host, port, args.idle, args.clients)
    print(f"idle connections: {args.idle} opened from {args.clients} addresses, {refused} closed at once by the "
          f"server, {len(held) - refused} held, {errors} could not connect")
    p50, p99, failed = healthz_latencies(host, port, 100, "127.0.0.200")
    print(f"/healthz during the flood: p50 {p50:.1f} ms, p99 {p99:.1f} ms, {failed} failed")
    for s in held:
        s.close()

    starts = [post(host, port, "/api/v1/widget/conversations", {"name": "Flood", "email": f"flood{i}@example.org"})
              for i in range(100)]
    print(f"widget starts: {sum(s == 201 for s, _ in starts)} created, {sum(s == 429 for s, _ in starts)} refused (429)")
    first = next((b for s, b in starts if s == 201), None)
    if first:
        path = f"/api/v1/widget/conversations/{first['conversation_id']}/messages"
        started = time.perf_counter()
        codes = [post(host, port, path, {"text": f"flood {i}"}, first["customer_token"])[0] for i in range(args.posts)]
        took = time.perf_counter() - started
        print(f"widget posts into one conversation: {codes.count(201)} stored, {codes.count(429)} refused (429) "
              f"in {took:.1f} s")


if __name__ == "__main__":
    main()
