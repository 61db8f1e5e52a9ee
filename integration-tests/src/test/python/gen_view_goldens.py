#!/usr/bin/env python3
"""Golden files for Tessera's views and copies (indexing, axes, reshape, ravel/flatten, broadcasting,
stride tricks, dtype views, copies, require, astype, fancy indexing, masks, take), computed by NumPy,
the oracle.

Regenerate from the repository root with:

    python3 integration-tests/src/test/python/gen_view_goldens.py

Written with NumPy 2.4.6 (the script refuses another major.minor unless --any-numpy is given). It is
deterministic (no randomness; every value is np.arange) and writes one JSON file per category into
chunked-array/src/test/resources/golden/views/, plus manifest.json (file names and case counts);
ViewGoldenTest reads them all and fails if any is missing.

A case is one expression applied to one input:

  input   {shape, dtype, order, pre, bits, strides}: the base array is
          np.arange(prod(shape)).astype(dtype) laid out in `order` ('C' or 'F'); `bits` are its raw
          element bits in C order. `pre` is a list of ops (same vocabulary as below) applied first
          to make the operand non-contiguous, reversed, ...; `strides` are the operand's strides.
  ops     the expression, as a list of ops applied one after the other to the operand.
  expect  shape, strides (bytes), dtype, flags {c_contiguous, f_contiguous, aligned, writeable,
          owndata}, bits (raw element bits of the result in C order: unsigned for 1-, 2- and 4-byte
          types, signed 64-bit for 8-byte types), shares_memory (np.shares_memory(result, operand)),
          base_is_none (result.base is None), is_operand (NumPy returned the operand itself).
  error   instead of expect when NumPy raises: {type, message}.

The op vocabulary (key "op"):

  index {expr}                    x[expr], a basic-index string ("" is x[()])
  T                               x.T
  transpose {axes|null}           x.transpose(*axes) / x.transpose()
  swapaxes {a, b}                 x.swapaxes(a, b)
  moveaxis {src, dst}             np.moveaxis(x, src, dst) (lists)
  squeeze {axes|null}             x.squeeze(axis=tuple(axes)) / x.squeeze()
  expand_dims {axes}              np.expand_dims(x, tuple(axes))
  reshape {shape, order, copy}    x.reshape(shape, order=order, copy=...) with copy one of
                                  IF_NEEDED (None), ALWAYS (True), NEVER (False)
  ravel {order} / flatten {order} x.ravel(order) / x.flatten(order)
  broadcast_to {shape}            np.broadcast_to(x, shape)
  as_strided {shape, strides}     np.lib.stride_tricks.as_strided(x, shape, strides) (bytes)
  sliding_window_view {window, axes|null}
  view {dtype|null}               x.view(dtype) / x.view()
  copy {order}                    x.copy(order)
  ascontiguousarray, asfortranarray
  require {req}                   np.require(x, requirements=req), letters C F A W O
  astype {dtype, casting, copy}   x.astype(dtype, casting=casting, copy=copy)
  fancy {index}                   x[tuple(items)], items: {t: int, v} | {t: slice, start, stop, step}
                                  | {t: none} | {t: ellipsis} | {t: iarr, dtype, shape, values}
                                  | {t: barr, shape, values}
  mask {shape, values}            x[boolean array]
  take {dtype, shape, values, axis}  np.take(x, indices, axis=axis)
"""

import json
import os
import sys

import numpy as np
from numpy.lib.stride_tricks import as_strided, sliding_window_view

OUT = os.path.join("chunked-array", "src", "test", "resources", "golden", "views")
NUMPY_VERSION = "2.4"

DTYPES = ["int64", "int32", "float64", "uint8", "float16", "bool", "int16"]


# --------------------------------------------------------------------------------- op helpers

def idx(expr):
    return {"op": "index", "expr": expr}


def T():
    return {"op": "T"}


def transpose(*axes):
    return {"op": "transpose", "axes": list(axes) if axes else None}


def swapaxes(a, b):
    return {"op": "swapaxes", "a": a, "b": b}


def moveaxis(src, dst):
    src = [src] if isinstance(src, int) else list(src)
    dst = [dst] if isinstance(dst, int) else list(dst)
    return {"op": "moveaxis", "src": src, "dst": dst}


def squeeze(*axes):
    return {"op": "squeeze", "axes": list(axes) if axes else None}


def expand_dims(*axes):
    return {"op": "expand_dims", "axes": list(axes)}


def reshape(*shape, order="C", copy="IF_NEEDED"):
    return {"op": "reshape", "shape": list(shape), "order": order, "copy": copy}


def ravel(order="C"):
    return {"op": "ravel", "order": order}


def flatten(order="C"):
    return {"op": "flatten", "order": order}


def broadcast_to(*shape):
    return {"op": "broadcast_to", "shape": list(shape)}


def as_strided_items(shape, strides_items):
    """Strides given in items; turned into bytes per dtype by materialize()."""
    return {"op": "as_strided", "shape": list(shape), "strides_items": list(strides_items)}


def as_strided_bytes(shape, strides):
    """Strides given in bytes, whatever the dtype (to make unaligned views)."""
    return {"op": "as_strided", "shape": list(shape), "strides": list(strides)}


def swv(window, axes=None):
    window = [window] if isinstance(window, int) else list(window)
    if axes is not None:
        axes = [axes] if isinstance(axes, int) else list(axes)
    return {"op": "sliding_window_view", "window": window, "axes": axes}


def view(dtype=None):
    return {"op": "view", "dtype": dtype}


def copy(order="C"):
    return {"op": "copy", "order": order}


def ascontiguousarray():
    return {"op": "ascontiguousarray"}


def asfortranarray():
    return {"op": "asfortranarray"}


def require(*req):
    return {"op": "require", "req": list(req)}


def astype(dtype, casting="unsafe", copy=True):
    return {"op": "astype", "dtype": dtype, "casting": casting, "copy": copy}


def fancy(*items):
    return {"op": "fancy", "index": list(items)}


def I(v):  # noqa: E743 - an integer index item
    return {"t": "int", "v": v}


def S(start=None, stop=None, step=None):
    return {"t": "slice", "start": start, "stop": stop, "step": step}


NONE = {"t": "none"}
ELL = {"t": "ellipsis"}


def IA(values, dtype="int64"):
    arr = np.array(values, dtype=dtype)
    return {"t": "iarr", "dtype": dtype, "shape": list(arr.shape),
            "values": [int(v) for v in arr.ravel()]}


def BA(values):
    arr = np.array(values, dtype=bool)
    return {"t": "barr", "shape": list(arr.shape), "values": [bool(v) for v in arr.ravel()]}


def mask_mod(m, r=0):
    """A full-shape mask: True where arange(size).reshape(shape) % m == r (shape filled in later)."""
    return {"op": "mask", "mod": m, "rem": r}


def take(values, axis, dtype="int64"):
    arr = np.array(values, dtype=dtype)
    return {"op": "take", "dtype": dtype, "shape": list(arr.shape),
            "values": [int(v) for v in arr.ravel()], "axis": axis}


# --------------------------------------------------------------------------------- evaluation

def index_item(it):
    t = it["t"]
    if t == "int":
        return it["v"]
    if t == "slice":
        return slice(it["start"], it["stop"], it["step"])
    if t == "none":
        return None
    if t == "ellipsis":
        return Ellipsis
    if t == "iarr":
        return np.array(it["values"], dtype=it["dtype"]).reshape(it["shape"])
    if t == "barr":
        return np.array(it["values"], dtype=bool).reshape(it["shape"])
    raise ValueError(t)


def apply(x, op):
    k = op["op"]
    if k == "index":
        e = op["expr"]
        return eval("x[()]" if e.strip() == "" else "x[" + e + "]", {"x": x, "np": np})
    if k == "T":
        return x.T
    if k == "transpose":
        return x.transpose() if op["axes"] is None else x.transpose(op["axes"])
    if k == "swapaxes":
        return x.swapaxes(op["a"], op["b"])
    if k == "moveaxis":
        return np.moveaxis(x, op["src"], op["dst"])
    if k == "squeeze":
        return x.squeeze() if op["axes"] is None else x.squeeze(axis=tuple(op["axes"]))
    if k == "expand_dims":
        return np.expand_dims(x, tuple(op["axes"]))
    if k == "reshape":
        c = {"IF_NEEDED": None, "ALWAYS": True, "NEVER": False}[op["copy"]]
        return x.reshape(tuple(op["shape"]), order=op["order"], copy=c)
    if k == "ravel":
        return x.ravel(op["order"])
    if k == "flatten":
        return x.flatten(op["order"])
    if k == "broadcast_to":
        return np.broadcast_to(x, tuple(op["shape"]))
    if k == "as_strided":
        return as_strided(x, tuple(op["shape"]), tuple(op["strides"]))
    if k == "sliding_window_view":
        return sliding_window_view(x, tuple(op["window"]),
                                   axis=None if op["axes"] is None else tuple(op["axes"]))
    if k == "view":
        return x.view() if op["dtype"] is None else x.view(op["dtype"])
    if k == "copy":
        return x.copy(op["order"])
    if k == "ascontiguousarray":
        return np.ascontiguousarray(x)
    if k == "asfortranarray":
        return np.asfortranarray(x)
    if k == "require":
        return np.require(x, requirements=op["req"])
    if k == "astype":
        return x.astype(op["dtype"], casting=op["casting"], copy=op["copy"])
    if k == "fancy":
        return x[tuple(index_item(it) for it in op["index"])]
    if k == "mask":
        return x[np.array(op["values"], dtype=bool).reshape(op["shape"])]
    if k == "take":
        ind = np.array(op["values"], dtype=op["dtype"]).reshape(op["shape"])
        return np.take(x, ind, axis=op["axis"])
    raise ValueError(k)


def text(t, op):
    """Python text of op applied to expression text t."""
    k = op["op"]
    if k == "index":
        return t + "[" + (op["expr"] if op["expr"].strip() else "()") + "]"
    if k == "T":
        return t + ".T"
    if k == "transpose":
        return t + ".transpose(" + ", ".join(map(str, op["axes"] or [])) + ")"
    if k == "swapaxes":
        return "%s.swapaxes(%d, %d)" % (t, op["a"], op["b"])
    if k == "moveaxis":
        return "np.moveaxis(%s, %s, %s)" % (t, tup(op["src"]), tup(op["dst"]))
    if k == "squeeze":
        return t + ".squeeze(" + ("" if op["axes"] is None else "axis=" + tup(op["axes"])) + ")"
    if k == "expand_dims":
        return "np.expand_dims(%s, %s)" % (t, tup(op["axes"]))
    if k == "reshape":
        s = t + ".reshape(" + tup(op["shape"])
        if op["order"] != "C":
            s += ", order='%s'" % op["order"]
        if op["copy"] != "IF_NEEDED":
            s += ", copy=%s" % ("True" if op["copy"] == "ALWAYS" else "False")
        return s + ")"
    if k in ("ravel", "flatten", "copy"):
        return "%s.%s('%s')" % (t, k, op["order"])
    if k == "broadcast_to":
        return "np.broadcast_to(%s, %s)" % (t, tup(op["shape"]))
    if k == "as_strided":
        return "as_strided(%s, %s, %s)" % (t, tup(op["shape"]), tup(op["strides"]))
    if k == "sliding_window_view":
        s = "sliding_window_view(%s, %s" % (t, tup(op["window"]))
        if op["axes"] is not None:
            s += ", axis=" + tup(op["axes"])
        return s + ")"
    if k == "view":
        return t + ".view(" + ("" if op["dtype"] is None else "'%s'" % op["dtype"]) + ")"
    if k in ("ascontiguousarray", "asfortranarray"):
        return "np.%s(%s)" % (k, t)
    if k == "require":
        return "np.require(%s, %s)" % (t, "".join(op["req"]))
    if k == "astype":
        s = "%s.astype('%s'" % (t, op["dtype"])
        if op["casting"] != "unsafe":
            s += ", casting='%s'" % op["casting"]
        if not op["copy"]:
            s += ", copy=False"
        return s + ")"
    if k == "fancy":
        return t + "[" + ", ".join(item_text(it) for it in op["index"]) + "]"
    if k == "mask":
        return t + "[(a %% %d == %d)]" % (op["mod"], op["rem"])
    if k == "take":
        return "np.take(%s, %s, axis=%d)" % (t, arr_text(op["values"], op["shape"]), op["axis"])
    raise ValueError(k)


def tup(v):
    return "(" + ", ".join(map(str, v)) + ("," if len(v) == 1 else "") + ")"


def arr_text(values, shape):
    return str(np.array(values, dtype=np.int64).reshape(shape).tolist())


def item_text(it):
    t = it["t"]
    if t == "int":
        return str(it["v"])
    if t == "slice":
        s = ("" if it["start"] is None else str(it["start"])) + ":" \
            + ("" if it["stop"] is None else str(it["stop"]))
        if it["step"] is not None:
            s += ":" + str(it["step"])
        return s
    if t == "none":
        return "None"
    if t == "ellipsis":
        return "..."
    if t == "iarr":
        s = arr_text(it["values"], it["shape"])
        return s if it["dtype"] == "int64" else "np.array(%s, %s)" % (s, it["dtype"])
    if t == "barr":
        return str(np.array(it["values"], dtype=bool).reshape(it["shape"]).tolist())
    raise ValueError(t)


def raw_bits(a):
    """Raw element bits in C order: unsigned for itemsize < 8, signed for 8-byte types."""
    c = np.array(a, order="C", copy=True).reshape(-1)
    n = a.dtype.itemsize
    u = c.view({1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.int64}[n])
    return [int(v) for v in u]


def flags_of(r):
    f = r.flags
    return {"c_contiguous": bool(f.c_contiguous), "f_contiguous": bool(f.f_contiguous),
            "aligned": bool(f.aligned), "writeable": bool(f.writeable),
            "owndata": bool(f.owndata)}


# --------------------------------------------------------------------------------- inputs

def make_input(kind, shape, dtype):
    """(base shape, order, pre ops) making an operand of `shape` of the given kind."""
    shape = list(shape)
    if kind == "C":
        return shape, "C", []
    if kind == "F":
        return shape, "F", []
    if kind == "strided":  # every other element along the last axis
        return shape[:-1] + [2 * shape[-1]], "C", [idx("..., ::2")]
    if kind == "reversed":  # negative strides on the first and last axis
        return shape, "C", [idx("::-1" if len(shape) == 1 else "::-1, ..., ::-1")]
    if kind == "Fstrided":  # F order, every other element along the first axis
        return [2 * shape[0]] + shape[1:], "F", [idx("::2")]
    if kind == "transposed":  # C array seen through .T (F-contiguous view)
        return shape[::-1], "C", [T()]
    raise ValueError(kind)


def materialize(op, operand):
    """Fills in the parts of an op that depend on the operand's dtype or shape."""
    op = dict(op)
    if op["op"] == "as_strided" and "strides_items" in op:
        op["strides"] = [s * operand.dtype.itemsize for s in op.pop("strides_items")]
    if op["op"] == "mask":
        m = np.arange(operand.size).reshape(operand.shape) % op["mod"] == op["rem"]
        op["shape"] = list(operand.shape)
        op["values"] = [bool(v) for v in m.ravel()]
    return op


def run_case(ops, shape, dtype, kind):
    bshape, order, pre = make_input(kind, shape, dtype)
    size = int(np.prod(bshape, dtype=np.int64))
    base = np.array(np.arange(size).astype(dtype).reshape(bshape), order=order)
    assert base.flags.owndata
    x = base
    for p in pre:
        x = apply(x, p)
    assert list(x.shape) == list(shape), (kind, shape, x.shape)
    t = "a"
    done = []
    r = x
    err = None
    for op in ops:
        op = materialize(op, r)
        done.append(op)
        t = text(t, op)
        try:
            r = apply(r, op)
        except Exception as e:  # NumPy refuses: the Java side must refuse too
            err = {"type": type(e).__name__, "message": str(e)}
            done.extend(ops[len(done):])
            break
    case = {
        "name": "%s  [%s %s %s]" % (t, dtype, kind, tup(shape)),
        "expr": t,
        "input": {"shape": bshape, "dtype": dtype, "order": order, "kind": kind, "pre": pre,
                  "bits": raw_bits(base), "strides": list(x.strides)},
        "ops": done,
    }
    if err is not None:
        case["error"] = err
        return case
    assert isinstance(r, np.ndarray), (t, type(r))
    case["expect"] = {
        "shape": list(r.shape),
        "strides": list(r.strides),
        "dtype": r.dtype.name,
        "flags": flags_of(r),
        "bits": raw_bits(r),
        "shares_memory": bool(np.shares_memory(r, x)),
        "base_is_none": r.base is None,
        "is_operand": r is x,
    }
    return case


# --------------------------------------------------------------------------------- the cases

CK = ("C", "F")
ALLK = ("C", "F", "strided", "reversed")


def E(ops, shape, dtypes=None, kinds=CK):
    if isinstance(ops, dict):
        ops = [ops]
    return {"ops": ops, "shape": shape, "dtypes": dtypes, "kinds": kinds}


CATEGORIES = {
    "indexing": [
        E(idx("1:3"), (4, 5), kinds=ALLK),
        E(idx("::-1"), (4, 5), kinds=ALLK),
        E(idx("1:4, ::-1, None, ..."), (5, 6, 3), kinds=ALLK),
        E(idx("::2, 1::2"), (4, 5), kinds=ALLK),
        E(idx("-1"), (4, 5)),
        E(idx("1, -2, ..."), (4, 5)),
        E(idx("..., 1"), (2, 3, 4), kinds=ALLK),
        E(idx("None, :, None"), (4, 5)),
        E(idx("2:2"), (4, 5)),
        E(idx("3:1"), (4, 5)),
        E(idx(":, 3:1:-1"), (4, 5), kinds=ALLK),
        E(idx("::-2, ::3"), (5, 6), kinds=ALLK),
        E(idx("-3:-1, 1"), (4, 5)),
        E(idx("10:20"), (4, 5)),
        E(idx("-100:2, -100:100"), (4, 5)),
        E(idx("..."), (3, 4), kinds=ALLK),
        E(idx("1:, None, ..., ::-1"), (2, 3, 4), kinds=ALLK),
        E(idx("0:0, ..."), (2, 3, 4)),
        E(idx("::-1, ::-1, ::-1"), (2, 3, 4)),
        E(idx("1, ..., None"), (2, 3, 4)),
        E(idx("5:0:-2"), (6, 4), kinds=ALLK),
        E(idx(":, 1:2"), (3, 4), kinds=ALLK),
        E(idx(""), (3, 4)),
        E(idx("::-1"), (0, 3)),
        E(idx("None"), ()),
        E(idx("..., None, 0"), (3, 2)),
        E([idx("1:"), idx("::-1, 1")], (4, 5), kinds=ALLK),
    ],
    "axes": [
        E(T(), (3, 4), kinds=ALLK),
        E(T(), (2, 3, 4)),
        E(transpose(1, 0, 2), (2, 3, 4), kinds=ALLK),
        E(transpose(2, 0, 1), (2, 3, 4)),
        E(transpose(-1, 0, 1), (2, 3, 4)),
        E(transpose(), (2, 1, 3)),
        E(swapaxes(0, 2), (2, 3, 4), kinds=ALLK),
        E(swapaxes(-1, 0), (3, 4)),
        E(moveaxis(0, -1), (2, 3, 4)),
        E(moveaxis([0, 1], [-1, -2]), (2, 3, 4), kinds=ALLK),
        E(squeeze(), (1, 3, 1, 2)),
        E(squeeze(2), (1, 3, 1, 2)),
        E(squeeze(0, 2), (1, 3, 1, 2)),
        E(squeeze(), (1, 1)),
        E(expand_dims(0), (3, 4), kinds=ALLK),
        E(expand_dims(-1), (3, 4)),
        E(expand_dims(0, 3), (3, 4)),
        E(expand_dims(0), ()),
        E(T(), (0, 3)),
        E(transpose(2, 0, 1), (2, 0, 3)),
        E(T(), ()),
    ],
    "reshape": [
        E(reshape(6, 4), (4, 6), kinds=ALLK),
        E(reshape(-1), (3, 4), kinds=ALLK),
        E(reshape(2, -1, 3), (3, 4), kinds=ALLK),
        E(reshape(6, 4, order="F"), (4, 6), kinds=ALLK),
        E(reshape(4, 6, order="A"), (2, 3, 4), kinds=ALLK),
        E(reshape(3, 2, 4, copy="ALWAYS"), (2, 3, 4)),
        E(reshape(3, 2, 4, copy="NEVER"), (2, 3, 4)),
        E(reshape(1, 12, 1), (3, 4), kinds=ALLK),
        E(reshape(12), (3, 4), kinds=("strided", "reversed", "Fstrided")),
        E(reshape(3, 0), (0, 3)),
        E(reshape(5, 0, 2), (2, 0)),
        E(reshape(), (1, 1)),
        E(reshape(1, 1, 1), ()),
        E(reshape(2, 2, 3), (2, 6), kinds=("strided", "C", "F")),
        E(reshape(3, 2, 2), (3, 4), kinds=("strided",)),
        E(reshape(-1, 1), (4,), kinds=("C", "reversed", "strided")),
        E(reshape(2, 3, order="F"), (6,), kinds=("C", "strided")),
        E([T(), reshape(-1)], (3, 4)),
    ],
    "ravel_flatten": [
        E(ravel("C"), (3, 4), kinds=ALLK),
        E(ravel("F"), (3, 4), kinds=ALLK),
        E(ravel("A"), (2, 3, 4), kinds=ALLK),
        E(ravel("K"), (2, 3, 4), kinds=ALLK + ("transposed", "Fstrided")),
        E(ravel("K"), (3, 1, 2), kinds=ALLK),
        E(ravel("C"), ()),
        E(ravel("K"), (0, 3)),
        E(flatten("C"), (3, 4), kinds=ALLK),
        E(flatten("F"), (3, 4), kinds=ALLK),
        E(flatten("A"), (2, 3, 4), kinds=ALLK),
        E(flatten("K"), (2, 3, 4), kinds=ALLK + ("transposed", "Fstrided")),
        E(flatten("C"), ()),
        E([idx("::2"), T(), ravel("K")], (4, 3)),
        E([swapaxes(0, 1), flatten("K")], (2, 3, 4)),
    ],
    "broadcast": [
        E(broadcast_to(3, 4), (4,), kinds=("C", "reversed", "strided")),
        E(broadcast_to(3, 4), (1, 4)),
        E(broadcast_to(2, 3, 4), (3, 1)),
        E(broadcast_to(3, 4), (3, 4), kinds=ALLK),
        E(broadcast_to(0, 4), (1, 4)),
        E(broadcast_to(2, 3), ()),
        E(broadcast_to(1, 3), (1, 3)),
        E(broadcast_to(2, 1, 3), (1, 3)),
        E([expand_dims(1), broadcast_to(3, 2, 4)], (3, 4)),
    ],
    "stride_tricks": [
        E(as_strided_items((3, 3), (1, 1)), (9,)),
        E(as_strided_items((2, 2), (0, 1)), (3, 4)),
        E(as_strided_items((3, 4), (4, 1)), (3, 4)),
        E(as_strided_items((4, 3), (1, 4)), (3, 4)),
        E(as_strided_items((2, 3), (6, 2)), (3, 4)),
        E(as_strided_items((5,), (0,)), (2, 2)),
        E(as_strided_items((0, 3), (1, 1)), (3, 4)),
        E(as_strided_bytes((3,), (3,)), (6,), dtypes=["int16"]),
        E(as_strided_bytes((2, 2), (5, 1)), (4, 4), dtypes=["uint8", "float64"]),
        E(swv(3), (6,), kinds=("C", "reversed", "strided")),
        E(swv((2, 2)), (4, 5), kinds=ALLK),
        E(swv(2, axes=0), (4, 5), kinds=ALLK),
        E(swv(3, axes=-1), (2, 3, 4)),
        E(swv((2, 3), axes=(1, 0)), (4, 5)),
        E(swv((2, 2), axes=(1, 1)), (3, 5)),
        E(swv(4), (4,)),
    ],
    "dtype_view": [
        E(view("uint8"), (3, 4), dtypes=["int32", "float16", "int64"], kinds=("C", "F")),
        E(view("int16"), (3, 4), dtypes=["float64", "uint8"], kinds=("C", "F")),
        E(view("int64"), (2, 8), dtypes=["int16"], kinds=("C", "F")),
        E(view("int64"), (3, 4), dtypes=["float64"], kinds=ALLK),
        E(view("bool"), (3, 4), dtypes=["uint8"], kinds=ALLK),
        E(view("float16"), (3, 4), dtypes=["int16"], kinds=ALLK),
        E(view("int32"), (2, 4), dtypes=["float16", "int64"], kinds=("C", "F", "reversed")),
        E(view("uint8"), (4,), dtypes=["int32"], kinds=("C", "reversed")),
        E(view("int16"), (), dtypes=["int64"]),
        E(view("int64"), (), dtypes=["float64"]),
        E(view(), (3, 4), kinds=ALLK),
        E([idx(":, 1:7"), view("int16")], (2, 8), dtypes=["uint8"]),
        E([idx(":, 1:5"), view("int16")], (2, 8), dtypes=["uint8"]),
        E(view("int32"), (0, 4), dtypes=["int16"]),
        E([view("uint8"), idx(":, 1:13"), view("int32")], (3, 4), dtypes=["int32"], kinds=("C",)),
        E([view("uint8"), idx("1:, 2:10"), view("float64")], (3, 4), dtypes=["int32"],
          kinds=("C",)),
    ],
    "copy": [
        E(copy("C"), (2, 3, 4), kinds=ALLK),
        E(copy("F"), (2, 3, 4), kinds=ALLK),
        E(copy("A"), (2, 3, 4), kinds=ALLK + ("transposed",)),
        E(copy("K"), (2, 3, 4), kinds=ALLK + ("transposed", "Fstrided")),
        E(copy("K"), (3, 1, 4), kinds=ALLK),
        E(copy("K"), (0, 3)),
        E(copy("C"), ()),
        E([swapaxes(0, 1), copy("K")], (2, 3, 4)),
        E(ascontiguousarray(), (3, 4), kinds=ALLK),
        E(ascontiguousarray(), ()),
        E(asfortranarray(), (3, 4), kinds=ALLK),
        E(asfortranarray(), (1, 4)),
        E(require("C"), (3, 4), kinds=ALLK),
        E(require("F"), (3, 4), kinds=ALLK),
        E(require("A", "W"), (3, 4), kinds=ALLK),
        E(require("C", "A", "W"), (3, 4), kinds=("C", "F")),
        E(require("O"), (3, 4), kinds=("C", "F", "strided")),
        E(require("F", "O"), (3, 4), kinds=("C", "F")),
        E([broadcast_to(2, 3, 4), require("W")], (3, 4), kinds=("C",)),
    ],
    "astype": [
        E(astype("float64"), (3, 4), dtypes=["int16", "float16"], kinds=ALLK),
        E(astype("int32"), (2, 3, 4), dtypes=["float64"], kinds=ALLK + ("transposed",)),
        E(astype("bool"), (3, 4), dtypes=["int64", "float16"], kinds=ALLK),
        E(astype("float16"), (3, 4), dtypes=["int32"], kinds=ALLK),
        E(astype("uint8"), (3, 4), dtypes=["int16", "float64"], kinds=ALLK),
        E(astype("int64", copy=False), (3, 4), dtypes=["int64"], kinds=ALLK),
        E(astype("int64", copy=False), (3, 4), dtypes=["int32"], kinds=("C", "F")),
        E(astype("float32", copy=True), (3, 4), dtypes=["float32"], kinds=("C", "F", "reversed")),
        E(astype("int64", casting="safe"), (3, 4), dtypes=["int16"], kinds=("C", "F")),
        E(astype("int32", casting="same_kind"), (3, 4), dtypes=["int64"], kinds=("C", "F")),
        E(astype("int32", casting="safe"), (3, 4), dtypes=["float64"], kinds=("C", "F")),
        E(astype("int16"), (3, 1, 4), dtypes=["uint8"], kinds=ALLK),
        E(astype("float64"), (), dtypes=["int32"]),
    ],
    "fancy": [
        E(fancy(IA([0, 2])), (4, 5), kinds=ALLK),
        E(fancy(IA([-1, 0, -2])), (4, 5), kinds=ALLK),
        E(fancy(S(), IA([1, 3])), (4, 5), kinds=ALLK),
        E(fancy(I(0), S(), IA([1, 2])), (2, 3, 4), kinds=ALLK),
        E(fancy(IA([0, 1]), S(), IA([1, 2])), (2, 3, 4), kinds=ALLK),
        E(fancy(IA([[0], [1]]), IA([1, 2])), (3, 4), kinds=ALLK),
        E(fancy(IA([0, 2]), IA([1, 3])), (3, 4)),
        E(fancy(ELL, IA([1, 2])), (2, 3, 4), kinds=ALLK),
        E(fancy(NONE, IA([0, 1])), (3, 4)),
        E(fancy(S(1, None), IA([0, -1])), (3, 4), kinds=ALLK),
        E(fancy(IA([], dtype="int64")), (4, 5)),
        E(fancy(IA([2, 0], dtype="int32")), (4, 5)),
        E(fancy(IA([1, 1, 1])), (4, 5)),
        E(fancy(S(), IA([[0, 1], [2, 3]])), (3, 4), kinds=ALLK),
        E(fancy(S(), S(), IA([[1], [2]])), (2, 3, 4)),
        E(fancy(IA([1, 0]), I(2)), (3, 4)),
        E(fancy(S(None, None, -1), IA([0, 2])), (3, 4), kinds=ALLK),
        E(fancy(IA([0, 1]), S(), S(), IA([1, 0])), (2, 3, 2, 2)),
        E(fancy(IA([1])), (3,), kinds=("C", "reversed")),
        E(fancy(IA([5])), (3,)),
    ],
    "masks": [
        E(mask_mod(2), (3, 4), kinds=ALLK),
        E(mask_mod(3, 1), (2, 3, 4), kinds=ALLK),
        E(mask_mod(100, 99), (3, 4)),
        E(fancy(BA([True, False, True, False])), (4, 5), kinds=ALLK),
        E(fancy(S(), BA([True, False, True, False, True])), (4, 5), kinds=ALLK),
        E(fancy(BA([[True, False, True], [False, True, True]])), (2, 3, 4), kinds=ALLK),
        E(fancy(ELL, BA([True, False, True, True])), (2, 3, 4)),
        E(fancy(BA([True, False]), S(), IA([1, 2])), (2, 3, 4)),
        E(fancy(BA([False, False, False])), (3, 2)),
        E(mask_mod(1), (0, 3)),
    ],
    "take": [
        E(take([1, 0], 1), (2, 3, 4), kinds=ALLK),
        E(take([[1, 0]], 2), (2, 3, 4), kinds=ALLK),
        E(take([-1], 0), (3, 4), kinds=ALLK),
        E(take([], 0), (3, 4)),
        E(take([2, 2, 0], -1), (3, 4), dtypes=["float16", "bool"]),
        E(take([0, 1], 0, dtype="int32"), (2, 2)),
    ],
}


def main():
    if not np.__version__.startswith(NUMPY_VERSION + ".") and "--any-numpy" not in sys.argv:
        sys.exit("written with NumPy %s.x, found %s (pass --any-numpy to override)"
                 % (NUMPY_VERSION, np.__version__))
    os.makedirs(OUT, exist_ok=True)
    manifest = {"numpy": np.__version__, "files": {}}
    rot = 0
    expressions = 0
    for cat, entries in CATEGORIES.items():
        cases = []
        for e in entries:
            expressions += 1
            dtypes = e["dtypes"]
            if dtypes is None:
                dtypes = [DTYPES[rot % len(DTYPES)]]
                rot += 1
            for dt in dtypes:
                for kind in e["kinds"]:
                    if kind not in ("C", "F") and len(e["shape"]) == 0:
                        continue
                    cases.append(run_case(e["ops"], e["shape"], dt, kind))
        names = [c["name"] for c in cases]
        assert len(set(names)) == len(names), "duplicate case names in " + cat
        name = cat + ".json"
        with open(os.path.join(OUT, name), "w") as f:
            # one case per line, so that a regeneration diffs case by case
            f.write('{"numpy":%s,"category":%s,"cases":[\n' % (json.dumps(np.__version__),
                                                               json.dumps(cat)))
            f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
            f.write("\n]}\n")
        manifest["files"][name] = len(cases)
    manifest["expressions"] = expressions
    manifest["cases"] = sum(manifest["files"].values())
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print("%d expressions, %d cases, %d NumPy errors" % (
        expressions, manifest["cases"],
        sum(1 for cat in manifest["files"] for c in json.load(open(os.path.join(OUT, cat)))["cases"]
            if "error" in c)))


if __name__ == "__main__":
    main()
