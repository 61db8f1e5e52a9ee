#!/usr/bin/env python3
"""Goldens for the Spark connector's distributed reductions (io.tessera.spark.DistributedReductions)
from NumPy 2.4.6, plus exact references computed with Python's fractions.

Usage: python3 integration-tests/src/test/python/gen_distributed_reduction_goldens.py
Writes spark-connector/src/test/resources/golden/distributed_reductions.json.gz.

Inputs are small arrays of several dtypes (hex bits, C order): wide-range float64 values (so that
summation order matters), float32, float16, int32, int64 (large, so int64 sums wrap), uint8,
bool, and float64 with NaN and infinities. Each case is one reduction call (op, axis, keepdims,
ddof) with:
  - "numpy": NumPy's result (dtype, shape, bits);
  - "exact": for float sum, mean, var and std, the result the distributed engine promises, from
    exact rational arithmetic: sum = the exact sum correctly rounded (half-even) to the result
    dtype; mean = float64(correctly rounded float64 sum / count) cast to the result dtype;
    var = (n*S2 - S1^2) / (n*(n - ddof)) correctly rounded; std = its square root correctly
    rounded (integers and bool converted to float64 first, as NumPy's mean/var do);
  - "abssum": float64 sum of |x| per output (for the tolerance of NumPy's pairwise sums).
"""
import gzip
import json
import math
import os
import warnings
from fractions import Fraction

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "spark-connector", "src",
                                    "test", "resources", "golden",
                                    "distributed_reductions.json.gz"))
rng = np.random.default_rng(20261127)
FORMATS = {"float64": (53, -1074, 1024), "float32": (24, -149, 128), "float16": (11, -24, 16)}


def bits(a):
    a = np.ascontiguousarray(a)
    u = a.view({1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[a.itemsize])
    return [format(int(x), "x") for x in u.ravel()]


def round_fraction(q, dt):
    """q (a Fraction, or an (integer, sticky, exp2) triple) correctly rounded to dt, as float."""
    p, sub, emax = FORMATS[dt]
    if isinstance(q, Fraction):
        if q == 0:
            return 0.0
        neg = q < 0
        q = abs(q)
        # scale to an integer with at least p + 3 bits and a sticky bit
        e = q.numerator.bit_length() - q.denominator.bit_length() - (p + 3)
        if e >= 0:
            mag, rem = divmod(q.numerator, q.denominator << e)
        else:
            mag, rem = divmod(q.numerator << -e, q.denominator)
        sticky = rem != 0
        exp2 = e
    else:
        mag, sticky, exp2 = q
        neg = False
    length = mag.bit_length()
    lsb = max(exp2 + length - p, sub)
    shift = lsb - exp2
    if shift <= 0:
        assert not sticky
        r = mag
        lsb = exp2
    else:
        r = mag >> shift
        rem = mag - (r << shift)
        half = 1 << (shift - 1)
        if rem > half or (rem == half and (sticky or r & 1)):
            r += 1
    if r.bit_length() + lsb > emax:
        v = math.inf
    else:
        v = math.ldexp(float(r), lsb)
    return -v if neg else v


def sqrt_fraction(q, dt):
    p = FORMATS[dt][0]
    if q == 0:
        return 0.0
    num, den = q.numerator, q.denominator
    # value = num/den; sqrt = sqrt(num * 2^(2k) / den) * 2^-k
    k = max(0, (2 * p + 8 - (num.bit_length() - den.bit_length()) + 1) // 2)
    i, rem = divmod(num << (2 * k), den)
    s = math.isqrt(i)
    sticky = rem != 0 or s * s != i
    return round_fraction((s, sticky, -k), dt)


def as_dtype(v, dt):
    return np.array(v, dtype=np.float64).astype(dt)


def exact_results(x, op, axis, keepdims, ddof, rt):
    """The engine's promised results for float sum/mean/var/std, as an array of dtype rt."""
    xf = x.astype(np.float64) if x.dtype.kind != "f" else x
    moved = np.moveaxis(xf, axis, tuple(range(xf.ndim - len(axis), xf.ndim))) if axis else xf
    kept = moved.shape[:xf.ndim - len(axis)]
    n = int(np.prod([xf.shape[a] for a in axis])) if axis else 1
    rows = moved.reshape(int(np.prod(kept)) if kept else 1, n)
    out = []
    for row in rows:
        vals = [float(v) for v in row]
        if any(not math.isfinite(v) for v in vals):
            if op in ("var", "std"):
                out.append(math.nan)
            else:
                infs = {v for v in vals if math.isinf(v)}
                if any(math.isnan(v) for v in vals) or len(infs) == 2:
                    s = math.nan
                else:
                    s = infs.pop()
                out.append(s if op == "sum" else s / n)
            continue
        s1 = sum((Fraction(v) for v in vals), Fraction(0))
        if op == "sum":
            out.append(round_fraction(s1, str(rt)))
        elif op == "mean":
            m = round_fraction(s1, "float64") / n if n else math.nan
            out.append(m)
        else:
            s2 = sum((Fraction(v) * Fraction(v) for v in vals), Fraction(0))
            num = n * s2 - s1 * s1
            d = Fraction(n) - Fraction(ddof)
            if d <= 0 or n == 0:
                out.append(math.nan if num == 0 else math.inf)
            elif op == "var":
                out.append(round_fraction(num / (n * d), str(rt)))
            else:
                out.append(sqrt_fraction(num / (n * d), str(rt)))
    shape = kept if not keepdims else tuple(1 if a in axis else xf.shape[a]
                                            for a in range(xf.ndim))
    return as_dtype(np.array(out, dtype=np.float64).reshape(shape), rt)


def inputs():
    shape = (13, 11, 6)
    n = int(np.prod(shape))
    wide = rng.standard_normal(n) * 10.0 ** rng.uniform(-6, 6, n)
    ins = {
        "f64": wide.reshape(shape),
        "f32": (rng.standard_normal(n) * 10.0 ** rng.uniform(-3, 3, n)).astype(np.float32)
        .reshape(shape),
        "f16": rng.uniform(-4, 4, n).astype(np.float16).reshape(shape),
        "i32": rng.integers(-1000, 1000, n).astype(np.int32).reshape(shape),
        "i64": rng.integers(-(2 ** 62), 2 ** 62, n).astype(np.int64).reshape(shape),
        "u8": rng.integers(0, 256, n).astype(np.uint8).reshape(shape),
        "b": (rng.uniform(0, 1, n) < 0.9).reshape(shape),
    }
    special = rng.standard_normal((11, 7))
    special[2, 3] = np.nan
    special[5, 3] = np.nan
    special[7, 1] = np.inf
    special[8, 5] = -np.inf
    special[4, 6] = np.inf
    special[9, 6] = -np.inf
    ins["special"] = special
    ins["empty"] = np.zeros((0, 5))
    return ins


OPS = ["sum", "prod", "mean", "min", "max", "var", "std", "argmin", "argmax", "any", "all"]


def cases_for(name, x):
    if x.ndim == 3:
        axes = [None, (0,), (1,), (2,), (0, 2), (1, 2), (0, 1, 2)] + (
            [()] if name in ("f64", "i32") else [])
    else:
        axes = [None, (0,), (1,)]
    out = []
    for op in OPS:
        for axis in axes:
            if op in ("argmin", "argmax") and axis is not None and len(axis) != 1:
                continue
            for keepdims in (False, True):
                if keepdims and axis not in ((0,), (0, 2), None):
                    continue
                if op in ("argmin", "argmax") and keepdims and axis is None:
                    continue
                for ddof in ((0, 1) if op in ("var", "std") else (0,)):
                    out.append((op, axis, keepdims, ddof))
    return out


def main():
    ins = inputs()
    doc = {"numpy": np.__version__, "inputs": {}, "cases": []}
    for name, x in ins.items():
        doc["inputs"][name] = {"dtype": str(x.dtype), "shape": list(x.shape), "bits": bits(x)}
        for op, axis, keepdims, ddof in cases_for(name, x):
            fn = getattr(np, op)
            kw = {}
            if op in ("argmin", "argmax"):
                kw["axis"] = None if axis is None else axis[0]
                if keepdims:
                    kw["keepdims"] = True
            else:
                kw["axis"] = axis
                kw["keepdims"] = keepdims
                if op in ("var", "std"):
                    kw["ddof"] = ddof
            case = {"input": name, "op": op, "axis": None if axis is None else list(axis),
                    "keepdims": keepdims, "ddof": ddof}
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    r = np.asarray(fn(x, **kw))
            except ValueError as e:
                case["error"] = str(e)
                doc["cases"].append(case)
                continue
            case["dtype"] = str(r.dtype)
            case["shape"] = list(r.shape)
            case["numpy"] = bits(r)
            if op in ("sum", "mean", "var", "std") and r.dtype.kind == "f" and (
                    op != "sum" or x.dtype.kind == "f"):
                ax = tuple(range(x.ndim)) if axis is None else tuple(a % x.ndim for a in axis)
                e = exact_results(x, op, ax, keepdims, ddof, r.dtype)
                assert e.shape == r.shape, (e.shape, r.shape)
                case["exact"] = bits(e)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    a = np.sum(np.abs(x.astype(np.float64)), axis=axis, keepdims=keepdims)
                case["abssum"] = bits(np.asarray(a, dtype=np.float64))
            doc["cases"].append(case)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with gzip.open(OUT, "wt", encoding="utf-8") as f:
        json.dump(doc, f, separators=(",", ":"))
    print(OUT, len(doc["cases"]), "cases")


if __name__ == "__main__":
    main()
