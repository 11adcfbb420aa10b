#!/usr/bin/env bash
# The README's first command: install Jupyter, build rome4j, install the "Java (rome4j)" kernel, and execute
# notebooks/01-causal-tracing.ipynb headless, writing the executed notebook and its HTML next to it.
#
#   environment/setup-and-run.sh            (Debian/Ubuntu; needs root or sudo for apt-get)
#
# Elsewhere, install Jupyter yourself and skip the apt step with ROME4J_SKIP_APT=1:
#   pip:   python3 -m pip install notebook nbconvert nbclient jupyter_client
#   conda: conda install -c conda-forge notebook nbconvert nbclient jupyter_client
# and set ROME4J_PYTHON to that python. Then start Jupyter with `jupyter notebook` (or `jupyter lab`) and pick
# the kernel "Java (rome4j)" (Kernel > Change kernel).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
if [ -z "${ROME4J_SKIP_APT:-}" ]; then
  # everything environment/test.sh needs too (Jupyter, nbformat, Chromium), so the README's second command works
  # right after this one; only missing packages are installed, so an installed JDK or Maven is never upgraded
  bash "$ROOT/environment/install-deps.sh"
  if ! command -v java >/dev/null 2>&1 || ! command -v mvn >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
    export DEBIAN_FRONTEND=noninteractive
    command -v java >/dev/null 2>&1 || $SUDO apt-get install -y -q --no-install-recommends openjdk-17-jdk-headless
    command -v mvn >/dev/null 2>&1 || $SUDO apt-get install -y -q --no-install-recommends maven
  fi
fi
mvn -B -q -DskipTests package
java -jar kernel-ext/target/rome4j.jar install --user
source "$ROOT/environment/common.sh"
"$PY" -m nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 --ExecutePreprocessor.kernel_name=rome4j \
    --output 01-causal-tracing.executed.ipynb notebooks/01-causal-tracing.ipynb
"$PY" -m nbconvert --to html --output 01-causal-tracing notebooks/01-causal-tracing.executed.ipynb
echo "wrote notebooks/01-causal-tracing.executed.ipynb and notebooks/01-causal-tracing.html"
LAB=${ROME4J_JUPYTER:-$HOME/.local/share/rome4j/jupyter}/bin/jupyter
[ -x "$LAB" ] || LAB=jupyter
if [ "$(id -u)" -eq 0 ]; then
  echo "next: $LAB lab --allow-root --ip 0.0.0.0 --no-browser notebooks/   (as root, e.g. in a container) and pick the kernel \"Java (rome4j)\""
else
  echo "next: $LAB lab notebooks/   (or: $LAB notebook notebooks/) and pick the kernel \"Java (rome4j)\""
fi
