#!/usr/bin/env python3
"""Goldens for the axis reductions of io.tessera.chunk (ChunkedReductions / AxisReduction).

Usage (from anywhere): python3 integration-tests/src/test/python/gen_chunked_reduction_goldens.py
Writes chunked-array/src/test/resources/golden/chunk/chunked_reductions.json.gz (NumPy 2.4.6).

Each input is a view of a 1-D base buffer (hex bits): C, F or strided (step 2) layouts of 1-3
dimensional arrays of float64/float32/float16/int8/int64/uint64/bool (floats also with NaN and
infinities), each with several chunk grids (regular and irregular, e.g. ((2,2,1),(3,3))). Each case
is one call (fn, axis, keepdims, ddof) with

* "numpy": NumPy's result (dtype, shape, bits) or the error it raised;
* "exact": for float sum/mean/var/std, the grid-independent value Tessera promises, computed here
  with exact rational arithmetic (fractions.Fraction, equal to math.fsum for float64 results):
    sum  = the exact sum rounded once (half-even) to the result dtype;
    mean = float64(exact sum) / n, cast to the result dtype;
    var  = float64(exact sum of float64((x - m)**2)) / max(n - ddof, 0), with m the float64 mean
           above, cast to the result dtype; std = sqrt of that value in the result dtype;
* "tol": the absolute difference allowed against NumPy's own (pairwise, non-exact) result, a
  bound of NumPy's rounding error: (n + 4) * eps(dtype) * sum|x| for sums, / n for means,
  (n + 4) * eps * sum (x - m)^2 / (n - ddof) (+ the mean's error) for var, its root for std.
The Java test (ChunkedReductionGoldenTest) needs no Python.
"""
import gzip
import json
import math
import os
import warnings
from fractions import Fraction

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "chunked-array", "src", "test",
                                    "resources", "golden", "chunk", "chunked_reductions.json.gz"))
rng = np.random.default_rng(20261127)

SHAPES = {
    (10,): [[[10]], [[3, 3, 3, 1]], [[1, 2, 3, 4]]],
    (5, 6): [[[5], [6]], [[2, 2, 1], [3, 3]], [[1, 4], [2, 1, 3]], [[1] * 5, [4, 2]]],
    (4, 5, 6): [[[4], [5], [6]], [[2, 2], [2, 3], [3, 3]], [[1, 3], [5], [4, 1, 1]]],
    (0, 3): [[[0], [3]], [[0], [1, 2]]],
}
AXES = {
    1: [None, 0, -1],
    2: [None, 0, 1, -1, (0, 1)],
    3: [None, 1, 2, (0, 2), (1, 2), (-1, 0)],
}
FNS = ["sum", "prod", "min", "max", "mean", "var", "std", "any", "all", "argmin", "argmax"]
DTYPES = ["float64", "float32", "float16", "int8", "int64", "uint64", "bool"]
PREC = {"float64": (53, -1074, 1024), "float32": (24, -149, 128), "float16": (11, -24, 16)}


def bits(a):
    a = np.ascontiguousarray(a)
    u = a.view({1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[a.itemsize])
    return [format(int(x), "x") for x in u.ravel()]


def values(dt, n, special):
    if dt == "bool":
        return rng.integers(0, 2, n).astype(bool)
    if dt == "int8":
        return rng.integers(-128, 128, n).astype(np.int8)
    if dt == "int64":
        v = rng.integers(-(1 << 62), 1 << 62, n, dtype=np.int64)
        v[::3] = rng.integers(-50, 50, len(v[::3]))
        return v
    if dt == "uint64":
        v = rng.integers(0, 1 << 63, n, dtype=np.uint64) * np.uint64(2)
        v[::3] = rng.integers(0, 50, len(v[::3])).astype(np.uint64)
        return v
    if dt == "float16":
        v = (rng.standard_normal(n) * 2).astype(np.float16)
    else:
        v = (rng.standard_normal(n) * 10 ** rng.uniform(-3, 3, n)).astype(dt)
    v[rng.integers(0, n, max(1, n // 9))] = v[0]  # ties for argmin/argmax
    if special:
        k = max(1, n // 11)
        v[rng.integers(0, n, k)] = np.nan
        v[rng.integers(0, n, 1)] = np.inf
        v[rng.integers(0, n, 1)] = -0.0
    return v


def view(base, layout, shape):
    size = int(np.prod(shape))
    if layout == "C":
        a = base[:size].reshape(shape)
    elif layout == "F":
        a = base[:size].reshape(shape[::-1]).T
    else:
        big = tuple(s * 2 for s in shape)
        a = base[:int(np.prod(big))].reshape(big)[tuple(slice(None, None, 2) for _ in shape)]
    isz = base.itemsize
    off = (a.__array_interface__["data"][0] - base.__array_interface__["data"][0]) // isz \
        if a.size else 0
    return a, off, [s // isz for s in a.strides]


def round_frac(f, dt):
    """The rational f rounded once, half-even, to dt (returned as a Python float)."""
    prec, emin, emax = PREC[dt]
    if f == 0:
        return 0.0
    s = -1 if f < 0 else 1
    f = abs(f)
    e = f.numerator.bit_length() - f.denominator.bit_length()
    while Fraction(2) ** e > f:
        e -= 1
    while Fraction(2) ** (e + 1) <= f:
        e += 1
    ue = max(e - prec + 1, emin)
    q = f / Fraction(2) ** ue
    n = q.numerator // q.denominator
    rem = q - n
    if rem > Fraction(1, 2) or (rem == Fraction(1, 2) and n % 2 == 1):
        n += 1
    v = Fraction(n) * Fraction(2) ** ue
    if v >= Fraction(2) ** emax:
        return s * math.inf
    return s * float(v)


def exact_sum(xs, dt):
    """IEEE specials, then the exact sum rounded once; -0.0 only when every element is -0.0."""
    xs = [float(x) for x in xs]
    if any(math.isnan(x) for x in xs):
        return math.nan
    pinf = any(x == math.inf for x in xs)
    ninf = any(x == -math.inf for x in xs)
    if pinf and ninf:
        return math.nan
    if pinf:
        return math.inf
    if ninf:
        return -math.inf
    r = round_frac(sum((Fraction(x) for x in xs), Fraction(0)), dt)
    if r == 0 and xs and all(x == 0 and math.copysign(1, x) < 0 for x in xs):
        return -0.0
    return r


def cast(v, dt):
    return np.array(v, dtype=np.float64).astype(dt)


def exact_case(fn, a, axis, keepdims, ddof, rdt):
    """(exact result array, tolerance vs NumPy) of a float sum/mean/var/std."""
    x64 = a.astype(np.float64)
    ax = tuple(range(a.ndim)) if axis is None else (axis if isinstance(axis, tuple) else (axis,))
    ax = tuple(sorted(d % a.ndim for d in ax))
    kept = [d for d in range(a.ndim) if d not in ax]
    moved = np.moveaxis(x64, ax, tuple(range(a.ndim - len(ax), a.ndim)))
    kshape = tuple(a.shape[d] for d in kept)
    n = int(np.prod([a.shape[d] for d in ax])) if ax else 1
    lines = moved.reshape(kshape + (n,))
    out = np.empty(kshape, dtype=rdt)
    tol = 0.0
    eps = float(np.finfo(rdt).eps) if fn == "sum" else float(np.finfo(
        np.float32 if rdt == np.float16 and fn == "mean" else rdt).eps)
    eps = max(eps, float(np.finfo(a.dtype).eps) if a.dtype.kind == "f" else 0.0)
    for idx in np.ndindex(*kshape):
        xs = lines[idx]
        absum = float(np.sum(np.abs(xs))) if np.all(np.isfinite(xs)) else 0.0
        if fn == "sum":
            out[idx] = cast(exact_sum(xs, str(rdt)), rdt)
            t = (n + 4) * eps * absum
        else:
            m = exact_sum(xs, "float64") / n if n else math.nan
            if fn == "mean":
                out[idx] = cast(m, rdt)
                t = (n + 4) * eps * absum / max(n, 1)
            else:
                with np.errstate(all="ignore"):
                    d = xs - np.float64(m)
                    sq = d * d
                    dof = max(n - ddof, 0)
                    ssd = exact_sum(sq, "float64")
                    v = np.float64(ssd) / np.float64(dof)
                    vr = cast(v, rdt)
                    dev = float(np.sum(np.abs(d))) if np.all(np.isfinite(d)) else 0.0
                    t = (n + 4) * eps * (ssd + 2 * dev * (n + 4) * eps * absum / max(n, 1)) \
                        / max(dof, 1)
                    if fn == "std":
                        out[idx] = np.sqrt(vr)
                        t = math.sqrt(t)
                    else:
                        out[idx] = vr
        tol = max(tol, t)
    if keepdims:
        out = out.reshape(tuple(1 if d in ax else a.shape[d] for d in range(a.ndim)))
    return out, tol


def call(fn, a, axis, keepdims, ddof):
    if fn in ("argmin", "argmax"):
        return getattr(np, fn)(a, axis=axis, keepdims=keepdims)
    if fn in ("var", "std"):
        return getattr(np, fn)(a, axis=axis, keepdims=keepdims, ddof=ddof)
    return getattr(np, fn)(a, axis=axis, keepdims=keepdims)


def main():
    bases, inputs, cases = [], [], []
    for shape, grids in SHAPES.items():
        nd = len(shape)
        for dt in DTYPES:
            for special in ([False, True] if dt.startswith("float") else [False]):
                if shape == (0, 3) and (special or dt not in ("float64", "int64")):
                    continue
                layouts = ["C", "F", "strided"] if nd > 1 else ["C", "strided"]
                if shape == (0, 3):
                    layouts = ["C"]
                n = max(1, int(np.prod(shape))) * (2 ** nd)
                base = values(dt, n, special)
                bi = len(bases)
                bases.append({"dtype": dt, "bits": bits(base)})
                for layout in layouts:
                    a, off, st = view(base, layout, shape)
                    ii = len(inputs)
                    inputs.append({"base": bi, "offset": int(off), "shape": list(shape),
                                   "strides": st, "layout": layout, "grids": grids})
                    axes = AXES[nd] if shape != (0, 3) else [None, 0, 1]
                    for fn in FNS:
                        for axis in axes:
                            if fn.startswith("arg") and isinstance(axis, tuple):
                                continue
                            for keepdims in ([False, True] if axis is None else [False]):
                                for ddof in ([0, 1] if fn == "var" else [1] if fn == "std" else [0]):
                                    add_case(cases, ii, a, fn, axis, keepdims, ddof)
    # errors (input 0 is the first 1-D float64 input; pick a 2-D one for axis errors)
    two_d = next(i for i, x in enumerate(inputs) if len(x["shape"]) == 2)
    for fn, axis in [("sum", 2), ("mean", -3), ("sum", (0, 0)), ("var", (1, -1)),
                     ("argmin", 2), ("min", (0, 5))]:
        inp = inputs[two_d]
        a = np.zeros(inp["shape"])
        add_case(cases, two_d, a, fn, axis, False, 0)
    # ddof >= n: NumPy warns and gives inf/nan
    add_case(cases, two_d, view_of(bases, inputs[two_d]), "var", 0, False, 5)
    add_case(cases, two_d, view_of(bases, inputs[two_d]), "std", 1, False, 7)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with gzip.open(OUT, "wt", encoding="utf-8") as f:
        json.dump({"numpy": np.__version__, "bases": bases, "inputs": inputs, "cases": cases},
                  f, separators=(",", ":"))
    print(OUT, len(inputs), "inputs", len(cases), "cases")


def view_of(bases, inp):
    dt = np.dtype(bases[inp["base"]]["dtype"])
    u = np.array([int(b, 16) for b in bases[inp["base"]]["bits"]],
                 dtype={1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[dt.itemsize])
    base = u.view(dt)
    return np.lib.stride_tricks.as_strided(base[inp["offset"]:], inp["shape"],
                                           [s * dt.itemsize for s in inp["strides"]])


def add_case(cases, ii, a, fn, axis, keepdims, ddof):
    c = {"input": ii, "fn": fn,
         "axis": None if axis is None else ([axis] if isinstance(axis, int) else list(axis)),
         "keepdims": keepdims, "ddof": ddof}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with np.errstate(all="ignore"):
                r = np.asarray(call(fn, a, axis, keepdims, ddof))
    except Exception as e:  # noqa: BLE001
        c["error"] = type(e).__name__
        c["message"] = str(e)
        cases.append(c)
        return
    c["dtype"] = str(r.dtype)
    c["shape"] = list(r.shape)
    c["bits"] = bits(r)
    if fn in ("sum", "mean", "var", "std") and r.dtype.kind == "f":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ex, tol = exact_case(fn, a, axis, keepdims, ddof, r.dtype)
        c["exact"] = bits(ex)
        c["tol"] = tol
    cases.append(c)


if __name__ == "__main__":
    main()
