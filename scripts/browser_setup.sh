#!/usr/bin/env bash
# Debian's chromium and chromedriver for the browser test (tests/test_app_browser.py), installed if
# missing. Needs root (CI runs as root) or sudo. Without them that one test skips and says why.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then
  exit 0
fi
SUDO=()
[[ $(id -u) -eq 0 ]] || SUDO=(sudo)
echo "[browser] chromium en chromedriver worden geïnstalleerd (apt-get, eenmalig)..."
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq chromium chromium-driver >/dev/null
chromium --version 2>/dev/null | head -1
