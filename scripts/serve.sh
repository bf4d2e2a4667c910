#!/usr/bin/env bash
# Serve the Streamlit app on localhost and print its address.
#   bash scripts/serve.sh [--store FILE] [--port N]      (defaults: $ANALYZER_STORE or demo.duckdb, port 8501)
# Set-up must have run (scripts/setup.sh); scripts/demo.sh calls this after building the demo store.
set -euo pipefail
cd "$(dirname "$0")/.."
STORE=${ANALYZER_STORE:-demo.duckdb}
PORT=${PORT:-8501}
while [[ $# -gt 0 ]]; do
  case "$1" in
    --store) STORE=$2; shift 2 ;;
    --port) PORT=$2; shift 2 ;;
    *) echo "onbekende optie: $1 (wel: --store FILE, --port N)" >&2; exit 2 ;;
  esac
done
if [[ ! -f "$STORE" ]]; then
  echo "[app] $STORE bestaat niet: maak hem met 'bash scripts/demo.sh --no-serve' of 'analyzer analyze'" >&2
  exit 2
fi
export ANALYZER_STORE="$STORE" ANALYZER_WARMUP=1 HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
echo "[app] de app start op http://localhost:$PORT  (database: $STORE; stoppen met Ctrl+C)"
exec .venv/bin/python -m streamlit run app.py \
  --server.headless true --server.address localhost --server.port "$PORT" \
  --server.maxUploadSize 50 --server.fileWatcherType none --browser.gatherUsageStats false --client.toolbarMode minimal
