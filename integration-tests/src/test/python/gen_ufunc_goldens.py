#!/usr/bin/env python3
"""End-to-end ufunc goldens: every ufunc on every input dtype combination it is given, over edge
values, through NumPy's public API (promotion, loop choice, casting, broadcasting) -- the result
dtype and raw result bits, or the error NumPy raises.

Regenerate from the repository root with NumPy 2.4.6:
    python3 integration-tests/src/test/python/gen_ufunc_goldens.py
Writes chunked-array/src/test/resources/golden/ufunc/ufunc_calls.json.gz
"""
import gzip
import json
import os

import numpy as np

assert np.__version__.startswith("2.4"), np.__version__

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..",
                   "chunked-array", "src", "test", "resources", "golden", "ufunc")
TYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
         "float16", "float32", "float64"]

BINARY = ["add", "subtract", "multiply", "true_divide", "floor_divide", "remainder", "fmod",
          "power", "maximum", "minimum", "fmax", "fmin", "arctan2", "hypot", "copysign", "equal",
          "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
          "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift",
          "right_shift"]
UNARY = ["negative", "positive", "absolute", "sign", "sqrt", "cbrt", "square", "reciprocal", "exp",
         "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin", "arccos",
         "arctan", "sinh", "cosh", "tanh", "floor", "ceil", "trunc", "rint", "isnan", "isinf",
         "isfinite", "logical_not", "invert"]


def edges(t):
    dt = np.dtype(t)
    if dt.kind == "b":
        return np.array([False, True, True, False, True, False], dtype=dt)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        vals = [0, 1, 2, 3, 7, info.max, info.max - 1]
        vals += [-1, -2, info.min] if dt.kind == "i" else [info.max // 2 + 1]
        return np.array(vals, dtype=dt)
    info = np.finfo(dt)
    return np.array([0.0, -0.0, 1.0, -1.5, 2.5, 0.5, np.inf, -np.inf, np.nan, float(info.max),
                     float(info.tiny), 3.0], dtype=dt)


def bits(arr):
    arr = np.ascontiguousarray(arr)
    width = arr.dtype.itemsize
    raw = arr.view({1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[width])
    return [format(int(x), "x") for x in raw.ravel()]


def call(name, *args):
    try:
        with np.errstate(all="ignore"):
            r = getattr(np, name)(*args)
        return {"dtype": r.dtype.name, "shape": list(r.shape), "bits": bits(r)}
    except Exception as e:  # noqa: BLE001 -- the golden records NumPy's error
        return {"error": type(e).__name__, "message": str(e)}


def main():
    cases = []
    for name in BINARY:
        for t1 in TYPES:
            for t2 in TYPES:
                a = edges(t1)
                b = edges(t2)
                res = call(name, a[:, None], b[None, :])
                cases.append({"ufunc": name, "types": [t1, t2], **res})
    for name in UNARY:
        for t in TYPES:
            res = call(name, edges(t))
            cases.append({"ufunc": name, "types": [t], **res})
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "ufunc_calls.json.gz")
    payload = {"numpy": np.__version__, "edges": {t: bits(edges(t)) for t in TYPES},
               "cases": cases}
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(json.dumps(payload, separators=(",", ":")).encode())
    print(path, len(cases), "cases")


if __name__ == "__main__":
    main()
