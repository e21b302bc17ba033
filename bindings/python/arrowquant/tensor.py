"""Quantizing one tensor: quantize() and QuantizedTensor."""
from collections import namedtuple

import numpy as np

from . import capi
from ._util import Handle, enum_name, enum_value
from .errors import InvalidArgumentError

QuantizationError = namedtuple("QuantizationError", "sse energy cosine sqnr_db max_abs_error")
QuantizationError.__doc__ = ("Error statistics of a quantization: sum of squared errors, sum of squared weights, "
                             "cosine similarity, SQNR in dB (inf when exact) and the largest absolute error.")

_DTYPES = {np.dtype(np.float32): capi.AQ_DTYPE_F32, np.dtype(np.float16): capi.AQ_DTYPE_F16}
_NUMPY_OF = {capi.AQ_DTYPE_F32: np.float32, capi.AQ_DTYPE_F16: np.float16, capi.AQ_DTYPE_BF16: np.uint16}


def _as_matrix(shape):
    if len(shape) == 0:
        raise InvalidArgumentError("array must have at least one dimension", 1)
    if len(shape) == 1:
        return 1, int(shape[0])
    return int(shape[0]), int(np.prod(shape[1:], dtype=np.int64))


def quantize(array, bits=4, group_size=128, mode="rtn", format="auto", dtype=None):
    """Quantize a weight tensor group-wise along each row.

    array: a NumPy array (float32 or float16; anything else is converted to float32). A tensor of rank > 2 is
    flattened to [shape[0], rest], a 1-D tensor is one row. To pass bfloat16, give its raw bits as a uint16 array
    with dtype="bf16". bits: 2, 4 or 8; group_size: 32, 64, 128 or 256; mode: "rtn" or "search"; format: "auto",
    "flat" or "hierarchical". Returns a QuantizedTensor (a context manager that frees the native result).
    """
    if dtype is not None:
        code = enum_value("AQ_DTYPE_", dtype, "dtype")
        arr = np.ascontiguousarray(array, dtype=_NUMPY_OF[code])
    else:
        arr = np.asarray(array)
        if arr.dtype not in _DTYPES:
            arr = arr.astype(np.float32)
        arr = np.ascontiguousarray(arr)
        code = _DTYPES[arr.dtype]
    rows, cols = _as_matrix(arr.shape)
    handle = capi.aq_quantize_format(arr, code, rows, cols, int(bits), int(group_size),
                                     enum_value("AQ_MODE_", mode, "mode"), enum_value("AQ_FORMAT_", format, "format"))
    return QuantizedTensor(handle, arr.shape)


class QuantizedTensor(Handle):
    """A quantized tensor: packed codes, group parameters and error statistics (owns the native result)."""

    __slots__ = ("shape",)

    def __init__(self, handle, shape):
        super().__init__(handle)
        self.shape = tuple(int(s) for s in shape)

    @property
    def rows(self):
        return capi.aq_quantized_shape(self.handle)[0]

    @property
    def cols(self):
        return capi.aq_quantized_shape(self.handle)[1]

    def _info(self):
        return capi.aq_quantized_info(self.handle)  # bits, group_size, mode, format, params_f32

    @property
    def bits(self):
        return self._info()[0]

    @property
    def group_size(self):
        return self._info()[1]

    @property
    def mode(self):
        return enum_name("AQ_MODE_", self._info()[2])

    @property
    def format(self):
        return enum_name("AQ_FORMAT_", self._info()[3])

    @property
    def params_f32(self):
        """True when the group parameters did not fit fp16 and are stored as f32."""
        return bool(self._info()[4])

    @property
    def codes(self):
        """Packed codes as a uint8 array [rows, bytes_per_row] (docs/format.md: little-endian within a byte)."""
        raw = np.frombuffer(capi.aq_quantized_codes(self.handle), dtype=np.uint8)
        rows = self.rows
        return raw.reshape(rows, -1) if rows and raw.size % rows == 0 else raw

    @property
    def params(self):
        """Serialized group parameters (layout by format, docs/format.md) as a uint8 array."""
        return np.frombuffer(capi.aq_quantized_params(self.handle), dtype=np.uint8)

    @property
    def bits_per_weight(self):
        """8 * (code bytes + parameter bytes) / elements."""
        return capi.aq_quantized_bits_per_weight(self.handle)

    @property
    def error(self):
        return QuantizationError(*capi.aq_quantized_error(self.handle))

    def dequantize(self, dtype=np.float32):
        """The reconstructed tensor in the original shape (float32, float16, or "bf16" raw bits as uint16)."""
        code = enum_value("AQ_DTYPE_", dtype, "dtype") if isinstance(dtype, str) else _DTYPES.get(np.dtype(dtype))
        if code is None:
            raise InvalidArgumentError(f"dtype must be float32, float16 or 'bf16', got {dtype!r}", 1)
        out = np.empty(self.shape, dtype=_NUMPY_OF[code])
        capi.aq_dequantize(self.handle, code, out)
        return out

    def __repr__(self):
        if self.closed:
            return "QuantizedTensor(closed)"
        return (f"QuantizedTensor(shape={self.shape}, bits={self.bits}, group_size={self.group_size}, "
                f"mode={self.mode!r}, format={self.format!r}, bits_per_weight={self.bits_per_weight:.3f})")
