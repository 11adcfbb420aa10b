#!/usr/bin/env bash
# Kernel start-up benchmark (see bench_startup.py): `install` vs `install --no-cds`, RUNS (default 5) each.
set -euo pipefail
source "$(dirname "$0")/common.sh"
jupyter_sandbox                                                  # with the archive, in $WORK/prefix
java -jar "$JAR" install --prefix "$WORK/plain" --no-cds >/dev/null  # without
"$PY" "$ROOT/environment/bench_startup.py" "$WORK/prefix/share/jupyter" "$WORK/plain/share/jupyter" "${1:-5}" 2>/dev/null
