#!/usr/bin/env bash
# README's test command: set up .venv if needed, lint, check formatting, run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
.venv/bin/ruff check app.py views analyzer tests benchmarks corpora models
.venv/bin/ruff format --check app.py views analyzer tests benchmarks corpora models
.venv/bin/python -m pytest "$@"
