#!/usr/bin/env bash
# Heavy tests, run by CI after `mvn test` and `mvn -DskipTests package`:
#   1. the jupyter_client protocol test (execute, magic error, completion, interrupt, restart),
#   2. every notebook executed with `jupyter nbconvert --to notebook --execute` (no --allow-errors), with its checks
#      (notebooks/checks/NAME.jsh) as a last cell in the same kernel,
#   3. headless Chromium, offline, opens the HTML of 01-causal-tracing and must find the drawn Plotly heatmaps,
#      then measures the drawn figures and tables of 01 and 02 as a reader sees them (check_notebook_layout.py),
#   4. notebooks 01, 02, 03 and 06 opened in JupyterLab 4 and Notebook 7 (check_jupyterlab.py): every figure drawn,
#      none wider than its output area.
# ROME4J_KEEP_EXECUTED=DIR keeps each executed notebook there (without its checks cell).
# Needs: apt-get install -y jupyter-notebook jupyter-nbconvert python3-nbclient python3-jupyter-client chromium
set -euo pipefail
source "$(dirname "$0")/common.sh"
jupyter_sandbox --xmx 3g
hermetic_caches     # the kernels start with empty caches: a notebook that leans on an earlier run fails here
# install also writes a class-data archive (faster start-up); the protocol test below starts the kernel with it
[ -s "$WORK/prefix/share/jupyter/kernels/rome4j/rome4j.jsa" ] || { echo "FAIL install wrote no class-data archive" >&2; exit 1; }
t0=$SECONDS

echo "== protocol test"
"$PY" "$ROOT/kernel-ext/src/test/python/protocol_test.py"

echo "== notebooks"
mkdir -p "$WORK/out"
for nb in "$ROOT"/notebooks/*.ipynb; do
  [[ "$nb" == *.executed.ipynb ]] && continue   # setup-and-run.sh's output of 01, not a notebook of its own
  if [ -n "${ROME4J_MODEL:-}" ] && [[ "$(basename "$nb")" == 02-* ]]; then
    # Fig. 2 averages over the facts the model knows; the golden tiny GPT-2 knows none of known_1000.
    echo "SKIP $(basename "$nb"): needs a model that knows facts (the embedded tiny-facts), not $ROME4J_MODEL"
    continue
  fi
  s=$SECONDS
  # the notebook's checks (notebooks/checks/NAME.jsh) run as a last cell in its kernel, out of the reader's way
  checked=$("$PY" "$ROOT/environment/with_checks.py" "$nb" "$WORK/in")
  "$PY" -m nbconvert --to notebook --execute --ExecutePreprocessor.timeout=900 \
      --ExecutePreprocessor.kernel_name=rome4j --output-dir "$WORK/out" "$checked" 2>"$WORK/nbconvert.log" \
      || { cat "$WORK/nbconvert.log" >&2; echo "FAIL $(basename "$nb")" >&2; exit 1; }
  if [ -f "$ROOT/notebooks/checks/$(basename "$nb" .ipynb).jsh" ]; then
    grep -q 'checks passed' "$WORK/out/$(basename "$nb")" || { echo "FAIL $(basename "$nb"): its checks did not report" >&2; exit 1; }
  fi
  if [ -n "${ROME4J_KEEP_EXECUTED:-}" ]; then
    # keep the executed notebook, without its checks cell, e.g. to commit it (one run both tests and executes)
    mkdir -p "$ROME4J_KEEP_EXECUTED"
    "$PY" -c 'import json,sys; nb=json.load(open(sys.argv[1])); nb["cells"]=[c for c in nb["cells"] if c.get("id")!="rome4j-checks"]; json.dump(nb,open(sys.argv[2],"w"),indent=1,ensure_ascii=False)' \
        "$WORK/out/$(basename "$nb")" "$ROME4J_KEEP_EXECUTED/$(basename "$nb")"
  fi
  echo "ok   $(basename "$nb") executed and checked in $((SECONDS - s)) s"
done

echo "== browser test"
"$PY" -m nbconvert --to html --output-dir "$WORK/html" "$WORK/out/01-causal-tracing.ipynb" 2>/dev/null
"$PY" "$ROOT/environment/check_plotly_dom.py" "$WORK/html/01-causal-tracing.html"
pages=("$WORK/html/01-causal-tracing.html")
if [ -f "$WORK/out/02-average-indirect-effects.ipynb" ]; then   # skipped above for a model that knows no facts
  "$PY" -m nbconvert --to html --output-dir "$WORK/html" "$WORK/out/02-average-indirect-effects.ipynb" 2>/dev/null
  pages+=("$WORK/html/02-average-indirect-effects.html")
fi
# screenshots land in ROME4J_SCREENSHOTS (default: the throw-away work directory)
"$PY" "$ROOT/environment/check_notebook_layout.py" "${ROME4J_SCREENSHOTS:-$WORK/shots}" "${pages[@]}"
# the same notebooks in JupyterLab 4 and Notebook 7 themselves: every figure drawn and inside its output area
if [ -x "$LAB_PY" ]; then
  lab_nbs=()
  for n in 01-causal-tracing 02-average-indirect-effects 03-frozen-mlp-attention 06-model-families; do
    [ -f "$WORK/out/$n.ipynb" ] && lab_nbs+=("$WORK/out/$n.ipynb")
  done
  "$LAB_PY" "$ROOT/environment/check_jupyterlab.py" "${ROME4J_SCREENSHOTS:-$WORK/shots}" "${lab_nbs[@]}"
else
  # install-deps.sh warned already: pip found no package index for JupyterLab 4 on this machine
  echo "SKIP JupyterLab 4 / Notebook 7 browser check: no JupyterLab at $LAB_PY (environment/install-deps.sh could not pip install it)" >&2
fi
echo "all notebook tests passed in $((SECONDS - t0)) s"
