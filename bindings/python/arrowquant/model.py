"""Model-level calls: quantize_model, compare_models, export_dequantized, write_demo_model and Model."""
import json
import os

import numpy as np

from . import capi
from ._util import Handle, enum_value
from .config import Config
from .errors import InvalidArgumentError


def _report_dict(report):
    try:
        return json.loads(capi.aq_report_text(report))
    finally:
        report.close()


def _keep_going(*_counts):
    return True


def quantize_model(input_path, output_path, config=None, progress=None):
    """Quantize a safetensors model (file, *.safetensors.index.json or directory) into output_path.

    config: a Config, a dict/JSON text of settings, or None (the local profile's defaults).
    progress: None or a callable(tensors_done, tensors_total, bytes_done, bytes_total) called after each tensor on
    the calling thread; returning False cancels (CancelledError), an exception raised by it cancels and propagates.
    Returns the quality report as a dict. On QualityError the report is on the exception as .report_dict.
    Ctrl-C (KeyboardInterrupt) cancels the run at its next check (between tensors, time-aware layers and write
    chunks): the library removes its temporaries, then KeyboardInterrupt is raised. An output that is the input
    (or one of its shards, or a directory holding it) or the calibration file is InvalidArgumentError, before any
    work; an existing output is replaced unless the config sets "overwrite": False.
    """
    if progress is None:
        # A callback gives Python's signal handlers a chance to run during the call, so Ctrl-C cancels it.
        progress = _keep_going
    own = None
    if config is not None and not isinstance(config, Config):
        own = config = Config.from_json(config)
    try:
        try:
            report = capi.aq_quantize_model(os.fspath(input_path), os.fspath(output_path),
                                            None if config is None else config.handle, progress)
        except Exception as exc:
            raw = getattr(exc, "report", None)
            if raw is not None:
                exc.report_dict = _report_dict(raw)
            raise
        return _report_dict(report)
    finally:
        if own is not None:
            own.close()


def compare_models(original_path, quantized_path):
    """Per-layer cosine, SQNR, MSE and max error of a quantized model against its original, as a dict."""
    return _report_dict(capi.aq_compare_models(os.fspath(original_path), os.fspath(quantized_path)))


def export_dequantized(quantized_path, output_path, dtype="f32"):
    """Write a quantized model back as a plain safetensors file of dtype ("f32", "f16", "bf16")."""
    capi.aq_export_dequantized(os.fspath(quantized_path), os.fspath(output_path),
                               enum_value("AQ_DTYPE_", dtype, "dtype"))


def write_demo_model(path, seed=0):
    """Write the synthetic demo model (a DiT-shaped transformer, about 30 M parameters) to path."""
    capi.aq_write_demo_model(os.fspath(path), int(seed))


class Model(Handle):
    """A model (input or quantized) opened for reading; a context manager."""

    __slots__ = ()

    def __init__(self, path):
        super().__init__(capi.aq_model_open(os.fspath(path)))

    def tensor_names(self):
        h = self.handle
        return [capi.aq_model_tensor_name(h, i) for i in range(capi.aq_model_tensor_count(h))]

    def tensor_info(self, name):
        return json.loads(capi.aq_model_tensor_info(self.handle, name))

    def info(self):
        return json.loads(capi.aq_model_info(self.handle))

    def activation_params(self, name, timestep_index):
        """(scale, zero_point, bits) of quantized tensor name's input at timestep_index (docs/time-aware.md)."""
        scale, zero_point, bits = capi.aq_model_activation_params(self.handle, name, int(timestep_index))
        return float(scale), float(zero_point), int(bits)

    def activation_info(self, name):
        """{"num_timesteps", "num_groups", "activation_bits", "synthetic"} of tensor name's parameter table."""
        t, g, bits, synthetic = capi.aq_model_activation_info(self.handle, name)
        return {"num_timesteps": int(t), "num_groups": int(g), "activation_bits": int(bits),
                "synthetic": bool(synthetic)}

    def activation_table(self, name):
        """The whole table as a dict (aq_model_activation_json): module, calibration_source, synthetic,
        activation_bits, num_timesteps, timestep_order, groups [{start, end, scale, zero_point,
        integer_zero_point}]."""
        return json.loads(capi.aq_model_activation_json(self.handle, name))

    def read_tensor(self, name, dtype=np.float32):
        """The tensor (dequantized when quantized) as a NumPy array of its original shape."""
        shape = self.tensor_info(name).get("shape")
        dt = np.dtype(dtype)
        code = {np.dtype(np.float32): capi.AQ_DTYPE_F32, np.dtype(np.float16): capi.AQ_DTYPE_F16}.get(dt)
        if code is None:
            raise InvalidArgumentError(f"dtype must be float32 or float16, got {dtype!r}", 1)
        n = capi.aq_model_tensor_elements(self.handle, name)
        out = np.empty(n, dtype=dt)
        capi.aq_model_read_tensor(self.handle, name, code, out)
        return out.reshape(shape) if shape is not None else out
