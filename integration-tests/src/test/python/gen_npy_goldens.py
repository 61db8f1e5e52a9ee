#!/usr/bin/env python3
"""Golden .npy/.npz files for io.tessera.io.npy, written by NumPy, the oracle.

Regenerate from the repository root with:

    python3 integration-tests/src/test/python/gen_npy_goldens.py

Written with NumPy 2.4.6. Deterministic (fixed seed). Writes into
arrow-io/src/test/resources/golden/npy/:

  <dtype>_<order><endian>_<case>_v<major><minor>.npy
        np.lib.format.write_array(f, a, version=(major, minor)) for every supported dtype (bool,
        int8..int64, uint8..uint64, float16, float32, float64) x byte order ('<' and '>' for
        multi-byte types, '|' for one-byte ones) x versions 1.0, 2.0, 3.0 x the cases below.
        Cases: 0d (), empty (0,), empty3d (2, 0, 3), emptywide (12345678901234, 0), 1d (5,),
        3d (2, 3, 4) C-ordered, 3dF (2, 3, 4) Fortran-ordered (written with fortran_order True),
        3dFwide (3, 2, 123) Fortran-ordered (growth padding after a 3-digit last axis).
  savez.npz, savez_compressed.npz
        np.savez / np.savez_compressed of two positional arrays and one named array.
  manifest.json
        for every file: descr, shape, fortran_order, version, and the elements' bytes in C order,
        native little-endian, as hex (what a reader must produce); for the archives, the same per
        member.

Element values are random bytes (random 0/1 for bool), so a missed or doubled byte swap or a
wrong order shows in the bits; float NaN payloads are kept.
"""

import io
import json
import os
import zipfile

import numpy as np

OUT = os.path.join("arrow-io", "src", "test", "resources", "golden", "npy")
DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64"]
CASES = [
    ("0d", (), "C"),
    ("empty", (0,), "C"),
    ("empty3d", (2, 0, 3), "C"),
    ("emptywide", (12345678901234, 0), "C"),
    ("1d", (5,), "C"),
    ("3d", (2, 3, 4), "C"),
    ("3dF", (2, 3, 4), "F"),
    ("3dFwide", (3, 2, 123), "F"),
]
VERSIONS = [(1, 0), (2, 0), (3, 0)]


def values(rng, dtype, shape):
    n = int(np.prod(shape, dtype=np.int64))
    if dtype == np.bool_:
        return rng.integers(0, 2, n).astype(np.bool_).reshape(shape)
    raw = rng.integers(0, 256, n * dtype.itemsize, dtype=np.uint8)
    return raw.view(dtype.newbyteorder("<")).astype(dtype.newbyteorder("=")).reshape(shape)


def c_hex(a):
    """Element bytes in C order, native little-endian."""
    return np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes().hex()


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261104)
    manifest = {"numpy": np.__version__, "files": [], "archives": []}
    for name in DTYPES:
        base = np.dtype(name)
        orders = ["|"] if base.itemsize == 1 else ["<", ">"]
        for case, shape, order in CASES:
            native = values(rng, base, shape)
            for endian in orders:
                dt = base if endian == "|" else base.newbyteorder(endian)
                a = native.astype(dt)
                if order == "F":
                    a = np.asfortranarray(a)
                for version in VERSIONS:
                    tag = {"|": "", "<": "le", ">": "be"}[endian]
                    fname = f"{name}_{order}{tag}_{case}_v{version[0]}{version[1]}.npy"
                    buf = io.BytesIO()
                    np.lib.format.write_array(buf, a, version=version)
                    data = buf.getvalue()
                    with open(os.path.join(OUT, fname), "wb") as f:
                        f.write(data)
                    back = np.load(io.BytesIO(data))
                    assert back.dtype == a.dtype and back.shape == a.shape
                    manifest["files"].append({
                        "file": fname,
                        "dtype": name,
                        "descr": np.lib.format.dtype_to_descr(a.dtype),
                        "shape": list(shape),
                        "fortran_order": bool(order == "F" and not a.flags.c_contiguous),
                        "version": list(version),
                        "header_length": len(data) - a.nbytes,
                        "c_hex": c_hex(a),
                    })
    # archives
    x = values(rng, np.dtype("float64"), (3, 4))
    y = np.asfortranarray(values(rng, np.dtype("int16"), (2, 3, 2))).astype(">i2")
    z = values(rng, np.dtype("bool"), (7,))
    for fname, fn in [("savez.npz", np.savez), ("savez_compressed.npz", np.savez_compressed)]:
        path = os.path.join(OUT, fname)
        fn(path, x, y, flags=z)
        with zipfile.ZipFile(path) as zf:
            methods = {i.filename: i.compress_type for i in zf.infolist()}
        members = []
        for key, arr in [("arr_0", x), ("arr_1", y), ("flags", z)]:
            members.append({
                "name": key,
                "descr": np.lib.format.dtype_to_descr(arr.dtype),
                "shape": list(arr.shape),
                "fortran_order": bool(arr.flags.f_contiguous and not arr.flags.c_contiguous),
                "compress_type": methods[key + ".npy"],
                "c_hex": c_hex(arr),
            })
        manifest["archives"].append({"file": fname, "members": members})
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        # one entry per line: small, and diffs stay readable
        f.write('{"numpy": %s,\n' % json.dumps(manifest["numpy"]))
        for key in ("files", "archives"):
            f.write(' "%s": [\n' % key)
            f.write(",\n".join("  " + json.dumps(e, sort_keys=True) for e in manifest[key]))
            f.write("\n ]%s\n" % ("," if key == "files" else ""))
        f.write("}\n")
    print(f"wrote {len(manifest['files'])} .npy files and {len(manifest['archives'])} archives "
          f"to {OUT}")


if __name__ == "__main__":
    main()
