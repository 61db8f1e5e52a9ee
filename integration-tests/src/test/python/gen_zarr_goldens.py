#!/usr/bin/env python3
"""Golden Zarr v2 arrays for io.tessera.io.zarr, written with NumPy (the oracle) through the
spec-following numpy-only writer zarr_v2.py next to this script.

Regenerate from the repository root with:

    python3 integration-tests/src/test/python/gen_zarr_goldens.py

Written with NumPy 2.4.6. Deterministic (fixed seed). Writes into
arrow-io/src/test/resources/zarr-golden/:

  <case>/          a Zarr v2 directory store (.zarray, maybe .zattrs, chunk files)
  manifest.json    for every case: the writer's parameters (shape, chunks, dtype type string,
                   order, fill_value as written in .zarray, compressor, dimension_separator,
                   attributes, deleted chunk keys) and the array a reader must produce, as its
                   elements' bytes in C order, native little-endian, hex.

Cases: every supported dtype (bool, int8..int64, uint8..uint64, float16, float32, float64) as a
(5, 7) array in (2, 3) chunks, uncompressed, fill 0 (edge chunks padded); zlib with a NaN fill
and a deleted chunk (read as NaN); Fortran-ordered chunks; big-endian '>f8' and '>u2'; a 0-d
float32; a bool array smaller than its chunk; uint64 with the largest fill value, gzip and '/'
separators; float16 with a -Infinity fill, zlib level 9 and attributes; an empty (0, 3) array.
Element values are random bytes (0/1 for bool), so byte-order or layout slips show in the bits.
"""

import json
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zarr_v2  # noqa: E402

OUT = os.path.join("arrow-io", "src", "test", "resources", "zarr-golden")
DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64"]


def values(rng, dtype, shape):
    n = int(np.prod(shape, dtype=np.int64))
    if dtype.kind == "b":
        return rng.integers(0, 2, n).astype(np.bool_).reshape(shape)
    raw = rng.integers(0, 256, n * dtype.itemsize, dtype=np.uint8)
    return raw.view(dtype.newbyteorder("<")).astype(dtype).reshape(shape)


def c_hex(a):
    return np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes().hex()


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    rng = np.random.default_rng(20261127)
    cases = []

    def case(name, a, chunks, compressor=None, fill=0, order="C", sep=".", attrs=None,
             delete=()):
        root = os.path.join(OUT, name)
        meta = zarr_v2.write(root, a, chunks, compressor, fill, order, sep, attrs)
        for k in delete:
            os.remove(os.path.join(root, *k.split("/")))
        back = zarr_v2.read(root)
        cases.append({
            "name": name,
            "dtype": np.dtype(a.dtype).newbyteorder("=").name,
            "typestr": meta["dtype"],
            "shape": list(a.shape),
            "chunks": list(chunks),
            "order": order,
            "fill_value": meta["fill_value"],
            "compressor": compressor,
            "dimension_separator": sep,
            "attributes": attrs,
            "deleted": list(delete),
            "hex": c_hex(back),
        })

    for name in DTYPES:
        dt = np.dtype(name)
        case(name + "_c", values(rng, dt, (5, 7)), (2, 3))
    f8 = values(rng, np.dtype("float64"), (6, 5))
    case("f8_zlib_nan_missing", f8, (4, 2), {"id": "zlib", "level": 1}, float("nan"),
         delete=("1.1",))
    case("i4_fortran", values(rng, np.dtype("int32"), (4, 5, 3)), (3, 2, 2), fill=-1, order="F")
    case("f8_bigendian", values(rng, np.dtype("float64"), (7,)).astype(">f8"), (3,))
    case("u2_bigendian", values(rng, np.dtype("uint16"), (3, 4)).astype(">u2"), (2, 2), fill=7)
    case("f4_0d", values(rng, np.dtype("float32"), ()), ())
    case("b1_bigchunk", values(rng, np.dtype("bool"), (3,)), (10,), fill=True)
    case("u8_gzip_slash", values(rng, np.dtype("uint64"), (4, 4)), (2, 2),
         {"id": "gzip", "level": 6}, 2 ** 64 - 1, sep="/")
    case("f2_zlib9_inf_attrs", values(rng, np.dtype("float16"), (5,)), (2,),
         {"id": "zlib", "level": 9}, float("-inf"),
         attrs={"units": "m", "scale": 0.5, "tags": [1, 2], "nested": {"a": None}})
    case("empty", np.zeros((0, 3)), (1, 2))
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"numpy": np.__version__, "cases": cases}, f, indent=1, sort_keys=True)
        f.write("\n")
    print("wrote %d cases to %s" % (len(cases), OUT))


if __name__ == "__main__":
    main()
