#!/usr/bin/env bash
# Re-executes every notebook in place (to commit them executed, so static viewers show the figures).
#   environment/run-notebooks.sh [notebooks/NN-name.ipynb ...]
set -euo pipefail
source "$(dirname "$0")/common.sh"
jupyter_sandbox
if [ $# -eq 0 ]; then set -- $(ls "$ROOT"/notebooks/*.ipynb | grep -v '\.executed\.ipynb$'); fi
for nb in "$@"; do
  s=$SECONDS
  "$PY" -m nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=1500 \
      --ExecutePreprocessor.kernel_name=rome4j "$nb"
  echo "executed $(basename "$nb") in $((SECONDS - s)) s"
done
