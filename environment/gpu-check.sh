#!/usr/bin/env bash
# GPU check (written, not yet run on a GPU; see docs/gpu.md). On a machine with an NVIDIA GPU, offline:
#   1. finds a CUDA libtorch: the pytorch-native-cu124 2.5.1 jar in ~/.m2 (then builds with mvn -Pcuda), or a
#      pip-installed torch 2.5.1+cu124 (then DJL loads it through PYTORCH_LIBRARY_PATH);
#   2. runs the parity tests with every model on the GPU (-Drome4j.device=cuda) when the developers' reference
#      outputs are there (ROME4J_SHARED; skipped with one line otherwise);
#   3. times the full 3-kind trace grid and one ROME edit on a GPT-2-XL-shaped F32 checkpoint and on a
#      GPT-J-shaped BF16 checkpoint (random weights, written on the spot), printing peak GPU memory (nvidia-smi).
# Environment: ROME4J_SHARED (the developers' reference folder for the parity tests; optional), ROME4J_TOKENIZER
# (a folder or downloaded hub id such as gpt2 for the random checkpoints; default: the embedded model's),
# WORK (default /tmp), SKIP_TESTS=1, ONLY=gpt2-xl|gptj-bf16. About 8-10 minutes on one H200 with 16 cores.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
WORK=${WORK:-/tmp}
start=$(date +%s)
stamp() { echo "[$(( $(date +%s) - start )) s] $*"; }

command -v nvidia-smi >/dev/null || { echo "gpu-check: no nvidia-smi: this is not a machine with an NVIDIA driver" >&2; exit 3; }
command -v java >/dev/null || { echo "gpu-check: no java: install a JDK 17" >&2; exit 3; }
command -v mvn >/dev/null || { echo "gpu-check: no mvn: install Maven (the build runs offline from ~/.m2)" >&2; exit 3; }
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

SHARED=${ROME4J_SHARED:-}
if [ -n "$SHARED" ] && [ ! -d "$SHARED/golden/tiny-gpt2" ]; then
  echo "gpu-check: ROME4J_SHARED=$SHARED has no golden/tiny-gpt2" >&2; exit 3
fi
[ -n "$SHARED" ] && SHARED=$(cd "$SHARED" && pwd)
TOKENIZER=${ROME4J_TOKENIZER:--}

# 1. a CUDA libtorch
CU_JAR=$HOME/.m2/repository/ai/djl/pytorch/pytorch-native-cu124/2.5.1/pytorch-native-cu124-2.5.1-linux-x86_64.jar
PROFILE=()
if [ -f "$CU_JAR" ]; then
  PROFILE=(-Pcuda)
  stamp "CUDA libtorch: $CU_JAR (mvn -Pcuda)"
elif TORCH_LIB=$(python3 -c 'import torch, os; assert torch.__version__.startswith("2.5.1") and torch.version.cuda; print(os.path.join(os.path.dirname(torch.__file__), "lib"))' 2>/dev/null); then
  # pip wheels of torch 2.5 use the pre-C++11 ABI: DJL's JNI for them is the cu124-precxx11 flavour (in pytorch-jni)
  export PYTORCH_LIBRARY_PATH=$TORCH_LIB PYTORCH_VERSION=2.5.1 PYTORCH_FLAVOR=cu124-precxx11
  stamp "CUDA libtorch: pip torch at $TORCH_LIB (PYTORCH_LIBRARY_PATH, flavour cu124-precxx11)"
else
  echo "gpu-check: no CUDA libtorch here. Either put pytorch-native-cu124-2.5.1-linux-x86_64.jar (2.46 GB, Maven Central) at $CU_JAR," >&2
  echo "  or pip install torch==2.5.1 --index-url https://download.pytorch.org/whl/cu124 (DJL 0.33 pairs with libtorch 2.5.1 only)" >&2
  exit 3
fi

# 2. build (offline) and the parity tests on the GPU
stamp "building"
mvn -B -q -o "${PROFILE[@]}" -DskipTests install
JAR=$ROOT/kernel-ext/target/rome4j.jar
CP=$JAR:$ROOT/tools/target/classes
if [ "${SKIP_TESTS:-0}" != 1 ] && [ -z "$SHARED" ]; then
  stamp "parity tests skipped: they need the developers' reference outputs (set ROME4J_SHARED to that folder)"
elif [ "${SKIP_TESTS:-0}" != 1 ]; then
  stamp "parity tests with -Drome4j.device=cuda"
  mvn -B -o "${PROFILE[@]}" -pl core test -Drome4j.device=cuda -Drome4j.shared="$SHARED" -Dsurefire.failIfNoSpecifiedTests=false \
      -Dtest='GptParityTest,FamilyParityTest,HalfPrecisionTest,CausalTraceParityTest,FamilyTraceParityTest,RomeParityTest,FamilyRomeParityTest,UndoTest,DevicesTest' \
      | grep -E "Tests run:|FAIL|ERROR" | tail -15 || true
fi

# 3. paper-scale timings with peak GPU memory
bench() {
  local shape=$1 dir=$2 dtype=${3:-}
  local mem=$WORK/gpu-mem-$shape$dtype.log
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 200 > "$mem" &
  local smi=$!
  stamp "$shape"
  timeout 420 java -Xmx24g -Dai.djl.offline=true -cp "$CP" org.rome4j.bench.DeviceBenchmark "$shape" "$dir" \
      "$TOKENIZER" cuda fixed $dtype || echo "$shape: exit status $?"
  kill "$smi" 2>/dev/null || true
  echo "$shape $dtype: peak GPU memory $(sort -n "$mem" | tail -1) MiB (nvidia-smi, whole GPU, sampled every 200 ms)"
}
case "${ONLY:-all}" in all|gpt2-xl) bench gpt2-xl "$WORK/rome4j-gpt2-xl-random" ;; esac
case "${ONLY:-all}" in all|gptj-bf16) bench gptj-bf16 "$WORK/rome4j-gptj-bf16" ;; esac
# the same BF16 file widened to F32 once at load (24 GB on the GPU): no per-use widening through the host
case "${ONLY:-all}" in all|gptj-bf16) bench gptj-bf16 "$WORK/rome4j-gptj-bf16" f32 ;; esac
stamp "done"
