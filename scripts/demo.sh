#!/usr/bin/env bash
# README's main command: set up .venv if needed, generate the demo corpus and analyse it into demo.duckdb
# if that store is missing, print the letter report, then serve the app on localhost and print its address.
#   --no-serve     stop after the report (for scripts and CI)
#   --reanalyze    analyse again although demo.duckdb exists (adds nothing new; re-fits topics and spikes)
#   --port N       port for the app (default 8501)
# Other arguments go to the corpus generator (e.g. --calls 20000).
set -euo pipefail
cd "$(dirname "$0")/.."
SERVE=1
ANALYZE=0
PORT=${PORT:-8501}
GEN_ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --no-serve) SERVE=0; shift ;;
    --reanalyze) ANALYZE=1; shift ;;
    --port) PORT=$2; shift 2 ;;
    *) GEN_ARGS+=("$1"); shift ;;
  esac
done
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
DATA=corpora/generated
STORE=${STORE:-demo.duckdb}
if [[ ! -f "$DATA/calls.csv" ]]; then
  echo "[demo] demo-gesprekken worden gegenereerd in $DATA ..."
  .venv/bin/python corpora/generate.py --out "$DATA" "${GEN_ARGS[@]}"
  ANALYZE=1
fi
# A store counts as built once an analysis run on it completed under the current schema.
if [[ $ANALYZE -eq 0 ]] && ! .venv/bin/python - "$STORE" <<'PY' 2>/dev/null
import sys, duckdb
from analyzer.store import SCHEMA_VERSION
con = duckdb.connect(sys.argv[1], read_only=True)
version = int(con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])
done = con.execute("SELECT count(*) FROM runs WHERE command = 'analyze' AND status = 'completed'").fetchone()[0]
sys.exit(0 if done and version == SCHEMA_VERSION else 1)
PY
then
  ANALYZE=1
fi
if [[ $ANALYZE -eq 1 ]]; then
  .venv/bin/analyzer analyze --calls "$DATA/calls.csv" --letters corpora/letters --mailings "$DATA/mailings.csv" \
    --store "$STORE"
else
  echo "[demo] $STORE is al geanalyseerd (opnieuw: bash scripts/demo.sh --reanalyze)"
fi
.venv/bin/analyzer report --store "$STORE" --top 25
if [[ $SERVE -eq 1 ]]; then
  bash scripts/serve.sh --store "$STORE" --port "$PORT"
fi
