#!/usr/bin/env python3
"""Golden files for io.tessera.ufunc type resolution (UfuncSpecs, TypeResolver, Promotion), computed
by NumPy, the oracle.

Regenerate from the repository root with:

    python3 integration-tests/src/test/python/gen_ufunc_type_goldens.py

Written with NumPy 2.4.6 on x86-64 Linux ('l'/'q' are both int64, 'L'/'Q' both uint64). The script
is deterministic (the sample of mixed dtype=/out= cases uses a fixed seed) and writes into
chunked-array/src/test/resources/golden/ufunc_types/:

  ufuncs.json        for every ufunc: NumPy's name, nin, nout, identity, and `ufunc.types`
                     restricted to Tessera's twelve dtypes (chars ?bBhHiIlLqQefd), l->q and L->Q
                     normalized, duplicates dropped keeping the first ("raw" keeps NumPy's list).
  result_type.json   np.result_type for all 12x12 dtype pairs, and for all pairs and triples of
                     the 12 dtypes plus a weak Python int ("i") and a weak Python float ("f").
  grid.json.gz       every ufunc called on one-element arrays of every combination of input
                     dtypes (12 unary, 144 binary, 1728 for clip), for each casting mode with
                     dtype= each of None and the 12 dtypes, with out= each of the 12 dtypes, and
                     with dtype= and out= the same dtype; plus a seeded sample of mixed
                     dtype=/out= pairs. Each result is the loop `ufunc.resolve_dtypes` reports
                     (checked to agree with the real call) or the real call's error.
  nep50.json.gz      calls with weak Python scalars (int, float, bool) on either side, alone, or
                     both weak; with casting modes, dtype= and out= for a few values; the loop or
                     the error. Also np.where and np.clip with weak scalars, with their values.
  values.json.gz     for every weak value and dtype: np.array(v, dtype) ("conversions", NumPy's
                     setitem rules) and np.add(np.zeros(1, dtype), v, dtype=dtype,
                     casting='unsafe') ("ufunc_conversions": how a ufunc converts the scalar for
                     its loop), as raw bits or the error; and the results of comparisons of
                     sample arrays of every dtype with weak Python ints and floats (constant
                     results for out-of-range ints).
  reduce.json.gz     ufunc.reduce / ufunc.accumulate result dtypes (or errors) for every binary
                     ufunc, input dtype and dtype= (None or each dtype), with the reduce loop from
                     resolve_dtypes(reduction=True); and np.sum/prod/mean/var/std/any/all/max/min
                     result dtypes per input dtype (full and axis=0 reductions); and the
                     reductions of empty arrays (the identity's raw bits in the result dtype).

Result tokens: a loop code such as "bb->b" (normalized chars, Tessera's: int64 'q', uint64 'Q'),
or "!N" naming entry N of the file's "errors" list, each [exception class, message]. The class is
the Python type's __name__ (NumPy shows UFuncTypeError subclasses as UFuncTypeError).
"""

import gzip
import itertools
import json
import math
import os
import random
import subprocess
import sys
import warnings

import numpy as np

OUT = os.path.join("chunked-array", "src", "test", "resources", "golden", "ufunc_types")
DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64"]
CASTINGS = ["no", "equiv", "safe", "same_kind", "unsafe"]
OUR_CHARS = set("?bBhHiIlLqQefd")
NORM = {"l": "q", "L": "Q"}

BINARY = ("add subtract multiply true_divide floor_divide remainder fmod power maximum minimum "
          "fmax fmin arctan2 hypot copysign equal not_equal less less_equal greater "
          "greater_equal logical_and logical_or logical_xor bitwise_and bitwise_or bitwise_xor "
          "left_shift right_shift").split()
UNARY = ("negative positive absolute sign sqrt cbrt square reciprocal exp exp2 expm1 log log2 "
         "log10 log1p sin cos tan arcsin arccos arctan sinh cosh tanh floor ceil trunc rint "
         "isnan isinf isfinite logical_not invert").split()
UFUNCS = BINARY + UNARY + ["clip"]

WEAK_INTS = [0, 1, -1, 2, 7, 63, 64, 127, 128, -128, -129, 255, 256, 300, -300, 32767, 32768,
             65535, 65536, -32769, 2**31 - 1, 2**31, -2**31, -2**31 - 1, 2**32, 2**53 + 1,
             2**63 - 1, -2**63]
WEAK_FLOATS = [1.5, -0.0, 0.1, float("nan"), float("inf"), float("-inf"), 1e300, 65504.0,
               65520.0, 3.5e38, 1e-8]
WEAK_BOOLS = [True, False]
FEW_WEAK = [1, 300, -1, 1.5, True]
NEGATIVE_POWER = "Integers to negative integer powers are not allowed."


def ufunc(name):
    return getattr(np._core.umath, name)


def norm_code(types):
    return "".join(NORM.get(c, c) for c in types)


def loop_code(dts, nin):
    chars = [NORM.get(np.dtype(d).char, np.dtype(d).char) for d in dts]
    return "".join(chars[:nin]) + "->" + "".join(chars[nin:])


class Errors:
    def __init__(self):
        self.items = []
        self.index = {}

    def token(self, exc):
        key = (type(exc).__name__, str(exc))
        if key not in self.index:
            self.index[key] = len(self.items)
            self.items.append(list(key))
        return "!%d" % self.index[key]


def weak_repr(v):
    """Operand encoding: dtype name for arrays, 'i:N', 'f:X' (float.hex-free repr), 'b:0/1'."""
    if isinstance(v, bool):
        return "b:%d" % int(v)
    if isinstance(v, int):
        return "i:%d" % v
    if isinstance(v, float):
        return "f:" + repr(v)
    raise TypeError(v)


def operand_value(spec):
    if isinstance(spec, str):
        return np.ones(1, dtype=spec)
    return spec


def weak_type(v):
    return type(v) if not isinstance(v, bool) else np.dtype(bool)


def call(u, ops, casting, dtype, out):
    """(token-of-success-loop-or-None, error-or-None, result dtype)"""
    kw = {"casting": casting}
    if dtype is not None:
        kw["dtype"] = np.dtype(dtype)
    if out is not None:
        kw["out"] = np.ones(1, dtype=out)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            r = u(*[operand_value(o) for o in ops], **kw)
            return None, np.asarray(r).dtype
        except Exception as e:  # noqa: BLE001 - we record NumPy's errors
            return e, None


def resolve(u, ops, casting, dtype, out):
    dts = tuple(np.dtype(o) if isinstance(o, str) else weak_type(o) for o in ops)
    dts = dts + ((np.dtype(out) if out is not None else None),) * u.nout
    # resolve_dtypes crashes (NumPy 2.4.6) for Python scalars under 'equiv'; the loop does not
    # depend on the casting mode, which only validates it (the real call reports those errors).
    weak = any(not isinstance(o, str) for o in ops)
    kw = {"casting": "unsafe" if weak and casting == "equiv" else casting}
    if dtype is not None:
        kw["signature"] = (None,) * u.nin + (np.dtype(dtype),) * u.nout
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return u.resolve_dtypes(dts, **kw), None
        except Exception as e:  # noqa: BLE001
            return None, e


def outcome(u, ops, casting, dtype, out, errors, check=True):
    """Token for one call: the resolved loop, or the real call's error."""
    err, rdt = call(u, ops, casting, dtype, out)
    loop, rerr = resolve(u, ops, casting, dtype, out)
    if isinstance(err, ValueError) and str(err) == NEGATIVE_POWER:
        err = None  # raised by the integer power loop itself, after type resolution
        rdt = loop[-1] if loop is not None and out is None else np.dtype(out or "bool")
    if err is not None:
        return errors.token(err)
    if loop is None:
        raise AssertionError("call succeeded but resolve_dtypes failed: %s %s %s %s %s: %r"
                             % (u.__name__, ops, casting, dtype, out, rerr))
    code = loop_code(loop, u.nin)
    expect = np.dtype(out) if out is not None else loop[-1]
    if check and rdt != expect:
        raise AssertionError("result dtype %s != %s for %s %s" % (rdt, expect, u.__name__, ops))
    return code


def gen_ufuncs():
    out = []
    for name in UFUNCS:
        u = ufunc(name)
        loops = []
        for t in u.types:
            if all(c in OUR_CHARS for c in t.replace("->", "")):
                n = norm_code(t)
                if n not in loops:
                    loops.append(n)
        ident = u.identity
        if isinstance(ident, (bool, np.bool_)):
            ident = bool(ident)
        elif ident is not None:
            ident = int(ident)
        out.append({"name": name, "numpy_name": u.__name__, "nin": u.nin, "nout": u.nout,
                    "identity": ident, "loops": loops, "raw": list(u.types)})
    aliases = {"true_divide": np.true_divide.__name__, "divide": np.divide.__name__,
               "mod": np.mod.__name__, "abs": np.abs.__name__}
    return {"numpy": np.__version__, "dtypes": DTYPES, "ufuncs": out, "aliases": aliases}


def gen_result_type():
    pairs = [[np.result_type(np.dtype(a), np.dtype(b)).name for b in DTYPES] for a in DTYPES]
    kinds = DTYPES + ["i", "f"]
    rep = {"i": 1, "f": 1.5}

    def arg(k):
        return rep[k] if k in rep else np.dtype(k)

    def rt(ks):
        try:
            return np.result_type(*[arg(k) for k in ks]).name
        except Exception as e:  # noqa: BLE001
            return "!" + str(e)

    return {"dtypes": DTYPES, "kinds": kinds, "pairs": pairs,
            "weak_pairs": [[rt((a, b)) for b in kinds] for a in kinds],
            "weak_triples": [rt(t) for t in itertools.product(kinds, repeat=3)]}


def gen_grid():
    errors = Errors()
    groups = []
    for name in UFUNCS:
        u = ufunc(name)
        combos = list(itertools.product(DTYPES, repeat=u.nin))
        settings = []
        for casting in CASTINGS:
            for dt in [None] + DTYPES:
                settings.append((casting, dt, None))
            for ot in DTYPES:
                settings.append((casting, None, ot))
            for x in DTYPES:
                settings.append((casting, x, x))
        for casting, dt, ot in settings:
            toks = [outcome(u, ops, casting, dt, ot, errors) for ops in combos]
            groups.append({"ufunc": name, "casting": casting, "dtype": dt, "out": ot,
                           "results": " ".join(toks)})
    rng = random.Random(20240506)
    sample = []
    for _ in range(20000):
        name = rng.choice(UFUNCS)
        u = ufunc(name)
        ops = [rng.choice(DTYPES) for _ in range(u.nin)]
        casting = rng.choice(CASTINGS)
        dt = rng.choice(DTYPES)
        ot = rng.choice(DTYPES)
        sample.append([name, casting, dt, ot, ops, outcome(u, ops, casting, dt, ot, errors)])
    return {"dtypes": DTYPES, "errors": errors.items, "groups": groups, "sample": sample}


def gen_nep50():
    errors = Errors()
    groups = []

    def group(name, template, casting="same_kind", dt=None, ot=None):
        """One result per dtype substituted for the "_" operands of the template."""
        u = ufunc(name)
        toks = []
        for d in DTYPES:
            ops = [d if o == "_" else o for o in template]
            toks.append(outcome(u, ops, casting, dt, ot, errors))
        enc = [o if isinstance(o, str) else weak_repr(o) for o in template]
        groups.append({"ufunc": name, "casting": casting, "dtype": dt, "out": ot, "ops": enc,
                       "results": " ".join(toks)})

    single = []

    def one(name, ops, casting="same_kind", dt=None, ot=None):
        u = ufunc(name)
        tok = outcome(u, ops, casting, dt, ot, errors)
        single.append([name, casting, dt, ot, [weak_repr(o) for o in ops], tok])

    weak_all = WEAK_INTS + WEAK_FLOATS + WEAK_BOOLS
    for name in BINARY:
        for v in weak_all:
            group(name, ["_", v])
            group(name, [v, "_"])
        for v in weak_all:
            for w in [0, 1, -1, 300, 2**63 - 1, 1.5, float("nan"), True]:
                one(name, [v, w])
                one(name, [v, w], "same_kind", "int8")
                one(name, [v, w], "same_kind", "float32")
        for v in FEW_WEAK:
            for casting in CASTINGS:
                for dt in [None] + DTYPES:
                    group(name, ["_", v], casting, dt)
                    group(name, [v, "_"], casting, dt)
                for ot in DTYPES:
                    group(name, ["_", v], casting, None, ot)
    for name in UNARY:
        for v in weak_all:
            one(name, [v])
        for v in [1, 1.5, True]:
            for casting in CASTINGS:
                for dt in DTYPES:
                    one(name, [v], casting, dt)
                    one(name, [v], casting, None, dt)
    for lo, hi in [(0, 1), (1, 300), (-1, 1), (1.5, 2), (True, 2), (0, 2**63 - 1), (-129, 128)]:
        group("clip", ["_", lo, hi])
        group("clip", ["_", "_", hi])
        group("clip", ["_", lo, "_"])
        group("clip", [lo, "_", hi])
        group("clip", [lo, "_", "_"])
    for x in DTYPES:
        for v in [1, 300, 1.5]:
            group("clip", [x, "_", v])
            group("clip", [x, v, "_"])
            group("clip", [v, x, "_"])
    # np.where: result_type(x, y) with weak scalars; conversions of the weak values
    where = []
    for x in DTYPES + [1, 300, -1, 2**63 - 1, 1.5, float("nan"), True]:
        for y in DTYPES + [1, 300, -1, 2**63 - 1, 1.5, 1e300, True]:
            xs = np.ones(1, dtype=x) if isinstance(x, str) else x
            ys = np.zeros(1, dtype=y) if isinstance(y, str) else y
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    r = np.where(np.array([True, False]), xs, ys)
                    bits = np.atleast_1d(r).view(
                        np.uint8 if r.dtype.itemsize == 1 else "u%d" % r.dtype.itemsize)
                    res = [r.dtype.name, ["%x" % int(b) for b in bits]]
                except Exception as e:  # noqa: BLE001
                    res = errors.token(e)
            where.append([x if isinstance(x, str) else weak_repr(x),
                          y if isinstance(y, str) else weak_repr(y), res])
    # np.clip (the Python function, which drops out-of-range Python-int bounds on integer arrays)
    npclip = []
    for d in DTYPES:
        for lo, hi in [(0, 300), (-5, 3), (-5, 300), (1.5, 3), (-2**63, 2**63 - 1), (None, 300),
                       (-300, None), (0, 255), (-128, 127)]:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    r = np.clip(np.ones(1, dtype=d), lo, hi)
                    res = r.dtype.name
                except Exception as e:  # noqa: BLE001
                    res = errors.token(e)
            npclip.append([d, None if lo is None else weak_repr(lo),
                           None if hi is None else weak_repr(hi), res])
    return {"dtypes": DTYPES, "errors": errors.items, "groups": groups, "single": single,
            "where": where, "np_clip": npclip}


def raw_bits_hex(arr):
    it = arr.dtype.itemsize
    return "%x" % int(arr.reshape(1).view(np.uint8 if it == 1 else "u%d" % it)[0])


def gen_values():
    errors = Errors()
    conv = []
    for v in WEAK_INTS + [2**63, 2**64 - 1, 2**64, -2**63 - 1, 2**70] + WEAK_FLOATS + [
            -1.5, 300.7, -128.9, 2.0**63, 2.0**64, -2.0**63, 1e19] + WEAK_BOOLS:
        row = []
        for d in DTYPES:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    row.append(raw_bits_hex(np.array(v, dtype=d)))
                except Exception as e:  # noqa: BLE001
                    row.append(errors.token(e))
        conv.append([weak_repr(v), row])
    # the same values as a ufunc converts them: np.add(zeros, v, dtype=d, casting='unsafe')
    ufunc_conv = []
    for v in WEAK_INTS + [2**63, 2**64 - 1, 2**64, -2**63 - 1] + WEAK_FLOATS + [
            -1.5, 300.7, -128.9, 2.0**63, 2.0**64, -2.0**63, 1e19] + WEAK_BOOLS:
        row = []
        for d in DTYPES:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    r = np.add(np.zeros(1, dtype=d), v, dtype=d, casting="unsafe")
                    row.append(raw_bits_hex(r))
                except Exception as e:  # noqa: BLE001
                    row.append(errors.token(e))
        ufunc_conv.append([weak_repr(v), row])
    comps = []
    cmp_names = ["equal", "not_equal", "less", "less_equal", "greater", "greater_equal"]
    for d in DTYPES:
        if d == "bool":
            sample = np.array([False, True])
        elif d.startswith("float"):
            sample = np.array([-np.inf, -1.0, 0.0, 1.0, 65504.0, np.inf, np.nan], dtype=d)
        else:
            info = np.iinfo(d)
            vals = sorted({info.min, info.min + 1, -1 if info.min < 0 else 0, 0, 1, 127,
                           info.max - 1, info.max})
            sample = np.array([x for x in vals if info.min <= x <= info.max], dtype=d)
        for name in cmp_names:
            u = ufunc(name)
            for v in WEAK_INTS + [2**63, 2**64 - 1] + WEAK_FLOATS:
                for side in ("left", "right"):
                    with np.errstate(all="ignore"), warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        try:
                            r = u(sample, v) if side == "left" else u(v, sample)
                            res = "".join("T" if x else "F" for x in r)
                        except Exception as e:  # noqa: BLE001
                            res = errors.token(e)
                    comps.append([name, d, [str(x) for x in sample.tolist()], weak_repr(v),
                                  side, res])
    return {"dtypes": DTYPES, "errors": errors.items, "conversions": conv,
            "ufunc_conversions": ufunc_conv, "comparisons": comps}


def gen_reduce():
    errors = Errors()
    rows = []
    for name in BINARY:
        u = ufunc(name)
        for d in DTYPES:
            for dt in [None] + DTYPES:
                arr = np.ones(3, dtype=d)
                kw = {} if dt is None else {"dtype": np.dtype(dt)}
                res = {}
                for kind in ("reduce", "accumulate"):
                    with np.errstate(all="ignore"), warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        try:
                            r = getattr(u, kind)(arr, **kw)
                            res[kind] = np.asarray(r).dtype.name
                        except Exception as e:  # noqa: BLE001
                            res[kind] = errors.token(e)
                try:
                    # reductions run with casting='unsafe'
                    kw = {} if dt is None else {"signature": (np.dtype(dt), None, None)}
                    loop = u.resolve_dtypes((None, np.dtype(d), None), casting="unsafe",
                                            reduction=True, **kw)
                    res["loop"] = loop_code(loop, 2)
                except Exception as e:  # noqa: BLE001
                    res["loop"] = errors.token(e)
                rows.append([name, d, dt, res["loop"], res["reduce"], res["accumulate"]])
    # reductions of empty arrays: the identity in the reduce dtype (raw bits), or the error
    empty = []
    for name in BINARY:
        u = ufunc(name)
        for d in DTYPES:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    r = np.asarray(u.reduce(np.zeros(0, dtype=d)))
                    res = [r.dtype.name, raw_bits_hex(r)]
                except Exception as e:  # noqa: BLE001
                    res = errors.token(e)
            empty.append([name, d, res])
    funcs = {}
    for fname in ["sum", "prod", "mean", "var", "std", "any", "all", "max", "min", "cumsum",
                  "cumprod"]:
        f = getattr(np, fname)
        row = []
        for d in DTYPES:
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    row.append(np.asarray(f(np.ones(3, dtype=d))).dtype.name)
                    row[-1] = [row[-1], np.asarray(f(np.ones((2, 3), dtype=d), axis=0)).dtype.name]
                except Exception as e:  # noqa: BLE001
                    row.append(errors.token(e))
        funcs[fname] = row
    return {"dtypes": DTYPES, "errors": errors.items, "rows": rows, "empty": empty,
            "functions": funcs}


def write_json(name, data, gz=False):
    path = os.path.join(OUT, name)
    text = json.dumps(data, separators=(",", ":"), sort_keys=False)
    if gz:
        with gzip.GzipFile(path, "wb", mtime=0) as f:
            f.write(text.encode())
    else:
        with open(path, "w") as f:
            f.write(text)
            f.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes")


PARTS = {
    "ufuncs": ("ufuncs.json", gen_ufuncs, False),
    "result_type": ("result_type.json", gen_result_type, False),
    "values": ("values.json.gz", gen_values, True),
    "reduce": ("reduce.json.gz", gen_reduce, True),
    "nep50": ("nep50.json.gz", gen_nep50, True),
    "grid": ("grid.json.gz", gen_grid, True),
}


def main():
    assert np.__version__ == "2.4.6", "goldens are for NumPy 2.4.6, found " + np.__version__
    assert np.dtype("l").itemsize == 8, "goldens assume an LP64 platform"
    os.makedirs(OUT, exist_ok=True)
    if len(sys.argv) > 1:
        name, fn, gz = PARTS[sys.argv[1]]
        write_json(name, fn(), gz=gz)
        return
    # Each part runs in a fresh interpreter: NumPy caches ufunc dispatch results keyed by the
    # operand DTypes only, so a reduction with dtype= (which fixes the *first input*) can change
    # what a later ordinary call with the same DTypes resolves to, e.g. after
    # np.equal.reduce(int8_arr, dtype=bool), np.equal(bool_arr, int8_arr, dtype=bool) runs ??->?
    # instead of bb->?. The goldens record the behaviour of a fresh process.
    for part in PARTS:
        subprocess.run([sys.executable, os.path.abspath(__file__), part], check=True)


if __name__ == "__main__":
    main()
