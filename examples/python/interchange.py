#!/usr/bin/env python3
"""The Python side of the README's interchange recipe (NumPy only).

Usage: python3 examples/python/interchange.py DIR

Loads what io.tessera.examples.topics.InterchangeRecipe.write put in DIR (a.npy, pair.npz,
a.zarr/, a.arrow), checks the values, and writes from_numpy.npy (float64, Fortran order) for
InterchangeRecipe.readBack. Arrow IPC needs pyarrow and Zarr the zarr package; without them this
script reads the Zarr v2 chunks with NumPy and zlib itself and skips the Arrow file, saying so.
"""
import json
import sys
import zlib
from pathlib import Path

import numpy as np


def read_zarr_v2(path):
    """A minimal Zarr v2 reader: .zarray metadata, C order, no filters, zlib or no compressor."""
    meta = json.loads((path / ".zarray").read_text())
    assert meta["zarr_format"] == 2 and meta["order"] == "C" and not meta["filters"]
    dtype = np.dtype(meta["dtype"])
    out = np.full(meta["shape"], meta["fill_value"], dtype=dtype)
    chunks = meta["chunks"]
    sep = meta.get("dimension_separator", ".")
    grid = [range((s + c - 1) // c) for s, c in zip(meta["shape"], chunks)]
    for idx in np.ndindex(*[len(g) for g in grid]):
        key = path / sep.join(str(i) for i in idx)
        if not key.exists():
            continue  # a missing chunk holds the fill value
        raw = key.read_bytes()
        comp = meta["compressor"]
        if comp is not None:
            assert comp["id"] == "zlib", comp
            raw = zlib.decompress(raw)
        block = np.frombuffer(raw, dtype=dtype).reshape(chunks)
        sl = tuple(slice(i * c, min((i + 1) * c, s)) for i, c, s in zip(idx, chunks, meta["shape"]))
        out[sl] = block[tuple(slice(0, x.stop - x.start) for x in sl)]
    return out


def main(argv):
    d = Path(argv[1])
    expected = np.arange(12, dtype=np.float32).reshape(3, 4)

    a = np.load(d / "a.npy")
    assert a.dtype == np.float32 and np.array_equal(a, expected)
    m = np.load(d / "a.npy", mmap_mode="r")  # a read-only memory map, nothing read until touched
    assert isinstance(m, np.memmap) and np.array_equal(m, expected)
    with np.load(d / "pair.npz") as z:
        assert np.array_equal(z["a"], expected) and np.array_equal(z["t"], expected.T)
        assert z["t"].flags["F_CONTIGUOUS"]
    try:
        import zarr
        zarr_values = zarr.open(str(d / "a.zarr"), mode="r")[...]
    except ImportError:
        zarr_values = read_zarr_v2(d / "a.zarr")
    assert np.array_equal(zarr_values, expected)
    try:
        import pyarrow as pa
        with pa.memory_map(str(d / "a.arrow")) as source:
            column = pa.ipc.open_file(source).read_all().column("tensor").combine_chunks()
            assert np.array_equal(column.to_numpy_ndarray(), expected)
        arrow = "checked with pyarrow"
    except ImportError:
        arrow = "SKIPPED (pyarrow not installed)"
    print(f"numpy read a.npy, its memmap, pair.npz (t F-ordered), a.zarr; a.arrow {arrow}")

    b = np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3) * 1.5)
    np.save(d / "from_numpy.npy", b)
    print("numpy wrote from_numpy.npy: float64 (2, 3), Fortran order")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
