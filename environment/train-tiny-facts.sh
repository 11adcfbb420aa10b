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
# the trainer lives in the tools module, which needs the library (core) installed in the local repository
nice -n 10 mvn -B -q -pl core -am install -DskipTests
exec nice -n 10 mvn -B -q -pl tools compile exec:java \
  -Dexec.mainClass=org.rome4j.train.TrainTinyFacts -Dexec.args="${args[*]}"
