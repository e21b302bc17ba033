"""Error measures of the diffusion accuracy bench (docs/accuracy.md defines them)."""
import numpy as np


def relative_l2(a, b):
    """Per-sample ||a - b|| / ||b|| (b the reference), over all axes but the first."""
    a = a.reshape(a.shape[0], -1).astype(np.float64)
    b = b.reshape(b.shape[0], -1).astype(np.float64)
    return np.linalg.norm(a - b, axis=1) / np.maximum(np.linalg.norm(b, axis=1), 1e-30)


def wasserstein1(a, b):
    """Wasserstein-1 distance of two equal-size empirical distributions (the mean gap of the sorted values)."""
    a = np.sort(np.asarray(a, dtype=np.float64).ravel())
    b = np.sort(np.asarray(b, dtype=np.float64).ravel())
    if a.size != b.size:
        raise ValueError("wasserstein1 needs equal sample counts")
    return float(np.mean(np.abs(a - b)))


def summarize_curve(curve, fraction=0.8):
    """(mean over the first `fraction` of the steps, value at the midpoint) of an error curve."""
    curve = np.asarray(curve, dtype=np.float64)
    n = max(1, int(np.floor(fraction * (curve.size - 1))))
    return float(curve[1:n + 1].mean()), float(curve[(curve.size - 1) // 2])
