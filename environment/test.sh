#!/usr/bin/env bash
# The test command: unit, parity and CLI tests (Maven), then the notebook, kernel-protocol and
# browser tests against the built jar.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q package
bash environment/test-notebooks.sh
