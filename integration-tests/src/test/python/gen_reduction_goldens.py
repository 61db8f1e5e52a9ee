#!/usr/bin/env python3
"""Goldens for Tessera's reductions (io.tessera.ufunc.Reductions) from NumPy 2.4.6.

Usage: python3 integration-tests/src/test/python/gen_reduction_goldens.py
Writes chunked-array/src/test/resources/golden/reductions/reductions.json.gz.

Each input is a view of a 1-D base buffer (hex bits, shared), described by an element offset,
a shape and element strides, exactly as NumPy built it: C, F, strided (step 2), reversed and
transposed layouts of 3-D arrays of nine dtypes, plus larger 1-D and 2-D arrays that exercise
the pairwise summation's recursion and NumPy's buffered reduction calls. Each case is one call
(function, axis, keepdims, ddof, dtype, where) with NumPy's result dtype, shape and bits (C
order), or the error NumPy raised.
"""
import gzip
import json
import os
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "chunked-array", "src", "test",
                                    "resources", "golden", "reductions", "reductions.json.gz"))
DTYPES = ["bool", "int8", "uint8", "int32", "int64", "uint64", "float16", "float32", "float64"]
rng = np.random.default_rng(20240611)


def bits(a):
    a = np.ascontiguousarray(a)
    u = a.view({1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[a.itemsize])
    return [format(int(x), "x") for x in u.ravel()]


def values(dt, n, nan=False):
    if dt == "bool":
        return rng.integers(0, 2, n).astype(bool)
    if dt in ("int8", "uint8"):
        return rng.integers(0, 100 if dt == "uint8" else 50, n).astype(dt) * (1 if dt == "uint8" else 1)
    if dt.startswith("int") or dt.startswith("uint"):
        lo = 0 if dt.startswith("u") else -1000
        return rng.integers(lo, 1000, n).astype(dt)
    v = rng.standard_normal(n) * 10 ** rng.uniform(-2, 2, n)
    if dt == "float16":
        v = rng.standard_normal(n) * 4
    v = v.astype(dt)
    if nan:
        v[rng.integers(0, n, max(1, n // 7))] = np.nan
    return v


def view(base, layout, shape):
    """A view of base (1-D C buffer) in the given layout; returns (array, offset, strides)."""
    if layout == "C":
        a = base[:int(np.prod(shape))].reshape(shape)
    elif layout == "F":
        a = base[:int(np.prod(shape))].reshape(shape[::-1]).T
    elif layout == "strided":
        big = tuple(s * 2 for s in shape)
        a = base[:int(np.prod(big))].reshape(big)[tuple(slice(None, None, 2) for _ in shape)]
    elif layout == "reversed":
        a = base[:int(np.prod(shape))].reshape(shape)[tuple(slice(None, None, -1) for _ in shape)]
    elif layout == "T":
        a = base[:int(np.prod(shape))].reshape(shape[::-1]).transpose()
        a = np.moveaxis(a, 0, 1) if len(shape) == 3 else a
    else:
        raise ValueError(layout)
    isz = base.itemsize
    off = (a.__array_interface__["data"][0] - base.__array_interface__["data"][0]) // isz
    return a, off, [s // isz for s in a.strides]


inputs = []
cases = []


bases = []
base_ids = {}


def add_input(base, a, off, strides):
    if id(base) not in base_ids:
        base_ids[id(base)] = len(bases)
        bases.append({"dtype": str(base.dtype), "bits": bits(base), "keep": base})
    inputs.append({"base": base_ids[id(base)], "offset": int(off), "shape": list(a.shape),
                   "strides": strides})
    return len(inputs) - 1


def call(fn, a, axis, keepdims, ddof, dtype, where):
    kw = {}
    if fn in ("sum", "prod", "min", "max", "mean", "var", "std", "any", "all", "nansum",
              "nanmean", "nanmin", "nanmax", "nanvar", "nanstd"):
        kw["axis"] = axis
        kw["keepdims"] = keepdims
        if dtype is not None:
            kw["dtype"] = dtype
        if where is not None:
            kw["where"] = where
        if fn in ("var", "std", "nanvar", "nanstd"):
            kw["ddof"] = ddof
        return getattr(np, fn)(a, **kw)
    if fn in ("argmin", "argmax"):
        return getattr(np, fn)(a, axis=axis, keepdims=keepdims)
    if fn in ("cumsum", "cumprod"):
        return getattr(np, fn)(a, axis=axis, dtype=dtype)
    raise ValueError(fn)


def add_case(inp, a, fn, axis=None, keepdims=False, ddof=0, dtype=None, where=None, wi=None):
    c = {"input": inp, "fn": fn, "axis": None if axis is None else
         ([axis] if isinstance(axis, int) else list(axis)), "keepdims": keepdims, "ddof": ddof,
         "dtype": dtype, "where": wi}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            r = np.asarray(call(fn, a, axis, keepdims, ddof, dtype, where))
    except Exception as e:  # noqa: BLE001
        c["error"] = type(e).__name__
        c["message"] = str(e)
        cases.append(c)
        return
    c["result_dtype"] = str(r.dtype)
    c["shape"] = list(r.shape)
    c["bits"] = bits(r)
    cases.append(c)


REDUCERS = ["sum", "prod", "min", "max", "mean", "var", "std", "any", "all"]
AXES = [None, 0, 1, 2, -1, (0, 2), (0, 1), (1, 2), (0, 1, 2)]
masks = []


def main():
    shape = (4, 6, 5)
    mask = rng.integers(0, 2, (6, 5)).astype(bool)
    masks.append({"shape": [6, 5], "bits": bits(mask)})
    for dt in DTYPES:
        n = int(np.prod(shape)) * 8
        base = values(dt, n)
        for layout in ("C", "F", "strided", "reversed", "T"):
            a, off, st = view(base, layout, shape)
            inp = add_input(base, a, off, st)
            for fn in REDUCERS:
                for ax in AXES:
                    add_case(inp, a, fn, ax, False, 1 if fn == "std" else 0)
                add_case(inp, a, fn, (0, 2), True)
                add_case(inp, a, fn, None, True)
            for fn in ("argmin", "argmax"):
                for ax in (None, 0, 1, 2, -1):
                    add_case(inp, a, fn, ax)
                add_case(inp, a, fn, 1, True)
            for fn in ("cumsum", "cumprod"):
                for ax in (None, 0, 1, 2):
                    add_case(inp, a, fn, ax)
            if layout in ("C", "strided"):
                for fn in ("sum", "prod", "mean", "max"):
                    for ax in (None, 1, (0, 2)):
                        add_case(inp, a, fn, ax, where=mask, wi=0)
                add_case(inp, a, "max", 1, where=mask, wi=0)  # error: no initial
                for tdt in ("float32", "float64", "int16", "uint32") if dt != "bool" else ("int8",):
                    add_case(inp, a, "sum", None, dtype=tdt)
                    add_case(inp, a, "sum", 1, dtype=tdt)
                    add_case(inp, a, "cumsum", 2, dtype=tdt)
                if dt.startswith("float"):
                    add_case(inp, a, "mean", (0, 1), dtype="float64")
                    add_case(inp, a, "var", 2, dtype="float64")
        if dt.startswith("float"):
            nb = values(dt, n, nan=True)
            for layout in ("C", "strided", "T"):
                a, off, st = view(nb, layout, shape)
                inp = add_input(nb, a, off, st)
                for fn in ("nansum", "nanmean", "nanmin", "nanmax", "nanvar", "nanstd", "sum",
                           "max", "argmax", "argmin"):
                    for ax in (None, 0, 2, (0, 1)) if not fn.startswith("arg") else (None, 0, 2):
                        add_case(inp, a, fn, ax, ddof=1 if fn == "nanstd" else 0)
    # large inputs: pairwise recursion, buffered casts, non-coalescible cores
    for dt in ("float16", "float32", "float64", "int32", "uint8"):
        base = values(dt, 30000)
        if dt == "float32":
            base = rng.uniform(0, 1, 30000).astype(np.float32)
        for name, a in (("1d", base[:10007]), ("1d-step2", base[:20014:2]),
                        ("1d-rev", base[:10007][::-1]),
                        ("2d", base[:60 * 300].reshape(60, 300)),
                        ("2d-slice", base[:60 * 400].reshape(60, 400)[:, :300]),
                        ("2d-F", base[:60 * 300].reshape(300, 60).T),
                        ("3d-slice", base[:20 * 30 * 40].reshape(20, 30, 40)[:, :, :30])):
            off = (a.__array_interface__["data"][0] - base.__array_interface__["data"][0]) \
                // base.itemsize
            inp = add_input(base, a, off, [s // base.itemsize for s in a.strides])
            for fn in ("sum", "mean", "var", "std", "prod", "max"):
                for ax in (None, 0, -1) if a.ndim > 1 else (None,):
                    if fn == "prod" and dt.startswith("float") and dt != "float16":
                        continue
                    add_case(inp, a, fn, ax)
                if a.ndim == 3:
                    add_case(inp, a, fn, (1, 2))
                    add_case(inp, a, fn, (0, 2))
            add_case(inp, a, "sum", None, dtype="float64" if dt != "float64" else "float32")
            add_case(inp, a, "cumsum", 0)
    for b in bases:
        del b["keep"]
    doc = {"numpy": np.__version__, "masks": masks, "bases": bases, "inputs": inputs,
           "cases": cases}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as f:
        json.dump(doc, f, separators=(",", ":"))
    print("wrote %d cases over %d inputs to %s" % (len(cases), len(inputs), OUT))


if __name__ == "__main__":
    main()
