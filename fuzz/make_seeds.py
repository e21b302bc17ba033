#!/usr/bin/env python3
"""Write the seed corpora fuzz/corpus/<target>/ of the libFuzzer targets (docs/reliability.md).

    python3 fuzz/make_seeds.py --cli build/release/cli/arrowquant

Standard library only. The `arrowquant` tool (any build) makes the real quantized models that seed the
model-reader and header targets; the malformed-input corpus (tests/data/malformed/, scripts/make-malformed-corpus)
and the conformance vectors (conformance/vectors/) are reused as seeds. Deterministic for a given tool build.
The seeds are committed; the fuzzers add what they find to a separate working directory (see .ci/stage-3-fuzz.sh),
never to these folders.
"""
import argparse
import glob
import json
import math
import os
import shutil
import struct
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def st_file(tensors, metadata=None):
    """tensors: list of (name, dtype, shape, raw bytes). Returns safetensors bytes (header padded to 8)."""
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    data = b""
    for name, dtype, shape, raw in sorted(tensors):
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    while (8 + len(text)) % 8:
        text += b" "
    return struct.pack("<Q", len(text)) + text + data


def parse_st(blob):
    n = struct.unpack("<Q", blob[:8])[0]
    header = json.loads(blob[8:8 + n])
    data = blob[8 + n:]
    meta = header.pop("__metadata__", {})
    parts = {k: (v, data[v["data_offsets"][0]:v["data_offsets"][1]]) for k, v in header.items()}
    return meta, parts


def f32(vals):
    return b"".join(struct.pack("<f", v) for v in vals)


def f16(vals):
    return b"".join(struct.pack("<e", v) for v in vals)


def wave(n, seed, amp=0.05):
    return [amp * math.sin(0.31 * i + seed) + 0.01 * math.cos(1.7 * i * seed) for i in range(n)]


def tiny_model():
    return st_file([
        ("blocks.0.attn.qkv.weight", "F32", [4, 64], f32(wave(256, 1))),
        ("blocks.0.mlp.fc1.weight", "F16", [8, 96], f16(wave(768, 2))),
        ("blocks.0.norm.weight", "F32", [64], f32([1.0] * 64)),
        ("position_ids", "I64", [1, 4], b"".join(struct.pack("<q", i) for i in range(4))),
    ], {"description": "fuzz seed"})


def quantized_seeds(cli):
    """Real quantized models from the tool: {name: bytes}."""
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in.safetensors")
        with open(src, "wb") as f:
            f.write(tiny_model())
        variants = {
            "int4-rtn-flat": ["--time-groups", "3"],
            "int8-rtn": ["--bits", "8", "--time-groups", "2"],
            "int4-search-hier": ["--mode", "search", "--group-size", "64", "--time-groups", "2"],
            "int2-search-hier": ["--mode", "search", "--bits", "2", "--group-size", "32", "--time-groups", "2"],
        }
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARROW_QUANT_")}
        for name, args in variants.items():
            dst = os.path.join(tmp, name + ".safetensors")
            subprocess.run([cli, "quantize", src, dst, "--quiet", "--threads", "1"] + args, check=True, env=env)
            with open(dst, "rb") as f:
                out[name] = f.read()
    return out


def structured_seed(blob, tensor="blocks.0.attn.qkv.weight"):
    """model_reader structured mode: 0x01, META, 0, 5 x u16 counts, flags, payload (the parts' bytes)."""
    meta, parts = parse_st(blob)
    m = meta["arrowquant.tensor." + tensor].encode()
    order = [".qweight", ".scales", ".offsets", ".super", ".subparams"]
    counts, flags = [], 0
    for i, suffix in enumerate(order):
        p = parts.get(tensor + suffix)
        if p is None:
            counts.append(0)
            flags |= 2 << i
            continue
        info, raw = p
        n = 1
        for d in info["shape"]:
            n *= d
        counts.append(n)
        if info["dtype"] == "F32":
            flags |= 1
    # The harness lays the parts out in name order: .offsets .qweight .scales .subparams .super
    ordered = b""
    for suffix in sorted(order):
        p = parts.get(tensor + suffix)
        if p is not None:
            ordered += p[1]
    return b"\x01" + m + b"\x00" + b"".join(struct.pack("<H", c) for c in counts) + bytes([flags]) + ordered


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cli", required=True, help="path of a built arrowquant tool")
    args = ap.parse_args()
    if os.path.isdir(CORPUS):
        shutil.rmtree(CORPUS)

    q = quantized_seeds(args.cli)
    plain = tiny_model()
    malformed_dir = os.path.join(ROOT, "tests", "data", "malformed")
    malformed = {os.path.basename(p): open(p, "rb").read()
                 for p in sorted(glob.glob(os.path.join(malformed_dir, "*.safetensors")))
                 if os.path.getsize(p) <= 16384}

    # ---- st_header ------------------------------------------------------------------------------------------
    put("st_header", "plain-model", plain)
    put("st_header", "zero-size", st_file([("e", "F32", [0, 4], b""), ("s", "BF16", [], b"\x80\x3f")]))
    put("st_header", "every-dtype", st_file([
        (dt, dt, [2], bytes(2 * size)) for dt, size in
        [("F64", 8), ("F32", 4), ("F16", 2), ("BF16", 2), ("I64", 8), ("I32", 4), ("I16", 2), ("I8", 1),
         ("U64", 8), ("U32", 4), ("U16", 2), ("U8", 1), ("BOOL", 1), ("F8_E4M3", 1), ("F8_E5M2", 1)]]))
    for name, blob in q.items():
        put("st_header", "quantized-" + name, blob)
    for name, blob in malformed.items():
        put("st_header", "malformed-" + name, blob)

    # ---- st_index -------------------------------------------------------------------------------------------
    put("st_index", "hf-style", json.dumps({"metadata": {"total_size": 123456}, "weight_map": {
        "blocks.0.attn.qkv.weight": "model-00001-of-00002.safetensors",
        "blocks.0.norm.weight": "model-00002-of-00002.safetensors"}}, indent=2))
    put("st_index", "no-metadata", '{"weight_map":{"a":"s1.safetensors","b":"s1.safetensors"}}')
    put("st_index", "null-metadata", '{"metadata":null,"weight_map":{}}')
    put("st_index", "escape", '{"weight_map":{"a":"../x.safetensors","b":"/etc/passwd"}}')
    put("st_index", "wrong-types", '{"metadata":{"total_size":-1},"weight_map":["a"]}')
    put("st_index", "duplicate-key", '{"weight_map":{"a":"s1","a":"s2"}}')

    # ---- model_reader -----------------------------------------------------------------------------------------
    put("model_reader", "plain", b"\x00" + plain)
    for name, blob in q.items():
        put("model_reader", "raw-" + name, b"\x00" + blob)
        put("model_reader", "structured-" + name, structured_seed(blob))
    put("model_reader", "structured-empty-meta", b"\x01{}\x00" + bytes(11))
    for name in ("zero_size_tensors.safetensors", "shape_zero_times_huge.safetensors", "weights_nan.safetensors",
                 "quantized_valid.safetensors", "quantized_packed_size.safetensors",
                 "quantized_nonfinite_scale.safetensors"):
        put("model_reader", "malformed-" + name, b"\x00" + malformed[name])

    # ---- config -----------------------------------------------------------------------------------------------
    full = {
        "bit_width": 4, "num_time_groups": 10, "group_size": 128, "min_accuracy": 0.85, "calibration_samples": 128,
        "deployment_profile": "local", "fail_fast": False, "num_threads": 0, "enable_time_aware": True,
        "enable_streaming": True, "skip_sensitive_layers": False, "sensitive_layer_names": ["lm_head"],
        "sensitive_layer_patterns": ["^embed", "norm$"], "enable_mixed_precision": False,
        "layer_bit_widths": {"blocks.0.attn.qkv.weight": 8, "mlp": 2}, "target_model_size_mb": None,
        "max_memory_limit_mb": 1024,
        "thermodynamic": {
            "validation": {"enabled": True, "smoothness_threshold": 0.3, "log_violations": True},
            "boundary_smoothing": {"enabled": True, "window_size": 5, "interpolation": "cubic"},
            "transition_optimization": {"enabled": True, "markov_weight": 0.1, "entropy_weight": 0.05,
                                        "learning_rate": 0.01, "max_iterations": 50,
                                        "convergence_threshold": 0.0001, "beta_schedule": "cosine",
                                        "gradient_clip": 1.0, "smoothness_weight": 0.1}},
        "mode": "search", "activation_bits": 8, "num_timesteps": 1000, "beta_schedule": "linear",
        "beta_start": 0.0001, "beta_end": 0.02, "calibration_file": None, "calibration_data_std": 0.5,
        "max_shard_size_mb": 512}
    put("config", "empty", "{}")
    put("config", "full", json.dumps(full))
    put("config", "profile-edge", '{"deployment_profile":"edge"}')
    put("config", "env", '{"bit_width":8}\x00BIT_WIDTH=2\nNUM_TIME_GROUPS=5\nMIN_ACCURACY=0.5\nFAIL_FAST=true\n'
        'NUM_THREADS=3\nENABLE_STREAMING=0\nMAX_MEMORY_MB=256\nCALIBRATION_SAMPLES=64\nGROUP_SIZE=64')
    put("config", "env-bad", '{}\x00BIT_WIDTH=three\nMIN_ACCURACY=nan\nGROUP_SIZE=1e3')
    put("config", "settings", '{}\x00\x00mode=search\nbit_width=2\nthermodynamic.validation={"enabled":false}\n'
        'sensitive_layer_patterns=["("]\nbeta_start=0.5\nbeta_end=0.1')
    put("config", "out-of-range", '{"bit_width":3,"group_size":100,"num_timesteps":1,"beta_schedule":"linear"}')
    put("config", "wrong-types", '{"bit_width":"4","thermodynamic":{"validation":[]},"layer_bit_widths":{"x":16}}')

    # ---- calibration ------------------------------------------------------------------------------------------
    T = 6
    layer = {"min": [-1 - 0.1 * t for t in range(T)], "max": [1 + 0.1 * t for t in range(T)],
             "mean": [0.0] * T, "std": [0.5 + 0.05 * t for t in range(T)]}
    put("calibration_json", "stats", json.dumps({"format": "arrowquant-calibration/1", "num_timesteps": T,
                                                 "layers": {"blocks.0.attn.qkv": layer, "blocks.1.mlp.fc1": layer}}))
    with_samples = dict(layer, samples=[[0.1 * t, -0.2, 0.3] if t % 2 == 0 else [] for t in range(T)])
    put("calibration_json", "samples", json.dumps({"format": "arrowquant-calibration/1", "num_timesteps": T,
                                                   "layers": {"blocks.0.attn.qkv.weight": with_samples}}))
    put("calibration_json", "bad-order", json.dumps({"format": "arrowquant-calibration/1", "num_timesteps": 1,
                                                     "layers": {"x": {"min": [2], "max": [1], "mean": [0],
                                                                      "std": [-1]}}}))
    put("calibration_json", "wrong-format", '{"format":"other","layers":{}}')
    put("calibration_st", "stats", st_file([("blocks.0.attn.qkv." + k, "F32", [T], f32(v))
                                            for k, v in layer.items()]))
    put("calibration_st", "missing-std", st_file([("l." + k, "F32", [T], f32(layer[k])) for k in ("min", "max", "mean")]))
    put("calibration_st", "f16", st_file([("l." + k, "F16", [T], f16(v)) for k, v in layer.items()]))

    # ---- conformance vectors: each file with its first three cases ---------------------------------------------
    for path in sorted(glob.glob(os.path.join(ROOT, "conformance", "vectors", "*.json"))):
        doc = json.load(open(path))
        doc["cases"] = doc["cases"][:3]
        put("conformance_vectors", os.path.basename(path), json.dumps(doc, separators=(",", ":")))

    # ---- tensor C ABI: deterministic byte strings (the harness turns them into shapes, settings and values) ----
    state = 0x9E3779B97F4A7C15
    for i, n in enumerate([24, 64, 200, 600, 1500, 4000, 9000, 20000]):
        raw = bytearray()
        for _ in range(n):
            state = (state * 6364136223846793005 + 1442695040888963407) & (2 ** 64 - 1)
            raw.append(state >> 56)
        put("tensor_capi", "bytes-%02d" % i, bytes(raw))
    print("seed corpora written to", CORPUS)
    for t in sorted(os.listdir(CORPUS)):
        print("  %-22s %d files" % (t, len(os.listdir(os.path.join(CORPUS, t)))))


if __name__ == "__main__":
    main()
