#!/usr/bin/env bash
# An unknown ARROW_QUANT_* variable is ignored by the library; the tool warns about it, with the closest real
# variable when one is near, and the run still succeeds. Known variables give no warning.
aq=$1 work=$2
source "$(dirname "$0")/lib.sh"
rm -rf "$work" && mkdir -p "$work"
python3 - "$work/m.safetensors" <<'PY'
import json, struct, sys
vals = [((k * 7919) % 1000 - 500) / 5000.0 for k in range(32 * 64)]
data = struct.pack("<%df" % len(vals), *vals)
text = json.dumps({"w": {"dtype": "F32", "shape": [32, 64], "data_offsets": [0, len(data)]}}).encode()
text += b" " * (-len(text) % 8)
open(sys.argv[1], "wb").write(struct.pack("<Q", len(text)) + text + data)
PY
expect_rc 0 env ARROW_QUANT_NUM_THREAD=2 ARROW_QUANT_BITS=8 ARROW_QUANT_NO_SUCH_THING=1 \
  "$aq" quantize "$work/m.safetensors" "$work/q1.safetensors" --quiet && {
  contains "$err" "unknown environment variable ARROW_QUANT_NUM_THREAD is ignored (did you mean ARROW_QUANT_NUM_THREADS?)" "typo"
  contains "$err" "unknown environment variable ARROW_QUANT_BITS is ignored (did you mean ARROW_QUANT_BIT_WIDTH?)" "short name"
  contains "$err" "unknown environment variable ARROW_QUANT_NO_SUCH_THING is ignored" "unrelated name"
}
expect_rc 0 env ARROW_QUANT_NUM_THREADS=2 ARROW_QUANT_BIT_WIDTH=8 \
  "$aq" quantize "$work/m.safetensors" "$work/q2.safetensors" --quiet && {
  [ -z "$err" ] || fail "known variables warned: $err"
}
[ "$failures" = 0 ] || { echo "$failures failure(s)" >&2; exit 1; }
echo "all environment checks passed"
