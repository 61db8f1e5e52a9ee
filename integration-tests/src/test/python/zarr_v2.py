#!/usr/bin/env python3
"""Zarr v2 arrays with NumPy alone: a small reader and writer that follow the Zarr v2 storage
specification (https://zarr-specs.readthedocs.io/en/latest/v2/v2.0.html), for checking that
Tessera's chunked directory format is what Python's Zarr tools read, where zarr-python itself is
not installed (it is used too when it is: see ZarrInteropTest).

What it handles: a directory store (key "a/b" is the file <root>/a/b); .zarray with zarr_format 2,
shape, chunks, dtype (NumPy type strings of bool, int8..int64, uint8..uint64, float16/32/64 in
either byte order), order "C" or "F", fill_value (null, numbers, true/false, "NaN", "Infinity",
"-Infinity"), compressor null, zlib or gzip (numcodecs' Zlib and GZip), filters null,
dimension_separator "." or "/"; optional .zattrs; chunk keys "i.j.k" ("0" for a 0-d array); edge
chunks stored full-size; missing chunks read as the fill value (zeros for null).

The JSON is written as zarr-python's json_dumps writes it: indent 4, sorted keys, ASCII,
separators (",", ": ").

Command line (used by the interop test):
    zarr_v2.py read DIR OUT.npy         read the array in DIR, np.save it to OUT.npy
    zarr_v2.py write IN.npy DIR CHUNKS [zlib:LEVEL|gzip:LEVEL|none] [FILL] [C|F] [.|/]
                                        write the array of IN.npy to DIR (CHUNKS like 2,3)
    zarr_v2.py meta DIR                 print the parsed metadata as JSON
"""

import gzip
import itertools
import json
import math
import os
import sys
import zlib

import numpy as np

SUPPORTED_KINDS = "biuf"


def json_dumps(o):
    return json.dumps(o, indent=4, sort_keys=True, ensure_ascii=True, separators=(",", ": "))


def encode_fill_value(v, dtype):
    if v is None:
        return None
    if dtype.kind == "f":
        v = float(v)
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "Infinity" if v > 0 else "-Infinity"
        return v
    if dtype.kind == "b":
        return bool(v)
    return int(v)


def decode_fill_value(v, dtype):
    if v is None:
        return None
    if dtype.kind == "f":
        if v == "NaN":
            return np.array(np.nan, dtype=dtype)[()]
        if v == "Infinity":
            return np.array(np.inf, dtype=dtype)[()]
        if v == "-Infinity":
            return np.array(-np.inf, dtype=dtype)[()]
        if isinstance(v, str):
            raise ValueError("bad fill_value %r for %s" % (v, dtype))
        return np.array(v, dtype=dtype)[()]
    return np.array(v, dtype=dtype)[()]


def _store_read(root, key):
    p = os.path.join(root, *key.split("/"))
    if not os.path.isfile(p):
        return None
    with open(p, "rb") as f:
        return f.read()


def _store_write(root, key, data):
    p = os.path.join(root, *key.split("/"))
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "wb") as f:
        f.write(data)


def _codec_encode(compressor, raw):
    if compressor is None:
        return raw
    if compressor["id"] == "zlib":
        return zlib.compress(raw, compressor.get("level", 1))
    if compressor["id"] == "gzip":
        return gzip.compress(raw, compresslevel=compressor.get("level", 1), mtime=0)
    raise ValueError("unsupported compressor %r" % (compressor,))


def _codec_decode(compressor, data):
    if compressor is None:
        return data
    if compressor["id"] == "zlib":
        return zlib.decompress(data)
    if compressor["id"] == "gzip":
        return gzip.decompress(data)
    raise ValueError("unsupported compressor %r" % (compressor,))


def read_metadata(root):
    raw = _store_read(root, ".zarray")
    if raw is None:
        raise FileNotFoundError("no .zarray in " + root)
    meta = json.loads(raw)
    if meta.get("zarr_format") != 2:
        raise ValueError("zarr_format %r" % meta.get("zarr_format"))
    dtype = np.dtype(meta["dtype"])
    if dtype.kind not in SUPPORTED_KINDS or dtype.str[1:] not in (
            "b1", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8"):
        raise ValueError("unsupported dtype " + meta["dtype"])
    if meta.get("filters"):
        raise ValueError("filters are not supported: %r" % meta["filters"])
    if meta["order"] not in ("C", "F"):
        raise ValueError("bad order %r" % meta["order"])
    if len(meta["shape"]) != len(meta["chunks"]):
        raise ValueError("shape and chunks differ in length")
    return meta


def _grid(shape, chunks):
    return tuple(-(-s // c) for s, c in zip(shape, chunks))


def _key(idx, sep):
    return sep.join(str(i) for i in idx) if idx else "0"


def read(root):
    """The whole array stored in the directory root."""
    meta = read_metadata(root)
    dtype = np.dtype(meta["dtype"])
    shape = tuple(meta["shape"])
    chunks = tuple(meta["chunks"])
    order = meta["order"]
    sep = meta.get("dimension_separator", ".")
    fill = decode_fill_value(meta["fill_value"], dtype)
    out = np.zeros(shape, dtype=dtype)
    if fill is not None:
        out.fill(fill)
    for idx in itertools.product(*[range(g) for g in _grid(shape, chunks)]):
        data = _store_read(root, _key(idx, sep))
        if data is None:
            continue
        raw = _codec_decode(meta["compressor"], data)
        n = int(np.prod(chunks, dtype=np.int64)) * dtype.itemsize
        if len(raw) != n:
            raise ValueError("chunk %r: %d bytes, expected %d" % (idx, len(raw), n))
        chunk = np.frombuffer(raw, dtype=dtype).reshape(chunks, order=order)
        region = tuple(slice(i * c, min((i + 1) * c, s)) for i, c, s in zip(idx, chunks, shape))
        inside = tuple(slice(0, r.stop - r.start) for r in region)
        out[region] = chunk[inside]
    return out


def write(root, a, chunks, compressor=None, fill_value=0, order="C", dimension_separator=".",
          attrs=None):
    """Writes array a to the directory root with the given chunk shape (a tuple)."""
    a = np.asarray(a)
    chunks = tuple(int(c) for c in chunks)
    meta = {
        "zarr_format": 2,
        "shape": list(a.shape),
        "chunks": list(chunks),
        "dtype": a.dtype.str,
        "order": order,
        "fill_value": encode_fill_value(fill_value, a.dtype),
        "compressor": compressor,
        "filters": None,
        "dimension_separator": dimension_separator,
    }
    os.makedirs(root, exist_ok=True)
    _store_write(root, ".zarray", json_dumps(meta).encode("ascii"))
    if attrs:
        _store_write(root, ".zattrs", json_dumps(attrs).encode("ascii"))
    for idx in itertools.product(*[range(g) for g in _grid(a.shape, chunks)]):
        chunk = np.zeros(chunks, dtype=a.dtype)
        if fill_value is not None:
            chunk.fill(decode_fill_value(encode_fill_value(fill_value, a.dtype), a.dtype))
        region = tuple(slice(i * c, min((i + 1) * c, s)) for i, c, s in zip(idx, chunks, a.shape))
        inside = tuple(slice(0, r.stop - r.start) for r in region)
        chunk[inside] = a[region]
        raw = chunk.tobytes(order=order)
        _store_write(root, _key(idx, dimension_separator), _codec_encode(compressor, raw))
    return meta


def _parse_compressor(s):
    if s in (None, "", "none"):
        return None
    cid, level = s.split(":")
    return {"id": cid, "level": int(level)}


def _parse_fill(s):
    if s in (None, "", "null"):
        return None
    if s in ("NaN", "nan"):
        return float("nan")
    try:
        return int(s)
    except ValueError:
        return float(s)


def main(argv):
    if argv[1] == "read":
        np.save(argv[3], read(argv[2]))
    elif argv[1] == "write":
        a = np.load(argv[2])
        chunks = tuple(int(x) for x in argv[4].split(",") if x != "")
        comp = _parse_compressor(argv[5] if len(argv) > 5 else None)
        fill = _parse_fill(argv[6]) if len(argv) > 6 else 0
        order = argv[7] if len(argv) > 7 else "C"
        sep = argv[8] if len(argv) > 8 else "."
        write(argv[3], a, chunks, comp, fill, order, sep)
    elif argv[1] == "meta":
        print(json.dumps(read_metadata(argv[2])))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
