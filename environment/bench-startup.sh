#!/usr/bin/env bash
# Kernel start-up benchmark (see bench_startup.py): `install` vs `install --no-cds`, RUNS (default 5) each.
set -euo pipefail
source "$(dirname "$0")/common.sh"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export JUPYTER_DATA_DIR="$WORK/data" JUPYTER_RUNTIME_DIR="$WORK/runtime" JUPYTER_CONFIG_DIR="$WORK/config"
java -jar "$JAR" install --prefix "$WORK/cds" >/dev/null
java -jar "$JAR" install --prefix "$WORK/plain" --no-cds >/dev/null
"$PY" "$ROOT/environment/bench_startup.py" "$WORK/cds/share/jupyter" "$WORK/plain/share/jupyter" "${1:-5}" 2>/dev/null
