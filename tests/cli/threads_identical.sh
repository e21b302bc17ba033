#!/usr/bin/env bash
# The quantized file does not depend on the thread count: --threads 1 and --threads 2 give the same bytes.
aq=$1 model=$2 work=$3
source "$(dirname "$0")/lib.sh"
rm -rf "$work" && mkdir -p "$work"
[ -s "$model" ] || { echo "FAIL: no demo model at $model (fixture cli.demo_end_to_end)" >&2; exit 1; }

expect_rc 0 "$aq" quantize "$model" "$work/t1.safetensors" --threads 1 --quiet
expect_rc 0 "$aq" quantize "$model" "$work/t2.safetensors" --threads 2 --quiet
if cmp "$work/t1.safetensors" "$work/t2.safetensors"; then
  echo "ok: byte-identical ($(stat -c %s "$work/t1.safetensors") bytes)"
else
  fail "--threads 1 and --threads 2 outputs differ"
fi
rm -rf "$work"
finish
