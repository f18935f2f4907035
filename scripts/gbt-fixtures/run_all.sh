#!/usr/bin/env bash
# Regenerate every GBT parity fixture: one venv per library version (outside the repo),
# then make_fixtures.py in each, then verify_fixtures.py.
#   bash scripts/gbt-fixtures/run_all.sh            # from the repo root
# Env: VENV_ROOT (default /root/.cache/streamscore-venvs), PYTHON (default python3.11), OUT.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
VENV_ROOT="${VENV_ROOT:-/root/.cache/streamscore-venvs}"
PYTHON="${PYTHON:-python3.11}"
OUT="${OUT:-$root/test/fixtures/gbt}"
mkdir -p "$VENV_ROOT" "$OUT"
# order matters only for readability of the log; the manifest is merged, sorted by name
for spec in lgb4:lightgbm lgb3:lightgbm lgb2:lightgbm lgb22:lightgbm xgb3:xgboost xgb2:xgboost xgb1:xgboost; do
  name="${spec%%:*}"; lib="${spec##*:}"
  venv="$VENV_ROOT/$name"
  if [ ! -x "$venv/bin/python" ]; then "$PYTHON" -m venv "$venv"; fi
  # --no-deps: the freeze files are complete; it also skips xgboost's ~200 MB nvidia-nccl-cu12 (GPU only)
  "$venv/bin/pip" install -q --no-deps -r "$here/requirements-$name.txt"
  echo "== $name ($lib)"
  (cd "$root" && "$venv/bin/python" "$here/make_fixtures.py" --lib "$lib" --out "$OUT")
done
"$VENV_ROOT/xgb3/bin/python" "$here/verify_fixtures.py" --dir "$OUT"
