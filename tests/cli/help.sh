#!/usr/bin/env bash
# --help of the tool and of every subcommand exits 0, prints to stdout and names every flag of the command.
aq=$1
source "$(dirname "$0")/lib.sh"

check_help() {  # check_help "ARGS" FLAG...
  local args=$1
  shift
  # shellcheck disable=SC2086
  expect_rc 0 "$aq" $args || return
  [ -z "$err" ] || fail "$args wrote to stderr: $err"
  for flag in "$@"; do contains "$out" "$flag" "arrowquant $args"; done
}

check_help "--help" quantize inspect dequantize validate demo --help --version "Exit status"
check_help "-h" quantize inspect dequantize validate demo
check_help "help quantize" --config --profile
check_help "quantize --help" INPUT OUTPUT --config --profile edge local cloud --bits --bit-width --group-size \
  --mode rtn search --time-groups --num-time-groups --calibration --threads --io-mode direct buffered --report --html-report --quiet \
  --force --tensor-type --keep --pure hierarchical 130 143 \
  ARROW_QUANT_ "Exit status"
check_help "inspect --help" FILE --json
check_help "dequantize --help" QUANTIZED OUTPUT --dtype f32 f16 bf16 --force
check_help "validate --help" ORIGINAL QUANTIZED --json cosine SQNR MSE
check_help "demo --help" --out arrowquant-demo demo-dit.safetensors demo-dit-int4.safetensors report.json report.html
# --help wins over other mistakes on the same line, so it always works.
check_help "quantize --no-such-flag --help" --bits
check_help "validate -h" --json

expect_rc 0 "$aq" --version && contains "$out" "arrowquant 0." "--version" && contains "$out" "SIMD target" "--version"
finish
