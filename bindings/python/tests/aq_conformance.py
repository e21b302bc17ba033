"""Golden conformance vectors (conformance/vectors/*.json) through the Python binding.

Each file names a function; each case's input goes through the matching C function via arrowquant.capi and the
result is compared with `expected` under the pass rule of the conformance README §2 (same keys, same lengths,
integers/booleans/strings exact, reals within abs + rel*|expected|, an integer literal never matches a real).
Run as a script it prints one line per failure and then `N passed, M failed`.
"""
import json
import os
import sys

import numpy as np

from arrowquant import capi


def f32(values):
    return np.asarray(values, dtype=np.float32)


def f64(values):
    return np.asarray(values, dtype=np.float64)


def group_timesteps(i):
    count = capi.aq_group_count(i["num_timesteps"], i["num_groups"])
    out = np.zeros(count + 1, dtype=np.uint64)
    capi.aq_group_timesteps(i["num_timesteps"], i["num_groups"], out)
    return {"boundaries": [int(b) for b in out]}


def params_from_stats(i):
    s = i["stats"]
    with capi.aq_calib_stats_create(f32(s["min"]), f32(s["max"]), f32(s["mean"]), f32(s["std"])) as stats, \
            capi.aq_params_from_stats(stats, i["num_groups"], 8) as params:
        out = []
        for g in range(capi.aq_tg_params_count(params)):
            start, end, scale, zero_point, group_size = capi.aq_tg_params_get(params, g)
            out.append({"time_range": [int(start), int(end)], "scale": float(scale),
                        "zero_point": float(zero_point), "group_size": int(group_size)})
        return {"params": out}


def markov_validate(i):
    scales = f32([p["scale"] for p in i["params"]])
    zeros = f32([p["zero_point"] for p in i["params"]])
    with capi.aq_markov_validate(scales, zeros, i["threshold"]) as r:
        is_valid, score, _ = capi.aq_markov_report_result(r)
        violations = []
        for k in range(capi.aq_markov_report_violation_count(r)):
            b, sj, zj, sev = capi.aq_markov_report_violation(r, k)
            violations.append({"boundary_idx": int(b), "scale_jump": float(sj), "zero_point_jump": float(zj),
                               "severity": capi.aq_severity_name(sev)})
        return {"is_valid": bool(is_valid), "smoothness_score": float(score),
                "boundary_scores": [float(x) for x in capi.aq_markov_report_boundary_scores(r)],
                "violations": violations}


def smooth_boundaries(i):
    method = capi.aq_interpolation_from_name(i["method"])
    result = {}
    for key in ("scale", "zero_point"):
        src = f64([p[key] for p in i["params"]])
        dst = np.zeros_like(src)
        capi.aq_smooth_boundaries(src, i["window"], method, dst)
        result[key] = dst
    return {"params": [{"scale": float(s), "zero_point": float(z)}
                       for s, z in zip(result["scale"], result["zero_point"])]}


def beta_schedule(i):
    kind = capi.aq_beta_schedule_from_name(i["kind"])
    out = np.zeros(i["num_timesteps"], dtype=np.float32)
    capi.aq_beta_schedule(kind, i["num_timesteps"], i["beta_start"], i["beta_end"], out)
    return {"betas": [float(b) for b in out]}


def transition(i):
    kind = capi.aq_beta_schedule_from_name(i["kind"])
    mean, std = capi.aq_transition(f32(i["weights"]), kind, i["num_timesteps"], i["beta_start"], i["beta_end"],
                                   i["timestep"])
    return {"mean": float(mean), "std": float(std)}


def gaussian_kl(i):
    return {"kl": float(capi.aq_gaussian_kl(i["mu1"], i["sigma1"], i["mu2"], i["sigma2"]))}


def quantization_loss(i):
    return {"mse": float(capi.aq_quantization_loss(f32(i["original"]), f32(i["quantized"])))}


def _transitions(ts):
    return f32([t["mean"] for t in ts]), f32([t["std"] for t in ts])


def markov_constraint_loss(i):
    om, os_ = _transitions(i["original"])
    qm, qs = _transitions(i["quantized"])
    return {"loss": float(capi.aq_markov_constraint_loss(om, os_, qm, qs))}


def entropy_regularization(i):
    return {"value": float(capi.aq_entropy_regularization(f32(i["weights"])))}


def total_loss(i):
    om, os_ = _transitions(i["original_transitions"])
    qm, qs = _transitions(i["quantized_transitions"])
    loss = capi.aq_total_loss(f32(i["original"]), f32(i["quantized"]), om, os_, qm, qs, i["markov_weight"],
                              i["entropy_weight"])
    return {"loss": float(loss)}


def affine_u8(i):
    w = f32(i["weights"])
    codes = np.zeros(w.size, dtype=np.uint8)
    deq = np.zeros(w.size, dtype=np.float32)
    capi.aq_affine_u8(w, i["scale"], i["zero_point"], codes, deq)
    return {"codes": [int(c) for c in codes], "dequantized": [float(d) for d in deq]}


def cosine_similarity(i):
    return {"cosine": float(capi.aq_cosine_similarity(f32(i["a"]), f32(i["b"])))}


def baseline_summary(i):
    v = i["violations"]
    boundaries = np.asarray([x["boundary_idx"] for x in v], dtype=np.uint64)
    jumps = f64([x["scale_jump"] for x in v])
    severities = np.asarray([capi.aq_severity_from_name(x["severity"]) for x in v], dtype=np.int32)
    with capi.aq_baseline_summary(f64(i["boundary_scores"]), boundaries, jumps, severities) as r:
        mn, mx, mean, std = capi.aq_baseline_report_stats(r)
        patterns = [capi.aq_baseline_report_pattern(r, k) for k in range(capi.aq_baseline_report_pattern_count(r))]
        return {"min_boundary_score": float(mn), "max_boundary_score": float(mx),
                "mean_boundary_score": float(mean), "std_boundary_score": float(std),
                "common_violation_patterns": patterns}


FUNCTIONS = {f.__name__: f for f in (
    group_timesteps, params_from_stats, markov_validate, smooth_boundaries, beta_schedule, transition,
    gaussian_kl, quantization_loss, markov_constraint_loss, entropy_regularization, total_loss, affine_u8,
    cosine_similarity, baseline_summary)}


def compare(actual, expected, tol, path="$"):
    """None when actual matches expected under the pass rule, else a description of the first difference."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or set(actual) != set(expected):
            return f"{path}: keys {sorted(actual) if isinstance(actual, dict) else type(actual).__name__} " \
                   f"!= {sorted(expected)}"
        for k in expected:
            d = compare(actual[k], expected[k], tol, f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return f"{path}: length {len(actual) if isinstance(actual, list) else '-'} != {len(expected)}"
        for n, (a, e) in enumerate(zip(actual, expected)):
            d = compare(a, e, tol, f"{path}[{n}]")
            if d:
                return d
        return None
    if isinstance(expected, bool) or isinstance(expected, str):
        return None if type(actual) is type(expected) and actual == expected else f"{path}: {actual!r} != {expected!r}"
    if isinstance(expected, int):
        ok = isinstance(actual, int) and not isinstance(actual, bool) and actual == expected
        return None if ok else f"{path}: {actual!r} != {expected!r} (integer)"
    if isinstance(expected, float):
        if not isinstance(actual, float):
            return f"{path}: {actual!r} is not a real"
        allowed = tol.get("abs", 0.0) + tol.get("rel", 0.0) * abs(expected)
        return None if abs(actual - expected) <= allowed else f"{path}: {actual!r} != {expected!r} (allowed {allowed:g})"
    return f"{path}: unexpected expected value {expected!r}"


def vectors_dir():
    src = os.environ.get("AQ_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..", ".."))
    return os.path.join(src, "conformance", "vectors")


def run(directory=None):
    """(passed, failed, messages) over every vector file in directory."""
    directory = directory or vectors_dir()
    passed, failed, messages = 0, 0, []
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            doc = json.load(f)
        fn = FUNCTIONS.get(doc.get("function"))
        for case in doc["cases"]:
            if fn is None:
                failed += 1
                messages.append(f"{case['id']}: no binding for function {doc.get('function')!r}")
                continue
            try:
                diff = compare(fn(case["input"]), case["expected"], case.get("tolerance", {}))
            except Exception as exc:  # a binding error is a failed case, reported by id
                diff = f"raised {type(exc).__name__}: {exc}"
            if diff:
                failed += 1
                messages.append(f"{case['id']}: {diff}")
            else:
                passed += 1
    return passed, failed, messages


if __name__ == "__main__":
    p, m, msgs = run(sys.argv[1] if len(sys.argv) > 1 else None)
    for line in msgs:
        print("FAIL", line)
    print(f"{p} passed, {m} failed")
    sys.exit(1 if m else 0)
