#!/usr/bin/env bash
# The GPU targets of the face-swap model and MesoNet, in one run on a CUDA machine:
#   swap: `original` at batch 256 per identity in bf16, full loop vs bare step (target 20,000 images/s)
#   detect: Meso-4 training, full loop vs bare step (target 20,000 images/s)
# Usage: bash scripts/gpu_bench.sh OUT_DIR   (run from the repo root; needs torch with CUDA)
set -uo pipefail
out=${1:-gpu-bench}
mkdir -p "$out"
export PYTHONPATH=$PWD PYTHONUNBUFFERED=1 GRADIO_ANALYTICS_ENABLED=False HF_HUB_OFFLINE=1
python3 -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name())"
run() { t=$1; shift; echo "== $*"; timeout $t python3 -m deepfake_edu bench "$@" 2>&1 | grep -v "it/s\]" | tail -15; }
run 120 swap --only loop --device cuda --precision bf16 --batch-size 256 --steps 40 --per-identity 400 --json "$out/swap_bf16.json"
run 100 detect --only train-speed --device cuda --precision bf16 --batch-size 1024 --steps 40 --json "$out/detect_bf16.json"
run 160 swap --only loop --device cuda --precision bf16 --batch-size 256 --steps 40 --per-identity 400 --compile --json "$out/swap_bf16_compiled.json"
run 150 detect --only train-speed --device cuda --precision bf16 --batch-size 1024 --steps 40 --compile --json "$out/detect_bf16_compiled.json"
