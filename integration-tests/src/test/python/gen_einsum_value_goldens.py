#!/usr/bin/env python3
"""Einsum value goldens: np.einsum results (dtype, shape, raw bits) for optimize=False, 'greedy'
and 'optimal', over one- to five-operand subscripts with ellipsis, repeated labels, traces,
diagonals, sums, outer products, batch contractions, broadcasting, every dtype family, mixed
dtypes, dtype=/out= options and C/F-order, transposed, strided, reversed and broadcast operands;
plus einsum calls NumPy rejects, with its error type and message.

Operands are deterministic arange/linspace-based data (see data()), cast to the dtype, which the
Java test regenerates (for small operands the golden also carries the base array's raw
little-endian bytes, checked against the regenerated ones); each operand is a C-order base array
and the view steps that make the operand from it, which the Java test replays through Tessera's
own view methods:
    "F"        np.asfortranarray(x)                 (x.asfortranarray())
    "T"        x.T                                  (x.T())
    "P:1,0,2"  x.transpose(1, 0, 2)                 (x.transpose(1, 0, 2))
    "S:<idx>"  x[<idx>]                             (x.get("<idx>"))
    "B:2,3,4"  np.broadcast_to(x, (2, 3, 4))        (x.broadcastTo(2, 3, 4))

Per optimize mode the case records NumPy's result (dtype, shape, bytes; "same_as" another mode when
the bytes agree), whether it shares memory with an operand (NumPy returns views for one-operand
einsums that sum nothing), and the contraction path einsum_path chose. Float results also carry
`bound` = np.einsum over |operands| in float64 (rounded up to float32) and `k` = the number of
terms summed into each element (the product of the summed labels' sizes), so the test can hold
each element to |tessera - numpy| <= (k + nop + 1) * eps * bound: NumPy's and Tessera's results
both lie within (k + nop) * eps/2 * bound of the exact one whatever the summation order.

Regenerate from the repository root with NumPy 2.4.6:
    python3 integration-tests/src/test/python/gen_einsum_value_goldens.py
Writes chunked-array/src/test/resources/golden/einsum_values/einsum_values.json.gz
"""
import gzip
import json
import math
import os

import numpy as np

assert np.__version__.startswith("2.4"), np.__version__

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..",
                   "chunked-array", "src", "test", "resources", "golden", "einsum_values")
MODES = ["False", "greedy", "optimal"]


def data(dtype, shape):
    """Deterministic values: floats a linspace over [-1, 1] plus a small arange pattern; integers
    an arange pattern, with every third element from a multiplicative hash of the index over the
    whole 64-bit range (so that 32- and 64-bit products and sums wrap around), cast with
    wrap-around; bool an arange pattern."""
    dt = np.dtype(dtype)
    n = math.prod(shape)
    i = np.arange(n, dtype=np.int64)
    if dt.kind == "f":
        v = np.linspace(-1.0, 1.0, n) + ((i * 7) % 5 - 2) * 0.0625
        return v.astype(dt).reshape(shape)
    if dt.kind == "b":
        return ((i % 3 == 0) | (i % 5 == 1)).reshape(shape)
    small = (i * 37 + 11) % 101 - 50
    if dt.itemsize >= 4:
        big = (i.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)).view(np.int64)
        v = np.where(i % 3 == 1, big, small)
    else:
        v = (i * 37 + 11) % 251 - 125
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


class Op:
    """An operand: dtype, base shape, view steps."""

    def __init__(self, dtype, base, steps=()):
        self.dtype = dtype
        self.base_shape = tuple(base)
        self.steps = list(steps)
        self.base = data(dtype, self.base_shape)
        self.arr = apply_steps(self.base, self.steps)

    def spec(self):
        d = {"dtype": self.dtype, "base": list(self.base_shape), "steps": self.steps,
             "shape": list(self.arr.shape)}
        if self.base.size <= 64:
            # small bases carry their bytes too, which checks the test's copy of data()
            d["data"] = raw(self.base)
        return d


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


def make_out(spec):
    shape = tuple(spec["shape"])
    o = np.zeros(shape, dtype=spec["dtype"], order=spec.get("order", "C"))
    return o


def run(subs, arrs, mode, options):
    kw = {}
    if "dtype" in options:
        kw["dtype"] = options["dtype"]
    if "casting" in options:
        kw["casting"] = options["casting"]
    opt = False if mode == "False" else mode
    if "memory_limit" in options and mode != "False":
        opt = (mode, options["memory_limit"])
    if "out" in options:
        o = make_out(options["out"])
        r = np.einsum(subs, *arrs, out=o, optimize=opt, **kw)
        assert r is o
        return np.asarray(r)
    return np.asarray(np.einsum(subs, *arrs, optimize=opt, **kw))


def summed_terms(subs, arrs):
    """The number of terms summed into each output element: product of summed labels' sizes."""
    _, contraction = np.einsum_path(subs, *arrs, optimize=False, einsum_call=True)
    # one step: (positions popped, 'in,in->out' with ellipsis expanded, remaining)
    inds, full, _ = contraction[0]
    ins, out = full.split("->")
    rest = list(arrs)
    popped = [rest.pop(x) for x in inds]
    sizes = {}
    for term, a in zip(ins.split(","), popped):
        for c, d in zip(term, a.shape):
            sizes[c] = max(sizes.get(c, 1), d) if d != 0 and sizes.get(c, 1) != 0 else 0
    k = 1
    for c, d in sizes.items():
        if c not in out:
            k *= d
    return k


CASES = []


def case(name, subs, *ops, options=None, modes=MODES):
    options = options or {}
    arrs = [o.arr for o in ops]
    c = {"name": name, "subscripts": subs, "operands": [o.spec() for o in ops],
         "options": options, "modes": {}}
    first = {}
    for mode in modes:
        with np.errstate(all="ignore"):
            res = run(subs, arrs, mode, options)
        r = {"dtype": res.dtype.name, "shape": list(res.shape)}
        bits = raw(res)
        same = next((m for m, b in first.items() if b == bits), None)
        if same is not None:
            r["same_as"] = same
        else:
            r["data"] = bits
            first[mode] = bits
        r["view"] = bool(any(np.shares_memory(res, a) for a in arrs)) and "out" not in options
        if mode != "False":
            opt = mode if "memory_limit" not in options else (mode, options["memory_limit"])
            path = np.einsum_path(subs, *arrs, optimize=opt)[0][1:]
            r["path"] = [list(p) for p in path]
        if res.dtype.kind == "f":
            with np.errstate(all="ignore"):
                b = np.einsum(subs, *[np.abs(a.astype(np.float64)) for a in arrs])
            b64 = np.broadcast_to(np.asarray(b, np.float64), res.shape)
            b32 = b64.astype(np.float32)
            b32 = np.where(b32.astype(np.float64) < b64, np.nextafter(b32, np.float32(np.inf)),
                           b32)
            r["bound"] = raw(b32.astype(np.float32))
            r["k"] = int(summed_terms(subs, arrs))
        c["modes"][mode] = r
    # dtypes and shapes agree across modes
    ds = {(m["dtype"], tuple(m["shape"])) for m in c["modes"].values()}
    assert len(ds) == 1, (name, ds)
    CASES.append(c)


ERRORS = []


def error(name, subs, *ops, options=None, mode="False"):
    options = options or {}
    arrs = [o.arr for o in ops]
    try:
        run(subs, arrs, mode, options)
    except Exception as e:  # noqa: BLE001 -- the golden records NumPy's error
        ERRORS.append({"name": name, "subscripts": subs, "operands": [o.spec() for o in ops],
                       "options": options, "mode": mode, "type": type(e).__name__,
                       "message": str(e)})
        return
    raise AssertionError("expected an error: " + name)


def build():
    f8, f4, f2 = "float64", "float32", "float16"
    # --- one operand: views, traces, sums
    case("transpose view", "ij->ji", C(f8, 3, 4))
    case("implicit identity view", "ij", C(f8, 3, 4))
    case("implicit transpose view", "ji", C(f8, 3, 4))
    case("3-d transpose view", "ijk->kji", C(f8, 2, 3, 4))
    case("diagonal view", "ii->i", C(f8, 4, 4))
    case("diagonal of F-order", "ii->i", F(f4, 5, 5))
    case("batch diagonal view (ellipsis)", "...ii->...i", C(f8, 2, 3, 3))
    case("diagonal keep other axis", "iji->ij", C("int32", 3, 2, 3))
    case("trace float64", "ii", C(f8, 5, 5))
    case("trace int32", "ii", C("int32", 6, 6))
    case("trace float32 strided", "ii", S(f4, (8, 8), "::2, ::2"))
    case("row sums", "ij->i", C(f8, 4, 7))
    case("column sums", "ij->j", C(f8, 4, 7))
    case("column sums F-order", "ij->j", F(f8, 40, 30))
    case("total sum int8 wraps", "ijk->", C("int8", 4, 5, 6))
    case("sum of diagonal then axis", "iij->j", C(f8, 3, 3, 4))
    case("sum first axis (ellipsis)", "i...->...", C("int16", 5, 2, 3))
    case("partial sum of strided operand", "ijkl->ijk", S(f8, (3, 4, 6, 10), ":, ::-1, 1::2, ::3"))
    case("bool any along axis", "ij->i", C("bool", 4, 6))
    case("uint8 sum wraps", "ij->j", C("uint8", 9, 4))
    # --- two operands
    case("dot", "i,i", C(f8, 7), C(f8, 7))
    case("dot explicit", "i,i->", C(f4, 33), C(f4, 33))
    case("hadamard vectors", "i,i->i", C(f8, 5), C(f8, 5))
    case("outer", "i,j->ij", C(f8, 3), C(f8, 4))
    case("outer implicit", "i,j", C("int64", 3), C("int64", 5))
    case("matmul C", "ij,jk->ik", C(f8, 5, 6), C(f8, 6, 7))
    case("matmul F", "ij,jk->ik", F(f8, 5, 6), F(f8, 6, 7))
    case("matmul transposed", "ij,jk->ik", T(f8, 5, 6), T(f8, 6, 7))
    case("matmul strided", "ij,jk->ik", S(f8, (10, 12), "::2, ::2"), S(f8, (6, 14), ":, ::2"))
    case("matmul reversed", "ij,jk->ik", S(f8, (5, 6), "::-1"), S(f8, (6, 7), ":, ::-1"))
    case("A B^T", "ij,kj->ik", C(f8, 4, 6), C(f8, 5, 6))
    case("A^T B", "ji,jk->ik", C(f8, 6, 4), C(f8, 6, 5))
    case("product transposed out", "ij,jk->ki", C(f8, 4, 6), C(f8, 6, 5))
    case("matvec", "ij,j->i", C(f8, 6, 5), C(f8, 5))
    case("vecmat", "i,ij->j", C(f8, 6), C(f8, 6, 5))
    case("frobenius", "ij,ij->", C(f8, 5, 6), F(f8, 5, 6))
    case("hadamard 2-d", "ij,ij->ij", C(f8, 4, 5), T(f8, 4, 5))
    case("batch matmul", "bij,bjk->bik", C(f8, 4, 5, 6), C(f8, 4, 6, 3))
    case("batch matmul permuted out", "bij,bjk->kbi", C(f8, 3, 5, 6), C(f8, 3, 6, 4))
    case("batch matmul transposed batch", "bij,bjk->bik", P(f8, (5, 4, 6), (1, 0, 2)),
         C(f8, 4, 6, 3))
    case("tensordot two axes", "ijk,jil->kl", C(f8, 3, 4, 5), C(f8, 4, 3, 2))
    case("contract two trailing axes", "abc,bcd->ad", C(f8, 3, 4, 5), C(f8, 4, 5, 2))
    case("abc,cd->abd", "abc,cd->abd", C(f8, 2, 3, 4), C(f8, 4, 5))
    case("outer 2-d x 2-d", "ab,cd->abcd", C(f8, 2, 3), C(f8, 4, 2))
    case("ellipsis batch matmul broadcast", "...ij,...jk->...ik", C(f8, 2, 1, 3, 4),
         C(f8, 5, 4, 2))
    case("ellipsis dot", "...i,...i->...", C(f8, 3, 4), C(f8, 4))
    case("scalar times matrix", ",ij", C(f8), C(f8, 2, 3))
    case("broadcast operand (stride 0)", "ij,jk->ik", B(f8, (1, 6), (4, 6)), C(f8, 6, 3))
    case("size-1 broadcast label", "ij,jk->ik", C(f8, 3, 1), C(f8, 5, 4))
    case("reversed operand", "ab,ab->a", S(f8, (4, 5), "::-1, ::-1"), C(f8, 4, 5))
    case("empty contraction", "ij,jk->ik", C(f8, 3, 0), C(f8, 0, 4))
    case("empty result", "ij,jk->ik", C(f8, 0, 3), C(f8, 3, 4))
    case("repeated label in pair", "aab,bc->ac", C(f8, 3, 3, 4), C(f8, 4, 5))
    case("diagonal times vector", "ii,i->i", C(f8, 4, 4), C(f8, 4))
    case("uppercase labels", "iI,Ij->ij", C(f8, 3, 4), C(f8, 4, 2))
    case("one-sided sum before product", "ij,jk->k", C(f8, 3, 4), C(f8, 4, 5))
    # --- dtypes
    case("bool dot", "i,i->", C("bool", 9), S("bool", (18,), "1::2"))
    case("bool matmul", "ij,jk", C("bool", 4, 5), C("bool", 5, 3))
    case("int8 x uint8 -> int16", "ij,jk->ik", C("int8", 4, 5), C("uint8", 5, 3))
    case("int32 x float32 -> float64", "ij,jk->ik", C("int32", 4, 5), C(f4, 5, 3))
    case("int64 matmul wraps", "ij,jk->ik", C("int64", 5, 6), C("int64", 6, 4))
    case("int32 chain wraps", "ij,jk,kl->il", C("int32", 4, 5), C("int32", 5, 6),
         C("int32", 6, 3))
    case("uint64 dot", "i,i", C("uint64", 10), C("uint64", 10))
    case("float16 matmul", "ij,jk->ik", C(f2, 6, 7), C(f2, 7, 5))
    case("float16 trace", "ii", C(f2, 9, 9))
    case("float32 batch", "bij,bjk->bik", C(f4, 3, 8, 9), F(f4, 3, 9, 4))
    # --- three or more operands
    case("chain 3", "ij,jk,kl->il", C(f8, 6, 3), C(f8, 3, 7), C(f8, 7, 4))
    case("chain 3 implicit", "ij,jk,kl", C(f8, 6, 3), F(f8, 3, 7), C(f8, 7, 4))
    case("chain 4", "ij,jk,kl,lm->im", C(f8, 5, 2), C(f8, 2, 6), C(f8, 6, 3), C(f8, 3, 5))
    case("chain 4 non-square", "ab,bc,cd,de->ae", C(f8, 2, 7), C(f8, 7, 3), C(f8, 3, 8),
         C(f8, 8, 2))
    case("outer 3", "i,j,k->ijk", C(f8, 3), C(f8, 4), C(f8, 5))
    case("triple hadamard", "ij,ij,ij->ij", C(f8, 3, 4), F(f8, 3, 4), T(f8, 3, 4))
    case("trace of product", "ij,jk,ki->", C(f8, 4, 5), C(f8, 5, 6), C(f8, 6, 4))
    case("bilinear", "bn,anm,bm->ba", C(f8, 3, 4), C(f8, 2, 4, 5), C(f8, 3, 5))
    case("3-way dot", "i,i,i->", C(f8, 8), C(f8, 8), C(f8, 8))
    case("batch chain", "ijk,ikl,ilm->ijm", C(f8, 2, 3, 4), C(f8, 2, 4, 5), C(f8, 2, 5, 3))
    case("five operands", "ea,fb,abcd,gc,hd->efgh", C(f8, 2, 3), C(f8, 2, 3), C(f8, 3, 3, 3, 3),
         C(f8, 2, 3), C(f8, 2, 3))
    case("four operands with ellipsis", "...a,ab,bc,c...->...", C(f8, 3, 4), C(f8, 4, 5),
         C(f8, 5, 2), C(f8, 2, 3))
    case("mixed dtypes chain", "ij,jk,k->i", C("int16", 4, 5), C(f4, 5, 3), C("uint8", 3))
    # --- options
    case("dtype=float64 from float32", "ij,jk->ik", C(f4, 4, 5), C(f4, 5, 3),
         options={"dtype": "float64"})
    case("dtype=float32 unsafe", "ij,jk->ik", C(f8, 4, 5), C(f8, 5, 3),
         options={"dtype": "float32", "casting": "unsafe"})
    case("out= C", "ij,jk->ik", C(f8, 4, 5), C(f8, 5, 3),
         options={"out": {"dtype": f8, "shape": [4, 3]}})
    case("out= F", "ij,jk->ik", C(f8, 4, 5), C(f8, 5, 3),
         options={"out": {"dtype": f8, "shape": [4, 3], "order": "F"}})
    case("out= wider dtype", "ij->i", C("int32", 4, 5),
         options={"out": {"dtype": "int64", "shape": [4]}})
    case("out= outer 3", "i,j,k->ijk", C(f8, 3), C(f8, 4), C(f8, 5),
         options={"out": {"dtype": f8, "shape": [3, 4, 5]}})
    case("memory limit 1 element", "ij,jk,kl->il", C(f8, 6, 3), C(f8, 3, 7), C(f8, 7, 4),
         options={"memory_limit": 1})
    # --- larger: threads, blocked loops
    case("large outer 3", "i,j,k->ijk", C(f8, 20), C(f8, 21), C(f8, 22))
    case("large matmul", "ij,jk->ik", C(f8, 40, 48), C(f8, 48, 36))
    case("large column sums", "ij->j", C(f4, 300, 260))
    case("large batch", "bij,bjk->bik", C(f8, 5, 16, 24), C(f8, 5, 24, 20))
    case("large 3-d sum", "ijk->ik", C("int64", 30, 40, 20))

    # --- errors
    error("too many operands for subscripts", "ij,jk->ik", C(f8, 2, 3))
    error("mismatched sizes", "ij,jk->ik", C(f8, 2, 3), C(f8, 4, 5))
    error("output label not in input", "ij->k", C(f8, 2, 3))
    error("repeated output label", "ij->ii", C(f8, 2, 3))
    error("too many subscripts", "ijk->i", C(f8, 2, 3))
    error("missing ellipsis", "i->i", C(f8, 2, 3))
    error("bad character", "i1->i", C(f8, 2, 3))
    error("collapsing index mismatch", "ii->i", C(f8, 2, 3))
    error("dtype not safe", "i,i->i", C(f8, 3), C(f8, 3), options={"dtype": "float32"})
    error("out dtype not safe", "i,i->i", C(f8, 3), C(f8, 3),
          options={"out": {"dtype": "float32", "shape": [3]}})
    error("out wrong ndim", "ij->i", C(f8, 2, 3), options={"out": {"dtype": f8, "shape": [1, 2]}})


def main():
    build()
    os.makedirs(OUT, exist_ok=True)
    doc = {"numpy": np.__version__, "cases": CASES, "errors": ERRORS}
    path = os.path.join(OUT, "einsum_values.json.gz")
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(json.dumps(doc, indent=None, sort_keys=True).encode())
    print(f"{len(CASES)} cases, {len(ERRORS)} errors -> {os.path.normpath(path)}")


if __name__ == "__main__":
    main()
