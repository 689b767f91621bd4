"""A minimal safetensors reader (the `safetensors` package is not needed).

Format: 8-byte little-endian header length, a JSON header mapping each name to
{dtype, shape, data_offsets: [begin, end]} (offsets relative to the end of the
header), an optional "__metadata__" entry, then the raw little-endian bytes.
"""
import json
import struct

import numpy as np
import torch

_DTYPES = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}


def read_safetensors(path):
    """Every tensor of the file, as torch tensors of the stored dtype (copies, writable)."""
    with open(path, "rb") as f:
        raw = f.read()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + header_len].decode("utf-8"))
    body = raw[8 + header_len :]
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(entry["dtype"])
        if dtype is None:
            raise ValueError(f"{path}: tensor {name} has unsupported dtype {entry['dtype']}")
        begin, end = entry["data_offsets"]
        arr = np.frombuffer(body[begin:end], dtype=np.dtype(dtype).newbyteorder("<")).astype(dtype)
        out[name] = torch.from_numpy(arr.reshape(entry["shape"]).copy())
    return out
