#!/usr/bin/env bash
# usage: quick_bench.sh SOURCE_DIR ARROWQUANT_CLI PYTHON_PKG_DIR OUT_DIR
set -euo pipefail
src=$1 cli=$2 pkg=$3 out=$4
py=$src/.venv/bin/python
[ -x "$py" ] || { echo "the project .venv is missing: run scripts/setup" >&2; exit 1; }
model=$src/build/models/galaxygrad-hsc_ScoreNet64.safetensors
if [ ! -f "$model" ]; then
  rc=0; "$src/scripts/fetch-galaxygrad" "$model" >&2 || rc=$?
  if [ "$rc" -eq 3 ]; then
    echo "SKIPPED: the galaxygrad 0.2.1 wheel could not be downloaded (no package registry access)"
    exit 77
  fi
  [ "$rc" -eq 0 ] || exit "$rc"
fi
rm -rf "$out"
PYTHONPATH=$pkg "$py" "$src/bench/diffusion/run.py" --quick --model "$model" --cli "$cli" --out "$out"
"$py" "$(dirname "$0")/check_properties.py" "$out/study.json"
