#!/usr/bin/env python3
"""Linear-algebra goldens: np.matmul, dot, vdot, inner, outer, tensordot, trace and diagonal over
1-D, 2-D, 3-D and broadcast batch shapes, C/F-order, transposed, strided, reversed and broadcast
operands, every dtype and mixed-dtype pairs -- NumPy's result dtype, shape and raw bits, or the
error it raises.

Each operand is a C-order base array (raw little-endian bytes) and the steps that make the view
from it, which the Java test replays through Tessera's own view methods:
    "F"        np.asfortranarray(x)                 (x.asfortranarray())
    "T"        x.T                                  (x.T())
    "P:1,0,2"  x.transpose(1, 0, 2)                 (x.transpose(1, 0, 2))
    "S:<idx>"  x[<idx>]                             (x.get("<idx>"))
    "B:2,3,4"  np.broadcast_to(x, (2, 3, 4))        (x.broadcastTo(2, 3, 4))

For float results the case also carries `bound` = the same operation on |a|, |b| in float64 and
`k` = the length of the sums, so the test can hold each element to
|tessera - numpy| <= (k + 1) * eps * bound (two dot products of length k, each within k*eps/2 of
the exact one). Integer, bool and float16 products are compared bit for bit.

Regenerate from the repository root with NumPy 2.4.6:
    python3 integration-tests/src/test/python/gen_linalg_goldens.py
Writes chunked-array/src/test/resources/golden/linalg/linalg_cases.json.gz
"""
import gzip
import json
import math
import os

import numpy as np

assert np.__version__.startswith("2.4"), np.__version__

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..",
                   "chunked-array", "src", "test", "resources", "golden", "linalg")
TYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
         "float16", "float32", "float64"]

RNG = np.random.default_rng(20261127)


def values(dtype, shape):
    dt = np.dtype(dtype)
    n = math.prod(shape)
    if dt.kind == "b":
        return RNG.integers(0, 2, n).astype(bool).reshape(shape)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        if dt.itemsize <= 2:
            # the whole range: products and sums wrap around
            v = RNG.integers(int(info.min), int(info.max), n, endpoint=True, dtype=np.int64)
            return v.astype(dt).reshape(shape)
        # mostly small values, 30% from the whole range so that 32/64-bit sums wrap around
        small = RNG.integers(-50 if dt.kind == "i" else 0, 50, n).astype(dt)
        big = RNG.integers(int(info.min), int(info.max), n, endpoint=True,
                           dtype=np.uint64 if dt == np.uint64 else np.int64).astype(dt)
        return np.where(RNG.random(n) < 0.3, big, small).reshape(shape)
    v = RNG.standard_normal(n)
    if dt == np.float16:
        v = np.round(v * 4) / 4 + RNG.standard_normal(n) * 0.01
    return v.astype(dt).reshape(shape)


def apply_steps(x, steps):
    for s in steps:
        if s == "F":
            x = np.asfortranarray(x)
        elif s == "T":
            x = x.T
        elif s.startswith("P:"):
            x = x.transpose([int(t) for t in s[2:].split(",")])
        elif s.startswith("S:"):
            x = eval("x[" + s[2:] + "]")  # noqa: S307 -- fixed index strings below
        elif s.startswith("B:"):
            x = np.broadcast_to(x, tuple(int(t) for t in s[2:].split(",")))
        else:
            raise ValueError(s)
    return x


def hashed(dtype, shape):
    """Values the Java test regenerates itself (no data in the golden): element i of the base is
    h = (i * 2654435761) mod 2^32; floats get h / 2^32 - 0.5 (exact in float64, then rounded to
    the dtype), integers the low bits of h * 40503 (mod 2^64), bool h & 1."""
    n = math.prod(shape)
    h = (np.arange(n, dtype=np.uint64) * np.uint64(2654435761)) % np.uint64(2**32)
    dt = np.dtype(dtype)
    if dt.kind == "f":
        v = (h.astype(np.float64) / 2.0**32 - 0.5).astype(dt)
    elif dt.kind == "b":
        v = (h & np.uint64(1)).astype(bool)
    else:
        v = (h * np.uint64(40503)).astype(dt)
    return v.reshape(shape)


class Op:
    """An operand: dtype, base shape, view steps; gen=True for hashed() values."""

    def __init__(self, dtype, base, steps=(), gen=False):
        self.dtype = dtype
        self.base_shape = tuple(base)
        self.steps = list(steps)
        self.gen = gen
        self.base = hashed(dtype, self.base_shape) if gen else values(dtype, self.base_shape)
        self.arr = apply_steps(self.base, self.steps)

    def spec(self):
        d = {"dtype": self.dtype, "base": list(self.base_shape), "steps": self.steps,
             "shape": list(self.arr.shape)}
        if self.gen:
            d["gen"] = "hash"
        else:
            d["data"] = np.ascontiguousarray(self.base).tobytes().hex()
        return d


def G(dtype, *shape, steps=()):
    return Op(dtype, shape, steps, gen=True)


def C(dtype, *shape):
    return Op(dtype, shape)


def F(dtype, *shape):
    return Op(dtype, shape, ["F"])


def T(dtype, *shape):
    """A transposed C array of the given final shape (an F-contiguous view)."""
    return Op(dtype, tuple(reversed(shape)), ["T"])


def S(dtype, base, idx):
    return Op(dtype, base, ["S:" + idx])


def P(dtype, base, perm):
    return Op(dtype, base, ["P:" + ",".join(map(str, perm))])


def B(dtype, base, shape):
    return Op(dtype, base, ["B:" + ",".join(map(str, shape))])


def raw(arr):
    return np.ascontiguousarray(arr).tobytes().hex()


def absf(op):
    return np.abs(op.arr.astype(np.float64))


CASES = []


def record(name, fn, bound_fn, k, *ops, params=None, out=None):
    case = {"name": name, "op": fn, "args": [o.spec() for o in ops], "params": params or {}}
    if out is not None:
        case["out"] = {"dtype": out[0], "shape": list(out[1]), "steps": out[2]}
    try:
        with np.errstate(all="ignore"):
            res = call(fn, [o.arr for o in ops], params, out)
        case["result"] = {"dtype": res.dtype.name, "shape": list(res.shape), "data": raw(res)}
        if fn == "diagonal":
            case["result"]["strides"] = list(res.strides)
            case["result"]["writeable"] = bool(res.flags.writeable)
        if res.dtype.kind == "f":
            b = bound_fn()
            # float32 is plenty for a bound (rounded up so it never shrinks)
            b64 = np.broadcast_to(np.asarray(b, np.float64), res.shape)
            b32 = b64.astype(np.float32)
            b32 = np.where(b32.astype(np.float64) < b64, np.nextafter(b32, np.float32(np.inf)), b32)
            case["result"]["bound"] = raw(b32.astype(np.float32))
            case["result"]["k"] = int(k)
    except Exception as e:  # noqa: BLE001 -- the golden records NumPy's error
        case["error"] = {"type": type(e).__name__, "message": str(e)}
    CASES.append(case)


def make_out(out):
    dtype, shape, steps = out
    base = np.zeros(shape if "T" not in steps else tuple(reversed(shape)), dtype=dtype)
    if any(s.startswith("S:") for s in steps):
        base = np.zeros(tuple(2 * d for d in shape), dtype=dtype)
    return apply_steps(base, steps)


def call(fn, arrs, params, out):
    if fn == "matmul":
        if out is not None:
            o = make_out(out)
            np.matmul(arrs[0], arrs[1], out=o)
            return o
        return np.matmul(*arrs)
    if fn in ("dot", "vdot", "inner", "outer"):
        return getattr(np, fn)(*arrs)
    if fn == "tensordot":
        axes = params["axes"]
        return np.tensordot(arrs[0], arrs[1], axes=axes if isinstance(axes, int) else tuple(axes))
    if fn == "trace":
        return np.asarray(np.trace(arrs[0], params.get("offset", 0), params.get("axis1", 0),
                                   params.get("axis2", 1), dtype=params.get("dtype")))
    if fn == "diagonal":
        return np.diagonal(arrs[0], params.get("offset", 0), params.get("axis1", 0),
                           params.get("axis2", 1))
    raise ValueError(fn)


# ---------------------------------------------------------------------------------- products

def matmul(name, a, b, out=None):
    def bound():
        if out is not None:
            o = np.empty(make_out(out).shape)
            return np.matmul(absf(a), absf(b), out=o)
        return np.matmul(absf(a), absf(b))
    k = a.arr.shape[-1] if a.arr.ndim else 0
    record(name, "matmul", bound, k, a, b, out=out)


def dot(name, a, b, fn="dot"):
    def bound():
        return getattr(np, fn)(absf(a), absf(b))
    k = a.arr.size if fn == "vdot" else (a.arr.shape[-1] if a.arr.ndim else 1)
    record(name, fn, bound, k, a, b)


def tensordot(name, a, b, axes):
    def bound():
        return np.tensordot(absf(a), absf(b), axes=axes if isinstance(axes, int) else tuple(axes))
    if isinstance(axes, int):
        summed = a.arr.shape[max(a.arr.ndim - axes, 0):] if axes > 0 else ()
    else:
        summed = [a.arr.shape[x] for x in axes[0] if -a.arr.ndim <= x < a.arr.ndim]
    record(name, "tensordot", bound, math.prod(summed), a, b, params={"axes": axes})


def trace(name, a, offset=0, axis1=0, axis2=1, dtype=None):
    params = {"offset": offset, "axis1": axis1, "axis2": axis2}
    if dtype:
        params["dtype"] = dtype

    def bound():
        return np.trace(absf(a), offset, axis1, axis2)
    try:
        n = np.diagonal(a.arr, offset, axis1, axis2).shape[-1]
    except Exception:  # noqa: BLE001
        n = 0
    record(name, "trace", bound, n, a, params=params)


def diagonal(name, a, offset=0, axis1=0, axis2=1):
    record(name, "diagonal", lambda: 0, 0, a,
           params={"offset": offset, "axis1": axis1, "axis2": axis2})


def build():
    # every dtype, 2-D and the 1-D promotions
    for t in TYPES:
        matmul(f"matmul 2d {t}", C(t, 5, 7), C(t, 7, 4))
        matmul(f"matmul vec@mat {t}", C(t, 7), C(t, 7, 3))
        matmul(f"matmul mat@vec {t}", C(t, 4, 7), C(t, 7))
        matmul(f"matmul vec@vec {t}", C(t, 9), C(t, 9))
        matmul(f"matmul batch {t}", C(t, 3, 4, 6), C(t, 3, 6, 5))
        matmul(f"matmul F@T {t}", F(t, 6, 5), T(t, 5, 4))
        dot(f"dot 2d {t}", C(t, 4, 6), C(t, 6, 3))
        dot(f"dot 1d {t}", C(t, 11), C(t, 11))
        dot(f"dot nd {t}", C(t, 2, 3, 4), C(t, 2, 4, 5))
        dot(f"vdot {t}", C(t, 3, 4), C(t, 4, 3), "vdot")
        dot(f"inner {t}", C(t, 3, 5), C(t, 2, 5), "inner")
        dot(f"outer {t}", C(t, 4), C(t, 2, 3), "outer")
        tensordot(f"tensordot 2 {t}", C(t, 3, 4, 5), C(t, 4, 5, 2), 2)
        trace(f"trace {t}", C(t, 5, 5))
        diagonal(f"diagonal {t}", C(t, 4, 5))

    # larger float products (blocked BLAS kernels, several panels)
    for t in ["float64", "float32"]:
        matmul(f"matmul big {t}", G(t, 70, 150), G(t, 150, 90))
        matmul(f"matmul big F {t}", G(t, 65, 140, steps=["F"]), G(t, 140, 33, steps=["F"]))
        dot(f"dot long vectors {t}", G(t, 1000), G(t, 1000))
    matmul("matmul big int64", G("int64", 40, 90), G("int64", 90, 30))
    matmul("matmul big int16", G("int16", 40, 300), G("int16", 300, 20))
    matmul("matmul big float16", G("float16", 20, 33), G("float16", 33, 17))

    # layouts: C, F, transposed, sliced (unit inner stride), strided, reversed, broadcast
    for t in ["float64", "float32", "int32", "float16"]:
        matmul(f"matmul C@F {t}", C(t, 6, 8), F(t, 8, 5))
        matmul(f"matmul T@C {t}", T(t, 6, 8), C(t, 8, 5))
        matmul(f"matmul T@T {t}", T(t, 6, 8), T(t, 8, 5))
        matmul(f"matmul sliced rows@cols {t}", S(t, (9, 12), "1:7, 2:10"), S(t, (10, 9), "1:9, 3:8"))
        matmul(f"matmul strided {t}", S(t, (12, 16), "::2, ::2"), S(t, (8, 10), "::1, ::2"))
        matmul(f"matmul reversed {t}", S(t, (6, 8), "::-1, :"), S(t, (8, 5), ":, ::-1"))
        matmul(f"matmul broadcast rows {t}", B(t, (8,), (6, 8)), C(t, 8, 5))
        matmul(f"matmul F sliced {t}", Op(t, (10, 12), ["F", "S:1:7, 2:10"]), C(t, 8, 3))
        dot(f"dot F@F {t}", F(t, 5, 7), F(t, 7, 4))
        dot(f"dot strided vec {t}", S(t, (20,), "::3"), S(t, (14,), "::2"))
        tensordot(f"tensordot F 3d {t}", F(t, 3, 4, 5), F(t, 4, 5, 2), 2)
        tensordot(f"tensordot transposed axes {t}", C(t, 3, 4, 5), C(t, 5, 4, 2), [[1, 2], [1, 0]])
        tensordot(f"tensordot P {t}", P(t, (4, 3, 5), (1, 0, 2)), C(t, 5, 6), 1)

    # batch broadcasting
    for t in ["float64", "int64", "float16", "bool"]:
        matmul(f"matmul bcast 1 {t}", C(t, 2, 1, 3, 4), C(t, 5, 4, 2))
        matmul(f"matmul stacked@mat {t}", C(t, 4, 3, 5), C(t, 5, 2))
        matmul(f"matmul stacked@vec {t}", C(t, 2, 4, 3, 5), C(t, 5))
        matmul(f"matmul vec@stacked {t}", C(t, 5), C(t, 3, 5, 2))
        matmul(f"matmul mat@stacked {t}", C(t, 3, 5), C(t, 4, 5, 2))
        matmul(f"matmul stacked F@mat {t}", F(t, 4, 3, 5), C(t, 5, 2))
        matmul(f"matmul stacked P@P {t}", P(t, (3, 2, 4), (1, 0, 2)), P(t, (4, 2, 5), (1, 0, 2)))
        matmul(f"matmul batch broadcast view {t}", B(t, (3, 4), (2, 3, 4)), C(t, 2, 4, 3))

    # dot / inner / tensordot shapes
    for t in ["float64", "int32"]:
        dot(f"dot 3d@3d {t}", C(t, 2, 3, 4), C(t, 5, 4, 6))
        dot(f"dot 3d@1d {t}", C(t, 2, 3, 4), C(t, 4))
        dot(f"dot 1d@3d {t}", C(t, 4), C(t, 2, 4, 3))
        dot(f"dot 0d {t}", C(t), C(t, 3, 4))
        dot(f"dot 2d@0d {t}", C(t, 3, 4), C(t))
        dot(f"inner 3d {t}", C(t, 2, 3, 4), C(t, 5, 4), "inner")
        dot(f"inner 1d {t}", C(t, 4), C(t, 4), "inner")
        dot(f"inner 0d {t}", C(t), C(t, 2, 3), "inner")
        dot(f"inner 1d@3d {t}", C(t, 4), C(t, 2, 3, 4), "inner")
        dot(f"vdot F {t}", F(t, 3, 4), C(t, 2, 6), "vdot")
        dot(f"vdot strided {t}", S(t, (6, 8), "::2, 1::2"), C(t, 12), "vdot")
        dot(f"vdot 0d {t}", C(t), C(t, 1), "vdot")
        dot(f"outer 0d {t}", C(t), C(t, 3), "outer")
        dot(f"outer F {t}", F(t, 2, 3), T(t, 2, 2), "outer")
        tensordot(f"tensordot 0 {t}", C(t, 2, 3), C(t, 4), 0)
        tensordot(f"tensordot 1 {t}", C(t, 2, 3), C(t, 3, 4), 1)
        tensordot(f"tensordot neg {t}", C(t, 2, 3), C(t, 2), -1)
        tensordot(f"tensordot pairs {t}", C(t, 3, 4, 5), C(t, 4, 3, 2), [[0, 1], [1, 0]])
        tensordot(f"tensordot negative axes {t}", C(t, 3, 4, 5), C(t, 5, 3), [[-1, 0], [0, -1]])
        tensordot(f"tensordot all {t}", C(t, 3, 4), C(t, 3, 4), [[0, 1], [0, 1]])
        tensordot(f"tensordot 0d {t}", C(t), C(t, 3, 2), 0)
        tensordot(f"tensordot middle axis {t}", C(t, 3, 4, 5), C(t, 2, 4, 6), [[1], [1]])

    # mixed dtypes (NumPy promotes first)
    pairs = [("int8", "uint8"), ("int64", "float32"), ("float16", "int16"), ("bool", "int8"),
             ("uint64", "int64"), ("float16", "float32"), ("int32", "float16"),
             ("uint32", "int8"), ("bool", "float16"), ("uint8", "uint16"), ("int16", "float64")]
    for x, y in pairs:
        matmul(f"matmul {x}@{y}", C(x, 4, 6), C(y, 6, 3))
        dot(f"dot {x}.{y}", C(x, 3, 5), F(y, 5, 2))
        dot(f"vdot {x}.{y}", C(x, 7), C(y, 7), "vdot")
        dot(f"outer {x}.{y}", C(x, 3), C(y, 2), "outer")
        tensordot(f"tensordot {x}.{y}", C(x, 2, 3, 4), C(y, 3, 4), 2)

    # empty operands
    for t in ["float64", "int32", "float16"]:
        matmul(f"matmul empty n {t}", C(t, 0, 4), C(t, 4, 5))
        matmul(f"matmul empty k {t}", C(t, 3, 0), C(t, 0, 5))
        matmul(f"matmul empty batch {t}", C(t, 0, 3, 4), C(t, 4, 5))
        dot(f"dot empty k {t}", C(t, 0), C(t, 0))
        tensordot(f"tensordot empty {t}", C(t, 2, 0), C(t, 0, 3), 1)

    # out=
    matmul("matmul out same", C("float64", 3, 4), C("float64", 4, 5), out=("float64", (3, 5), []))
    matmul("matmul out F", C("float64", 3, 4), C("float64", 4, 5), out=("float64", (3, 5), ["T"]))
    matmul("matmul out strided", C("float32", 3, 4), C("float32", 4, 5),
           out=("float32", (3, 5), ["S:::2, ::2"]))
    matmul("matmul out cast int->float32", C("int64", 3, 4), C("int64", 4, 5),
           out=("float32", (3, 5), []))
    matmul("matmul out cast int64->int32", C("int64", 3, 4), C("int64", 4, 5),
           out=("int32", (3, 5), []))
    matmul("matmul out int16 float16", C("int8", 3, 4), C("uint8", 4, 5),
           out=("float16", (3, 5), []))
    matmul("matmul out batch broadcast", C("float64", 2, 3), C("float64", 3, 2),
           out=("float64", (3, 2, 2), []))
    matmul("matmul out vec", C("float64", 3), C("float64", 3), out=("float64", (2,), []))
    matmul("matmul out float->int", C("float64", 2, 3), C("float64", 3, 2),
           out=("int64", (2, 2), []))
    matmul("matmul out core mismatch", C("float64", 2, 3), C("float64", 3, 5),
           out=("float64", (2, 6), []))
    matmul("matmul out too few dims", C("float64", 2, 3), C("float64", 3, 5),
           out=("float64", (5,), []))
    matmul("matmul out vec mismatch", C("float64", 2, 3), C("float64", 3),
           out=("float64", (2, 1), []))
    matmul("matmul out non-broadcastable", C("float64", 4, 1, 2, 3), C("float64", 3, 3, 5),
           out=("float64", (4, 1, 2, 5), []))
    matmul("matmul out batch incompatible", C("float64", 4, 1, 2, 3), C("float64", 3, 3, 5),
           out=("float64", (5, 2, 5), []))
    matmul("matmul out int16->uint8", C("int8", 2, 3), C("uint8", 3, 5), out=("uint8", (2, 5), []))

    # trace and diagonal
    for t in TYPES:
        trace(f"trace offset 1 {t}", C(t, 4, 6), 1)
        trace(f"trace offset -2 {t}", C(t, 5, 3), -2)
        trace(f"trace 3d {t}", C(t, 3, 4, 5), 0, 0, 2)
        trace(f"trace long {t}", G(t, 150, 150) if t != "float16" else G(t, 40, 40))
    for t in ["int8", "float64", "float32", "bool"]:
        trace(f"trace dtype same {t}", C(t, 6, 6), dtype=t)
        trace(f"trace dtype float64 {t}", C(t, 6, 6), dtype="float64")
    trace("trace dtype int8 wraps", C("int16", 6, 6), dtype="int8")
    trace("trace 3d negative axes", C("float64", 3, 4, 5), 1, -1, -3)
    trace("trace F", F("float64", 20, 20))
    trace("trace long broadcast", B("float32", (300,), (300, 300)))
    trace("trace pairwise 1000", G("float64", 1000, 1000, steps=["S:::7, ::7"]))
    trace("trace offset past", C("float64", 3, 3), 5)
    trace("trace 1d", C("float64", 3))
    trace("trace same axes", C("float64", 3, 3), 0, 1, 1)
    for t in ["float64", "int16", "bool"]:
        diagonal(f"diagonal offset 2 {t}", C(t, 4, 6), 2)
        diagonal(f"diagonal offset -1 {t}", C(t, 4, 6), -1)
        diagonal(f"diagonal 3d {t}", C(t, 2, 3, 4), 1, 0, 2)
        diagonal(f"diagonal 3d reversed axes {t}", C(t, 2, 3, 4), -1, 2, 0)
        diagonal(f"diagonal F {t}", F(t, 5, 4))
        diagonal(f"diagonal T {t}", T(t, 3, 5, 4), 0, 1, 2)
        diagonal(f"diagonal strided {t}", S(t, (8, 9), "::2, ::-3"))
        diagonal(f"diagonal empty {t}", C(t, 3, 4), 4)
        diagonal(f"diagonal past end {t}", C(t, 3, 4), 9)
        diagonal(f"diagonal below past end {t}", C(t, 3, 4), -7)
    diagonal("diagonal 1d", C("float64", 3))
    diagonal("diagonal axis out of range", C("float64", 3, 3), 0, 0, 2)
    diagonal("diagonal axis1 out of range", C("float64", 3, 3), 0, 5, 0)
    diagonal("diagonal same axes", C("float64", 3, 3), 0, -1, 1)

    # errors
    f8 = "float64"
    matmul("error matmul core", C(f8, 2, 3), C(f8, 4, 5))
    matmul("error matmul vec core", C(f8, 3), C(f8, 4))
    matmul("error matmul 0d a", C(f8), C(f8, 3))
    matmul("error matmul 0d b", C(f8, 3), C(f8))
    matmul("error matmul batch", C(f8, 2, 2, 3), C(f8, 3, 3, 2))
    matmul("error matmul batch vec", C(f8, 5, 2, 3), C(f8, 4, 3, 2))
    dot("error dot 2d", C(f8, 2, 3), C(f8, 4, 5))
    dot("error dot 1d", C(f8, 3), C(f8, 4))
    dot("error dot nd", C(f8, 2, 3, 4), C(f8, 5, 3))
    dot("error dot nd vec", C(f8, 2, 3, 4), C(f8, 5))
    dot("error inner", C(f8, 2, 3), C(f8, 4, 5), "inner")
    dot("error inner vec", C(f8, 2, 3), C(f8, 4), "inner")
    dot("error vdot", C(f8, 2, 3), C(f8, 4, 5), "vdot")
    tensordot("error tensordot default", C(f8, 2, 3), C(f8, 4, 5), 2)
    tensordot("error tensordot 1", C(f8, 2, 3), C(f8, 4, 5), 1)
    tensordot("error tensordot count", C(f8, 2, 3), C(f8, 4, 5), [[0, 1], [1]])
    tensordot("error tensordot index", C(f8, 2, 3), C(f8, 3, 2), [[5], [1]])
    tensordot("error tensordot index b", C(f8, 2, 3), C(f8, 3, 2), [[1], [7]])
    tensordot("error tensordot too many", C(f8, 2, 3), C(f8, 3, 2), 3)
    tensordot("error tensordot duplicate", C(f8, 2, 3), C(f8, 3, 2), [[0, 0], [1, 1]])
    tensordot("error tensordot repeated after normalization", C(f8, 2, 3), C(f8, 3, 2),
              [[0, -2], [1, -1]])


def main():
    build()
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "linalg_cases.json.gz")
    payload = {"numpy": np.__version__, "cases": CASES}
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(json.dumps(payload, separators=(",", ":")).encode())
    errors = sum(1 for c in CASES if "error" in c)
    print(f"{len(CASES)} cases ({errors} errors) -> {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
