#!/usr/bin/env python3
"""Goldens for Tessera's streaming outer reductions (io.tessera.chunk.Outer) from NumPy 2.4.6.

Usage: python3 integration-tests/src/test/python/gen_outer_goldens.py
Writes chunked-array/src/test/resources/golden/outer/outer_reduce.json.gz.

Each case is the materialized NumPy expression, e.g. np.sum(x[:, None] + y[None, :], axis=1) or
np.min(np.abs(x[:, None] - y[None, :]), axis=0), or for 2-D operands (n, d), (m, d):
np.min(np.sum(np.square(x[:, None, :] - y[None, :, :]), axis=-1), axis=1). Stored: operand
bits, result dtype and bits (the test demands the same bits: Tessera reproduces NumPy's order of
summation).
"""
import gzip
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "chunked-array", "src", "test",
                                    "resources", "golden", "outer", "outer_reduce.json.gz"))
rng = np.random.default_rng(20240612)


def bits(a):
    a = np.ascontiguousarray(a)
    u = a.view({1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[a.itemsize])
    return [format(int(v), "x") for v in u.ravel()]


def data(dt, shape):
    if dt.startswith("int"):
        return rng.integers(-1000, 1000, shape).astype(dt)
    return (rng.standard_normal(shape) * 10).astype(dt)


PAIR = {
    "add": lambda a, b: a + b,
    "subtract": lambda a, b: a - b,
    "multiply": lambda a, b: a * b,
    "maximum": lambda a, b: np.maximum(a, b),
    "absdiff": lambda a, b: np.abs(a - b),
    "sqdiff": lambda a, b: np.square(a - b),
    "divide": lambda a, b: a / b,
    "scaled": lambda a, b: (a - b) * 0.5,  # holds a scalar: the block-wise (unfused) path
}
RED = {"add": np.add, "minimum": np.minimum, "maximum": np.maximum}

cases = []
for xt, yt in [("float64", "float64"), ("float32", "float32"), ("float32", "float64"),
               ("int32", "int32"), ("int64", "float64"), ("float16", "float32")]:
    for f in PAIR:
        for red in RED:
            big = f in ("add", "absdiff") and red in ("add", "minimum") and xt != "float16"
            # 4500 crosses a 4096-value tile; 20011 and 9000 exercise the whole pairwise recursion
            # (NumPy sums a row pairwise over all of it, a column row after row)
            huge = xt == yt and xt.startswith("float") and (f, red) in (
                ("add", "add"), ("scaled", "add"), ("absdiff", "minimum"))
            mid = [(9, 8, (0, 1))] + ([(5, 136, (0, 1))] if f in ("add", "scaled", "sqdiff") else [])
            for (n, m, axes) in [(7, 1, (0, 1)), (13, 5, (0, 1))] + mid + (
                    [(3, 4500, (1,)), (4500, 2, (0,))] if big else []) + (
                    [(1, 20011, (1,)), (9000, 1, (0,))] if huge else []):
                for axis in axes:
                    x = data(xt, n)
                    y = data(yt, m)
                    v = PAIR[f](x[:, None], y[None, :])
                    r = RED[red].reduce(v, axis=axis)
                    cases.append({"f": f, "reduce": red, "axis": axis, "combine": None,
                                  "x": {"dtype": xt, "shape": [n], "bits": bits(x)},
                                  "y": {"dtype": yt, "shape": [m], "bits": bits(y)},
                                  "dtype": str(r.dtype), "bits": bits(r)})
for xt in ("float64", "float32"):
    for f in ("sqdiff", "absdiff"):
        for red in ("minimum", "add"):
            for (n, m, d, axes) in [(11, 6, 3, (0, 1)), (2, 4200, 2, (1,)), (6, 20, 9, (0, 1)),
                                    (2, 20, 130, (0, 1))]:
                for axis in axes:
                    x = data(xt, (n, d))
                    y = data(xt, (m, d))
                    v = np.sum(PAIR[f](x[:, None, :], y[None, :, :]), axis=-1)
                    r = RED[red].reduce(v, axis=axis)
                    cases.append({"f": f, "reduce": red, "axis": axis, "combine": "add",
                                  "x": {"dtype": xt, "shape": [n, d], "bits": bits(x)},
                                  "y": {"dtype": xt, "shape": [m, d], "bits": bits(y)},
                                  "dtype": str(r.dtype), "bits": bits(r), "d": d})

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with gzip.open(OUT, "wt") as fh:
    json.dump({"numpy": np.__version__, "cases": cases}, fh)
print(OUT, len(cases), "cases")
