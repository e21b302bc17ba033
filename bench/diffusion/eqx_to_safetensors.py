"""Converts one galaxygrad ScoreNet (.eqx inside the pinned wheel) to a safetensors file, with NumPy only.

An Equinox .eqx file is the model's array leaves written one after another with numpy.save, in field order:
conv_in weight, bias; conv_out weight, bias; per mixer block: patch_mixer layer 0/1 weight+bias, hidden_mixer
layer 0/1 weight+bias, norm1 weight+bias, norm2 weight+bias; final norm weight+bias; t1 (a scalar).

Both convolutions have stride = kernel = patch size, so each is a linear map on one patch; they are written as
Linear weights (out_features, in_features), which is the layout the quantizer groups along:
  conv_in.weight  (hidden, channels*p*p)  columns in (channel, row, col) order of a patch
  conv_out.weight (channels*p*p, hidden)  rows in (channel, row, col) order; Equinox's transposed convolution
                                          flips its kernel spatially, so the flip is applied here once.
The architecture (patch size, image size, t1) goes into the file's metadata.

usage: eqx_to_safetensors.py WHEEL NET DEST
"""
import io
import json
import os
import struct
import sys
import zipfile

import numpy as np


def read_leaves(blob):
    f = io.BytesIO(blob)
    leaves = []
    while f.tell() < len(blob):
        leaves.append(np.load(f, allow_pickle=False))
    return leaves


def convert(leaves):
    if len(leaves) < 7 or (len(leaves) - 7) % 12 != 0:
        raise ValueError(f"{len(leaves)} arrays: not a galaxygrad ScoreNet (expected 7 + 12 per block)")
    num_blocks = (len(leaves) - 7) // 12
    it = iter(leaves)
    nxt = lambda: next(it)  # noqa: E731
    w_in, b_in, w_out, b_out = nxt(), nxt(), nxt(), nxt()
    hidden, in_ch1, p, p2 = w_in.shape
    if p != p2 or w_out.shape[1:] != (hidden, p, p):
        raise ValueError(f"unexpected conv shapes {w_in.shape} {w_out.shape}")
    channels = in_ch1 - 1  # the extra input channel holds t / t1
    t = {}
    t["conv_in.weight"] = w_in.reshape(hidden, in_ch1 * p * p)
    t["conv_in.bias"] = b_in.reshape(hidden)
    flipped = w_out[:, :, ::-1, ::-1]  # (channels, hidden, p, p)
    t["conv_out.weight"] = np.ascontiguousarray(flipped.transpose(0, 2, 3, 1).reshape(channels * p * p, hidden))
    t["conv_out.bias"] = b_out.reshape(channels)
    num_patches = None
    for i in range(num_blocks):
        pre = f"blocks.{i}."
        for mixer in ("patch_mixer", "hidden_mixer"):
            for layer in (0, 1):
                t[f"{pre}{mixer}.layers.{layer}.weight"] = nxt()
                t[f"{pre}{mixer}.layers.{layer}.bias"] = nxt()
        for norm in ("norm1", "norm2"):
            t[f"{pre}{norm}.weight"] = nxt()
            t[f"{pre}{norm}.bias"] = nxt()
        num_patches = t[f"{pre}patch_mixer.layers.0.weight"].shape[1]
    t["norm.weight"], t["norm.bias"] = nxt(), nxt()
    t1 = float(nxt())
    side = int(round(num_patches ** 0.5)) * p
    meta = {"architecture": "galaxygrad-mixer-scorenet", "patch_size": str(p), "hidden_size": str(hidden),
            "num_blocks": str(num_blocks), "channels": str(channels), "image_size": str(side),
            "t1": repr(t1), "schedule": "vp int_beta(t)=t", "transform": "y = log(x + 1) / 0.1"}
    for name, a in t.items():
        if a.dtype != np.float32 or not np.all(np.isfinite(a)):
            raise ValueError(f"{name}: expected finite float32")
    return {k: np.ascontiguousarray(v) for k, v in t.items()}, meta


def write_safetensors(path, tensors, meta):
    """F32 tensors in name order and the metadata with sorted keys: the same bytes on every run (the safetensors
    library orders its header by hash)."""
    header = {"__metadata__": dict(sorted(meta.items()))}
    offset = 0
    for name in sorted(tensors):
        a = tensors[name]
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text)
        for name in sorted(tensors):
            f.write(np.ascontiguousarray(tensors[name], dtype="<f4").tobytes())


def main(argv):
    wheel, net, dest = argv[1:4]
    member = f"galaxygrad/eqx_{net}.eqx"
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        if member not in names:
            nets = sorted(n[len("galaxygrad/eqx_"):-4] for n in names if n.endswith(".eqx"))
            sys.exit(f"fetch-galaxygrad: no net {net!r} in the wheel; it has {', '.join(nets)}")
        blob = z.read(member)
    tensors, meta = convert(read_leaves(blob))
    meta["source"] = f"PyPI galaxygrad 0.2.1, {os.path.basename(member)} (evaluation only, not redistributed)"
    from safetensors import safe_open  # the reference implementation checks what we wrote
    from safetensors.numpy import load_file
    tmp = dest + ".tmp"
    write_safetensors(tmp, tensors, meta)
    back = load_file(tmp)
    with safe_open(tmp, framework="numpy") as f:
        back_meta = f.metadata()
    if (set(back) != set(tensors) or any(not np.array_equal(back[k], tensors[k]) for k in tensors)
            or back_meta != meta):
        os.unlink(tmp)
        sys.exit("fetch-galaxygrad: the safetensors library read back different tensors")
    os.replace(tmp, dest)
    params = sum(int(a.size) for a in tensors.values())
    print(f"{dest}: {len(tensors)} tensors, {params} parameters, {meta['image_size']}x{meta['image_size']} images")
    print(json.dumps(meta))


if __name__ == "__main__":
    main(sys.argv)
