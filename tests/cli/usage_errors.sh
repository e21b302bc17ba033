#!/usr/bin/env bash
# Usage errors exit 2 with a message naming the mistake and a hint to --help; nothing is written.
aq=$1 work=$2
source "$(dirname "$0")/lib.sh"
rm -rf "$work" && mkdir -p "$work"
cd "$work" || exit 1
: >in.safetensors  # never read: every command below must stop at the command line

usage() {  # usage NEEDLE ARGS...: exit 2, NEEDLE in stderr, nothing on stdout
  local needle=$1
  shift
  expect_rc 2 "$aq" "$@" || return
  contains "$err" "$needle" "arrowquant $*"
  contains "$err" "--help" "arrowquant $* (hint)"
  [ -z "$out" ] || fail "arrowquant $* printed to stdout: $out"
}

usage "unknown command 'frobnicate'" frobnicate
usage "unknown option '--frobnicate'" --frobnicate
usage "quantize: unknown option '--frobnicate'" quantize in.safetensors out.safetensors --frobnicate
usage "inspect: unknown option '--bits'" inspect in.safetensors --bits 4
usage "dequantize: unknown option '-x'" dequantize in.safetensors out.safetensors -x
usage "validate: unknown option '--csv'" validate a b --csv
usage "demo: unknown option '--seed'" demo --seed 1
usage "missing arguments INPUT OUTPUT" quantize
usage "missing argument OUTPUT" quantize in.safetensors
usage "missing argument FILE" inspect
usage "missing argument OUTPUT" dequantize in.safetensors
usage "missing arguments ORIGINAL QUANTIZED" validate
usage "unexpected argument 'extra'" inspect in.safetensors extra
usage "unexpected argument 'extra'" demo extra
usage "'--bits' needs a value" quantize in.safetensors out.safetensors --bits
usage "'--config' needs a value" quantize in.safetensors out.safetensors --config --quiet
usage "'--quiet' takes no value" quantize in.safetensors out.safetensors --quiet=yes
usage "'--bits' expects an integer, got 'four'" quantize in.safetensors out.safetensors --bits four
usage "'--bit-width' expects an integer, got '4.5'" quantize in.safetensors out.safetensors --bit-width 4.5
usage "'--threads' needs a non-empty value" quantize in.safetensors out.safetensors --threads=
usage "'--profile' must be one of edge, local, cloud, got 'huge'" quantize in.safetensors out.safetensors --profile huge
usage "'--mode' must be one of rtn, search, got 'gptq'" quantize in.safetensors out.safetensors --mode gptq
usage "'--dtype' must be one of f32, f16, bf16, got 'f64'" dequantize in.safetensors out.safetensors --dtype f64

# Values the configuration rejects are usage errors too; the message names the flag and the key.
for args in "--bits 3:bit_width" "--bit-width 16:bit_width" "--group-size 100:group_size" \
            "--time-groups 0:num_time_groups" "--num-time-groups 1000001:num_time_groups" "--threads -1:num_threads"; do
  flag=${args%%:*} key=${args##*:}
  # shellcheck disable=SC2086
  expect_rc 2 "$aq" quantize in.safetensors out.safetensors $flag || continue
  contains "$err" "AQ_ERR_INVALID_ARGUMENT" "quantize $flag"
  contains "$err" "${flag%% *}" "quantize $flag"
  contains "$err" "$key" "quantize $flag"
done

# No command at all: the overview on stderr, exit 2.
expect_rc 2 "$aq" && contains "$err" "Usage: arrowquant" "no arguments"

[ ! -e out.safetensors ] || fail "a usage error left out.safetensors behind"
finish
