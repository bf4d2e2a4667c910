#!/usr/bin/env bash
# README's main command: set up .venv if needed, generate the demo corpus if missing, analyse it and
# print the letter report. Extra arguments go to the generator (e.g. --calls 20000).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
DATA=corpora/generated
STORE=${STORE:-demo.duckdb}
if [[ ! -f "$DATA/calls.csv" ]]; then
  echo "[demo] demo-gesprekken worden gegenereerd in $DATA ..."
  .venv/bin/python corpora/generate.py --out "$DATA" "$@"
fi
.venv/bin/analyzer analyze --calls "$DATA/calls.csv" --letters corpora/letters --mailings "$DATA/mailings.csv" --store "$STORE"
.venv/bin/analyzer report --store "$STORE" --top 25
