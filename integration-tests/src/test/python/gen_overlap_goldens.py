#!/usr/bin/env python3
"""Golden cases for io.tessera.overlap.MemOverlap, with NumPy as the oracle.

Run from anywhere (paths are resolved from this file); writes

    chunked-array/src/test/resources/golden/overlap/pairs.json
    chunked-array/src/test/resources/golden/overlap/internal.json

pairs.json: pairs of strided views of ONE base buffer. Each view is recorded as its layout
(shape, strides in bytes, byte offset of element (0,...,0) from the base's data pointer,
itemsize) with np.shares_memory (exact), np.may_share_memory (default bounds check) and, for a
ladder of small max_work values, the result of np.shares_memory(a, b, max_work=k) (true, false or
"TOO_HARD" for TooHardError) and np.may_share_memory(a, b, max_work=k). Every exact answer on
small views is also checked here against a brute-force intersection of byte sets.

internal.json: single views with NumPy's internal-overlap answer
(numpy._core._multiarray_tests.internal_overlap, exact, and with small max_work).

Deterministic: fixed seed, no dependence on addresses (offsets are relative to the base).
"""

import json
import pathlib
import sys

import numpy as np
from numpy import broadcast_to
from numpy.lib.stride_tricks import as_strided

try:
    from numpy._core._multiarray_tests import internal_overlap
except ImportError:  # NumPy 1.x
    from numpy.core._multiarray_tests import internal_overlap

try:
    TooHardError = np.exceptions.TooHardError
except AttributeError:  # NumPy < 1.25
    TooHardError = np.TooHardError

SEED = 20240917
PROBES = [1, 2, 3, 5, 8, 13, 50, 1000]
ROOT = pathlib.Path(__file__).resolve().parents[4]
OUT = ROOT / "chunked-array" / "src" / "test" / "resources" / "golden" / "overlap"
BRUTE_LIMIT = 200_000  # elements per view for the brute-force cross-check


def data_ptr(arr):
    return arr.__array_interface__["data"][0]


def layout(view, base):
    return {
        "shape": [int(d) for d in view.shape],
        "strides": [int(s) for s in view.strides],
        "offset": int(data_ptr(view) - data_ptr(base)),
        "itemsize": int(view.itemsize),
    }


def byte_extent(lay):
    lo = hi = lay["offset"]
    for d, s in zip(lay["shape"], lay["strides"]):
        if d == 0:
            return lay["offset"], lay["offset"]
        if s > 0:
            hi += s * (d - 1)
        else:
            lo += s * (d - 1)
    return lo, hi + lay["itemsize"]


def byte_set(lay):
    offs = np.array([lay["offset"]], dtype=np.int64)
    for d, s in zip(lay["shape"], lay["strides"]):
        offs = (offs[:, None] + np.arange(d, dtype=np.int64)[None, :] * s).ravel()
    return set((offs[:, None] + np.arange(lay["itemsize"])[None, :]).ravel().tolist())


def element_count(lay):
    n = 1
    for d in lay["shape"]:
        n *= d
    return n


def brute_internal(lay):
    """Two distinct index tuples whose item byte ranges intersect."""
    offs = np.array([lay["offset"]], dtype=np.int64)
    for d, s in zip(lay["shape"], lay["strides"]):
        offs = (offs[:, None] + np.arange(d, dtype=np.int64)[None, :] * s).ravel()
    offs = np.sort(offs)
    return bool(len(offs) > 1 and np.any(np.diff(offs) < lay["itemsize"]))


def shares(a, b, max_work):
    try:
        return bool(np.shares_memory(a, b, max_work=max_work))
    except TooHardError:
        return "TOO_HARD"


def internal(v, max_work):
    try:
        return bool(internal_overlap(v, max_work=max_work))
    except ValueError as e:
        if "max_work" not in str(e):
            raise
        return "TOO_HARD"


class Golden:
    def __init__(self):
        self.pairs = []
        self.internal = []
        self._internal_seen = set()

    def pair(self, family, desc, base, a, b, exact=True, probes=PROBES):
        la, lb = layout(a, base), layout(b, base)
        nbytes = base.nbytes
        for lay, v in ((la, a), (lb, b)):
            lo, hi = byte_extent(lay)
            assert 0 <= lo <= hi <= nbytes or lo == hi, (desc, lay, nbytes)
            assert np.shares_memory(v, base) or element_count(lay) == 0, desc
        rec = {
            "id": len(self.pairs),
            "family": family,
            "desc": desc,
            "a": la,
            "b": lb,
            "shares": bool(np.shares_memory(a, b)) if exact else None,
            "may_share": bool(np.may_share_memory(a, b)),
            "probes": [[k, shares(a, b, k), bool(np.may_share_memory(a, b, max_work=k))]
                       for k in sorted(set(probes))],
        }
        if exact and max(element_count(la), element_count(lb)) <= BRUTE_LIMIT:
            brute = bool(byte_set(la) & byte_set(lb))
            assert brute == rec["shares"], (desc, la, lb, brute, rec["shares"])
        self.pairs.append(rec)
        self.add_internal(family, desc + " [a]", base, a, exact)
        self.add_internal(family, desc + " [b]", base, b, exact)

    def add_internal(self, family, desc, base, v, exact=True):
        lay = layout(v, base)
        key = json.dumps(lay, sort_keys=True)
        if key in self._internal_seen or not exact:
            return
        self._internal_seen.add(key)
        rec = {
            "id": len(self.internal),
            "family": family,
            "desc": desc,
            "view": lay,
            "internal": bool(internal_overlap(v)),
            "probes": [[k, internal(v, k)] for k in [0, 1, 2, 5, 50]],
        }
        if element_count(lay) <= BRUTE_LIMIT:
            assert brute_internal(lay) == rec["internal"], (desc, lay)
        self.internal.append(rec)


def family_1d(g):
    x = np.arange(40, dtype=np.int64)
    cases = [
        ("x[::2]", x[::2], "x[1::2]", x[1::2]),
        ("x[::3]", x[::3], "x[1::3]", x[1::3]),
        ("x[::3]", x[::3], "x[2::3]", x[2::3]),
        ("x[::2]", x[::2], "x[::3]", x[::3]),
        ("x[1::2]", x[1::2], "x[::4]", x[::4]),
        ("x[1::2]", x[1::2], "x[3::4]", x[3::4]),
        ("x[:20]", x[:20], "x[20:]", x[20:]),
        ("x[:21]", x[:21], "x[20:]", x[20:]),
        ("x", x, "x", x),
        ("x", x, "x[::-1]", x[::-1]),
        ("x[::-2]", x[::-2], "x[1::2]", x[1::2]),
        ("x[::-2]", x[::-2], "x[::2]", x[::2]),
        ("x[::-2]", x[::-2], "x[-2::-2]", x[-2::-2]),
        ("x[5:5]", x[5:5], "x", x),
        ("x[3:3]", x[3:3], "x[3:4]", x[3:4]),
        ("x[10:30:4]", x[10:30:4], "x[12:40:4]", x[12:40:4]),
        ("x[10:30:4]", x[10:30:4], "x[14:40:4]", x[14:40:4]),
        ("x[10:30:4]", x[10:30:4], "x[30:40]", x[30:40]),
        ("x[10:31:4]", x[10:31:4], "x[30:40]", x[30:40]),
        ("x[::7]", x[::7], "x[3::5]", x[3::5]),
        ("x[::7]", x[::7], "x[1::5]", x[1::5]),
        ("x[39:0:-6]", x[39:0:-6], "x[1::6]", x[1::6]),
        ("x[39:0:-6]", x[39:0:-6], "x[3::6]", x[3::6]),
        ("x[0:1]", x[0:1], "x[1:2]", x[1:2]),
        ("x[7:8]", x[7:8], "x[7]", x[7:8].reshape(())),
        ("x[0] (0-d)", x[0:1].reshape(()), "x[1:] ", x[1:]),
        ("x[::13]", x[::13], "x[::-13]", x[::-13]),
        ("x[::38]", x[::38], "x[1:39]", x[1:39]),
    ]
    for da, a, db, b in cases:
        g.pair("1d", f"{da} vs {db}", x, a, b)


def family_2d(g):
    y = np.arange(6 * 8, dtype=np.int32).reshape(6, 8)
    cases = [
        ("y[:, ::2]", y[:, ::2], "y[:, 1::2]", y[:, 1::2]),
        ("y[::2]", y[::2], "y[1::2]", y[1::2]),
        ("y.T", y.T, "y", y),
        ("y[:, 0]", y[:, 0], "y[:, 1]", y[:, 1]),
        ("y[0]", y[0], "y[:, 0]", y[:, 0]),
        ("y[1]", y[1], "y[:, 0]", y[:, 0]),
        ("y[1:3, 2:5]", y[1:3, 2:5], "y[2:4, 5:8]", y[2:4, 5:8]),
        ("y[1:3, 2:5]", y[1:3, 2:5], "y[3:5, 2:5]", y[3:5, 2:5]),
        ("y[:, :4]", y[:, :4], "y[:, 4:]", y[:, 4:]),
        ("y[:3]", y[:3], "y[3:]", y[3:]),
        ("y[::-1, ::2]", y[::-1, ::2], "y[:, 1::2]", y[:, 1::2]),
        ("y[::-1, ::-2]", y[::-1, ::-2], "y[:, 1::2]", y[:, 1::2]),
        ("y[:, ::3]", y[:, ::3], "y[:, 1::3].T", y[:, 1::3].T),
        ("y.diagonal()", y.diagonal(), "y[:, 1]", y[:, 1]),
        ("y.diagonal()", y.diagonal(), "y.diagonal(1)", y.diagonal(1)),
        ("y.diagonal()", y.diagonal(), "y[::-1].diagonal()", y[::-1].diagonal()),
        ("y[1::2, ::2]", y[1::2, ::2], "y[::2, 1::2]", y[::2, 1::2]),
        ("y[1::2, ::2]", y[1::2, ::2], "y[::2, ::2]", y[::2, ::2]),
        ("y[:, 2:2]", y[:, 2:2], "y", y),
        ("y[2:2]", y[2:2], "y[2:3]", y[2:3]),
        ("y[:, ::7]", y[:, ::7], "y[:, 3::3]", y[:, 3::3]),
        ("y.ravel()[5:40:9]", y.ravel()[5:40:9], "y[:, 5]", y[:, 5]),
    ]
    for da, a, db, b in cases:
        g.pair("2d", f"{da} vs {db}", y, a, b)

    # NumPy's own example: x[:, ::7] vs x[:, 3::3] of a 4 x 20 int8 array.
    x = np.arange(4 * 20).reshape(4, 20).astype(np.int8)
    g.pair("2d", "int8 x(4,20)[:, ::7] vs x[:, 3::3]", x, x[:, ::7], x[:, 3::3])
    g.pair("2d", "int8 x(4,20)[:, ::7] vs x[:, 1::3]", x, x[:, ::7], x[:, 1::3])
    g.pair("2d", "int8 x(4,20)[:, ::7] vs x[1:, 3::3]", x, x[:, ::7], x[1:, 3::3])


def family_3d(g):
    z = np.arange(4 * 5 * 6, dtype=np.float64).reshape(4, 5, 6, order="F")
    cases = [
        ("z[:, ::2, ::3]", z[:, ::2, ::3], "z[:, ::3, ::2]", z[:, ::3, ::2]),
        ("z[:, 0, :]", z[:, 0, :], "z[:, 1, :]", z[:, 1, :]),
        ("z[:, :, 0]", z[:, :, 0], "z[:, :, 5]", z[:, :, 5]),
        ("z.T", z.T, "z[1:3]", z[1:3]),
        ("z[::2]", z[::2], "z[1::2]", z[1::2]),
        ("z[::-1, ::2]", z[::-1, ::2], "z[:, 1::2]", z[:, 1::2]),
        ("z.transpose(1,0,2)", z.transpose(1, 0, 2), "z[3, 4, 5]", z[3:, 4:, 5:]),
        ("z[1:3, 1:4, ::5]", z[1:3, 1:4, ::5], "z[1:3, 1:4, 1::5]", z[1:3, 1:4, 1::5]),
        ("z[:, :, 2:2]", z[:, :, 2:2], "z", z),
    ]
    for da, a, db, b in cases:
        g.pair("3d", f"F-order {da} vs {db}", z, a, b)

    # NumPy's test_shares_memory_api case: needs more than one candidate.
    x = np.zeros([4, 5, 6], dtype=np.int8)
    g.pair("3d", "int8 x(4,5,6)[:, ::2, ::3] vs x[:, ::3, ::2]", x, x[:, ::2, ::3],
           x[:, ::3, ::2])
    g.pair("3d", "int8 x(4,5,6)[:, ::2, ::3] vs x[:, 1::3, 1::2]", x, x[:, ::2, ::3],
           x[:, 1::3, 1::2])
    w = np.zeros([3, 4, 5, 6], dtype=np.int16)
    g.pair("3d", "int16 w(3,4,5,6)[:, ::2, ::3, ::2] vs w[::2, 1::3, ::2, 1::3]", w,
           w[:, ::2, ::3, ::2], w[::2, 1::3, ::2, 1::3])
    g.pair("3d", "int16 w(3,4,5,6)[..., ::4] vs w[..., 1::4].T", w, w[..., ::4],
           w[..., 1::4].T)


def family_dtype_views(g):
    base = np.arange(256, dtype=np.uint8)

    def v(off, count, dtype):
        it = np.dtype(dtype).itemsize
        return base[off:off + count * it].view(dtype)

    cases = [
        ("u8[1:].view(int64)", v(1, 10, np.int64), "u8[0:].view(int64)", v(0, 10, np.int64)),
        ("u8[1:].view(int64)", v(1, 10, np.int64), "u8[81:].view(int64)", v(81, 10, np.int64)),
        ("u8[1:].view(int64)", v(1, 10, np.int64), "u8[80:].view(int64)", v(80, 10, np.int64)),
        ("u8[1:].view(int16)[::2]", v(1, 20, np.int16)[::2],
         "u8[3:].view(int16)[::2]", v(3, 20, np.int16)[::2]),
        ("u8[1:].view(int16)[::2]", v(1, 20, np.int16)[::2],
         "u8[4:].view(int16)[::2]", v(4, 20, np.int16)[::2]),
        ("u8[1:].view(int16)[::2]", v(1, 20, np.int16)[::2],
         "u8[2:].view(int16)[::2]", v(2, 20, np.int16)[::2]),
        ("u8[3:].view(int32)[::2]", v(3, 16, np.int32)[::2],
         "u8[7:].view(int32)[::2]", v(7, 16, np.int32)[::2]),
        ("u8[3:].view(int32)[::2]", v(3, 16, np.int32)[::2],
         "u8[8:].view(int32)[::2]", v(8, 16, np.int32)[::2]),
        ("u8[5:].view(int64)[::3]", v(5, 9, np.int64)[::3],
         "u8[13:].view(int64)[::3]", v(13, 9, np.int64)[::3]),
        ("u8[5:].view(int64)[::3]", v(5, 9, np.int64)[::3],
         "u8[13:].view(int16)[::12]", v(13, 30, np.int16)[::12]),
        ("u8[5:].view(int64)[::3]", v(5, 9, np.int64)[::3],
         "u8[12:].view(int16)[::12]", v(12, 30, np.int16)[::12]),
        ("u8[0:].view(int64)[::2]", v(0, 16, np.int64)[::2],
         "u8[8:].view(int8)[::16]", base[8:136:16]),
        ("u8[0:].view(int64)[::2]", v(0, 16, np.int64)[::2],
         "u8[7:].view(int8)[::16]", base[7:136:16]),
        ("u8[9:].view(int16).reshape(4,6)[:, ::2]", v(9, 24, np.int16).reshape(4, 6)[:, ::2],
         "u8[9:].view(int16).reshape(4,6)[:, 1::2]", v(9, 24, np.int16).reshape(4, 6)[:, 1::2]),
        ("u8[9:].view(int16).reshape(4,6)[:, ::2]", v(9, 24, np.int16).reshape(4, 6)[:, ::2],
         "u8[10:].view(int16).reshape(4,6)[:, 1::2]",
         v(10, 24, np.int16).reshape(4, 6)[:, 1::2]),
        ("u8[1:].view(float32).reshape(3,5).T", v(1, 15, np.float32).reshape(3, 5).T,
         "u8[61:].view(float32)", v(61, 5, np.float32)),
        ("u8[1:].view(float32).reshape(3,5).T", v(1, 15, np.float32).reshape(3, 5).T,
         "u8[60:].view(float32)", v(60, 5, np.float32)),
    ]
    for da, a, db, b in cases:
        g.pair("dtype_view", f"{da} vs {db}", base, a, b)

    # int16 base viewed as int8 / int64.
    h = np.arange(64, dtype=np.int16)
    hb = h.view(np.int8)
    g.pair("dtype_view", "int16 h[::2] vs h.view(int8)[2::4]", h, h[::2], hb[2::4])
    g.pair("dtype_view", "int16 h[::2] vs h.view(int8)[1::4]", h, h[::2], hb[1::4])
    g.pair("dtype_view", "int16 h[1::2] vs h.view(int64)", h, h[1::2], h.view(np.int64))
    g.pair("dtype_view", "int16 h[::4] vs h[2:].view(int32)[::2]", h, h[::4],
           h[2:62].view(np.int32)[::2])
    g.pair("dtype_view", "int16 h[::4] vs h[1:].view(int32)[::2]", h, h[::4],
           h[1:61].view(np.int32)[::2])


def family_as_strided(g):
    x = np.arange(64, dtype=np.int64)
    cases = [
        ("as_strided(x[3:], (4,5), (0,8))", as_strided(x[3:], (4, 5), (0, 8)),
         "x[3:8]", x[3:8]),
        ("as_strided(x[3:], (4,5), (0,8))", as_strided(x[3:], (4, 5), (0, 8)),
         "x[8:]", x[8:]),
        ("as_strided(x[3:], (4,5), (0,16))", as_strided(x[3:], (4, 5), (0, 16)),
         "x[4::2]", x[4::2]),
        ("broadcast_to(x[:5], (3,5))", broadcast_to(x[:5], (3, 5)), "x[4:5]", x[4:5]),
        ("broadcast_to(x[:5], (3,5))", broadcast_to(x[:5], (3, 5)), "x[5:6]", x[5:6]),
        ("broadcast_to(x[7], (2,3))", broadcast_to(x[7:8].reshape(()), (2, 3)),
         "x[7:8]", x[7:8]),
        ("broadcast_to(x[7], (2,3))", broadcast_to(x[7:8].reshape(()), (2, 3)),
         "x[::7][2:]", x[::7][2:]),
        ("as_strided(x, (5,), (4,))", as_strided(x, (5,), (4,)),
         "x[1:]", x[1:]),
        ("as_strided(x, (5,), (4,))", as_strided(x, (5,), (4,)),
         "as_strided(x[3:], (4,), (12,))", as_strided(x[3:], (4,), (12,))),
        ("as_strided(x, (4,4), (24,40))", as_strided(x, (4, 4), (24, 40)),
         "x[1::5]", x[1::5]),
        ("as_strided(x, (4,4), (24,40))", as_strided(x, (4, 4), (24, 40)),
         "x[2::8]", x[2::8]),
        ("as_strided(x, (3,3,3), (0,24,56))", as_strided(x, (3, 3, 3), (0, 24, 56)),
         "as_strided(x[1:], (3,3), (56,0))", as_strided(x[1:], (3, 3), (56, 0))),
        ("as_strided(x[63:], (5,), (-8*12,))", as_strided(x[63:], (5,), (-96,)),
         "x[3::12]", x[3::12]),
        ("as_strided(x[63:], (5,), (-8*12,))", as_strided(x[63:], (5,), (-96,)),
         "x[15::12]", x[15::12]),
        ("as_strided(x, (0,3), (8,8))", as_strided(x, (0, 3), (8, 8)), "x", x),
        ("as_strided(x, (3,0), (0,8))", as_strided(x, (3, 0), (0, 8)),
         "as_strided(x, (3,), (0,))", as_strided(x, (3,), (0,))),
    ]
    for da, a, db, b in cases:
        g.pair("as_strided", f"{da} vs {db}", x, a, b)


def family_hard(g):
    # NumPy's documented pathological case (shares_memory exact takes about a minute there):
    # only bounded answers are recorded.
    x = np.zeros([192163377], dtype=np.int8)
    x1 = as_strided(x, strides=(36674, 61119, 85569), shape=(1049, 1049, 1049))
    x2 = as_strided(x[64023025:], strides=(12223, 12224, 1), shape=(1049, 1049, 1))
    g.pair("hard", "numpy docs: as_strided x1 (36674,61119,85569) vs x2 (12223,12224,1)",
           x, x1, x2, exact=False, probes=[1, 10, 1000])
    # Dense-ish multi-dimensional strided problems with many candidates.
    y = np.zeros(4000, dtype=np.int8)
    a = as_strided(y, (7, 9, 11), (97, 31, 13))
    b = as_strided(y[500:], (8, 6, 5), (101, 37, 7))
    g.pair("hard", "as_strided (7,9,11)x(97,31,13) vs (8,6,5)x(101,37,7) at +500", y, a, b,
           probes=PROBES + [100, 300])
    b = as_strided(y[1:], (3, 3, 3), (91, 61, 41))
    a = as_strided(y, (10, 10), (131, 17))
    g.pair("hard", "as_strided (10,10)x(131,17) vs (3,3,3)x(91,61,41) at +1", y, a, b,
           probes=PROBES + [100, 300])


def family_hard_search(g, rng, want_true=4, want_false=4):
    """Random 3-D x 3-D as_strided problems that need many candidates (found with a fixed seed)."""
    nbytes = 6000
    base = np.zeros(nbytes, dtype=np.int8)
    found = {True: 0, False: 0}
    tries = 0
    while (found[True] < want_true or found[False] < want_false) and tries < 20000:
        tries += 1
        views = []
        for _ in range(2):
            shape = [int(rng.integers(3, 12)) for _ in range(3)]
            strides = [int(rng.integers(5, 200)) for _ in range(3)]
            width = sum(s * (d - 1) for d, s in zip(shape, strides)) + 1
            if width > nbytes:
                break
            start = int(rng.integers(0, nbytes - width + 1))
            views.append(as_strided(base[start:], shape, strides))
        if len(views) < 2:
            continue
        a, b = views
        if shares(a, b, 30) != "TOO_HARD":
            continue
        exact = bool(np.shares_memory(a, b))
        if found[exact] >= (want_true if exact else want_false):
            continue
        found[exact] += 1
        g.pair("hard", f"hard random as_strided #{tries} ({'shares' if exact else 'disjoint'})",
               base, a, b, probes=PROBES + [30, 100, 300, 3000])


def random_layout(rng, nbytes, itemsize=None):
    """A random strided layout within [0, nbytes): (shape, strides, offset, itemsize)."""
    while True:
        it = int(itemsize or rng.choice([1, 2, 4, 8]))
        ndim = int(rng.integers(1, 4))
        shape = [int(rng.integers(1, 6)) for _ in range(ndim)]
        if rng.random() < 0.03:
            shape[int(rng.integers(ndim))] = 0
        strides = []
        for _ in range(ndim):
            if rng.random() < 0.6:
                s = int(rng.integers(-4, 5)) * it
            else:
                s = int(rng.integers(-13, 14))
            strides.append(s)
        lo = sum(s * (d - 1) for d, s in zip(shape, strides) if s < 0 and d > 0)
        hi = sum(s * (d - 1) for d, s in zip(shape, strides) if s > 0 and d > 0) + it
        width = hi - lo
        if width > nbytes:
            continue
        start = int(rng.integers(0, nbytes - width + 1))
        return shape, strides, start - lo, it


def make_view(base_u8, shape, strides, offset, itemsize):
    dtype = {1: np.int8, 2: np.int16, 4: np.int32, 8: np.int64}[itemsize]
    return as_strided(base_u8[offset:offset + itemsize].view(dtype), shape, strides)


def family_random(g, rng, count=220):
    nbytes = 96
    base = np.zeros(nbytes + 8, dtype=np.uint8)[:nbytes]
    made = 0
    while made < count:
        la = random_layout(rng, nbytes)
        if rng.random() < 0.3:
            # Same layout shifted: interleaving and partial overlaps.
            shape, strides, off, it = la
            lo = off + sum(s * (d - 1) for d, s in zip(shape, strides) if s < 0 and d > 0)
            hi = off + sum(s * (d - 1) for d, s in zip(shape, strides) if s > 0 and d > 0) + it
            delta = int(rng.integers(-lo, nbytes - hi + 1))
            lb = (shape, strides, off + delta, it)
        else:
            lb = random_layout(rng, nbytes)
        a = make_view(base, *la)
        b = make_view(base, *lb)
        g.pair("random", f"random #{made}", base, a, b)
        made += 1


def family_random_slices(g, rng, count=60):
    """Random basic slicing of a random multi-dimensional base (NumPy's own fuzz style)."""
    made = 0
    while made < count:
        ndim = int(rng.integers(2, 5))
        shape = [int(rng.integers(2, 9)) for _ in range(ndim)]
        dtype = [np.int8, np.int16, np.int32, np.float64][int(rng.integers(4))]
        base = np.zeros(shape, dtype=dtype)
        if rng.random() < 0.3:
            base = np.asfortranarray(base)

        def random_slice():
            index = []
            for d in shape:
                step = int(rng.integers(1, 4)) * (1 if rng.random() < 0.7 else -1)
                start = int(rng.integers(0, d))
                stop = int(rng.integers(0, d + 1))
                if step < 0:
                    start, stop = d - 1 - start, (None if rng.random() < 0.5 else stop)
                index.append(slice(start, stop, step))
            v = base[tuple(index)]
            if rng.random() < 0.3:
                v = v.transpose(rng.permutation(v.ndim))
            return v, index

        a, ia = random_slice()
        b, ib = random_slice()
        if a.size == 0 and b.size == 0 and rng.random() < 0.8:
            continue
        name = f"random slices #{made} of {dtype.__name__}{tuple(shape)}"
        g.pair("random_slices", name, base, a, b)
        made += 1


def family_internal_extra(g):
    x = np.zeros(200, dtype=np.int8)
    views = [
        ("as_strided int8 (3,4,5) (7,3,2)", as_strided(x, (3, 4, 5), (7, 3, 2))),
        ("as_strided int8 (4,4) (5,1)", as_strided(x, (4, 4), (5, 1))),
        ("as_strided int8 (4,4) (4,1)", as_strided(x, (4, 4), (4, 1))),
        ("as_strided int8 (4,4) (-4,1)", as_strided(x[20:], (4, 4), (-4, 1))),
        ("as_strided int8 (3,4) (3,1)", as_strided(x, (3, 4), (3, 1))),
        ("as_strided int8 (2,2,2) (6,3,1)", as_strided(x, (2, 2, 2), (6, 3, 1))),
        ("as_strided int8 (5,7) (7,5)", as_strided(x, (5, 7), (7, 5))),
        ("as_strided int8 (6,7) (7,6)", as_strided(x, (6, 7), (7, 6))),
        ("as_strided int8 (3,3,3) (9,-3,1)", as_strided(x[10:], (3, 3, 3), (9, -3, 1))),
        ("as_strided int8 (3,3,3) (10,-3,1)", as_strided(x[10:], (3, 3, 3), (10, -3, 1))),
    ]
    y = np.zeros(100, dtype=np.int16)
    views += [
        ("as_strided int16 (3,) (1,)", as_strided(y, (3,), (1,))),
        ("as_strided int16 (3,) (2,)", as_strided(y, (3,), (2,))),
        ("as_strided int16 (3,) (3,)", as_strided(y, (3,), (3,))),
        ("as_strided int16 (3,2) (3,1)", as_strided(y, (3, 2), (3, 1))),
        ("as_strided int16 (3,2) (4,2)", as_strided(y, (3, 2), (4, 2))),
        ("as_strided int16 (3,2) (5,2)", as_strided(y, (3, 2), (5, 2))),
        ("as_strided int16 (4,3) (0,2)", as_strided(y, (4, 3), (0, 2))),
        ("as_strided int16 (1,3) (0,2)", as_strided(y, (1, 3), (0, 2))),
        ("as_strided int16 (4,3,0) (0,2,2)", as_strided(y, (4, 3, 0), (0, 2, 2))),
    ]
    z = np.zeros(40, dtype=np.int64)
    views += [
        ("as_strided int64 (4,3) (8,24)", as_strided(z, (4, 3), (8, 24))),
        ("as_strided int64 (4,3) (8,32)", as_strided(z, (4, 3), (8, 32))),
        ("as_strided int64 (4,3) (4,32)", as_strided(z, (4, 3), (4, 32))),
        ("as_strided int64 (4,3) (12,48)", as_strided(z, (4, 3), (12, 48))),
        ("as_strided int64 (2,2) (7,9)", as_strided(z, (2, 2), (7, 9))),
        ("as_strided int64 (2,2) (9,17)", as_strided(z, (2, 2), (9, 17))),
    ]
    rng = np.random.default_rng(SEED + 1)
    base = np.zeros(200, dtype=np.uint8)
    for i in range(60):
        v = make_view(base, *random_layout(rng, 200))
        views.append((f"random internal #{i}", v))
    for desc, v in views:
        g.add_internal("internal", desc, _root_of(v, (x, y, z, base)), v)


def _root_of(v, candidates):
    for c in candidates:
        lo = data_ptr(c)
        if lo <= data_ptr(v) < lo + max(c.nbytes, 1):
            return c
    raise AssertionError("view outside every candidate base")


def main():
    rng = np.random.default_rng(SEED)
    g = Golden()
    family_1d(g)
    family_2d(g)
    family_3d(g)
    family_dtype_views(g)
    family_as_strided(g)
    family_hard(g)
    family_hard_search(g, np.random.default_rng(SEED + 2))
    family_random(g, rng)
    family_random_slices(g, rng)
    family_internal_extra(g)

    OUT.mkdir(parents=True, exist_ok=True)
    meta = {"numpy_version": np.__version__, "seed": SEED,
            "generator": "integration-tests/src/test/python/gen_overlap_goldens.py"}
    for name, key, items in (("pairs.json", "pairs", g.pairs),
                             ("internal.json", "views", g.internal)):
        path = OUT / name
        with open(path, "w") as f:
            f.write("{\n")
            for k, val in meta.items():
                f.write(f"  {json.dumps(k)}: {json.dumps(val)},\n")
            f.write(f"  {json.dumps(key)}: [\n")
            f.write(",\n".join("    " + json.dumps(r) for r in items))
            f.write("\n  ]\n}\n")
        print(f"wrote {len(items)} {key} to {path.relative_to(ROOT)}", file=sys.stderr)
    counts = {}
    for r in g.pairs:
        counts[(r["shares"], r["may_share"])] = counts.get((r["shares"], r["may_share"]), 0) + 1
    print("pairs by (shares, may_share):", counts, file=sys.stderr)
    hard = sum(1 for r in g.pairs if any(p[1] == "TOO_HARD" for p in r["probes"]))
    print(f"pairs with a TOO_HARD probe: {hard}", file=sys.stderr)


if __name__ == "__main__":
    main()
