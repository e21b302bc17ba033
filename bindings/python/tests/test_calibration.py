"""The calibration recorder, tested with NumPy-only fakes of torch.nn modules (no PyTorch needed)."""
import json

import numpy as np
import pytest

import arrowquant as aq
from arrowquant.calibration import FORMAT, CalibrationRecorder


class FakeHandle:
    def __init__(self, hooks, hook):
        self.hooks, self.hook = hooks, hook

    def remove(self):
        self.hooks.remove(self.hook)


class FakeLinear:
    """Enough of torch.nn.Linear: a weight, forward hooks, children()."""

    def __init__(self, n_in, n_out, seed):
        self.weight = np.random.default_rng(seed).standard_normal((n_out, n_in)).astype(np.float32) * 0.1
        self._hooks = []

    def children(self):
        return iter(())

    def register_forward_hook(self, hook):
        self._hooks.append(hook)
        return FakeHandle(self._hooks, hook)

    def __call__(self, x):
        y = x @ self.weight.T
        for hook in list(self._hooks):
            hook(self, (x,), y)
        return y


class FakeNorm(FakeLinear):
    def __init__(self):
        super().__init__(1, 1, 0)
        self.weight = np.ones(8, dtype=np.float32)  # 1-D: not a quantized layer

    def __call__(self, x):
        for hook in list(self._hooks):
            hook(self, (x,), x)
        return x


class FakeModel:
    def __init__(self):
        self.norm = FakeNorm()
        self.fc1 = FakeLinear(8, 16, 1)
        self.fc2 = FakeLinear(16, 4, 2)

    def children(self):
        return iter((self.norm, self.fc1, self.fc2))

    def named_modules(self):
        yield "", self
        yield "norm", self.norm
        yield "fc1", self.fc1
        yield "fc2", self.fc2

    def __call__(self, x):
        return self.fc2(np.maximum(self.fc1(self.norm(x)), 0))


def inputs(t, batch=4):
    """Activations whose range shrinks with t, as in a denoising trajectory."""
    return np.random.default_rng(100 + t).standard_normal((batch, 8)) * (3.0 - 0.5 * t)


def test_records_min_max_mean_std_of_each_layer_input_per_timestep():
    model = FakeModel()
    with CalibrationRecorder(model, num_timesteps=3) as rec:
        assert rec.layer_names == ["fc1", "fc2"]
        for t in range(3):
            with rec.timestep(t):
                model(inputs(t, batch=2))
                model(inputs(t, batch=2) * 0.5)  # a second batch at the same timestep merges
    doc = rec.to_dict()
    assert doc["format"] == FORMAT and doc["num_timesteps"] == 3 and set(doc["layers"]) == {"fc1", "fc2"}
    for t in range(3):
        x = np.concatenate([inputs(t, 2), inputs(t, 2) * 0.5])
        fc1 = doc["layers"]["fc1"]
        assert fc1["min"][t] == pytest.approx(x.min()) and fc1["max"][t] == pytest.approx(x.max())
        assert fc1["mean"][t] == pytest.approx(x.mean()) and fc1["std"][t] == pytest.approx(x.std())
    assert doc["layers"]["fc1"]["max"][0] > doc["layers"]["fc1"]["max"][2]


def test_hooks_are_removed_on_exit_and_recording_outside_a_timestep_is_ignored():
    model = FakeModel()
    rec = CalibrationRecorder(model, num_timesteps=1)
    with rec:
        model(inputs(0))  # no timestep set: ignored
        assert model.fc1._hooks
    assert not model.fc1._hooks and not model.fc2._hooks
    with pytest.raises(ValueError, match="timestep 0"):
        rec.to_dict()


def test_layer_selection_by_names_and_by_callable():
    model = FakeModel()
    assert CalibrationRecorder(model, 2, layers=["fc2"]).layer_names == ["fc2"]
    assert CalibrationRecorder(model, 2, layers=lambda n, m: n.startswith("fc")).layer_names == ["fc1", "fc2"]
    with pytest.raises(ValueError, match="fc9"):
        CalibrationRecorder(model, 2, layers=["fc9"])
    with pytest.raises(ValueError):
        CalibrationRecorder(model, 2).set_timestep(2)


def test_samples_are_recorded_up_to_the_limit():
    model = FakeModel()
    with CalibrationRecorder(model, num_timesteps=2, record_samples=5, seed=1) as rec:
        for t in range(2):
            with rec.timestep(t):
                model(inputs(t))
    samples = rec.to_dict()["layers"]["fc1"]["samples"]
    assert len(samples) == 2 and all(len(s) == 5 for s in samples)
    assert set(samples[0]) <= set(inputs(0).reshape(-1).tolist())


def test_saved_file_is_accepted_by_the_library(tmp_path):
    model = FakeModel()
    with CalibrationRecorder(model, num_timesteps=10) as rec:
        for t in range(10):
            with rec.timestep(t):
                model(inputs(t % 6))
    path = rec.save(tmp_path / "calibration.json")
    doc = json.loads(path.read_text())
    assert doc["layers"]["fc2"]["std"][0] >= 0
    # The library's time-aware step reads the same arrays: group them into parameters.
    params = aq.timeaware.params_from_stats(**{k: doc["layers"]["fc1"][k] for k in ("min", "max", "mean", "std")},
                                            num_groups=5)
    assert len(params) == 5 and all(p["scale"] > 0 for p in params)


def test_torch_like_tensors_are_detached_and_converted():
    class FakeTensor:
        def __init__(self, a):
            self.a = a

        def detach(self):
            return self

        def float(self):
            return self

        def cpu(self):
            return self

        def numpy(self):
            return self.a

    from arrowquant.calibration import _to_numpy
    assert _to_numpy(FakeTensor(np.ones(3, np.float16))).dtype == np.float64


# ---- framework-free recording: record(module, t, array) ----

def test_framework_free_record_matches_the_hooked_recording():
    model = FakeModel()
    with CalibrationRecorder(model, num_timesteps=3, layers=["fc1"]) as hooked:
        for t in range(3):
            with hooked.timestep(t):
                model(inputs(t))
    free = CalibrationRecorder(None, 3, layers=["fc1"])
    for t in range(3):
        free.record("fc1", t, model.norm(inputs(t)))
    assert free.to_dict() == hooked.to_dict()


def test_framework_free_record_maps_continuous_time_with_timestep_index():
    rec = CalibrationRecorder(None, 200, layers=["a"], time_axis=(0.0, 10.0))
    # Each evaluation is filed under aq_timestep_index(t, 0, 10, 200): t = 0 -> 0, t = 10 -> 199.
    for t in (0.0, 10.0, 2.5, 2.5 + 1e-9):
        rec.record("a", t, np.full(4, t))
    filled = sorted(i for (_, i) in rec._acc)
    expected = sorted({aq.activation.timestep_index(t, 0.0, 10.0, 200) for t in (0.0, 10.0, 2.5, 2.5 + 1e-9)})
    assert filled == expected and filled[0] == 0 and filled[-1] == 199
    assert rec._acc[("a", 199)].max == 10.0


def test_framework_free_record_rejects_unknown_layers_bad_times_and_missing_names():
    rec = CalibrationRecorder(None, 4, layers=["a", "b"])
    with pytest.raises(ValueError, match="not one of"):
        rec.record("c", 0, np.ones(2))
    with pytest.raises(ValueError, match="outside"):
        rec.record("a", 4, np.ones(2))
    with pytest.raises(ValueError, match="not an integer"):
        rec.record("a", 0.5, np.ones(2))
    with pytest.raises(ValueError, match="NaN"):
        rec.record("a", 0, np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="layer names"):
        CalibrationRecorder(None, 4)
    rec.record("a", 0, np.ones(2))
    with pytest.raises(ValueError, match="no recorded input"):
        rec.to_dict()  # every layer needs every timestep


def test_kept_samples_are_drawn_from_every_call_not_only_the_first():
    rec = CalibrationRecorder(None, 1, layers=["a"], record_samples=64, seed=3)
    for k in range(16):  # 16 calls of 64 values each, call k holds only the value k
        rec.record("a", 0, np.full(64, float(k)))
    samples = rec.to_dict()["layers"]["a"]["samples"][0]
    assert len(samples) == 64
    assert len(set(samples)) >= 8  # a first-come subset would hold only the value 0
    again = CalibrationRecorder(None, 1, layers=["a"], record_samples=64, seed=3)
    for k in range(16):
        again.record("a", 0, np.full(64, float(k)))
    assert again.to_dict() == rec.to_dict()  # deterministic for a seed


def test_framework_free_recording_saves_a_file_the_library_reads(tmp_path):
    rec = CalibrationRecorder(None, 8, layers=["blk.fc"], record_samples=16, time_axis=(0.0, 1.0))
    rng = np.random.default_rng(0)
    for step in range(8):
        t = (step + 0.5) / 8
        rec.record("blk.fc", t, rng.standard_normal(100) * (1 + t))
    doc = json.loads(rec.save(tmp_path / "cal.json").read_text())
    assert doc["num_timesteps"] == 8 and len(doc["layers"]["blk.fc"]["samples"]) == 8
    params = aq.timeaware.params_from_stats(**{k: doc["layers"]["blk.fc"][k] for k in ("min", "max", "mean", "std")},
                                            num_groups=4)
    assert len(params) == 4
