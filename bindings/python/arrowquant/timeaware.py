"""Time-aware parameters and the thermodynamic phases, as plain Python data (docs/time-aware.md)."""
from dataclasses import dataclass, field

import numpy as np

from . import capi
from ._util import enum_name, enum_value


def group_timesteps(num_timesteps, num_groups):
    """Boundaries b_0..b_E of the E = min(G, T) time groups (group g covers [b_g, b_{g+1}))."""
    count = capi.aq_group_count(num_timesteps, num_groups)
    out = np.zeros(count + 1, dtype=np.uint64)
    capi.aq_group_timesteps(num_timesteps, num_groups, out)
    return [int(b) for b in out]


def beta_schedule(kind, num_timesteps, beta_start=1e-4, beta_end=0.02):
    """The β schedule ("linear" or "cosine") as a float32 array of num_timesteps values."""
    out = np.zeros(int(num_timesteps), dtype=np.float32)
    capi.aq_beta_schedule(enum_value("AQ_BETA_SCHEDULE_", kind, "kind"), num_timesteps, beta_start, beta_end, out)
    return out


def smooth_boundaries(values, window, method="linear"):
    """Phase 2 on one sequence (scales or zero points): a float64 array of the same length."""
    src = np.ascontiguousarray(values, dtype=np.float64)
    out = np.zeros_like(src)
    capi.aq_smooth_boundaries(src, int(window), enum_value("AQ_INTERPOLATION_", method, "method"), out)
    return out


@dataclass
class MarkovReport:
    """Phase 1 result: per-boundary jumps and scores, violations with severity, overall smoothness."""
    is_valid: bool
    smoothness_score: float
    max_scale_jump: float
    boundary_scores: list = field(default_factory=list)
    scale_jumps: list = field(default_factory=list)
    zero_point_jumps: list = field(default_factory=list)
    violations: list = field(default_factory=list)  # dicts: boundary_idx, scale_jump, zero_point_jump, severity


def _markov_report(handle):
    is_valid, score, max_jump = capi.aq_markov_report_result(handle)
    violations = []
    for i in range(capi.aq_markov_report_violation_count(handle)):
        b, sj, zj, sev = capi.aq_markov_report_violation(handle, i)
        violations.append({"boundary_idx": b, "scale_jump": sj, "zero_point_jump": zj,
                           "severity": enum_name("AQ_SEVERITY_", sev)})
    return MarkovReport(bool(is_valid), score, max_jump,
                        list(capi.aq_markov_report_boundary_scores(handle)),
                        list(capi.aq_markov_report_scale_jumps(handle)),
                        list(capi.aq_markov_report_zero_point_jumps(handle)), violations)


def markov_validate(scales, zero_points, threshold=0.3):
    """Phase 1 Markov smoothness validation of a layer's time-group parameters."""
    with capi.aq_markov_validate(np.asarray(scales, dtype=np.float32), np.asarray(zero_points, dtype=np.float32),
                                 threshold) as handle:
        return _markov_report(handle)


def params_from_stats(min, max, mean, std, num_groups, activation_bits=8):
    """Per-group activation parameters from per-timestep statistics: a list of dicts with time_range, scale,
    zero_point and group_size."""
    arrays = [np.asarray(a, dtype=np.float32) for a in (min, max, mean, std)]
    with capi.aq_calib_stats_create(*arrays) as stats, \
            capi.aq_params_from_stats(stats, num_groups, activation_bits) as params:
        out = []
        for g in range(capi.aq_tg_params_count(params)):
            start, end, scale, zero_point, group_size = capi.aq_tg_params_get(params, g)
            out.append({"time_range": [start, end], "scale": scale, "zero_point": zero_point,
                        "group_size": group_size})
        return out
