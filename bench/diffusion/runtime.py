"""What the diffusion bench needs from ArrowQuant's Python binding: the calibration recorder, loading a quantized
model (dequantized weights, time-aware activation parameters looked up by timestep and applied by the library),
and the study JSON / HTML. Kept in one file so the bench's own code reads as the workflow."""
import json
import os
import subprocess

import numpy as np

import arrowquant
from arrowquant import capi
from arrowquant.activation import fake_quantize_activations, timestep_index
from arrowquant.calibration import CalibrationRecorder

from galaxy_net import ScoreNet


def recorder(layer_names, num_timesteps, t_clean, t_noise, record_samples):
    """A framework-free recorder for these layer names; record(name, t, x) maps t with aq_timestep_index."""
    return CalibrationRecorder(None, num_timesteps, layers=layer_names, record_samples=record_samples,
                               time_axis=(t_clean, t_noise))


def extra_quantize_flags(cli):
    """--pure where the CLI has a default per-layer recipe: every variant quantizes every linear layer alike."""
    out = subprocess.run([cli, "quantize", "--help"], capture_output=True, text=True).stdout
    return ["--pure"] if "--pure" in out else []


def load_quantized(net, path, with_activations, t_noise, fp32_weights=False):
    """(network with the dequantized weights, or the FP32 ones when fp32_weights, hook factory or None). The hook factory maps an evaluation time t to
    a hook that fake-quantizes each linear layer's input with the parameters of t's timestep index."""
    model = arrowquant.Model(path)
    weights = dict(net.w)
    for name in net.linear_names() if not fp32_weights else ():
        weights[name + ".weight"] = model.read_tensor(name + ".weight")
    meta = {"patch_size": net.p, "hidden_size": net.hidden, "num_blocks": net.num_blocks,
            "channels": net.channels, "image_size": net.size, "t1": net.t1}
    qnet = ScoreNet(weights, meta)
    if not with_activations:
        model.close()
        return qnet, None
    # Parameters per (layer, timestep index), read once: the engine-side lookup of docs/time-aware.md.
    tables = {}
    for name in net.linear_names():
        info = model.activation_info(name + ".weight")
        num_t = info["num_timesteps"]
        tables[name] = (num_t, [model.activation_params(name + ".weight", i) for i in range(num_t)])
    model.close()

    def hook_at(t):
        def hook(name, x):
            num_t, params = tables[name]
            scale, zero_point, bits = params[timestep_index(t, 0.0, t_noise, num_t)]
            return fake_quantize_activations(x, scale, zero_point, bits)
        return hook

    return qnet, hook_at


def smoothness_of(report):
    """Mean Phase 1 smoothness score over the quantized layers and total violations, after the phases."""
    scores, violations = [], 0
    for layer in report.get("layers", []):
        ta = layer.get("time_aware") or {}
        p1 = ta.get("phase1_after") or ta.get("phase1_before")
        if p1:
            scores.append(p1["smoothness_score"])
            violations += int(p1["violation_count"])
    return {"smoothness_score": float(np.mean(scores)) if scores else None, "violation_count": violations}


def study_json(args, rows, seconds, layer_names):
    return {
        "model": os.path.basename(args.model), "arrowquant_version": arrowquant.__version__,
        "denoiser": {"kind": "trained", "name": "galaxygrad hsc_ScoreNet64 (MLP-Mixer score network)",
                     "layers": list(layer_names)},
        "sampler": "probability-flow ODE, Heun", "steps": args.steps, "samples": args.samples,
        "calibration": f"recorded ({args.calib_samples} samples x {args.calib_steps} steps, "
                       f"{args.num_timesteps} timesteps)",
        "bits": 4, "time_groups": 10, "seeds": {"evaluation": [0, args.samples - 1],
                                                "calibration": [100000, 100000 + args.calib_samples - 1]},
        "variants": rows, "total_time_s": seconds,
    }


def write_html(study, path):
    capi.aq_html_report_write(None, None, json.dumps(study), "Diffusion accuracy bench: galaxygrad hsc_ScoreNet64",
                              path)


def _fmt(v, spec):
    return "–" if v is None else format(v, spec)


def reference_stats(ref_img):
    """Pixel and flux statistics of the FP32 samples, for the table's footnote."""
    flux = ref_img.sum(axis=(1, 2, 3))
    return {"mean_pixel": float(ref_img.mean()), "mean_flux": float(flux.mean()), "std_flux": float(flux.std())}


def markdown_table(rows, reference=None):
    """The bench's table. The per-step network error is given as the mean over steps and as the median: the last
    steps (t near 0, where the score is largest and most sensitive) dominate the mean."""
    head = ("| variant | trajectory error (mean, first 80 %) | trajectory error (midpoint) | per-step network error"
            " (mean) | per-step network error (median) | W1 pixels | W1 flux | smoothness | violations |\n"
            "|---|---|---|---|---|---|---|---|---|\n")
    lines = ["| FP32 | 0 | 0 | 0 | 0 | 0 | 0 | – | – |"]
    for r in rows:
        median = float(np.median(r["step_error_curve"]))
        lines.append(f"| {r['name']} | {r['trajectory_error_80']:.4f} | {r['trajectory_error_mid']:.4f} | "
                     f"{r['mean_step_error']:.4f} | {median:.4f} | {r['w1_pixels']:.3g} | {r['w1_flux']:.3g} | "
                     f"{_fmt(r.get('smoothness_score'), '.3f')} | {r.get('violation_count', '–')} |")
    foot = ""
    if reference:
        foot = (f"\nFP32 reference: mean pixel value {reference['mean_pixel']:.4g}, mean total flux "
                f"{reference['mean_flux']:.4g} (std {reference['std_flux']:.4g}).\n")
    return head + "\n".join(lines) + "\n" + foot
