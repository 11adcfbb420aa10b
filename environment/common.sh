# Shared set-up for the notebook scripts (sourced). Sets ROOT, JAR and PY.
# The notebooks load the embedded tiny-facts model and the bundled known_1000 unless ROME4J_MODEL / ROME4J_FACTS say otherwise.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR="$ROOT/kernel-ext/target/rome4j.jar"
# Debian's own python3 (with python3-nbclient, python3-jupyter-client), not another python first on PATH.
PY=${ROME4J_PYTHON:-/usr/bin/python3}
# JupyterLab 4 / Notebook 7 and Playwright, installed by install-deps.sh in their own virtual environment
LAB_PY=${ROME4J_JUPYTER:-$HOME/.local/share/rome4j/jupyter}/bin/python
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

# The tests' own empty caches in $WORK, as on a user's first run (after jupyter_sandbox): nothing an earlier run left in
# ~/.cache/rome4j is seen. A model named by ROME4J_MODEL is still looked up in the user's HF cache.
hermetic_caches() {
  local hub=${HF_HUB_CACHE:-${HF_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/huggingface}/hub}
  export XDG_CACHE_HOME="$WORK/cache" ROME4J_CACHE="$WORK/cache/rome4j" HF_HOME="$WORK/cache/huggingface"
  if [ -n "${ROME4J_MODEL:-}" ]; then export HF_HUB_CACHE="$hub"; else export HF_HUB_CACHE="$HF_HOME/hub"; fi
  unset ROME4J_DATA
}
