#!/usr/bin/env python3
"""safetensors oracle for LontarModelFiles, using the `safetensors` package.

  safetensors_oracle.py write OUTDIR SEED
      Writes OUTDIR/single.safetensors (tensors of many dtypes and shapes,
      scalar and empty ones included), a sharded checkpoint in
      OUTDIR/sharded/ (two shards and model.safetensors.index.json), and
      OUTDIR/expected.json: {name: {"dtype", "shape", "sha256" of the raw
      bytes, "f32": float32 bit patterns of the values for float dtypes}}.
  safetensors_oracle.py serialize SPEC.json OUT
      Writes OUT with safetensors.serialize_file from SPEC: {"metadata":
      [[k, v]...], "tensors": [{"name", "dtype", "shape", "data": path}...]}
      where each data file holds the raw bytes.
  safetensors_oracle.py read FILE
      Reads FILE with safetensors: {"metadata": {...}, "tensors": {name:
      {"dtype", "shape", "sha256"}}}.
"""
import hashlib
import json
import os
import sys

import numpy as np
from safetensors import TensorSpec, deserialize, safe_open, serialize_file

TORCH_NAMES = {"F32": "float32", "F16": "float16", "BF16": "bfloat16", "F64": "float64", "I32": "int32",
               "I64": "int64", "U8": "uint8", "I8": "int8", "BOOL": "bool", "U16": "uint16", "I16": "int16"}


def save(path, tensors, metadata):
    """tensors: {name: (dtype, shape, raw uint8 array)}"""
    keep = []
    specs = {}
    for name, (dtype, shape, raw) in tensors.items():
        raw = np.ascontiguousarray(raw)
        keep.append(raw)
        specs[name] = TensorSpec(dtype=TORCH_NAMES[dtype], shape=list(shape), data_ptr=raw.ctypes.data, data_len=raw.nbytes)
    serialize_file(specs, path, metadata)


def f32_of(dtype, raw):
    if dtype == "F32":
        return raw.view("<f4")
    if dtype == "F16":
        return raw.view("<f2").astype(np.float32)
    if dtype == "BF16":
        return (raw.view("<u2").astype(np.uint32) << 16).view(np.float32)
    return None


def make_tensors(rng):
    def floats(shape, scale=1.0):
        return (rng.standard_normal(int(np.prod(shape))) * scale).astype(np.float32)

    t = {}
    t["model.embed_tokens.weight"] = ("F32", [7, 5], floats([7, 5]).view(np.uint8))
    t["w16"] = ("F16", [3, 4, 2], floats([3, 4, 2], 100).astype(np.float16).view(np.uint8))
    bf = floats([33]).view(np.uint32)
    t["wbf"] = ("BF16", [33], ((bf + 0x7FFF + ((bf >> 16) & 1)) >> 16).astype(np.uint16).view(np.uint8))
    t["ids"] = ("I32", [4], np.array([1, -2, 3, 2**31 - 1], dtype="<i4").view(np.uint8))
    t["mask"] = ("U8", [2, 3], rng.integers(0, 256, 6, dtype=np.uint8))
    t["scalar"] = ("F32", [], np.array([2.5], dtype="<f4").view(np.uint8))
    t["empty"] = ("F16", [0, 3], np.zeros(0, dtype=np.uint8))
    t["d"] = ("F64", [2], np.array([np.pi, -1e300], dtype="<f8").view(np.uint8))
    return t


def expected_entry(dtype, shape, raw):
    entry = {"dtype": dtype, "shape": shape, "sha256": hashlib.sha256(raw.tobytes()).hexdigest()}
    values = f32_of(dtype, raw)
    if values is not None:
        entry["f32"] = [int(v) for v in values.view(np.uint32)]
    return entry


def write(outdir, seed):
    rng = np.random.default_rng(seed)
    os.makedirs(os.path.join(outdir, "sharded"), exist_ok=True)
    tensors = make_tensors(rng)
    save(os.path.join(outdir, "single.safetensors"), tensors, {"format": "pt", "note": "ünï \"q\"\n"})
    expected = {name: expected_entry(*spec) for name, spec in tensors.items()}

    # A two-shard checkpoint with Llama-style names.
    layers = {}
    for i in range(2):
        for part, shape in (("self_attn.q_proj.weight", [8, 8]), ("mlp.down_proj.weight", [8, 16])):
            layers[f"model.layers.{i}.{part}"] = ("BF16", shape, None)
    weight_map = {}
    shards = [{}, {}]
    for k, (name, (dtype, shape, _)) in enumerate(sorted(layers.items())):
        values = (rng.standard_normal(int(np.prod(shape)))).astype(np.float32).view(np.uint32)
        raw = ((values + 0x7FFF + ((values >> 16) & 1)) >> 16).astype(np.uint16).view(np.uint8)
        shard = k % 2
        shards[shard][name] = (dtype, shape, raw)
        weight_map[name] = f"model-0000{shard + 1}-of-00002.safetensors"
        expected[name] = expected_entry(dtype, shape, raw)
    total = 0
    for i, shard in enumerate(shards):
        save(os.path.join(outdir, "sharded", f"model-0000{i + 1}-of-00002.safetensors"), shard, {"format": "pt"})
        total += sum(raw.nbytes for (_, _, raw) in shard.values())
    with open(os.path.join(outdir, "sharded", "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
    with open(os.path.join(outdir, "expected.json"), "w") as f:
        json.dump(expected, f)


def serialize(spec_path, out):
    spec = json.load(open(spec_path))
    tensors = {}
    for t in spec["tensors"]:
        tensors[t["name"]] = (t["dtype"], t["shape"], np.fromfile(t["data"], dtype=np.uint8))
    save(out, tensors, dict(spec["metadata"]) or None)


def read(path):
    data = open(path, "rb").read()
    tensors = {name: {"dtype": t["dtype"], "shape": t["shape"], "sha256": hashlib.sha256(bytes(t["data"])).hexdigest()}
               for name, t in deserialize(data)}
    with safe_open(path, framework="numpy") as f:
        metadata = f.metadata() or {}
    json.dump({"metadata": metadata, "tensors": tensors}, sys.stdout)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "write":
        write(sys.argv[2], int(sys.argv[3]))
    elif cmd == "serialize":
        serialize(sys.argv[2], sys.argv[3])
    elif cmd == "read":
        read(sys.argv[2])
    else:
        sys.exit(f"unknown command {cmd}")
