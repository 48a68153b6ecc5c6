#!/usr/bin/env bash
# A small load run against a running Tandem: customers posting through the widget API.
#   scripts/load-run.sh URL [MODE] [DURATION]
# MODE `human` (default) posts to conversations already handed to people (the bot stays quiet:
# ingest only); MODE `bot` posts to conversations the bot handles (message in -> bot reply
# committed, the response returns after both). Needs wrk (apt-get install wrk).
set -euo pipefail
url=${1:?usage: scripts/load-run.sh URL [human|bot] [DURATION]}
mode=${2:-human}
duration=${3:-20s}
pairs=$(python3 - "$url" "$mode" <<'PY'
import json, sys, urllib.request
url, mode = sys.argv[1], sys.argv[2]
def call(method, path, body=None, token=None):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode() if body else None, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read() or b"null")
out = []
for i in range(32):
    c = call("POST", "/api/v1/widget/conversations", {"name": f"Load {i}", "email": "maria.rossi@example.com"})
    if mode == "human":
        call("POST", f"/api/v1/widget/conversations/{c['conversation_id']}/messages", {"text": "a person, please"}, c["customer_token"])
    out.append(f"{c['conversation_id']}:{c['customer_token']}")
print(",".join(out))
PY
)
TANDEM_CONVERSATIONS="$pairs" wrk -t2 -c16 -d"$duration" --latency -s "$(dirname "$0")/load/post-message.lua" "$url"
