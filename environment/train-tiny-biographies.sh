#!/usr/bin/env bash
# Retrains the tiny-biographies model from a seed with rome4j's own DJL code (tools/), then checks the
# paper's finding on it: prints the average-indirect-effect table (token role x layer, resid / MLP / attn)
# and issue 18's three criteria with PASS or FAIL (exit status 1 when one fails).
#
#   environment/train-tiny-biographies.sh                          # seed 1, writes the shipped model folder
#   environment/train-tiny-biographies.sh --seed 2 --out /tmp/tiny-bio-2
#   environment/train-tiny-biographies.sh --check-only             # only the check, on the shipped folder
#
# Any other org.rome4j.train.TrainTinyBiographies option (--steps, --layers, --people, ...) is passed on.
# Nothing is installed into the local Maven repository: the classes run from the reactor's target folders.
# MVN_ARGS is passed to Maven (e.g. MVN_ARGS=-o offline).
set -euo pipefail
cd "$(dirname "$0")/.."
out=core/src/main/resources/rome4j/models/tiny-biographies
check_only=0
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --check-only) check_only=1; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
[[ " ${args[*]-} " == *" --seed "* ]] || args+=(--seed 1)

nice -n 10 mvn ${MVN_ARGS-} -B -q -pl tools -am compile
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
mvn ${MVN_ARGS-} -B -q -pl core dependency:build-classpath -Dmdep.outputFile="$cpfile" >/dev/null
cp="tools/target/classes:core/target/classes:$(cat "$cpfile")"

if [[ $check_only == 0 ]]; then
  nice -n 10 java -cp "$cp" org.rome4j.train.TrainTinyBiographies "${args[@]}" --out "$out"
fi
# the trace's cache goes to a fresh temporary folder, so the check always traces the model just written
exec nice -n 10 java -cp "$cp" org.rome4j.train.CheckFinding --model "$out"
