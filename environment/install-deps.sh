#!/usr/bin/env bash
# Installs the system packages rome4j's notebooks and tests use (Debian 12). Idempotent.
# Elsewhere: pip install notebook nbconvert nbclient jupyter_client (or conda install -c conda-forge
# notebook nbconvert nbclient jupyter_client), and any Chromium/Chrome for the browser check.
set -euo pipefail
PKGS="jupyter-notebook jupyter-nbconvert python3-nbclient python3-jupyter-client python3-nbformat chromium"
missing=""
for p in $PKGS; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
