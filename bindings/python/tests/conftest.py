"""Shared fixtures of the Python binding tests."""
import gc
import json
import os
import struct
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(__file__))

from arrowquant import capi  # noqa: E402


def write_safetensors(path, tensors):
    """A minimal safetensors writer (header length, JSON header, raw little-endian data) for test models."""
    header, blobs, offset = {}, [], 0
    for name, array in tensors.items():
        array = np.ascontiguousarray(array)
        dtype = {np.dtype(np.float32): "F32", np.dtype(np.float16): "F16", np.dtype(np.int64): "I64"}[array.dtype]
        data = array.tobytes()
        header[name] = {"dtype": dtype, "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    return path


@pytest.fixture
def tiny_model(tmp_path):
    """Four 2-D weights and a bias: enough tensors for progress callbacks and cancellation."""
    rng = np.random.default_rng(1)
    tensors = {f"blocks.{i}.proj.weight": rng.standard_normal((64, 256)).astype(np.float32) * 0.05
               for i in range(4)}
    tensors["blocks.0.proj.bias"] = np.zeros(64, dtype=np.float32)
    return write_safetensors(tmp_path / "tiny.safetensors", tensors)


@pytest.fixture(autouse=True)
def no_leaked_handles():
    """Every test must leave the binding's live-handle counter where it found it."""
    gc.collect()
    before = capi.aq_binding_live_handles()
    yield
    gc.collect()
    assert capi.aq_binding_live_handles() == before, "a test leaked (or double-freed) a native handle"
