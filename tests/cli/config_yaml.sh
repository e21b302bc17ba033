#!/usr/bin/env bash
# quantize reads both YAML layouts (keys at the top; the same wrapped in "quantization:"), prints one warning per
# key without effect and, with log_violations, one per layer still violating the threshold; the report has the
# same "warnings" and the file's values with source "config". A bad value names file:line:column and the key.
aq=$1 model=$2 src=$3 work=$4
source "$(dirname "$0")/lib.sh"
rm -rf "$work" && mkdir -p "$work"
[ -s "$model" ] || { echo "FAIL: no demo model at $model (fixture cli.demo_end_to_end)" >&2; exit 1; }
py=${AQ_PYTHON:-python3}

for layout in top_level quantization_wrapped; do
  expect_rc 0 "$aq" quantize "$model" "$work/$layout.safetensors" --config "$src/tests/data/config/$layout.yaml" \
    --report "$work/$layout.json" && {
    contains "$err" "arrowquant: warning: config key 'modality' has no effect" "$layout: warning on stderr"
    "$py" - "$work/$layout.json" "$layout" "$err" <<'PY' || fail "$layout: report"
import json, sys
rep, layout, err = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
cfg, src, w = rep["config"]["values"], rep["config"]["sources"], rep["warnings"]
retired = [x for x in w if "has no effect" in x]
layers = [x for x in w if x.startswith("layer ")]
if layout == "top_level":
    assert cfg["bit_width"] == 4 and cfg["thermodynamic"]["boundary_smoothing"]["window_size"] == 3, cfg
    assert len(retired) == 8, retired
else:
    assert cfg["bit_width"] == 8 and cfg["num_time_groups"] == 5 and src["min_accuracy"] == "profile:cloud", src
    assert cfg["thermodynamic"]["transition_optimization"]["beta_schedule"] == "cosine"  # YAML alias
    assert len(retired) == 1, retired
assert src["bit_width"] == "config"
for x in w:  # every warning of the report is on standard error
    assert "arrowquant: warning: " + x in err, x
print(layout, ":", len(retired), "key warnings,", len(layers), "layer warnings")
PY
  }
done

# log_violations: with a threshold of 0 every layer violates; off, no layer warning remains.
printf 'thermodynamic:\n  validation:\n    smoothness_threshold: 0\n' >"$work/on.yaml"
printf 'thermodynamic:\n  validation:\n    smoothness_threshold: 0\n    log_violations: false\n' >"$work/off.yaml"
expect_rc 0 "$aq" quantize "$model" "$work/on.safetensors" --config "$work/on.yaml" --report "$work/on.json" &&
  contains "$err" "Markov smoothness violation" "log_violations on: layer warnings on stderr"
expect_rc 0 "$aq" quantize "$model" "$work/off.safetensors" --config "$work/off.yaml" --report "$work/off.json" && {
  case "$err" in *"Markov smoothness violation"*) fail "log_violations off still printed layer warnings" ;; esac
  "$py" -c 'import json,sys; w=json.load(open(sys.argv[1]))["warnings"]; assert w == [], w' "$work/off.json" ||
    fail "log_violations off: the report still has warnings"
}

# Errors name file, line, column and key; yes is not a boolean.
printf 'bit_width: 4\nthermodynamic:\n  boundary_smoothing:\n    window_size: 50\n' >"$work/bad.yaml"
expect_rc 1 "$aq" quantize "$model" "$work/bad.safetensors" --config "$work/bad.yaml" &&
  contains "$err" "bad.yaml:4:5: config key 'thermodynamic.boundary_smoothing.window_size'" "position and key"
printf 'fail_fast: yes\n' >"$work/yes.yml"
expect_rc 1 "$aq" quantize "$model" "$work/yes.safetensors" --config "$work/yes.yml" &&
  contains "$err" "write true or false" "yes is not a boolean"
[ -e "$work/bad.safetensors" ] && fail "a rejected configuration left an output file"
rm -rf "$work"
finish
