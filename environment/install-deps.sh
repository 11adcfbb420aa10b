#!/usr/bin/env bash
# Installs the system packages rome4j's notebooks and tests use (Debian 12). Idempotent.
# Elsewhere: pip install notebook nbconvert nbclient jupyter_client (or conda install -c conda-forge
# notebook nbconvert nbclient jupyter_client), and any Chromium/Chrome for the browser check.
set -euo pipefail
PKGS="jupyter-notebook jupyter-nbconvert python3-nbclient python3-jupyter-client python3-nbformat python3-venv chromium"
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

# JupyterLab 4 and Notebook 7 (what users run; Debian 12 ships only classic Notebook 6), with Playwright for the
# browser test that measures figures in them, in their own virtual environment: ROME4J_JUPYTER (default
# ~/.local/share/rome4j/jupyter). Start them with $ROME4J_JUPYTER/bin/jupyter lab (or notebook).
VENV=${ROME4J_JUPYTER:-$HOME/.local/share/rome4j/jupyter}
if [ ! -x "$VENV/bin/jupyter-lab" ] || [ ! -x "$VENV/bin/jupyter-notebook" ] || ! "$VENV/bin/python" -c "import playwright" 2>/dev/null; then
  /usr/bin/python3 -m venv "$VENV"
  # one retry: a package index that cannot be reached fails fast and pip goes on to the next configured one
  if ! "$VENV/bin/pip" install -q --retries 1 --timeout 20 "jupyterlab>=4,<5" "notebook>=7,<8" playwright; then
    # everything else (the kernel, classic Notebook, nbconvert, the tests) works without them: say so, do not stop
    rm -rf "$VENV"
    echo "WARNING: could not install JupyterLab 4 / Notebook 7 with pip (no package index reachable?): the notebooks run" \
         "in classic Notebook (jupyter notebook) and the JupyterLab browser check is skipped; rerun this script where pip works" >&2
  fi
fi
