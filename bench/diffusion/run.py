#!/usr/bin/env python3
"""Diffusion accuracy bench: a real trained diffusion model, recorded -> quantized -> run -> measured.

The model is galaxygrad's hsc_ScoreNet64 (scripts/fetch-galaxygrad). The workflow is a user's:
  (a) record calibration: the FP32 sampler runs on calibration noise seeds (disjoint from the evaluation seeds)
      with arrowquant.calibration.CalibrationRecorder attached to every linear layer's input, times mapped to
      timestep indices by the library (aq_timestep_index);
  (b) quantize each variant with `arrowquant quantize --calibration`;
  (c) run the sampler with the dequantized weights and, for W?A? variants, every linear layer's input
      fake-quantized by the library with the parameters looked up for the evaluation's time;
  (d) measure against FP32 with the same noise: trajectory error, per-step network error, Wasserstein-1 of
      pixel values and of total flux (metrics.py; docs/accuracy.md).
Writes OUT/study.json (the schema `arrowquant accuracy` uses), OUT/study.html and OUT/table.md.
Single-threaded NumPy (OMP/OPENBLAS threads = 1) so figures reproduce exactly on the same CPU.
"""
import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import metrics  # noqa: E402
import sampler  # noqa: E402
from galaxy_net import ScoreNet  # noqa: E402
import runtime  # noqa: E402

# name, weight bits, weight mode, activation bits (None = FP32 activations), time groups, phase 2, phase 3.
# Phase 3 variants named "covering": thermodynamic.transition_optimization.clip_ranges false (no candidate cuts a
# time group's recorded range); "absolute MSE": relative_mse false (the chain solver's earlier objective).
# Weight mode "fp32": the activation parameters of the quantized file with the FP32 weights, which isolates the
# activation error (the file is still quantized, at INT8, to carry the parameters).
VARIANTS = [
    ("A8 only static G=1", 8, "fp32", 8, 1, False, False),
    ("A8 only G=4", 8, "fp32", 8, 4, False, False),
    ("A8 only G=10", 8, "fp32", 8, 10, False, False),
    ("A8 only G=25", 8, "fp32", 8, 25, False, False),
    ("A8 only G=10 +Phase 2", 8, "fp32", 8, 10, True, False),
    ("A8 only G=10 +Phase 3", 8, "fp32", 8, 10, False, True),
    ("A8 only G=10 +Phases 2+3", 8, "fp32", 8, 10, True, True),
    ("A8 only G=10 +Phase 3 covering", 8, "fp32", 8, 10, False, True),
    ("A8 only G=10 +Phase 3 absolute MSE", 8, "fp32", 8, 10, False, True),
    ("A6 only static G=1", 8, "fp32", 6, 1, False, False),
    ("A6 only G=10", 8, "fp32", 6, 10, False, False),
    ("A4 only static G=1", 8, "fp32", 4, 1, False, False),
    ("A4 only G=10", 8, "fp32", 4, 10, False, False),
    ("W8 (rtn)", 8, "rtn", None, 1, False, False),
    ("W8A8 static G=1", 8, "rtn", 8, 1, False, False),
    ("W8A8 G=10", 8, "rtn", 8, 10, False, False),
    ("W4 (search)", 4, "search", None, 1, False, False),
    ("W2 (search)", 2, "search", None, 1, False, False),
    ("W4A8 static G=1", 4, "search", 8, 1, False, False),
    ("W4A8 G=4", 4, "search", 8, 4, False, False),
    ("W4A8 G=10", 4, "search", 8, 10, False, False),
    ("W4A8 G=25", 4, "search", 8, 25, False, False),
    ("W4A8 G=10 +Phase 2", 4, "search", 8, 10, True, False),
    ("W4A8 G=10 +Phase 3", 4, "search", 8, 10, False, True),
    ("W4A8 G=10 +Phases 2+3", 4, "search", 8, 10, True, True),
    ("W4A6 static G=1", 4, "search", 6, 1, False, False),
    ("W4A6 G=10", 4, "search", 6, 10, False, False),
    ("W4A4 static G=1", 4, "search", 4, 1, False, False),
    ("W4A4 G=10", 4, "search", 4, 10, False, False),
]
QUICK_VARIANTS = ("A8 only static G=1", "A8 only G=10", "W4A8 static G=1", "W4A8 G=10")


def parse_args(argv):
    root = os.path.dirname(os.path.dirname(HERE))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=os.path.join(root, "build/models/galaxygrad-hsc_ScoreNet64.safetensors"))
    ap.add_argument("--cli", default=os.path.join(root, "build/release/cli/arrowquant"))
    ap.add_argument("--out", default=os.path.join(root, "build/diffusion-bench"))
    ap.add_argument("--samples", type=int, default=64, help="evaluation samples (seeds 0 .. N-1)")
    ap.add_argument("--steps", type=int, default=40, help="Heun steps of the evaluation sampler")
    ap.add_argument("--step-error-samples", type=int, default=16,
                    help="samples whose FP32 trajectory states measure the per-step network error")
    ap.add_argument("--calib-samples", type=int, default=8, help="calibration samples (seeds 100000 + i)")
    ap.add_argument("--calib-steps", type=int, default=100, help="Heun steps of the calibration sampler")
    ap.add_argument("--num-timesteps", type=int, default=50, help="timestep indices of the calibration file")
    ap.add_argument("--record-samples", type=int, default=256, help="input values kept per layer and timestep")
    ap.add_argument("--variants", default="all", help="comma-separated variant names, or 'all'")
    ap.add_argument("--quick", action="store_true",
                    help="the CTest setting: 2 samples, 20 steps, 2 calibration samples; G=1 and G=10 at A8, FP32 and INT4 weights")
    a = ap.parse_args(argv)
    if a.quick:
        a.samples, a.steps, a.step_error_samples, a.calib_samples = 2, 20, 2, 2
        if a.variants == "all":
            a.variants = ",".join(QUICK_VARIANTS)
    return a


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def record_calibration(net, args, path):
    rec = runtime.recorder(net.linear_names(), args.num_timesteps, t_clean=0.0, t_noise=net.t1,
                           record_samples=args.record_samples)

    def hook_at(t):
        def hook(name, x):
            rec.record(name, t, x)
            return x
        return hook

    noise = sampler.noise_for(range(100000, 100000 + args.calib_samples), net)
    sampler.sample(net, noise, args.calib_steps, hook=hook_at)
    rec.save(path)


def reference_run(net, noise, steps, n_step):
    """FP32 trajectory (states before each step and the final one) and FP32 network outputs at the first
    n_step samples' trajectory states."""
    states, outputs = [], []

    def on_step(i, t, y):
        states.append(y.copy())
        if i < steps:
            outputs.append(net(y[:n_step], t))

    sampler.sample(net, noise, steps, on_step=on_step)
    return states, outputs


def variant_config(bits, mode, abits, groups, p2, p3, num_timesteps, clip_ranges=True, relative_mse=True):
    return {
        "bit_width": bits, "mode": mode, "fail_fast": False, "min_accuracy": 0.0,
        "enable_time_aware": True, "num_time_groups": groups, "num_timesteps": num_timesteps,
        "activation_bits": abits if abits is not None else 8,
        "thermodynamic": {"validation": {"enabled": True},
                          "boundary_smoothing": {"enabled": p2},
                          "transition_optimization": {"enabled": p3, "clip_ranges": clip_ranges,
                                                      "relative_mse": relative_mse}},
    }


def run_variant(net, args, spec, noise, ref_states, ref_outputs, calib_path):
    name, bits, mode, abits, groups, p2, p3 = spec
    slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    cfg_path = os.path.join(args.out, slug + ".config.json")
    out_path = os.path.join(args.out, slug + ".safetensors")
    rep_path = os.path.join(args.out, slug + ".report.json")
    with open(cfg_path, "w") as f:
        json.dump(variant_config(bits, "rtn" if mode == "fp32" else mode, abits, groups, p2, p3, args.num_timesteps,
                                 clip_ranges="covering" not in name, relative_mse="absolute MSE" not in name),
                  f, indent=1)
    cmd = [args.cli, "quantize", args.model, out_path, "--config", cfg_path, "--calibration", calib_path,
           "--report", rep_path, "--quiet"] + runtime.extra_quantize_flags(args.cli)
    subprocess.run(cmd, check=True)
    qnet, act = runtime.load_quantized(net, out_path, abits is not None, net.t1, fp32_weights=mode == "fp32")
    states = []
    sampler.sample(qnet, noise, args.steps, hook=act,
                   on_step=lambda i, t, y: states.append(y.copy()))
    traj = [float(metrics.relative_l2(s, r).mean()) for s, r in zip(states, ref_states)]
    ts = sampler.time_grid(args.steps, net.t1)
    n = args.step_error_samples
    step_err = [float(metrics.relative_l2(qnet(ref_states[i][:n], float(ts[i]),
                                               None if act is None else act(float(ts[i]))),
                                          ref_outputs[i]).mean()) for i in range(args.steps)]
    with open(rep_path) as f:
        report = json.load(f)
    return states[-1], traj, step_err, report


def main(argv):
    args = parse_args(argv)
    if not os.path.isfile(args.model):
        sys.exit(f"run.py: {args.model} does not exist: run scripts/fetch-galaxygrad first (or pass --model)")
    if not os.access(args.cli, os.X_OK):
        sys.exit(f"run.py: {args.cli} is not an executable: build first (cmake --build --preset release) or pass --cli")
    os.makedirs(args.out, exist_ok=True)
    t_start = time.time()
    net = ScoreNet.load(args.model)
    calib_path = os.path.join(args.out, "calibration.json")
    log(f"(a) recording calibration: {args.calib_samples} samples x {args.calib_steps} Heun steps, "
        f"{args.num_timesteps} timestep indices")
    record_calibration(net, args, calib_path)
    noise = sampler.noise_for(range(args.samples), net)
    log(f"FP32 reference: {args.samples} samples x {args.steps} Heun steps")
    ref_states, ref_outputs = reference_run(net, noise, args.steps, args.step_error_samples)
    ref_img = sampler.to_image(ref_states[-1])
    wanted = [v for v in VARIANTS if args.variants == "all" or v[0] in args.variants.split(",")]
    rows = []
    for spec in wanted:
        t0 = time.time()
        final, traj, step_err, report = run_variant(net, args, spec, noise, ref_states, ref_outputs, calib_path)
        img = sampler.to_image(final)
        traj80, traj_mid = metrics.summarize_curve(traj)
        row = {
            "name": spec[0], "weight_bits": 32 if spec[2] == "fp32" else spec[1], "activation_bits": spec[3], "time_groups": spec[4],
            "phase2": spec[5], "phase3": spec[6],
            "error_curve": traj, "step_error_curve": step_err,
            "trajectory_error_80": traj80, "trajectory_error_mid": traj_mid,
            "mean_step_error": float(np.mean(step_err)),
            "final_relative_error": traj[-1],
            "w1_pixels": metrics.wasserstein1(img, ref_img),
            "w1_flux": metrics.wasserstein1(img.sum(axis=(1, 2, 3)), ref_img.sum(axis=(1, 2, 3))),
        }
        row.update(runtime.smoothness_of(report))
        rows.append(row)
        log(f"{spec[0]}: trajectory (80 %) {traj80:.4g}, per-step {row['mean_step_error']:.4g} "
            f"({time.time() - t0:.0f} s)")
    study = runtime.study_json(args, rows, time.time() - t_start, net.linear_names())
    study["fp32_reference"] = runtime.reference_stats(ref_img)
    with open(os.path.join(args.out, "study.json"), "w") as f:
        json.dump(study, f, indent=1)
    runtime.write_html(study, os.path.join(args.out, "study.html"))
    table = runtime.markdown_table(rows, study["fp32_reference"])
    with open(os.path.join(args.out, "table.md"), "w") as f:
        f.write(table)
    print(table)
    log(f"total {time.time() - t_start:.0f} s; {args.out}/study.json, study.html, table.md")


if __name__ == "__main__":
    main(sys.argv[1:])
