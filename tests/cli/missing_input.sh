#!/usr/bin/env bash
# A missing input fails with exit 1 and a message `arrowquant: AQ_ERR_...: ...` naming the path; no output file.
aq=$1 work=$2
source "$(dirname "$0")/lib.sh"
rm -rf "$work" && mkdir -p "$work"
missing="$work/no-such-model.safetensors"

expect_rc 1 "$aq" quantize "$missing" "$work/out.safetensors" --quiet && {
  contains "$err" "arrowquant: AQ_ERR_" "quantize"
  contains "$err" "$missing" "quantize"
}
[ ! -e "$work/out.safetensors" ] || fail "quantize of a missing input left an output file"
expect_rc 1 "$aq" inspect "$missing" && contains "$err" "$missing" "inspect"
expect_rc 1 "$aq" dequantize "$missing" "$work/deq.safetensors" && contains "$err" "$missing" "dequantize"
expect_rc 1 "$aq" validate "$missing" "$work/other.safetensors" && contains "$err" "$missing" "validate"
expect_rc 1 "$aq" quantize "$missing" "$work/out.safetensors" --config "$work/no-such-config.json" &&
  contains "$err" "no-such-config.json" "quantize --config"

# A file that is not safetensors: AQ_ERR_FORMAT, exit 1.
printf 'not a safetensors file' >"$work/garbage.safetensors"
expect_rc 1 "$aq" inspect "$work/garbage.safetensors" && contains "$err" "arrowquant: AQ_ERR_FORMAT" "inspect garbage"
finish
