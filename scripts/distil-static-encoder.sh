#!/usr/bin/env bash
# Regenerates the static table built into tandem-nlu (crates/tandem-nlu/assets/minilm-l6-static.tst)
# from the installed all-MiniLM-L6-v2 (scripts/install-semantic-model.sh installs it).
#
# Usage: scripts/distil-static-encoder.sh [MODEL_DIR] [OUT]
#   MODEL_DIR defaults to $TANDEM_SEMANTIC_MODEL, else $HOME/.cache/tandem/all-MiniLM-L6-v2;
#   OUT defaults to the committed asset.
#
# What it does: every piece of the model's WordPiece vocabulary goes through the transformer once
# ("[CLS] piece [SEP]", mean pooling), the outputs are centred and reduced to 256 dimensions by PCA
# and weighted by a Zipf estimate of the piece's frequency (SIF, a = 1e-3). The table is then fitted
# to the teacher on a generic English corpus: 40,000 of WordNet 3.0's glosses (definitions and
# example sentences; Debian package wordnet-base), so that a sentence's mean vector approaches a
# linear image of the transformer's embedding of that sentence; then quantised to int8. No intent
# data set is read. The result is deterministic: the same model and WordNet give the same bytes
# (the id, a hash of the table, is printed; models trained with it record that id).
# Takes about ten minutes on two cores (the transformer reads the corpus once). Rebuild tandem
# afterwards; models trained with another table are refused by `tandem eval` and trained again by
# the server when it starts.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODEL="${1:-${TANDEM_SEMANTIC_MODEL:-$HOME/.cache/tandem/all-MiniLM-L6-v2}}"
OUT="${2:-$ROOT/crates/tandem-nlu/assets/minilm-l6-static.tst}"

if [[ ! -s "$MODEL/model.safetensors" ]]; then
  echo "error: no model in $MODEL; run scripts/install-semantic-model.sh first" >&2
  exit 1
fi

WORDNET="${TANDEM_WORDNET_DIR:-/usr/share/wordnet}"
if [[ ! -s "$WORDNET/data.noun" ]]; then
  echo "error: no WordNet in $WORDNET; install it (apt-get install wordnet-base) or set TANDEM_WORDNET_DIR" >&2
  exit 1
fi

cd "$ROOT"
cargo run --release -p tandem-nlu --features semantic --example distil_static -- \
  "$MODEL" "$OUT" --dims 256 --max-words 0 --wordnet "$WORDNET" --corpus-limit 40000 --tune
