"""Interoperability with the reference `safetensors` Python library, in both directions.

1. Files written by safetensors (single, and a sharded set with an index) are read by our reader
   (aq_io_safetensors_tool dump): every tensor's dtype, shape and bytes, and the metadata, must match.
2. Files written by our writer (aq_io_safetensors_tool write; single, sharded, and the streaming layout with
   a reserved header and tensors in write order) are opened with safetensors.safe_open: every tensor and the
   metadata intact, the index consistent.

Run by CTest (io.python_interop). Exit status 0 only when every check passed.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

import numpy as np
from safetensors import safe_open
from safetensors.numpy import save_file
from safetensors._safetensors_rust import TensorSpec, serialize_file

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what)


def fnv1a(data: bytes) -> str:
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def run_tool(tool, *args):
    r = subprocess.run([tool, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("tool %s failed (%d): %s" % (" ".join(args), r.returncode, r.stderr))
    return r.stdout


# ---- 1. safetensors -> our reader -----------------------------------------------------------------------------

def numpy_tensors():
    rng = np.random.default_rng(1234)
    t = {
        "model.embed.weight": rng.standard_normal((7, 5)).astype(np.float32),
        "blocks.0.attn.qkv.weight": rng.standard_normal((12, 4)).astype(np.float16),
        "blocks.0.norm.weight": rng.standard_normal(9).astype(np.float64),
        "position_ids": np.arange(11, dtype=np.int64).reshape(1, 11),
        "i32": np.array([-1, 2, -3], dtype=np.int32),
        "i16": np.array([-7, 8], dtype=np.int16),
        "i8": np.array([-128, 127, 0], dtype=np.int8),
        "u8": np.array([0, 255, 3], dtype=np.uint8),
        "u16": np.array([65535, 1], dtype=np.uint16),
        "u32": np.array([4294967295, 2], dtype=np.uint32),
        "u64": np.array([18446744073709551615, 3], dtype=np.uint64),
        "mask": np.array([True, False, True, True]),
        "empty": np.zeros((0, 3), dtype=np.float32),
        "scalar": np.array(3.25, dtype=np.float64),
        "ünï.name": np.ones(2, dtype=np.float32),
    }
    return t


NUMPY_TO_ST = {"float32": "F32", "float16": "F16", "float64": "F64", "int64": "I64", "int32": "I32",
               "int16": "I16", "int8": "I8", "uint8": "U8", "uint16": "U16", "uint32": "U32", "uint64": "U64",
               "bool": "BOOL"}


def raw_tensors():
    """Types numpy cannot hold, written by the library's own serializer from raw little-endian bytes."""
    bf16 = np.array([0x3F80, 0xC000, 0x0000, 0x7F80, 0x3E00, 0x4049], dtype=np.uint16)  # 1, -2, 0, inf, ...
    f8 = np.array([0x38, 0xB8, 0x00, 0x7E], dtype=np.uint8)
    return {"bf16.weight": ("bfloat16", "BF16", (2, 3), bf16), "f8.weight": ("float8_e4m3fn", "F8_E4M3", (4,), f8)}


def expected_from_python(tensors, raws):
    exp = {}
    for name, arr in tensors.items():
        exp[name] = (NUMPY_TO_ST[arr.dtype.name], list(arr.shape), fnv1a(arr.tobytes(order="C")))
    for name, (_, st_dtype, shape, arr) in raws.items():
        exp[name] = (st_dtype, list(shape), fnv1a(arr.tobytes()))
    return exp


def write_python_file(path, tensors, raws, metadata):
    specs = {}
    keep = []
    for name, arr in tensors.items():
        a = np.array(arr, order="C", copy=True)  # (ascontiguousarray would turn a 0-d array into shape (1,))
        keep.append(a)
        specs[name] = TensorSpec(dtype=a.dtype.name, shape=a.shape, data_ptr=a.ctypes.data, data_len=a.nbytes)
    for name, (py_dtype, _, shape, arr) in raws.items():
        keep.append(arr)
        specs[name] = TensorSpec(dtype=py_dtype, shape=shape, data_ptr=arr.ctypes.data, data_len=arr.nbytes)
    serialize_file(specs, path, metadata=metadata)


def compare_dump(dump, expected, metadata, what):
    got = {t["name"]: (t["dtype"], t["shape"], t["fnv1a64"]) for t in dump["tensors"]}
    check(set(got) == set(expected), "%s: tensor names %s != %s" % (what, sorted(got), sorted(expected)))
    for name, e in expected.items():
        check(got.get(name) == e, "%s: tensor %r: ours %s, python %s" % (what, name, got.get(name), e))
    check(dump["metadata"] == metadata, "%s: metadata %s != %s" % (what, dump["metadata"], metadata))


def python_to_ours(tool, work):
    tensors = numpy_tensors()
    raws = raw_tensors()
    metadata = {"format": "pt", "note": "from python: \" \\ \n ünï"}
    single = os.path.join(work, "py_single.safetensors")
    write_python_file(single, tensors, raws, metadata)
    # the plain numpy entry point as well
    plain = os.path.join(work, "py_plain.safetensors")
    save_file(tensors, plain, metadata={"k": "v"})

    expected = expected_from_python(tensors, raws)
    compare_dump(json.loads(run_tool(tool, "dump", single)), expected, metadata, "python single file")
    compare_dump(json.loads(run_tool(tool, "dump", plain)), expected_from_python(tensors, {}), {"k": "v"},
                 "python save_file")

    # A sharded set the way Hugging Face lays it out: shards + model.safetensors.index.json.
    shard_dir = os.path.join(work, "py_sharded")
    os.makedirs(shard_dir)
    names = sorted(tensors)
    parts = [names[: len(names) // 2], names[len(names) // 2:]]
    weight_map = {}
    total = 0
    for i, part in enumerate(parts):
        fname = "model-%05d-of-%05d.safetensors" % (i + 1, len(parts))
        save_file({n: tensors[n] for n in part}, os.path.join(shard_dir, fname), metadata={"format": "pt"})
        for n in part:
            weight_map[n] = fname
            total += tensors[n].nbytes
    with open(os.path.join(shard_dir, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
    exp = expected_from_python(tensors, {})
    for target in (os.path.join(shard_dir, "model.safetensors.index.json"), shard_dir):
        d = json.loads(run_tool(tool, "dump", target))
        check(d["sharded"], "python sharded: not opened as sharded via %s" % target)
        compare_dump(d, exp, {"format": "pt"}, "python sharded via %s" % os.path.basename(target))


# ---- 2. our writer -> safetensors -----------------------------------------------------------------------------

SAMPLE = [  # the tool's table (safetensors_tool.cpp), written independently
    ("a.weight", "F32", (3, 4)), ("b.bias", "F16", (5,)), ("c.bf16", "BF16", (2, 3)), ("d.f64", "F64", (2,)),
    ("e.position_ids", "I64", (1, 7)), ("f.i32", "I32", (3,)), ("g.i16", "I16", (3,)), ("h.i8", "I8", (4,)),
    ("i.u8", "U8", (4,)), ("j.bool", "BOOL", (3,)), ("k.u16", "U16", (2,)), ("l.u32", "U32", (2,)),
    ("m.u64", "U64", (2,)), ("n.empty", "F32", (0, 3)), ("o.scalar", "F32", ()), ("p.f8", "F8_E4M3", (4,)),
    ("q.big", "F32", (64, 64)), ("ü.unicode", "F32", (2,)),
]
SIZES = {"F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "BOOL": 1,
         "U16": 2, "U32": 4, "U64": 8, "F8_E4M3": 1}
NUMPY_OK = {"F32", "F16", "F64", "I64", "I32", "I16", "I8", "U8", "BOOL", "U16", "U32", "U64"}
SAMPLE_META = {"arrowquant.format": "1", "arrowquant.version": "0.1.0",
               "note": "quote \" backslash \\ newline \n ünïcode"}


def sample_bytes(k, dtype, shape):
    n = SIZES[dtype] * int(np.prod(shape, dtype=np.int64))
    if dtype == "BOOL":
        return bytes(j % 2 for j in range(n))
    return bytes((j * 7 + k * 13 + 1) % 251 for j in range(n))


def raw_tensor_bytes(path, name):
    """Bytes of a tensor found by reading the file layout directly (for dtypes numpy cannot load)."""
    with open(path, "rb") as f:
        blob = f.read()
    n = int.from_bytes(blob[:8], "little")
    header = json.loads(blob[8:8 + n])
    b, e = header[name]["data_offsets"]
    return blob[8 + n + b:8 + n + e]


def check_our_file(path, names, what, meta_expected):
    with safe_open(path, framework="numpy") as f:
        keys = set(f.keys())
        check(keys == set(names), "%s: keys %s != %s" % (what, sorted(keys), sorted(names)))
        check(f.metadata() == meta_expected, "%s: metadata %s != %s" % (what, f.metadata(), meta_expected))
        for k, (name, dtype, shape) in enumerate(SAMPLE):
            if name not in names:
                continue
            expect = sample_bytes(k, dtype, shape)
            sl = f.get_slice(name)
            check(sl.get_dtype() == dtype, "%s: %s dtype %s != %s" % (what, name, sl.get_dtype(), dtype))
            check(tuple(sl.get_shape()) == shape, "%s: %s shape %s != %s" % (what, name, sl.get_shape(), shape))
            if dtype in NUMPY_OK:
                arr = f.get_tensor(name)
                check(tuple(arr.shape) == shape, "%s: %s array shape %s" % (what, name, arr.shape))
                check(arr.tobytes(order="C") == expect, "%s: %s bytes differ" % (what, name))
            else:
                check(raw_tensor_bytes(path, name) == expect, "%s: %s raw bytes differ" % (what, name))
    with open(path, "rb") as fh:
        n = int.from_bytes(fh.read(8), "little")
    check((8 + n) % 8 == 0, "%s: header not padded to 8 bytes" % what)


def ours_to_python(tool, work):
    single = os.path.join(work, "ours.safetensors")
    run_tool(tool, "write", single)
    meta = dict(SAMPLE_META)
    meta["q.big.info"] = '{"bits":4,"format":"flat"}'
    check_our_file(single, [s[0] for s in SAMPLE], "our single file", meta)
    # deterministic: the same bytes a second time
    again = os.path.join(work, "ours_again.safetensors")
    run_tool(tool, "write", again)
    with open(single, "rb") as a, open(again, "rb") as b:
        check(a.read() == b.read(), "our writer is not deterministic")

    # the streaming layout: data in write order (reverse name order here), the header padded to its reserve
    streamed = os.path.join(work, "ours_streamed.safetensors")
    run_tool(tool, "write-streamed", streamed)
    check_our_file(streamed, [s[0] for s in SAMPLE], "our streamed file", meta)
    with open(streamed, "rb") as fh:
        check(int.from_bytes(fh.read(8), "little") == 4096, "our streamed file: header length is not the reserve")

    out = os.path.join(work, "ours_sharded")
    run_tool(tool, "write", out, "4096")
    index_path = os.path.join(out, "model.safetensors.index.json")
    check(os.path.isfile(index_path), "our sharded output has no model.safetensors.index.json")
    with open(index_path) as f:
        index = json.load(f)
    wm = index["weight_map"]
    check(set(wm) == {s[0] for s in SAMPLE}, "index weight_map names")
    total = sum(SIZES[d] * int(np.prod(s, dtype=np.int64)) for _, d, s in SAMPLE)
    check(index["metadata"]["total_size"] == total, "index total_size %s != %d" % (index["metadata"], total))
    shards = sorted(set(wm.values()))
    check(len(shards) >= 2, "expected several shards, got %s" % shards)
    check(sorted(os.listdir(out)) == sorted(shards + ["model.safetensors.index.json"]), "unexpected files in %s" % out)
    for shard in shards:
        names = [n for n, s in wm.items() if s == shard]
        m = dict(SAMPLE_META)
        if "q.big" in names:
            m["q.big.info"] = '{"bits":4,"format":"flat"}'
        check_our_file(os.path.join(out, shard), names, "our shard " + shard, m)
    leftovers = [n for n in os.listdir(work) if ".aqtmp-" in n]
    check(not leftovers, "temporary files left behind: %s" % leftovers)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--workdir", required=True)
    args = ap.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    import safetensors
    print("safetensors", safetensors.__version__, "numpy", np.__version__)
    python_to_ours(args.tool, args.workdir)
    ours_to_python(args.tool, args.workdir)
    if FAILURES:
        print("%d check(s) failed" % len(FAILURES))
        return 1
    print("all interoperability checks passed")
    shutil.rmtree(args.workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
