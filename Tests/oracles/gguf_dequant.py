#!/usr/bin/env python3
"""Dequantization oracle for LontarModelFiles, using the `gguf` package.

  gguf_dequant.py hashes FILE
      For every tensor of a GGUF file, the SHA-256 of its values dequantized
      by gguf.quants.dequantize, as float32 little-endian bytes, and the count:
      {"name": ["hex", n], ...}.
  gguf_dequant.py random TYPE NBLOCKS SEED OUTDIR
      Random test data of ggml type TYPE (e.g. Q4_K): writes OUTDIR/blocks.bin
      (raw blocks) and OUTDIR/expected.bin (gguf's float32 dequantization).
      Where gguf can quantize the type, the blocks come from quantizing
      random floats (also written, as OUTDIR/input.bin); otherwise (the
      k-quants) the blocks are random bytes with finite random half scales.
  gguf_dequant.py suite SEED OUTDIR
      `random` for every type Lontar dequantizes and 1, 5 and 37 blocks,
      into OUTDIR/TYPE-NBLOCKS/ (one Python start for all cases).
  gguf_dequant.py diff FILE NAME RAWF32
      Diagnostics: max |gguf - RAWF32| for tensor NAME.
"""
import hashlib
import json
import os
import sys

import numpy as np
from gguf import GGUFReader, GGMLQuantizationType, GGML_QUANT_SIZES
from gguf import quants


def dequantized(tensor):
    return np.ascontiguousarray(quants.dequantize(tensor.data, tensor.tensor_type), dtype="<f4")


def hashes(path):
    out = {}
    for t in GGUFReader(path).tensors:
        values = dequantized(t)
        out[t.name] = [hashlib.sha256(values.tobytes()).hexdigest(), int(values.size)]
    json.dump(out, sys.stdout)


# Byte offsets of the half-precision scales in each k-quant block.
HALF_FIELDS = {
    "Q2_K": [80, 82],
    "Q3_K": [108],
    "Q4_K": [0, 2],
    "Q5_K": [0, 2],
    "Q6_K": [208],
}


def random_halves(rng, n):
    """Finite halves of both signs: normal values of several magnitudes,
    subnormals and zeros."""
    scale = rng.choice([1e-6, 1e-4, 1e-2, 1.0, 100.0], size=n)
    h = (rng.standard_normal(n) * scale).astype(np.float16)
    h[rng.random(n) < 0.05] = 0
    return h


def random_data(qtype_name, nblocks, seed, outdir):
    qtype = GGMLQuantizationType[qtype_name]
    block, size = GGML_QUANT_SIZES[qtype]
    rng = np.random.default_rng(seed)
    n = nblocks * block if block > 1 else nblocks * 64  # plain types: room for the edge cases
    os.makedirs(outdir, exist_ok=True)
    if qtype_name in HALF_FIELDS:
        blocks = rng.integers(0, 256, size=(nblocks, size), dtype=np.uint8)
        for off in HALF_FIELDS[qtype_name]:
            blocks[:, off:off + 2] = random_halves(rng, nblocks).view(np.uint8).reshape(nblocks, 2)
        raw = blocks.reshape(-1)
    else:
        # Blocks of different magnitudes; one block zero, one constant.
        x = (rng.standard_normal(n) * rng.choice([1e-3, 0.1, 1.0, 30.0], size=n // block).repeat(block)).astype(np.float32)
        if block > 1:
            x[:block] = 0.0
            if nblocks > 2:
                x[block:2 * block] = 0.75
        else:
            # Rounding edge cases of the float conversions: zeros, infinities,
            # the half overflow boundary, half subnormals and ties.
            special = np.array([0.0, -0.0, np.inf, -np.inf, 65504, 65519.996, 65520, -65536, 6e-8, 3e-8,
                                2.0 ** -25, 2.0 ** -24 * 1.5, 2.0 ** -14, 2.0 ** -14 * (1 - 2.0 ** -11),
                                1 + 2.0 ** -11, 1 + 3 * 2.0 ** -11, 1 + 2.0 ** -8, 1 + 3 * 2.0 ** -8, 3.4e38],
                               dtype=np.float32)
            k = min(n, special.size)
            x[:k] = special[:k]
        x.tofile(os.path.join(outdir, "input.bin"))
        with np.errstate(over="ignore"):  # the edge cases overflow halves on purpose
            raw = np.ascontiguousarray(quants.quantize(x, qtype)).view(np.uint8).reshape(-1)
    raw.tofile(os.path.join(outdir, "blocks.bin"))
    expected = quants.dequantize(raw, qtype)
    np.ascontiguousarray(expected, dtype="<f4").reshape(-1).tofile(os.path.join(outdir, "expected.bin"))


SUITE_TYPES = ["F32", "F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"]


def diff(path, name, raw):
    t = next(t for t in GGUFReader(path).tensors if t.name == name)
    mine = np.fromfile(raw, dtype="<f4")
    ref = dequantized(t).reshape(-1)
    print(float(np.max(np.abs(ref - mine))) if mine.size == ref.size else f"size {mine.size} != {ref.size}")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "hashes":
        hashes(sys.argv[2])
    elif cmd == "random":
        random_data(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    elif cmd == "suite":
        for i, t in enumerate(SUITE_TYPES):
            for nb in (1, 5, 37):
                random_data(t, nb, int(sys.argv[2]) * 1000 + i * 10 + nb, os.path.join(sys.argv[3], f"{t}-{nb}"))
    elif cmd == "diff":
        diff(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(f"unknown command {cmd}")
