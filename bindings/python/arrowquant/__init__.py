"""ArrowQuant for Python: quantize diffusion-model weights to INT2/INT4/INT8 with time-aware activation parameters.

A thin Pythonic layer over the SWIG module :mod:`arrowquant.capi` (the C ABI of libarrowquant, one function per C
function, exceptions per status). Start with :func:`quantize` for one tensor or :func:`quantize_model` for a
safetensors model; :mod:`arrowquant.calibration` records per-timestep activation statistics from a PyTorch model.
"""
from . import capi
from .errors import (ArrowQuantError, CancelledError, FormatError, InternalError, InvalidArgumentError,
                     IoError, OutOfMemoryError, QualityError, UnsupportedError)
from .tensor import QuantizedTensor, quantize
from .config import Config
from .model import Model, compare_models, export_dequantized, quantize_model, write_demo_model
from . import timeaware
from . import activation

__version__ = capi.aq_version_string()
version_number = capi.aq_version_number()

__all__ = [
    "quantize", "QuantizedTensor", "Config", "Model", "quantize_model", "compare_models", "export_dequantized",
    "write_demo_model", "set_num_threads", "get_num_threads", "simd_target", "timeaware", "activation",
    "ArrowQuantError", "InvalidArgumentError", "OutOfMemoryError", "IoError", "FormatError", "UnsupportedError",
    "CancelledError", "QualityError", "InternalError",
]


def set_num_threads(n):
    """Process-wide default number of worker threads (0 = all cores). Results never depend on it."""
    capi.aq_set_num_threads(int(n))


def get_num_threads():
    return capi.aq_get_num_threads()


def simd_target():
    """Name of the SIMD target the kernels dispatch to on this CPU ("AVX3", "AVX2", ...)."""
    return capi.aq_simd_target()
