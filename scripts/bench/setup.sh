#!/usr/bin/env bash
# Sets up bench/gbt.ts: trains the bench models into bench/.models (in a venv
# outside the repo) and installs onnxruntime-node into bench/onnx, apart from
# the main package. Rerun after changing make_bench_models.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV="${STREAMSCORE_BENCH_VENV:-$HOME/.cache/streamscore/bench-venv}"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/pip" install --quiet -r scripts/bench/requirements.txt
"$VENV/bin/python" scripts/bench/make_bench_models.py
# --ignore-scripts: its postinstall fetches CUDA binaries from NuGet, which is
# unreachable here and unneeded: the CPU binary ships inside the npm package.
npm install --prefix bench/onnx --ignore-scripts --no-audit --no-fund
node -e "require('./bench/onnx/node_modules/onnxruntime-node'); console.log('onnxruntime-node loads')"
