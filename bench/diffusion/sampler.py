"""Probability-flow ODE sampler (Heun) for the VP-SDE of the galaxygrad networks, in NumPy.

With int_beta(t) = t the drift is dy/dt = -0.5 * (y + score(y, t)); sampling integrates it from t1 (noise,
y ~ N(0, I)) down to T_MIN (clean). Heun's method evaluates the network twice per step, at the step's two ends,
each evaluation with its own t. Images are x = exp(0.1 * y) - 1 (the inverse of the training transform).
"""
import numpy as np

T_MIN = 1e-3


def time_grid(steps, t1):
    """steps + 1 times from t1 down to T_MIN, uniform in sqrt(t) (finer near the clean end, where the score
    changes fastest)."""
    s = np.linspace(np.sqrt(t1), np.sqrt(T_MIN), steps + 1)
    ts = s * s
    ts[0], ts[-1] = t1, T_MIN  # sqrt(t1)**2 can exceed t1 by one rounding step
    return ts


def drift(net, y, t, hook=None):
    return -0.5 * (y + net(y, t, hook))


def sample(net, noise, steps, hook=None, on_step=None):
    """Integrates from the noise state; returns the final state. on_step(i, t, y) sees the state before each step
    (i = 0 .. steps - 1) and the final one (i = steps). hook(t) returns the layer hook for an evaluation at t."""
    ts = time_grid(steps, net.t1)
    y = noise.astype(np.float32)
    for i in range(steps):
        t0, t1 = float(ts[i]), float(ts[i + 1])
        if on_step is not None:
            on_step(i, t0, y)
        dt = t1 - t0
        d0 = drift(net, y, t0, None if hook is None else hook(t0))
        y_euler = y + dt * d0
        d1 = drift(net, y_euler, t1, None if hook is None else hook(t1))
        y = (y + 0.5 * dt * (d0 + d1)).astype(np.float32)
    if on_step is not None:
        on_step(steps, float(ts[-1]), y)
    return y


def to_image(y):
    return np.exp(0.1 * y.astype(np.float64)) - 1.0


def noise_for(seeds, net):
    """One N(0, I) state per seed (each seed its own generator, so a sample does not depend on the batch)."""
    return np.stack([np.random.default_rng(int(s)).standard_normal((net.channels, net.size, net.size))
                     .astype(np.float32) for s in seeds])
