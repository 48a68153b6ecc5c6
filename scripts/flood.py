#!/usr/bin/env python3
"""Floods a running Tandem the way a hostile client would and prints what held.

    python3 scripts/flood.py [--url http://127.0.0.1:8080] [--idle 1100] [--clients 10] [--posts 300]

1. Idle connections: opens --idle TCP connections that send nothing, spread over --clients source
   addresses (127.0.0.2, 127.0.0.3, ... on Linux's loopback /8), counts how many the server closed
   at once (refused past a client's share) and how many it still holds.
2. While they are open, times 100 GET /healthz from another address (127.0.0.200): p50, p99, failures.
3. Widget: starts conversations and posts --posts messages into one conversation as fast as it can,
   counting 201s and 429s.
4. With --sockets N and --pid PID (the server's process): opens N idle live sockets (8 per customer
   token, spread over many source addresses) and prints the server's resident memory per 1,000,
   then again 2, 7, 17 and 32 s after they closed (freed memory goes back to the system).

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


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def open_socket(host, port, conv, token, source):
    s = socket.create_connection((host, port), timeout=5, source_address=(source, 0))
    s.sendall((f"GET /api/v1/widget/conversations/{conv}/live?token={token} HTTP/1.1\r\nHost: {host}\r\n"
               "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
               "Sec-WebSocket-Version: 13\r\n\r\n").encode())
    head = s.recv(4096)
    if not head.startswith(b"HTTP/1.1 101"):
        s.close()
        return None
    return s


def sockets_memory(host, port, n, pid):
    print(f"server RSS before the sockets: {rss_mib(pid):.0f} MiB")
    held, token_i, refused = [], 0, 0
    while len(held) < n and refused < 100:
        # A new address every 50 conversations (the widget allows 60 per address per 10 minutes).
        source = f"127.1.{token_i // 50 // 250}.{1 + (token_i // 50) % 250}"
        conn = http.client.HTTPConnection(host, port, timeout=5, source_address=(source, 0))
        conn.request("POST", "/api/v1/widget/conversations",
                     json.dumps({"name": "Sock", "email": f"sock{token_i}@example.org"}),
                     {"Content-Type": "application/json"})
        r = conn.getresponse()
        started = json.loads(r.read() or b"{}")
        conn.close()
        token_i += 1
        if r.status != 201:
            continue
        for k in range(8):
            if len(held) >= n:
                break
            # Sockets spread over addresses too (256 connections per address).
            sock_source = f"127.2.{(len(held) // 200) // 250}.{1 + (len(held) // 200) % 250}"
            try:
                s = open_socket(host, port, started["conversation_id"], started["customer_token"], sock_source)
            except OSError:
                s = None
            if s is None:
                refused += 1
            else:
                held.append(s)
                if len(held) % 1000 == 0:
                    print(f"{len(held)} live sockets: server RSS {rss_mib(pid):.0f} MiB")
    before_close = rss_mib(pid)
    for s in held:
        s.close()
    after = []
    for wait in (2, 5, 10, 15):  # jemalloc's background thread purges freed pages within seconds
        time.sleep(wait)
        after.append(f"{rss_mib(pid):.0f} MiB")
    print(f"{len(held)} sockets held ({refused} refused): {before_close:.0f} MiB; after they closed: "
          f"{', '.join(after)} (2, 7, 17 and 32 s later)")


def main():
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="http://127.0.0.1:8080")
    ap.add_argument("--idle", type=int, default=1100)
    ap.add_argument("--clients", type=int, default=10)
    ap.add_argument("--posts", type=int, default=300)
    ap.add_argument("--sockets", type=int, default=0)
    ap.add_argument("--pid", type=int)
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
    if args.sockets and args.pid:
        sockets_memory(host, port, args.sockets, args.pid)


if __name__ == "__main__":
    main()
