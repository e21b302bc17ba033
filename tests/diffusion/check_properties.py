"""Properties of the quick diffusion bench's study JSON that must hold on the real model:
time-aware activation parameters (G = 10, A8) give a lower trajectory error and a lower per-step network error
than static ones (G = 1, A8), both are finite and above zero, and the HTML page was written."""
import json
import math
import os
import sys

study = json.load(open(sys.argv[1]))
rows = {v["name"]: v for v in study["variants"]}
static, timeaware = rows["W4A8 static G=1"], rows["W4A8 G=10"]
failures = []
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
