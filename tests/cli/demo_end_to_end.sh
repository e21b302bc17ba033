#!/usr/bin/env bash
# `arrowquant demo --out DIR` writes the demo model, its quantized version and the report and prints the
# summary; inspect, validate and dequantize then work on those files. Leaves DIR for the quantize tests.
aq=$1 dir=$2
source "$(dirname "$0")/lib.sh"
rm -rf "$dir"
model=$dir/demo-dit.safetensors quant=$dir/demo-dit-int4.safetensors report=$dir/report.json html=$dir/report.html

expect_rc 0 "$aq" demo --out "$dir" || finish
echo "$out"
for f in "$model" "$quant" "$report" "$html"; do
  [ -s "$f" ] || fail "demo did not write $f"
  contains "$out" "$f" "demo summary lists the path"
done
for word in tensors parameters size compression cosine SQNR smoothness; do contains "$out" "$word" "demo summary"; done
contains "$(head -c 200000 "$html")" "<svg" "report.html has its charts"
# The bar is for terminals; here stderr is a pipe, so progress is one line per tensor.
contains "$err" "quantize: tensor 1/" "demo progress"

python3 - "$report" <<'PY' || fail "report.json checks"
import json, sys
rep = json.load(open(sys.argv[1]))
t = rep["totals"]
assert t["quantized_tensors"] > 0, t
assert t["bytes_after"] < t["bytes_before"], t
assert all(l["bits"] == 4 for l in rep["layers"]), "local profile quantizes to INT4"
assert all("time_aware" in l for l in rep["layers"]), "time-aware parameters in every layer"
assert rep["config"]["sources"]["deployment_profile"] == "cli" and rep["config"]["values"]["deployment_profile"] == "local"
print("report.json: %d layers, compression %.2fx, cosine %.5f" % (len(rep["layers"]), t["compression_ratio"], t["cosine"]))
PY

expect_rc 0 "$aq" inspect "$quant" && {
  contains "$out" "model: $quant" "inspect"
  contains "$out" "arrowquant.format" "inspect metadata"
  contains "$out" "NAME" "inspect table"
  contains "$out" "quantized)" "inspect counts"
}
expect_rc 0 "$aq" inspect "$model" && contains "$out" "(0 quantized)" "inspect of the original"
expect_rc 0 "$aq" inspect --json "$quant" &&
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert any(t["quantized"] for t in d["tensors"]), d' <<<"$out" ||
  fail "inspect --json is not the model description"

expect_rc 0 "$aq" validate "$model" "$quant" && {
  for word in LAYER COSINE SQNR_DB MSE MAX_ERROR TOTAL "mean cosine"; do contains "$out" "$word" "validate"; done
}
expect_rc 0 "$aq" validate --json "$model" "$quant" &&
  python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["layers"] and 0.9 < d["totals"]["cosine"] <= 1, d["totals"]' <<<"$out" ||
  fail "validate --json"

expect_rc 0 "$aq" dequantize "$quant" "$dir/deq-f16.safetensors" --dtype f16 && {
  contains "$out" "deq-f16.safetensors" "dequantize"
  expect_rc 0 "$aq" inspect --json "$dir/deq-f16.safetensors" &&
    python3 -c '
import json, sys
d = json.load(sys.stdin)
assert not any(t["quantized"] for t in d["tensors"]), "dequantized file has no quantized tensors"
assert any(t["dtype"] == "F16" for t in d["tensors"]), "quantized tensors became F16"' <<<"$out" || fail "dequantized f16 file"
}
expect_rc 0 "$aq" dequantize "$quant" "$dir/deq-f32.safetensors" && [ -s "$dir/deq-f32.safetensors" ] ||
  fail "dequantize with the default dtype"
rm -f "$dir"/deq-*.safetensors

# inspect --time-aware: the per-layer activation tables, labelled synthetic (no calibration file).
expect_rc 0 "$aq" inspect "$quant" --time-aware=blocks.0.attn.to_q.weight &&
  contains "$out" "INT_ZERO_POINT" && contains "$out" "synthetic" && contains "$out" "[900, 1000)" ||
  fail "inspect --time-aware=LAYER prints the table"
expect_rc 0 "$aq" inspect "$quant" --time-aware --json &&
  printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); t=d["time_aware"]; assert len(t) > 1; g=t[0]["groups"]; assert t[0]["synthetic"] and t[0]["activation_bits"] == 8 and g[0]["start"] == 0 and g[-1]["end"] == t[0]["num_timesteps"]' ||
  fail "inspect --time-aware --json gives every table"
expect_rc 1 "$aq" inspect "$quant" --time-aware=blocks.0.attn.to_q.bias && contains "$err" "AQ_ERR_INVALID_ARGUMENT" ||
  fail "inspect --time-aware on a tensor without parameters"
expect_rc 2 "$aq" inspect "$quant" --time-aware= || fail "inspect --time-aware= without a name is a usage error"
finish
