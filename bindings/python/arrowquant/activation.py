"""Time-aware activation parameters at inference (docs/time-aware.md, "Using the parameters at inference").

An engine maps each network evaluation's sampler time ``t`` to the tensor's timestep index with
:func:`timestep_index`, reads ``(scale, zero_point, bits)`` with :meth:`arrowquant.Model.activation_params` and
quantizes the tensor's input with :func:`quantize_activations` (codes) or :func:`fake_quantize_activations`
(values)::

    with arrowquant.Model("model-int4.safetensors") as m:
        T = m.activation_info("blocks.0.attn.to_q.weight")["num_timesteps"]
        for t in np.linspace(1.0, 0.0, 50):                   # a 50-step sampler, noise -> clean
            i = timestep_index(t, t_clean=0.0, t_noise=1.0, num_timesteps=T)
            scale, zero_point, bits = m.activation_params("blocks.0.attn.to_q.weight", i)
            x_q = fake_quantize_activations(x, scale, zero_point, bits)
"""
import numpy as np

from . import capi

__all__ = ["timestep_index", "quantize_activations", "fake_quantize_activations", "integer_zero_point"]


def timestep_index(t, t_clean, t_noise, num_timesteps):
    """Index of sampler time t on an axis of num_timesteps points (0 at t_clean, num_timesteps - 1 at t_noise):
    round((t - t_clean) / (t_noise - t_clean) * (num_timesteps - 1)), half away from zero."""
    return int(capi.aq_timestep_index(float(t), float(t_clean), float(t_noise), int(num_timesteps)))


def _src(x):
    a = np.asarray(x)
    if a.dtype != np.float32:
        a = a.astype(np.float32)
    return np.ascontiguousarray(a)


def quantize_activations(x, scale, zero_point, bits):
    """uint8 codes clamp(round(x / scale + zero_point), 0, 2^bits - 1) (half away from zero), x's shape.
    bits 2..8; NaN/Inf in x raises InvalidArgumentError."""
    src = _src(x)
    codes = np.empty(src.shape, dtype=np.uint8)
    capi.aq_quantize_activations(src.reshape(-1), float(scale), float(zero_point), int(bits), codes.reshape(-1))
    return codes


def fake_quantize_activations(x, scale, zero_point, bits, out=None):
    """float32 (code - zero_point) * scale with the codes of quantize_activations, x's shape; bits 2..16.
    out: an optional C-contiguous float32 array of x's size to write into (may be x itself)."""
    src = _src(x)
    if out is None:
        out = np.empty(src.shape, dtype=np.float32)
    elif out.dtype != np.float32 or not out.flags.c_contiguous or out.size != src.size:
        raise ValueError("out must be a C-contiguous float32 array of x's size")
    capi.aq_fake_quantize_activations(src.reshape(-1), float(scale), float(zero_point), int(bits), out.reshape(-1))
    return out


def integer_zero_point(zero_point, bits):
    """zero_point rounded half to even and clamped to [0, 2^bits - 1] (ONNX QuantizeLinear's integer zero point)."""
    return int(capi.aq_integer_zero_point(float(zero_point), int(bits)))
