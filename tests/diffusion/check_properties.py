"""Properties of the quick diffusion bench's study JSON that must hold on the real model:
time-aware activation parameters (G = 10, A8) give a lower trajectory error and a lower per-step network error
than static ones (G = 1, A8) with the FP32 weights (the activation error alone), every figure is finite and
above zero, and the HTML page was written. With INT4 weights the weight error dominates both measures on this
network, so the W4A8 rows are printed, not compared."""
import json
import math
import os
import sys

study = json.load(open(sys.argv[1]))
rows = {v["name"]: v for v in study["variants"]}
failures = []
static, timeaware = rows["A8 only static G=1"], rows["A8 only G=10"]
for name in ("W4A8 static G=1", "W4A8 G=10"):
    r = rows[name]
    print(f"{name}: trajectory_error_80 {r['trajectory_error_80']:.5f}, mean_step_error {r['mean_step_error']:.5f}")
    if not all(math.isfinite(r[k]) and r[k] > 0 for k in ("trajectory_error_80", "mean_step_error")):
        failures.append(f"{name}: an error figure is not a positive finite number")
for key in ("trajectory_error_80", "mean_step_error"):
    a, b = static[key], timeaware[key]
    print(f"{key}: static G=1 {a:.5f}, time-aware G=10 {b:.5f} (ratio {b / a:.3f})")
    if not (math.isfinite(a) and math.isfinite(b) and a > 0 and b > 0):
        failures.append(f"{key} is not a positive finite number")
    elif not b < a:
        failures.append(f"{key}: G=10 ({b:.5f}) is not below G=1 ({a:.5f})")
if not os.path.getsize(os.path.join(os.path.dirname(sys.argv[1]), "study.html")) > 0:
    failures.append("study.html is empty")
if failures:
    print("FAILED: " + "; ".join(failures))
    sys.exit(1)
print("time-aware parameters beat static ones on both measures")
