#!/usr/bin/env bash
# Phase 3's targets measured with the accuracy study (docs/accuracy.md): for each model, calibration and number of
# time groups, the `optimization` variant (Phase 3 alone, default settings: the chain solver) against `baseline`,
# and prints the Markdown table of docs/accuracy.md's "Phase 3 alone" section. Smoothness and violations do not
# depend on the weight bits, so one bit width (INT4) is run.
#   bench/phase3_targets.sh BUILD_DIR WORK_DIR MODEL=NAME...
set -euo pipefail
build=$1
work=$2
shift 2
cli="$build/cli/arrowquant"
mkdir -p "$work"
echo '{"beta_schedule": "linear", "calibration_data_std": 0.5}' > "$work/linear-0.5.json"
echo '{"beta_schedule": "linear", "calibration_data_std": 0.1}' > "$work/linear-0.1.json"
echo '{"beta_schedule": "linear", "calibration_data_std": 0.02}' > "$work/linear-0.02.json"
echo '{"beta_schedule": "cosine", "calibration_data_std": 0.02}' > "$work/cosine-0.02.json"
echo "| model | calibration | G | denoiser: baseline → Phase 3 | lowest layer | violations | all layers: baseline → Phase 3 | lowest layer | violations | layers at target | Phase 3 time, all layers (s) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
for spec in "$@"; do
  model=${spec%%=*}
  name=${spec#*=}
  for cal in linear-0.5 linear-0.1 linear-0.02 cosine-0.02; do
    for g in 4 10 25; do
      out="$work/$name-$cal-$g.json"
      "$cli" accuracy "$model" --config "$work/$cal.json" --bits 4 --time-groups "$g" --report "$out" --quiet
      python3 - "$out" "$name" "$cal" "$g" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
v = {x["name"]: x for x in d["variants"]}
b, o = v["baseline"], v["optimization"]
low = min(l["smoothness_score"] for l in o["layers"])
print(f"| {sys.argv[2]} | {sys.argv[3].replace('-', ', ')} | {sys.argv[4]} | {b['smoothness_score']:.4f} → {o['smoothness_score']:.4f} | "
      f"{low:.4f} | {b['violation_count']} → {o['violation_count']} | {b['model_smoothness_score']:.4f} → "
      f"{o['model_smoothness_score']:.4f} | {o['model_min_smoothness_score']:.4f} | "
      f"{b['model_violation_count']} → {o['model_violation_count']} | "
      f"{o['model_phase3_target_met_layers']}/{o['model_layers']} | {o['model_phase_time_s']:.3f} |")
PY
    done
  done
done

# The error of the reverse chain for the same runs: what the smoothness cost in accuracy.
echo
echo "| model | calibration | G | weights only | baseline | Phase 3 | price of smoothness: mse / own-best mse per denoiser layer |"
echo "|---|---|---|---|---|---|---|"
for spec in "$@"; do
  name=${spec#*=}
  for cal in linear-0.5 linear-0.1 linear-0.02 cosine-0.02; do
    for g in 4 10 25; do
      python3 - "$work/$name-$cal-$g.json" "$name" "$cal" "$g" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
v = {x["name"]: x for x in d["variants"]}
b, o, w = v["baseline"], v["optimization"], d["reference"]["weights_only"]
cell = lambda x: f"{x['final_relative_error']:.4g} ({x['mean_step_error']:.3g})"
price = ", ".join(f"{l['phase3']['mse'] / l['phase3']['unconstrained_mse']:.2f}" for l in o["layers"])
print(f"| {sys.argv[2]} | {sys.argv[3].replace('-', ', ')} | {sys.argv[4]} | {cell(w)} | {cell(b)} | {cell(o)} | {price} |")
PY
    done
  done
done
