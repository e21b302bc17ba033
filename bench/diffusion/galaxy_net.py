"""The galaxygrad ScoreNet (an MLP-Mixer score network) in NumPy, with a hook at every linear layer's input.

Reads the safetensors file written by scripts/fetch-galaxygrad. The network maps a state y (batch, C, H, W) in the
transformed image space y = log(x + 1) / 0.1 and a diffusion time t in [0, t1] to the score of the VP-SDE with
int_beta(t) = t. Every linear layer (the two patch convolutions written as Linear weights, and the four MLP layers
of each mixer block) calls ``hook(name, x)`` on its input and uses what the hook returns; this is where the bench
records calibration statistics and applies fake-quantized activations. ``weights`` may be replaced (dequantized).
"""
import numpy as np

LN_EPS = 1e-5


class ScoreNet:
    def __init__(self, tensors, meta):
        self.w = {k: np.asarray(v, dtype=np.float32) for k, v in tensors.items()}
        self.p = int(meta["patch_size"])
        self.hidden = int(meta["hidden_size"])
        self.num_blocks = int(meta["num_blocks"])
        self.channels = int(meta["channels"])
        self.size = int(meta["image_size"])
        self.t1 = float(meta["t1"])

    @staticmethod
    def load(path):
        from safetensors import safe_open
        from safetensors.numpy import load_file
        with safe_open(path, framework="numpy") as f:
            meta = f.metadata()
        return ScoreNet(load_file(path), meta)

    def linear_names(self):
        """Layer (module) names of every linear layer, in execution order."""
        names = ["conv_in"]
        for i in range(self.num_blocks):
            for mixer in ("patch_mixer", "hidden_mixer"):
                names += [f"blocks.{i}.{mixer}.layers.0", f"blocks.{i}.{mixer}.layers.1"]
        return names + ["conv_out"]

    def _linear(self, name, x, hook):
        if hook is not None:
            x = hook(name, x)
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

    def _layer_norm(self, name, y):
        # Equinox LayerNorm over the whole (a, b) array of each sample, population variance.
        mean = y.mean(axis=(1, 2), keepdims=True)
        var = ((y - mean) ** 2).mean(axis=(1, 2), keepdims=True)
        return (y - mean) / np.sqrt(var + LN_EPS) * self.w[name + ".weight"] + self.w[name + ".bias"]

    def __call__(self, y, t, hook=None):
        """Score at state y (B, C, H, W) float32 and time t (a scalar: one time for the whole batch)."""
        b, c, h, w = y.shape
        p, hp, wp = self.p, h // self.p, w // self.p
        tt = np.full((b, 1, h, w), np.float32(t / self.t1), dtype=np.float32)
        x = np.concatenate([y.astype(np.float32), tt], axis=1)
        patches = x.reshape(b, c + 1, hp, p, wp, p).transpose(0, 2, 4, 1, 3, 5).reshape(b, hp * wp, (c + 1) * p * p)
        z = self._linear("conv_in", patches, hook).transpose(0, 2, 1)  # (B, hidden, P)
        for i in range(self.num_blocks):
            pre = f"blocks.{i}."
            u = self._layer_norm(pre + "norm1", z)
            u = np.maximum(self._linear(pre + "patch_mixer.layers.0", u, hook), 0)
            z = z + self._linear(pre + "patch_mixer.layers.1", u, hook)
            z = z.transpose(0, 2, 1)  # (B, P, hidden)
            u = self._layer_norm(pre + "norm2", z)
            u = np.maximum(self._linear(pre + "hidden_mixer.layers.0", u, hook), 0)
            z = z + self._linear(pre + "hidden_mixer.layers.1", u, hook)
            z = z.transpose(0, 2, 1)
        z = self._layer_norm("norm", z).transpose(0, 2, 1)  # (B, P, hidden)
        out = z @ self.w["conv_out.weight"].T if hook is None else hook("conv_out", z) @ self.w["conv_out.weight"].T
        out = out.reshape(b, hp, wp, c, p, p) + self.w["conv_out.bias"].reshape(1, 1, 1, c, 1, 1)
        return out.transpose(0, 3, 1, 4, 2, 5).reshape(b, c, h, w).astype(np.float32)
