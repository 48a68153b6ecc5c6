#!/usr/bin/env bash
# Regenerates the static table built into tandem-nlu (crates/tandem-nlu/assets/minilm-l6-static.tst)
# from the installed all-MiniLM-L6-v2 (scripts/install-semantic-model.sh installs it).
#
# Usage: scripts/distil-static-encoder.sh [MODEL_DIR] [OUT]
#   MODEL_DIR defaults to $TANDEM_SEMANTIC_MODEL, else $HOME/.cache/tandem/all-MiniLM-L6-v2;
#   OUT defaults to the committed asset.
#
# What it does: every piece of the model's WordPiece vocabulary goes through the transformer once
# ("[CLS] piece [SEP]", mean pooling), the outputs are centred and reduced to 128 dimensions by PCA,
# weighted by a Zipf estimate of the piece's frequency (SIF, a = 1e-3) and quantised to int8. No
# intent data set is read. The result is deterministic: the same model gives the same bytes (the
# id, a hash of the table, is printed; models trained with it record that id).
# Takes about a minute on two cores. Rebuild tandem afterwards; models trained with another table
# are refused and must be trained again.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODEL="${1:-${TANDEM_SEMANTIC_MODEL:-$HOME/.cache/tandem/all-MiniLM-L6-v2}}"
OUT="${2:-$ROOT/crates/tandem-nlu/assets/minilm-l6-static.tst}"

if [[ ! -s "$MODEL/model.safetensors" ]]; then
  echo "error: no model in $MODEL; run scripts/install-semantic-model.sh first" >&2
  exit 1
fi

cd "$ROOT"
cargo run --release -p tandem-nlu --features semantic --example distil_static -- \
  "$MODEL" "$OUT" --dims 128 --max-words 0
