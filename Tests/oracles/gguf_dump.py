#!/usr/bin/env python3
"""Dump a GGUF file's header as JSON, as the `gguf` package (gguf-py) reads it.

Oracle for LontarModelFiles' GGUF reader. Usage: gguf_dump.py FILE
Output: {"version", "alignment", "data_offset", "metadata": [{"key", "type",
"value"}...], "tensors": [{"name", "dims", "type", "offset", "n_bytes"}...]}.
Floats are given as bit patterns ({"f32": bits} / {"f64": bits}) so that they
compare exactly; strings are decoded as UTF-8 with replacement, like Lontar.
"""
import json
import sys

import numpy as np
from gguf import GGUFReader, GGUFValueType


def scalar(vtype, part):
    v = part[0]
    if vtype == GGUFValueType.FLOAT32:
        return {"f32": int(np.asarray(v, dtype=np.float32).view(np.uint32))}
    if vtype == GGUFValueType.FLOAT64:
        return {"f64": int(np.asarray(v, dtype=np.float64).view(np.uint64))}
    if vtype == GGUFValueType.BOOL:
        return bool(v)
    return int(v)


def text(part):
    return part.tobytes().decode("utf-8", "replace")


def main(path):
    reader = GGUFReader(path)
    metadata = []
    for key, field in reader.fields.items():
        if key.startswith("GGUF."):
            continue
        main_type = field.types[0]
        entry = {"key": key, "type": main_type.name.lower()}
        if main_type == GGUFValueType.ARRAY:
            sub = field.types[-1]
            entry["elem"] = sub.name.lower()
            if len(field.types) > 2:
                entry["nested"] = True  # gguf-py flattens nested arrays; compare count only
                entry["value"] = None
            elif sub == GGUFValueType.STRING:
                entry["value"] = [text(field.parts[i]) for i in field.data]
            else:
                entry["value"] = [scalar(sub, field.parts[i]) for i in field.data]
        elif main_type == GGUFValueType.STRING:
            entry["value"] = text(field.parts[-1])
        else:
            entry["value"] = scalar(main_type, field.parts[-1])
        metadata.append(entry)
    tensors = [
        {
            "name": t.name,
            "dims": [int(d) for d in t.shape],
            "type": int(t.tensor_type),
            "offset": int(t.data_offset),
            "n_bytes": int(t.n_bytes),
        }
        for t in reader.tensors
    ]
    version = int(reader.fields["GGUF.version"].parts[-1][0])
    json.dump({"version": version, "alignment": int(reader.alignment), "data_offset": int(reader.data_offset),
               "metadata": metadata, "tensors": tensors}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
