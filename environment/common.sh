# Shared set-up for the notebook scripts (sourced). Sets ROOT, JAR and PY.
# The notebooks load the embedded tiny-facts model and the bundled known_1000 unless ROME4J_MODEL / ROME4J_FACTS say otherwise.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR="$ROOT/kernel-ext/target/rome4j.jar"
# Debian's own python3 (with python3-nbclient, python3-jupyter-client), not another python first on PATH.
PY=${ROME4J_PYTHON:-/usr/bin/python3}
if [ ! -f "$JAR" ]; then
  echo "no $JAR: build first with  mvn -B -q -DskipTests package" >&2
  exit 2
fi

# A throw-away Jupyter home in $WORK (removed on exit) with the kernelspec installed there:
#   jupyter_sandbox [install options...]
jupyter_sandbox() {
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
  export JUPYTER_DATA_DIR="$WORK/data" JUPYTER_RUNTIME_DIR="$WORK/runtime" JUPYTER_CONFIG_DIR="$WORK/config"
  java -jar "$JAR" install --prefix "$WORK/prefix" "$@" >/dev/null
  export JUPYTER_PATH="$WORK/prefix/share/jupyter"
}
