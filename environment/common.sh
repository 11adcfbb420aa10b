# Shared set-up for the notebook scripts (sourced). Sets ROOT, JAR, PY and the model/facts defaults.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR="$ROOT/kernel-ext/target/rome4j.jar"
# Debian's own python3 (with python3-nbclient, python3-jupyter-client), not another python first on PATH.
PY=${ROME4J_PYTHON:-/usr/bin/python3}
SHARED=${ROME4J_SHARED:-$ROOT/../shared}
[ -d "$SHARED" ] || SHARED=/work/shared
if [ ! -f "$JAR" ]; then
  echo "no $JAR: build first with  mvn -B -q -DskipTests package" >&2
  exit 2
fi
# The notebooks use the embedded model (tiny-facts); until a build embeds it, use the golden tiny GPT-2.
if ! "$PY" -c 'import sys, zipfile; sys.exit(0 if "rome4j/models/tiny-facts/model.safetensors" in zipfile.ZipFile(sys.argv[1]).namelist() else 1)' "$JAR"; then
  export ROME4J_MODEL=${ROME4J_MODEL:-$SHARED/golden/tiny-gpt2}
  echo "note: $JAR has no embedded tiny-facts model; notebooks use ROME4J_MODEL=$ROME4J_MODEL" >&2
fi
export ROME4J_FACTS=${ROME4J_FACTS:-$SHARED/data/rome/known_1000.json}
