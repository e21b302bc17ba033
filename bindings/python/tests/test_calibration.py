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
