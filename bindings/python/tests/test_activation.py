"""The runtime side of the time-aware parameters from Python: timestep mapping shared by the recorder and the
lookup, numpy in/out activation quantization, integer zero points, and errors."""
import json

import numpy as np
import pytest

import arrowquant as aq
from arrowquant.activation import (fake_quantize_activations, integer_zero_point, quantize_activations,
                                   timestep_index)
from arrowquant.calibration import CalibrationRecorder


class _Handle:
    def __init__(self, hooks, hook):
        self.hooks, self.hook = hooks, hook

    def remove(self):
        self.hooks.remove(self.hook)


class _Linear:
    def __init__(self, n_in, n_out):
        self.weight = np.zeros((n_out, n_in), dtype=np.float32)
        self._hooks = []

    def children(self):
        return iter(())

    def register_forward_hook(self, hook):
        self._hooks.append(hook)
        return _Handle(self._hooks, hook)

    def __call__(self, x):
        for hook in list(self._hooks):
            hook(self, (x,), x)
        return x


class _Model:
    def __init__(self):
        self.to_q = _Linear(64, 64)

    def named_modules(self):
        return [("", self), ("to_q", self.to_q)]

    def children(self):
        return iter((self.to_q,))


def _range_at(t):
    return 0.5 + 3.0 * t  # the input range grows with the noise


def _write_weight_model(path):
    rng = np.random.default_rng(1)
    w = (rng.standard_normal((64, 64)) * 0.02).astype(np.float32)
    header = json.dumps({"to_q.weight": {"dtype": "F32", "shape": [64, 64], "data_offsets": [0, w.nbytes]}}).encode()
    header += b" " * (-len(header) % 8)
    with open(path, "wb") as f:
        f.write(len(header).to_bytes(8, "little") + header + w.tobytes())


def test_timestep_index_maps_ends_and_rejects_outside():
    assert timestep_index(0.0, 0.0, 1.0, 1000) == 0
    assert timestep_index(1.0, 0.0, 1.0, 1000) == 999
    assert timestep_index(37, 0, 999, 1000) == 37
    with pytest.raises(aq.InvalidArgumentError, match="outside"):
        timestep_index(1.5, 0.0, 1.0, 10)


def test_twenty_step_sampler_reads_what_a_200_step_recorder_recorded(tmp_path):
    model = _Model()
    with CalibrationRecorder(model, num_timesteps=200, time_axis=(0.0, 1.0)) as rec:
        for t in np.linspace(1.0, 0.0, 200):  # the recording sampler: 200 steps, noise -> clean
            with rec.timestep(t):
                r = _range_at(t)
                model.to_q(np.array([-r, r, 0.0], dtype=np.float64))
    rec.save(tmp_path / "calib.json")
    _write_weight_model(tmp_path / "in.safetensors")
    cfg = aq.Config.from_json(json.dumps({"calibration_file": str(tmp_path / "calib.json"), "group_size": 64,
                                          "num_time_groups": 10}))
    aq.quantize_model(tmp_path / "in.safetensors", tmp_path / "out.safetensors", cfg)
    with aq.Model(tmp_path / "out.safetensors") as m:
        info = m.activation_info("to_q.weight")
        assert info == {"num_timesteps": 200, "num_groups": 10, "activation_bits": 8, "synthetic": False}
        table = m.activation_table("to_q.weight")
        assert table["module"] == "to_q" and table["calibration_source"] == "recorded"
        for t in np.linspace(1.0, 0.0, 20):  # the engine: 20 steps on the same time axis
            i = timestep_index(t, 0.0, 1.0, info["num_timesteps"])
            scale, zero_point, bits = m.activation_params("to_q.weight", i)
            # The group holding t was recorded within one group width (20 of 199 steps) of t.
            assert abs(scale * 255 / 2 - _range_at(t)) <= 3.0 * 21 / 199
        with pytest.raises(aq.InvalidArgumentError, match="to_q.weight"):
            m.activation_params("to_q.weight", 200)


def test_quantize_activations_keeps_shape_and_matches_affine_u8():
    x = np.random.default_rng(3).standard_normal((4, 33)).astype(np.float32)
    codes = quantize_activations(x, 0.02, 128.0, 8)
    assert codes.shape == x.shape and codes.dtype == np.uint8
    ref_codes = np.zeros(x.size, dtype=np.uint8)
    ref_dst = np.zeros(x.size, dtype=np.float32)
    aq.capi.aq_affine_u8(x.reshape(-1), 0.02, 128.0, ref_codes, ref_dst)
    assert np.array_equal(codes.reshape(-1), ref_codes)
    y = fake_quantize_activations(x, 0.02, 128.0, 8)
    assert np.array_equal(y.reshape(-1).view(np.uint32), ref_dst.view(np.uint32))
    inplace = x.copy()
    fake_quantize_activations(inplace, 0.02, 128.0, 8, out=inplace)
    assert np.array_equal(inplace, y)


def test_activation_errors_and_integer_zero_point():
    x = np.ones(10, dtype=np.float32)
    x[7] = np.nan
    with pytest.raises(aq.InvalidArgumentError, match=r"src\[7\]"):
        quantize_activations(x, 0.1, 0.0, 8)
    with pytest.raises(aq.UnsupportedError):
        quantize_activations(np.ones(3), 0.1, 0.0, 12)
    with pytest.raises(aq.InvalidArgumentError, match="scale"):
        fake_quantize_activations(np.ones(3), 0.0, 0.0, 8)
    assert integer_zero_point(2.5, 8) == 2 and integer_zero_point(3.5, 8) == 4 and integer_zero_point(300, 8) == 255
