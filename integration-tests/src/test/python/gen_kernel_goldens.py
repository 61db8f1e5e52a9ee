#!/usr/bin/env python3
"""Golden files for io.tessera.kernels (the ufunc inner loops), computed by NumPy, the oracle.

Regenerate from the repository root with:

    python3 integration-tests/src/test/python/gen_kernel_goldens.py

Written with NumPy 2.4.6 on x86-64 (AVX2/FMA3, no AVX-512): NumPy's float32 exp/log/sin/cos and
some other loops are its own SIMD code, and the float64 transcendental functions come from the C
library, so other CPUs, NumPy versions or libms may legitimately differ in the last bit. The script
is deterministic (randomness uses a fixed seed) and writes into
chunked-array/src/test/resources/golden/kernels/:

  types.json         np.<ufunc>.types for every ufunc Tessera implements, restricted to Tessera's
                     dtypes, 'l'/'L' folded into 'q'/'Q', duplicates dropped (NumPy's order).
  binary.json.gz     per dtype char the operand values X (raw little-endian bytes, base64), and per
                     loop "ufunc:sig" the raw result bytes of ufunc(X[:, None], Y[None, :]) in
                     row-major order (element i * len(Y) + j is f(X[i], Y[j])), as {"out": ...}; the
                     mixed comparisons qQ/Qq use the q and Q operand values. Signed integer
                     power uses only the non-negative Y (NumPy raises otherwise), given as "y".
  unary.json.gz      per dtype char the input values (float16: all 65536 bit patterns; float32 and
                     float64: edge values and a few thousand seeded values spread over the ranges
                     where the functions differ), and per loop the raw result bytes.
  ternary.json.gz    clip: values V per dtype; "array" holds clip(V[:,None,None], V[None,:,None],
                     V[None,None,:]) (per-element bounds), "scalar" holds, for each (lo, hi) in
                     V x V, clip(V, lo, hi) with broadcast 0-d bounds (NumPy's stride-0 path).

Every loop is called with exactly its own dtypes (inputs are built in the loop's types and the
signature is forced), under np.errstate(all='ignore').
"""

import base64
import gzip
import json
import os
import sys

import numpy as np

OUT = os.path.join("chunked-array", "src", "test", "resources", "golden", "kernels")
CHARS = "?bhiqBHIQefd"

BINARY = ["add", "subtract", "multiply", "true_divide", "floor_divide", "remainder", "fmod",
          "power", "maximum", "minimum", "fmax", "fmin", "arctan2", "hypot", "copysign", "equal",
          "not_equal", "less", "less_equal", "greater", "greater_equal", "logical_and",
          "logical_or", "logical_xor", "bitwise_and", "bitwise_or", "bitwise_xor", "left_shift",
          "right_shift"]
UNARY = ["negative", "positive", "absolute", "sign", "sqrt", "cbrt", "square", "reciprocal",
         "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "arcsin",
         "arccos", "arctan", "sinh", "cosh", "tanh", "floor", "ceil", "trunc", "rint", "isnan",
         "isinf", "isfinite", "logical_not", "invert"]


def canon(c):
    return {"l": "q", "L": "Q"}.get(c, c)


def loop_types(uf):
    out = []
    for t in uf.types:
        if not set(t.replace("->", "")) <= set(CHARS + "lL"):
            continue
        t = "".join(canon(c) for c in t)
        if t not in out:
            out.append(t)
    return out


def b64(arr):
    return base64.b64encode(np.ascontiguousarray(arr).tobytes()).decode("ascii")


def int_values(c, rng, binary):
    info = np.iinfo(np.dtype(c))
    bits = info.bits
    cand = [0, 1, -1, 2, -2, 3, 7, -7, info.min, info.max, info.min + 1, info.max - 1,
            bits - 1, bits, bits + 1]
    if not binary:
        cand += [5, -5, 100, -100, 1000, info.max // 2, info.min // 2]
    vals = []
    for v in cand:
        if info.min <= v <= info.max and v not in vals:
            vals.append(v)
    n_rand = 3 if binary else 40
    r = rng.integers(info.min, info.max, size=n_rand, dtype=np.dtype(c), endpoint=True)
    for v in r.tolist():
        if v not in vals:
            vals.append(v)
    return np.array(vals, dtype=np.dtype(c))


FLOAT_EDGES = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 3.0, 7.0, np.inf, -np.inf, np.nan, 0.5, 1.5,
               -2.5]


def float_edges(c):
    fi = np.finfo(np.dtype(c))
    vals = [float(v) for v in FLOAT_EDGES] + [float(fi.max), float(-fi.max),
                                              float(fi.smallest_normal),
                                              float(fi.smallest_subnormal),
                                              -float(fi.smallest_subnormal)]
    return np.array(vals, dtype=np.float64).astype(np.dtype(c))


def float_values_binary(c, rng):
    extra = (rng.standard_normal(3) * 10.0 ** rng.integers(-3, 4, 3))
    return np.concatenate([float_edges(c), extra.astype(np.dtype(c))])


def float_values_unary(c, rng):
    dt = np.dtype(c)
    if c == "e":
        return np.arange(65536, dtype=np.uint16).view(np.float16)
    n = 1024
    maxexp = 300 if c == "d" else 37
    parts = [
        float_edges(c).astype(np.float64),
        rng.uniform(-1, 1, n),
        rng.uniform(-10, 10, n),
        rng.uniform(-100, 100, n // 2),
        rng.choice([-1.0, 1.0], n) * 10.0 ** rng.uniform(-maxexp, maxexp, n),
        # near multiples of pi/2 (trig reduction), near 0 and 1 (expm1, log1p, log)
        np.round(rng.uniform(-200, 200, n // 4)) * (np.pi / 2) + rng.uniform(-1e-6, 1e-6, n // 4),
        rng.uniform(-1e-5, 1e-5, n // 4),
        1.0 + rng.uniform(-1e-3, 1e-3, n // 4),
        # large arguments for sin/cos and overflow edges for exp/sinh/cosh
        rng.choice([-1.0, 1.0], n // 4) * 10.0 ** rng.uniform(3, 22 if c == "d" else 9, n // 4),
        rng.uniform(-750 if c == "d" else -105, 750 if c == "d" else 105, n // 4),
    ]
    v = np.concatenate(parts).astype(dt)
    _, idx = np.unique(v.view(np.uint64 if c == "d" else np.uint32), return_index=True)
    return v[np.sort(idx)]


def values(c, rng, kind):
    if c == "?":
        return np.array([False, True])
    if c in "efd":
        if kind == "unary":
            return float_values_unary(c, rng)
        return float_values_binary(c, rng)
    return int_values(c, rng, kind == "binary")


def call(uf, args, sig):
    dts = tuple(np.dtype(c) for c in sig.replace("->", ""))
    return uf(*args, signature=dts)


def check_dtype(res, sig):
    want = np.dtype(sig.split("->")[1])
    if res.dtype != want:
        sys.exit("loop %s returned %s" % (sig, res.dtype))


def gen_binary(types):
    rng = np.random.default_rng(20261127)
    vals = {c: values(c, rng, "binary") for c in CHARS}
    loops = {}
    for name in BINARY:
        uf = getattr(np, name)
        for sig in types[name]:
            a, b = vals[sig[0]], vals[sig[1]]
            entry = {}
            if name == "power" and sig[1] in "bhiq":
                b = b[b >= 0]  # NumPy raises for negative integer exponents (Kernels.validate)
                entry["y"] = b64(b)
            res = call(uf, (a[:, None], b[None, :]), sig)
            check_dtype(res, sig)
            entry["out"] = b64(res)
            loops["%s:%s" % (name, sig)] = entry
    return {"numpy": np.__version__, "values": {c: b64(v) for c, v in vals.items()},
            "loops": loops}


def gen_unary(types):
    rng = np.random.default_rng(20261128)
    vals = {c: values(c, rng, "unary") for c in CHARS}
    loops = {}
    for name in UNARY:
        uf = getattr(np, name)
        for sig in types[name]:
            res = call(uf, (vals[sig[0]],), sig)
            check_dtype(res, sig)
            loops["%s:%s" % (name, sig)] = b64(res)
    return {"numpy": np.__version__, "values": {c: b64(v) for c, v in vals.items()},
            "loops": loops}


def gen_ternary(types):
    rng = np.random.default_rng(20261129)
    clip = np._core.umath.clip
    vals = {}
    loops = {}
    for sig in types["clip"]:
        c = sig[0]
        if c == "?":
            v = np.array([False, True])
        elif c in "efd":
            v = np.array([0.0, -0.0, 1.0, -1.0, 2.5, -2.5, np.inf, -np.inf, np.nan, 3.0],
                         dtype=np.float64).astype(np.dtype(c))
        else:
            v = int_values(c, rng, True)[:10]
        vals[c] = v
        arr = call(clip, (v[:, None, None], v[None, :, None], v[None, None, :]), sig)
        check_dtype(arr, sig)
        scal = []
        for lo in v:
            for hi in v:
                x = np.tile(v, 3)  # a longer run so vector paths are taken
                r = call(clip, (x, np.array(lo, dtype=v.dtype), np.array(hi, dtype=v.dtype)), sig)
                scal.append(r[:len(v)])
                if r[len(v):].tobytes() != np.tile(r[:len(v)], 2).tobytes():
                    sys.exit("clip scalar-bounds result depends on position: " + sig)
        loops["clip:" + sig] = {"array": b64(arr), "scalar": b64(np.concatenate(scal))}
    return {"numpy": np.__version__, "values": {c: b64(v) for c, v in vals.items()},
            "loops": loops}


def write_gz(name, obj):
    data = json.dumps(obj, sort_keys=True, separators=(",", ":")).encode("utf-8")
    with gzip.GzipFile(os.path.join(OUT, name), "wb", mtime=0) as f:
        f.write(data)
    print("wrote %s (%d bytes raw)" % (name, len(data)))


def main():
    if np.__version__ != "2.4.6":
        print("warning: goldens were written with numpy 2.4.6, this is " + np.__version__,
              file=sys.stderr)
    os.makedirs(OUT, exist_ok=True)
    types = {name: loop_types(getattr(np, name)) for name in BINARY + UNARY}
    types["clip"] = loop_types(np._core.umath.clip)
    with open(os.path.join(OUT, "types.json"), "w") as f:
        json.dump({"numpy": np.__version__, "types": types}, f, indent=1, sort_keys=True)
        f.write("\n")
    with np.errstate(all="ignore"):
        write_gz("binary.json.gz", gen_binary(types))
        write_gz("unary.json.gz", gen_unary(types))
        write_gz("ternary.json.gz", gen_ternary(types))


if __name__ == "__main__":
    main()
