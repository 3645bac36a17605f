#!/usr/bin/env python3
"""Python's json module as the peer for Lontar's JSON Lines reader and writer.

usage: json_lines_oracle.py OUTDIR SEED ROWS

Writes OUTDIR/input.jsonl: seeded random rows (ints, doubles across every
magnitude, NaN/Infinity, strings with quotes, backslashes, control
characters, non-ASCII and astral characters, empty strings, nulls, booleans),
each line written by json.dumps with a random choice of ensure_ascii and
separators, so the reader sees every escape form including \\uXXXX surrogate
pairs. Writes OUTDIR/expected.jsonl: the same rows as
json.dumps(row, ensure_ascii=False, separators=(",", ":")), which is the
exact text Lontar's writer must produce after reading input.jsonl.
"""
import json
import math
import os
import random
import struct
import sys


def random_double(rng):
    kind = rng.random()
    if kind < 0.05:
        return rng.choice([float("nan"), float("inf"), float("-inf"), -0.0, 0.0, 5e-324, 1.7976931348623157e308])
    if kind < 0.35:
        # Any bit pattern: every exponent, subnormals included.
        while True:
            v = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
            if math.isfinite(v):
                return v
    if kind < 0.6:
        return round(rng.uniform(-1000, 1000), rng.randint(0, 6))
    if kind < 0.8:
        return float(rng.randint(-10**17, 10**17))
    return rng.uniform(-1, 1) * 10 ** rng.randint(-30, 30)


ALPHABET = (
    list("abcdefghijklmnopqrstuvwxyz ABC0123456789.,;:!?-_'\"\\/")
    + ["\n", "\r", "\t", "\b", "\f", "\x00", "\x01", "\x1f", "\x7f", "\u0085", "\u00a0", "\u2028"]
    + ["é", "ü", "ß", "中", "文", "İ", "K", "\u3000", "😀", "𝄞", "🇮🇩", "\ufeff", "\uffff"]
)


def random_string(rng):
    n = rng.choice([0, 1, 2, 5, 20, 80, 300])
    return "".join(rng.choice(ALPHABET) for _ in range(n))


def main():
    outdir, seed, rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rng = random.Random(seed)
    with open(os.path.join(outdir, "input.jsonl"), "w", encoding="utf-8") as fin, \
         open(os.path.join(outdir, "expected.jsonl"), "w", encoding="utf-8") as fexp:
        for i in range(rows):
            row = {
                "id": rng.randint(-2**63, 2**63 - 1) if rng.random() < 0.3 else i,
                "score": None if rng.random() < 0.1 else random_double(rng),
                "text": None if rng.random() < 0.1 else random_string(rng),
                "flag": None if rng.random() < 0.1 else rng.random() < 0.5,
                "empty": "",
            }
            seps = rng.choice([(",", ":"), (", ", ": "), (" , ", " : ")])
            fin.write(json.dumps(row, ensure_ascii=rng.random() < 0.5, separators=seps) + "\n")
            fexp.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
