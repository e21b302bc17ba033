"""Calibration recorder: per-layer, per-timestep statistics of each layer's INPUT activations.

Pure Python (NumPy only); it needs PyTorch only through the model you give it. It attaches forward hooks to the
model's layers, you run the model once per denoising timestep (or several batches per timestep) inside
``recorder.timestep(t)``, and it writes the calibration file that ``calibration_file`` in the configuration
points to (schema "arrowquant-calibration/1", docs/calibration.md and docs/bindings.md):

    {"format": "arrowquant-calibration/1", "num_timesteps": T,
     "layers": {"blocks.0.attn.qkv": {"min": [T], "max": [T], "mean": [T], "std": [T],
                                      "samples": [[...], ...]}}}   # samples only with record_samples > 0

Layer names are module names (``model.named_modules()``); the library matches the weight ``NAME.weight`` to the
layer ``NAME``. min/max/mean/std are over every element of the layer's first positional input, accumulated in
float64 over all calls at that timestep (std is the population standard deviation).

Example (PyTorch)::

    from arrowquant.calibration import CalibrationRecorder
    with CalibrationRecorder(model, num_timesteps=50) as rec:
        for t, x_t in enumerate(sampler_states):      # however your sampler produces inputs
            with rec.timestep(t):
                model(x_t, t)
    rec.save("calibration.json")

Without a framework (NumPy, JAX, your own engine), give the layer names and call ``record`` wherever a layer's
input is computed; with ``time_axis`` the sampler's continuous time is mapped to the timestep index::

    rec = CalibrationRecorder(None, 50, layers=["blocks.0.mlp.fc1", ...], time_axis=(0.0, 10.0))
    rec.record("blocks.0.mlp.fc1", t, x)          # every network evaluation, its own t
    rec.save("calibration.json")

Kept samples (``record_samples``) are a uniform random subset of every value the layer saw at that timestep,
over all calls (priority sampling with the recorder's seed), not the first values seen; the library thins them
further to at most 256 per time group (docs/calibration.md).
"""
import contextlib
import json
import math

import numpy as np

FORMAT = "arrowquant-calibration/1"

__all__ = ["CalibrationRecorder", "FORMAT", "default_layer_filter"]


def default_layer_filter(name, module):
    """Leaf modules with a weight of rank >= 2 (Linear, Conv*, ...): the layers the pipeline quantizes."""
    if not name:
        return False
    children = getattr(module, "children", None)
    if children is not None and any(True for _ in children()):
        return False
    weight = getattr(module, "weight", None)
    shape = getattr(weight, "shape", None)
    return shape is not None and len(shape) >= 2


def _to_numpy(x):
    """A tensor (PyTorch or anything array-like) as a float64 NumPy array, without keeping autograd state."""
    if hasattr(x, "detach"):
        x = x.detach()
        if hasattr(x, "float"):
            x = x.float()
        if hasattr(x, "cpu"):
            x = x.cpu()
        if hasattr(x, "numpy"):
            x = x.numpy()
    return np.asarray(x, dtype=np.float64)


class _Accumulator:
    """min, max, mean and M2 of one layer at one timestep, merged over calls with Chan's pairwise update (exact
    enough in float64 even when the mean is large compared with the spread)."""

    __slots__ = ("count", "mean", "m2", "min", "max", "samples", "keys")

    def __init__(self):
        self.count = 0
        self.mean = 0.0
        self.m2 = 0.0
        self.min = math.inf
        self.max = -math.inf
        self.samples = np.empty(0)
        self.keys = np.empty(0)

    def add(self, values, record_samples, rng):
        flat = values.reshape(-1)
        if flat.size == 0:
            return
        if not np.all(np.isfinite(flat)):
            raise ValueError("calibration input contains NaN or Inf")
        n_b = flat.size
        mean_b = float(flat.mean())
        centred = flat - mean_b
        m2_b = float(np.dot(centred, centred))
        n = self.count + n_b
        delta = mean_b - self.mean
        self.mean += delta * n_b / n
        self.m2 += m2_b + delta * delta * self.count * n_b / n
        self.count = n
        self.min = min(self.min, float(flat.min()))
        self.max = max(self.max, float(flat.max()))
        if record_samples:
            # Keep the record_samples values with the smallest random priorities over every call: a uniform subset
            # of all values seen, whatever the number and size of the calls.
            keys = np.concatenate([self.keys, rng.random(flat.size)])
            vals = np.concatenate([self.samples, flat])
            if keys.size > record_samples:
                keep = np.sort(np.argpartition(keys, record_samples - 1)[:record_samples])
                keys, vals = keys[keep], vals[keep]
            self.keys, self.samples = keys, vals

    def stats(self):
        return self.min, self.max, self.mean, math.sqrt(max(self.m2 / self.count, 0.0))


class CalibrationRecorder:
    """Records per-timestep input statistics of a model's layers through forward hooks.

    model: anything with ``named_modules()`` whose modules have ``register_forward_hook(hook)`` returning a
    handle with ``remove()`` (a ``torch.nn.Module``), or None: then ``layers`` lists the layer names and the
    inputs come through :meth:`record`. num_timesteps: T, the number of denoising timesteps of the
    schedule the library will group (the same value as ``num_timesteps`` in the configuration).
    layers: None (every leaf module with a weight of rank >= 2), an iterable of module names, or a callable
    ``(name, module) -> bool``. record_samples: how many input values to keep per layer and timestep (0 = none;
    Phase 3 uses them when present). seed: the generator that picks the kept samples.
    time_axis: None (``timestep(t)`` takes the integer index, 0 = clean end) or ``(t_clean, t_noise)``: then
    ``timestep(t)`` takes the sampler's continuous time and files it under
    ``arrowquant.activation.timestep_index(t, t_clean, t_noise, num_timesteps)``, the mapping engines use to
    look the parameters up, so a sampler with any number of steps reads what this one recorded.
    """

    def __init__(self, model, num_timesteps, layers=None, record_samples=0, seed=0, time_axis=None):
        if int(num_timesteps) < 1:
            raise ValueError("num_timesteps must be >= 1")
        self.model = model
        self.num_timesteps = int(num_timesteps)
        self.time_axis = None if time_axis is None else (float(time_axis[0]), float(time_axis[1]))
        self.record_samples = int(record_samples)
        self._rng = np.random.default_rng(seed)
        if model is None:
            if layers is None or callable(layers) or isinstance(layers, str):
                raise ValueError("without a model, layers must list the layer names")
            names = list(dict.fromkeys(str(n) for n in layers))
            if not names:
                raise ValueError("layers is empty")
            self._modules = [(name, None) for name in names]
            self._names = set(names)
            self._handles = []
            self._timestep = None
            self._acc = {}
            return
        if layers is None:
            keep = default_layer_filter
        elif callable(layers):
            keep = layers
        else:
            wanted = set(layers)
            keep = lambda name, module: name in wanted  # noqa: E731
        self._modules = [(name, m) for name, m in model.named_modules() if keep(name, m)]
        self._names = {name for name, _ in self._modules}
        if layers is not None and not callable(layers):
            missing = set(layers) - {name for name, _ in self._modules}
            if missing:
                raise ValueError(f"no module named {sorted(missing)}")
        self._handles = []
        self._timestep = None
        self._acc = {}  # (name, t) -> _Accumulator

    # -- hooks ------------------------------------------------------------------------------------------------
    def attach(self):
        """Register the forward hooks (idempotent)."""
        if not self._handles and self.model is not None:
            for name, module in self._modules:
                self._handles.append(module.register_forward_hook(self._make_hook(name)))
        return self

    def detach(self):
        """Remove the forward hooks; the statistics recorded so far are kept."""
        for h in self._handles:
            h.remove()
        self._handles = []

    def __enter__(self):
        return self.attach()

    def __exit__(self, *exc):
        self.detach()
        return False

    def _make_hook(self, name):
        def hook(module, inputs, output):
            if self._timestep is None:
                return None
            x = inputs[0] if isinstance(inputs, (tuple, list)) else inputs
            acc = self._acc.setdefault((name, self._timestep), _Accumulator())
            acc.add(_to_numpy(x), self.record_samples, self._rng)
            return None
        return hook

    # -- framework-free recording ------------------------------------------------------------------------------
    def record(self, module, t, array):
        """Record ``array`` as the input of layer ``module`` (its name) at time t: the sampler's continuous time
        when the recorder has a time_axis (mapped with ``timestep_index``, so each network evaluation of a
        Heun-type step is filed under its own t), else the integer timestep index (0 = clean end)."""
        name = str(module)
        if name not in self._names:
            raise ValueError(f"layer {name!r} is not one of the recorder's layers")
        index = self._index_of(t)
        acc = self._acc.setdefault((name, index), _Accumulator())
        acc.add(_to_numpy(array), self.record_samples, self._rng)

    def _index_of(self, t):
        if self.time_axis is not None:
            from .activation import timestep_index
            t = timestep_index(t, self.time_axis[0], self.time_axis[1], self.num_timesteps)
        if isinstance(t, float) and not t.is_integer():
            raise ValueError(f"timestep {t} is not an integer index (give time_axis to record continuous time)")
        if not 0 <= int(t) < self.num_timesteps:
            raise ValueError(f"timestep {t} is outside [0, {self.num_timesteps})")
        return int(t)

    # -- timesteps --------------------------------------------------------------------------------------------
    def set_timestep(self, t):
        """Attribute the following forward passes to timestep t (None pauses recording); t is the sampler's
        continuous time when the recorder has a time_axis."""
        self._timestep = None if t is None else self._index_of(t)

    @contextlib.contextmanager
    def timestep(self, t):
        """``with recorder.timestep(t): model(...)`` records the forward passes inside at timestep t."""
        previous = self._timestep
        self.set_timestep(t)
        try:
            yield self
        finally:
            self._timestep = previous

    # -- results ----------------------------------------------------------------------------------------------
    @property
    def layer_names(self):
        return [name for name, _ in self._modules]

    def to_dict(self):
        """The calibration document. ValueError names the first layer and timestep that saw no input."""
        layers = {}
        for name, _ in self._modules:
            entry = {"min": [], "max": [], "mean": [], "std": []}
            if self.record_samples:
                entry["samples"] = []
            for t in range(self.num_timesteps):
                acc = self._acc.get((name, t))
                if acc is None or acc.count == 0:
                    raise ValueError(f"layer {name!r} has no recorded input at timestep {t}")
                mn, mx, mean, std = acc.stats()
                entry["min"].append(mn)
                entry["max"].append(mx)
                entry["mean"].append(mean)
                entry["std"].append(std)
                if self.record_samples:
                    entry["samples"].append([float(v) for v in acc.samples])
            layers[name] = entry
        return {"format": FORMAT, "num_timesteps": self.num_timesteps, "layers": layers}

    def save(self, path):
        """Write the calibration JSON to path (floats written with 9 significant digits, enough for binary32)."""
        doc = self.to_dict()
        with open(path, "w", encoding="utf-8") as f:
            json.dump(_round_floats(doc), f, separators=(",", ":"))
            f.write("\n")
        return path


def _round_floats(obj):
    if isinstance(obj, float):
        return float(f"{obj:.9g}")
    if isinstance(obj, dict):
        return {k: _round_floats(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_round_floats(v) for v in obj]
    return obj
