#!/usr/bin/env bash
# Debian packages the tests use when they are there, installed if missing:
#   chromium + chromium-driver  the end-to-end browser test of the app (tests/test_app_browser.py)
#   frog + frogdata             the Frog cross-check of the readability engine (tests/test_readability.py)
# Needs root (CI runs as root) or sudo. Without them the tests that need a package skip and say why.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v frog >/dev/null 2>&1 || missing+=(frog frogdata)
if [[ ${#missing[@]} -eq 0 ]]; then
  exit 0
fi
SUDO=()
[[ $(id -u) -eq 0 ]] || SUDO=(sudo)
echo "[systeem] ${missing[*]} worden geïnstalleerd (apt-get, eenmalig)..."
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
chromium --version 2>/dev/null | head -1
frog --version 2>/dev/null | head -1 || true
