#!/usr/bin/env bash
# Measures `streamscore train` against LightGBM (docs/TRAINING.md):
#   bash scripts/train-check/run.sh                 # both datasets
#   bash scripts/train-check/run.sh --dataset fraud # one
# The venv lives outside the repo (VENV, default ~/.cache/streamscore/train-venv).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
VENV="${VENV:-$HOME/.cache/streamscore/train-venv}"
PYTHON="${PYTHON:-python3.11}"
if [ ! -x "$VENV/bin/python" ]; then "$PYTHON" -m venv "$VENV"; fi
"$VENV/bin/pip" install -q -r "$here/requirements.txt"
[ -f "$root/dist/host/cli/main.js" ] || (cd "$root" && npm run build)
cd "$root" && "$VENV/bin/python" "$here/check.py" "$@"
