#!/usr/bin/env python3
"""How much the network's output moves when every linear weight is perturbed: Gaussian noise of a given RMS relative
to each weight's RMS (0.4 % ~ INT8, 8 % ~ INT4), at three diffusion times, 2 noise states (seed 0):
    .venv/bin/python bench/diffusion/sensitivity.py [MODEL]
Explains why INT4 weights dominate this network's error in docs/accuracy.md."""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from galaxy_net import ScoreNet  # noqa: E402

model = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "../../build/models/galaxygrad-hsc_ScoreNet64.safetensors")
net = ScoreNet.load(model)
meta = {"patch_size": net.p, "hidden_size": net.hidden, "num_blocks": net.num_blocks, "channels": net.channels,
        "image_size": net.size, "t1": net.t1}
rng = np.random.default_rng(0)
y = rng.standard_normal((2, net.channels, net.size, net.size)).astype(np.float32)
print("t      weight noise   relative output error")
for t in (10.0, 1.0, 0.1):
    ref = net(y, t)
    for rel in (0.004, 0.02, 0.08):
        w = dict(net.w)
        for n in net.linear_names():
            a = w[n + ".weight"]
            w[n + ".weight"] = (a + rng.standard_normal(a.shape) * rel * np.sqrt((a ** 2).mean())).astype(np.float32)
        out = ScoreNet(w, meta)(y, t)
        print(f"{t:<6} {rel * 100:5.1f} %        {np.linalg.norm(out - ref) / np.linalg.norm(ref):.4f}")
