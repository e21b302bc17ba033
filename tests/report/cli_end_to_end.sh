#!/usr/bin/env bash
# `arrowquant baseline` and `arrowquant accuracy` on the demo model, and `quantize --html-report`: the files
# exist, the JSON is valid and has the documented fields, the log mirrors standard output and the warnings, usage errors exit 2.
#   cli_end_to_end.sh ARROWQUANT PYTHON3 WORKDIR
set -u
aq=$1
py=$2
work=$3
rm -rf "$work"
mkdir -p "$work"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

"$aq" demo --out "$work/demo" >/dev/null 2>&1 || fail "arrowquant demo"
model="$work/demo/demo-dit.safetensors"

# baseline, reports in OUT_DIR by default
"$aq" baseline --model "$model" --output "$work/bl" --bit-width 2 --num-time-groups 4 >"$work/bl.out" 2>"$work/bl.err" \
  || fail "baseline exited $?: $(cat "$work/bl.err")"
for f in baseline_metrics.json baseline_metrics.html baseline_metrics.log quality_report.json demo-dit-int2.safetensors; do
  [ -s "$work/bl/$f" ] || fail "baseline did not write $f"
done
# The log is standard output plus the warnings, which the console shows on standard error.
grep -v '^arrowquant: warning: ' "$work/bl/baseline_metrics.log" | cmp -s "$work/bl.out" - ||
  fail "the log does not mirror standard output"
diff <(grep '^arrowquant: warning: ' "$work/bl/baseline_metrics.log") <(grep '^arrowquant: warning: ' "$work/bl.err") \
  >/dev/null || fail "the log does not hold the warnings printed to standard error"
"$py" - "$work/bl/baseline_metrics.json" <<'PY' || fail "baseline_metrics.json"
import json, sys
b = json.load(open(sys.argv[1]))
fields = ["model_name", "bit_width", "num_time_groups", "smoothness_score", "violation_count", "violations",
          "boundary_scores", "cosine_similarity", "compression_ratio", "model_size_mb", "quantization_time_s",
          "min_boundary_score", "max_boundary_score", "mean_boundary_score", "std_boundary_score",
          "common_violation_patterns", "layers"]
missing = [k for k in fields if k not in b]
assert not missing, missing
assert b["model_name"] == "demo-dit" and b["bit_width"] == 2 and b["num_time_groups"] == 4, b["model_name"]
assert len(b["boundary_scores"]) == 3
assert b["violation_count"] == len(b["violations"])
assert all("layer" in v for v in b["violations"])
PY
grep -q 'id="banner"' "$work/bl/baseline_metrics.html" || fail "baseline HTML has no banner"

# explicit report paths
"$aq" baseline --model "$model" --output "$work/bl2" --bits 4 --time-groups 10 --report "$work/b.json" \
  --html-report "$work/b.html" --log "$work/b.log" --quiet >"$work/bl2.out" 2>&1 || fail "baseline with paths"
[ -s "$work/b.json" ] && [ -s "$work/b.html" ] && [ -s "$work/b.log" ] || fail "baseline ignored the report paths"
[ -s "$work/bl2.out" ] && fail "--quiet printed: $(cat "$work/bl2.out")"

# accuracy
"$aq" accuracy "$model" --bits 4 --time-groups 4 --steps 10 --samples 2 --report "$work/a.json" \
  --html-report "$work/a.html" >"$work/a.out" 2>"$work/a.err" || fail "accuracy exited $?: $(cat "$work/a.err")"
"$py" - "$work/a.json" <<'PY' || fail "accuracy JSON"
import json, sys
a = json.load(open(sys.argv[1]))
assert a["bits"] == 4 and a["time_groups"] == 4
assert [v["name"] for v in a["variants"]] == ["baseline", "smoothing", "optimization", "both"]
for v in a["variants"]:
    for k in ["smoothness_score", "violation_count", "final_relative_error", "error_curve"]:
        assert k in v, k
    assert len(v["error_curve"]) == 10
PY
grep -q 'id="chart-error-accumulation"' "$work/a.html" || fail "accuracy HTML has no error chart"
grep -q "both" "$work/a.out" || fail "accuracy printed no table"

# quantize --html-report
"$aq" quantize "$model" "$work/q.safetensors" --bits 4 --html-report "$work/q.html" >"$work/q.out" 2>/dev/null \
  || fail "quantize --html-report"
grep -q 'id="chart-layer-sqnr"' "$work/q.html" || fail "quantize HTML has no SQNR chart"
grep -q '<table id="layers">' "$work/q.html" || fail "quantize HTML has no per-layer table"
# The size card shows the summary's numbers and units ("63.2 MiB -> 17.0 MiB" printed, "→" on the page).
size=$(sed -n 's/^  size *\([^(]*[KMGT]iB\) -> \([^(]*[KMGT]iB\).*/\1 → \2/p' "$work/q.out")
[ -n "$size" ] || fail "the quantize summary printed no size in binary units"
grep -qF "$size" "$work/q.html" || fail "the HTML size card does not show the summary's size ($size)"
grep -q 'model size [0-9.]* MiB' "$work/bl.out" || fail "baseline printed the model size without MiB"

# usage errors
"$aq" baseline --output "$work/x" >/dev/null 2>&1
[ $? -eq 2 ] || fail "baseline without --model must exit 2"
"$aq" accuracy "$model" --steps 5000 >/dev/null 2>&1
[ $? -eq 2 ] || fail "accuracy --steps 5000 must exit 2"
"$aq" accuracy "$work/missing.safetensors" >/dev/null 2>&1
[ $? -eq 1 ] || fail "accuracy of a missing model must exit 1"

if [ "$failures" -eq 0 ]; then
  echo "OK: baseline, accuracy and quantize --html-report"
  rm -rf "$work"
  exit 0
fi
exit 1
