#!/usr/bin/env bash
# quantize applies its flags (and ArrowQuant V2's alias names) as the highest-precedence source "cli", above
# the environment, the config file and the profile; writes the report; progress is one line per tensor when
# stderr is not a terminal; --quiet prints nothing.
aq=$1 model=$2 work=$3
source "$(dirname "$0")/lib.sh"
rm -rf "$work" && mkdir -p "$work"
[ -s "$model" ] || { echo "FAIL: no demo model at $model (fixture cli.demo_end_to_end)" >&2; exit 1; }

cat >"$work/config.json" <<'JSON'
{"group_size": 32, "num_time_groups": 7, "bit_width": 2, "mode": "search"}
JSON
# Precedence: profile cloud < config file < environment < flags.
expect_rc 0 env ARROW_QUANT_NUM_TIME_GROUPS=3 ARROW_QUANT_BIT_WIDTH=4 \
  "$aq" quantize "$model" "$work/q.safetensors" --profile cloud --config "$work/config.json" \
  --bit-width 8 --num-time-groups 4 --mode rtn --threads 2 --report "$work/report.json" && {
  contains "$out" "compression" "summary on stdout"
  contains "$out" "$work/report.json" "summary names the report"
  total=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["tensors"])' "$work/report.json")
  lines=$(grep -c "^quantize: tensor [0-9]*/$total," <<<"$err")
  [ "$lines" = "$total" ] || fail "expected $total progress lines on stderr, got $lines: ${err:0:500}"
}
python3 - "$work/report.json" <<'PY' || fail "report config and sources"
import json, sys
rep = json.load(open(sys.argv[1]))
values, sources = rep["config"]["values"], rep["config"]["sources"]
want = {
    "bit_width": (8, "cli"),              # flag alias --bit-width beats env and file
    "num_time_groups": (4, "cli"),        # flag alias --num-time-groups beats env (3) and file (7)
    "mode": ("rtn", "cli"),               # flag beats file
    "num_threads": (2, "cli"),
    "group_size": (32, "config"),         # file beats the profile (cloud: 64)
    "min_accuracy": (0.95, "profile:cloud"),
    "deployment_profile": ("cloud", "cli"),
}
for key, (v, s) in want.items():
    assert values[key] == v and sources[key] == s, (key, values[key], sources[key], v, s)
for l in rep["layers"]:
    assert l["bits"] == 8 and l["group_size"] == 32 and l["mode"] == "rtn", l["name"]
    assert l["time_aware"]["params_after"] and len(l["time_aware"]["params_after"]) == 4, l["name"]
print("report: %d layers at 8 bits, group size 32, 4 time groups; sources as expected" % len(rep["layers"]))
PY

# --quiet: nothing on stdout or stderr.
expect_rc 0 "$aq" quantize "$model" "$work/q2.safetensors" --quiet --bits 8 && {
  [ -z "$out$err" ] || fail "--quiet printed: ${out:0:300} ${err:0:300}"
}
# Same configuration through different spellings gives the same file.
expect_rc 0 "$aq" quantize "$model" "$work/q3.safetensors" --quiet --bit-width=8 &&
  { cmp "$work/q2.safetensors" "$work/q3.safetensors" || fail "--bits 8 and --bit-width=8 differ"; }

# fail_fast: the first layer below min_accuracy stops the run with AQ_ERR_QUALITY (exit 1) naming the tensor;
# nothing is left under the output name, and --report saves the partial report, which names it too.
echo '{"fail_fast": true, "min_accuracy": 0.999}' >"$work/strict.json"
expect_rc 1 "$aq" quantize "$model" "$work/strict.safetensors" --config "$work/strict.json" --bits 2 --quiet \
  --report "$work/strict-report.json" && {
  contains "$err" "arrowquant: AQ_ERR_QUALITY: tensor " "fail_fast"
  [ ! -e "$work/strict.safetensors" ] || fail "a fail_fast stop left the output file"
  layer=$(sed -n 's/.*AQ_ERR_QUALITY: tensor \([^:]*\):.*/\1/p' <<<"$err")
  [ -s "$work/strict-report.json" ] && contains "$(cat "$work/strict-report.json")" "\"$layer\"" "partial report" ||
    fail "no partial report naming '$layer' at $work/strict-report.json"
}

# --html-report writes the HTML page next to the model.
expect_rc 0 "$aq" quantize "$model" "$work/q4.safetensors" --quiet --html-report "$work/r.html" && {
  [ -s "$work/r.html" ] && grep -qi "<html" "$work/r.html" && grep -q "<svg" "$work/r.html" ||
    fail "--html-report did not write an HTML page with charts to $work/r.html"
}
rm -rf "$work"
finish
