#!/usr/bin/env bash
# Retrains the embedded default model tiny-facts from a seed with rome4j's own DJL code and prints its
# accuracy on known_1000's literal prompts and on the held-out phrasings.
#
#   environment/train-tiny-facts.sh                      # seed 1, writes the shipped model folder
#   environment/train-tiny-facts.sh --seed 2 --out /tmp/tiny-facts-2
#
# Any other org.rome4j.train.TrainTinyFacts option (--steps, --layers, --width, ...) is passed on.
set -euo pipefail
cd "$(dirname "$0")/.."
args=("$@")
[[ " $* " == *" --seed "* ]] || args+=(--seed 1)
[[ " $* " == *" --out "* ]] || args+=(--out core/src/main/resources/rome4j/models/tiny-facts)
# the trainer runs from the reactor's target folders: nothing is installed into the local Maven repository
nice -n 10 mvn ${MVN_ARGS-} -B -q -pl tools -am compile
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
mvn ${MVN_ARGS-} -B -q -pl core dependency:build-classpath -Dmdep.outputFile="$cpfile" >/dev/null
nice -n 10 java -cp "tools/target/classes:core/target/classes:$(cat "$cpfile")" org.rome4j.train.TrainTinyFacts "${args[@]}"
