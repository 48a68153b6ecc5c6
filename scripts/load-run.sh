#!/usr/bin/env bash
# A small load run against a running Tandem: customers posting through the widget API to
# conversations already handed to people (the bot stays quiet: ingest only).
#   scripts/load-run.sh URL [DURATION]
# Needs wrk (apt-get install wrk). For bot turns under load (message in -> bot reply committed)
# use scripts/load/bot_turns.py: repeating one message to the bot would soon read as frustration.
set -euo pipefail
url=${1:?usage: scripts/load-run.sh URL [DURATION]}
duration=${2:-20s}
pairs=$(python3 - "$url" <<'PY'
import json, sys, urllib.request
url = sys.argv[1]
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
    call("POST", f"/api/v1/widget/conversations/{c['conversation_id']}/messages", {"text": "a person, please"}, c["customer_token"])
    out.append(f"{c['conversation_id']}:{c['customer_token']}")
print(",".join(out))
PY
)
TANDEM_CONVERSATIONS="$pairs" wrk -t2 -c16 -d"$duration" --latency -s "$(dirname "$0")/load/post-message.lua" "$url"
