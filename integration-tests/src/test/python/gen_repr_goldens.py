#!/usr/bin/env python3
"""Golden file for io.tessera.ndarray.ArrayFormat (NDArray.toString), computed by NumPy, the oracle.

Regenerate from the repository root with:

    python3 integration-tests/src/test/python/gen_repr_goldens.py

Written with NumPy 2.4.6 and its default print options (precision 8, threshold 1000, edgeitems 3,
linewidth 75, floatmode 'maxprec', sign '-', legacy False). Deterministic (fixed seeds). Writes
chunked-array/src/test/resources/golden/repr/repr.json with three lists:

  cases    {"name", "dtype", "shape", "order", <recipe>, ["view"], ["transpose"], "repr"}: an array
           built from a recipe ArrayFormatTest repeats in Java, and repr(array). Recipes:
             "values":   element texts in C order (Python repr of each value: "nan", "-inf",
                         "-0.0", "1e-05", integers in decimal, booleans as "0"/"1"); the array is
                         np.array(values, dtype).reshape(shape), laid out in "order" ("C" or "F");
             "arange":   [start, stop, step] -> np.arange(start, stop, step, dtype).reshape(shape)
                         (a copy in "order");
             "linspace": [start, stop, num] -> np.linspace(start, stop, num, dtype=dtype)
                         .reshape(shape) (a copy in "order").
           then optionally "view": a basic index string applied as a[<view>], and "transpose":
           true for a.T.
  dragon4  [dtype, bits (hex), "pos"|"sci", precision, min_digits, trim, pad_left, pad_right or
           exp_digits, text]: np.format_float_positional / np.format_float_scientific (unique=True,
           fractional=True) on one value given by its raw bits.
  half_str [bits (hex), str(np.float16)] for every 16th float16 bit pattern and a few specials.
"""

import json
import os
import warnings

import numpy as np

OUT = os.path.join("chunked-array", "src", "test", "resources", "golden", "repr")
CASES = []


def text(v, dtype):
    """One element as a recipe string; exact for every dtype (float16/32 are exact in float64)."""
    if dtype == "bool":
        return "1" if v else "0"
    if np.dtype(dtype).kind in "iu":
        return str(int(v))
    return repr(float(v))


def build(case):
    dt = case["dtype"]
    shape = tuple(case["shape"])
    if "values" in case:
        vals = case["values"]
        if dt == "bool":
            flat = np.array([v == "1" for v in vals], dtype=dt)
        elif np.dtype(dt).kind in "iu":
            flat = np.array([int(v) for v in vals], dtype=dt)
        else:
            flat = np.array([float(v) for v in vals], dtype=np.float64).astype(dt)
        a = flat.reshape(shape)
    elif "arange" in case:
        a = np.arange(*case["arange"], dtype=dt).reshape(shape)
    else:
        start, stop, num = case["linspace"]
        a = np.linspace(start, stop, num, dtype=dt).reshape(shape)
    a = np.array(a, order=case["order"])
    if "view" in case:
        a = eval("a[" + case["view"] + "]", {"a": a})
    if case.get("transpose"):
        a = a.T
    return a


def add(name, dtype, shape=None, values=None, order="C", arange=None, linspace=None, view=None,
        transpose=False):
    case = {"name": name, "dtype": dtype}
    if values is not None:
        values = np.asarray(values, dtype=object if dtype == "uint64" else None)
        if shape is None:
            shape = values.shape
        case["values"] = [text(v, dtype) for v in values.ravel().tolist()]
    elif arange is not None:
        case["arange"] = list(arange)
        if shape is None:
            shape = (len(np.arange(*arange)),)
    else:
        case["linspace"] = list(linspace)
        if shape is None:
            shape = (linspace[2],)
    case["shape"] = [int(s) for s in shape]
    case["order"] = order
    if view is not None:
        case["view"] = view
    if transpose:
        case["transpose"] = True
    case["repr"] = repr(build(case))
    assert not any(c["name"] == name for c in CASES), name
    CASES.append(case)


def zero_d():
    add("0d int64", "int64", (), [5])
    add("0d int8", "int8", (), [5])
    add("0d int16 negative", "int16", (), [-32768])
    add("0d int32", "int32", (), [-7])
    add("0d uint8", "uint8", (), [255])
    add("0d uint16", "uint16", (), [65535])
    add("0d uint32", "uint32", (), [4294967295])
    add("0d uint64 max", "uint64", (), [2**64 - 1])
    add("0d bool true", "bool", (), [True])
    add("0d bool false", "bool", (), [False])
    add("0d float64", "float64", (), [1.5])
    add("0d float64 integral", "float64", (), [3.0])
    add("0d float64 negative zero", "float64", (), [-0.0])
    add("0d float64 nan", "float64", (), [float("nan")])
    add("0d float64 -inf", "float64", (), [float("-inf")])
    add("0d float64 large", "float64", (), [1e20])
    add("0d float64 small", "float64", (), [1.25e-5])
    add("0d float32", "float32", (), [np.float32(0.1)])
    add("0d float16", "float16", (), [np.float16(0.1)])
    add("0d float16 nan", "float16", (), [float("nan")])


def one_d_ints():
    add("int64 small", "int64", values=[1, 2, 3])
    add("int64 padding", "int64", values=[-5, 10, 300, 7])
    add("int8 range", "int8", values=[-128, 0, 127])
    add("int16", "int16", values=[-32768, 1, 32767])
    add("int32", "int32", values=[-2147483648, 0, 2147483647])
    add("int64 extremes", "int64", values=[-2**63, 0, 2**63 - 1])
    add("uint8", "uint8", values=[0, 7, 255])
    add("uint16", "uint16", values=[0, 65535])
    add("uint32", "uint32", values=[1, 4294967295])
    add("uint64 above 2^63", "uint64", values=[2**64 - 1, 2**63, 0, 1])
    add("int64 single", "int64", values=[42])
    add("int8 arange 100 wraps", "int8", arange=(0, 100, 1))
    add("int64 arange 30", "int64", arange=(0, 30, 1))
    add("int32 arange 14 dtype on new line", "int32", arange=(0, 14, 1))
    add("int32 arange 13 dtype on same line", "int32", arange=(0, 13, 1))
    add("uint16 arange 14 dtype on new line", "uint16", arange=(0, 14, 1))
    add("int64 negative wrap", "int64", values=list(range(-20, 20)))


def one_d_bools():
    add("bool padding", "bool", values=[True, False])
    add("bool all true", "bool", values=[True, True, True])
    add("bool single false", "bool", values=[False])
    add("bool wraps", "bool", values=[i % 3 == 0 for i in range(30)])


def one_d_floats():
    add("float64 half steps", "float64", values=[0.0, 0.5, 1.0])
    add("float64 integral", "float64", values=[1.0, 2.0, 3.0])
    add("float64 thirds", "float64", values=[1 / 3, 2 / 3, 1.0])
    add("float64 negative zero mixed", "float64", values=[-0.0, 1.5])
    add("float64 negative zero alone", "float64", values=[-0.0])
    add("float64 negatives", "float64", values=[-1.25, 3.5, -100.0])
    add("float64 nan inf mixed", "float64", values=[float("nan"), 1.0, float("-inf"), float("inf")])
    add("float64 nan with fraction", "float64", values=[float("nan"), 0.125])
    add("float64 all nan", "float64", values=[float("nan"), float("nan")])
    add("float64 nan and -inf only", "float64", values=[float("nan"), float("-inf")])
    add("float64 inf only", "float64", values=[float("inf")])
    add("float64 nan scientific", "float64", values=[float("nan"), 1e10, float("-inf")])
    add("float64 exp by max", "float64", values=[1e8, 1.0])
    add("float64 just below 1e8", "float64", values=[99999999.0, 1.5])
    add("float64 exp by min", "float64", values=[1e-5, 1.0])
    add("float64 1e-4 stays positional", "float64", values=[1e-4, 1e-3])
    add("float64 exp by ratio", "float64", values=[1.0, 1000.5])
    add("float64 ratio exactly 1000", "float64", values=[1.0, 1000.0])
    add("float64 huge range", "float64", values=[1e-300, 1e300])
    add("float64 subnormal", "float64", values=[5e-324, 1.0])
    add("float64 exp negative zero", "float64", values=[-0.0, 1e-7, -2.5e9])
    add("float64 rounded to 8 decimals", "float64", values=[0.123456789, 1.0])
    add("float64 carry to integer", "float64", values=[0.999999999, 2.5])
    add("float64 zeros", "float64", values=[0.0, 0.0])
    add("float64 pi e", "float64", values=[np.pi, np.e, -np.sqrt(2)])
    add("float64 tenths", "float64", values=[0.1, 0.2, 0.30000000000000004])
    add("float64 large positional", "float64", values=[12345678.5, 0.5])
    add("float64 arange/7 wraps", "float64", values=np.arange(30.0) / 7)
    add("float64 linspace 0 1 30", "float64", linspace=(0, 1, 30))
    add("float64 arange 50", "float64", arange=(0, 50, 1))
    add("float32 shortest digits", "float32", values=np.array([0.1, 1 / 3, 2.5], dtype=np.float32))
    add("float32 exp cutoff 1e6", "float32", values=[1e6, 1.0])
    add("float32 below cutoff", "float32", values=[999999.0, 1.0])
    add("float32 1e-4 exp", "float32", values=[1e-4, 1.0])
    add("float32 1e-4 positional", "float32", values=[1e-4, 1e-3])
    add("float32 ratio rounds to 1000", "float32",
        values=[np.float32(1925.6956), np.float32(1.9256955)])
    add("float32 exact digits past unique", "float32",
        values=np.array([0.1, 1.2345679e-5, 1.00000011920928955e-07], dtype=np.float32))
    add("float32 linspace", "float32", linspace=(0, 1, 11))
    add("float32 arange 11 dtype on new line", "float32", arange=(0, 11, 1))
    add("float16 shortest digits", "float16", values=np.array([0.1, 0.2, 0.3, 1 / 3], dtype=np.float16))
    add("float16 exp cutoff 1e3", "float16", values=[1000.0, 1.0])
    add("float16 below cutoff", "float16", values=[999.5, 1.0])
    add("float16 max", "float16", values=[65504.0, 1.0])
    add("float16 ratio rounds to 1000", "float16", values=[np.float16(818.0), np.float16(0.818)])
    add("float16 1e-4", "float16", values=[1e-4, 0.1])
    add("float16 subnormal", "float16", values=[np.float16(6e-8), np.float16(1.0)])
    add("float16 nan inf", "float16", values=[float("nan"), float("-inf"), 0.5])
    add("float16 linspace", "float16", linspace=(0, 1, 21))


def empty():
    add("empty float64", "float64", (0,), [])
    add("empty int64 0x3", "int64", (0, 3), [])
    add("empty float32 2x0", "float32", (2, 0), [])
    add("empty bool", "bool", (0,), [])
    add("empty int8", "int8", (0,), [])
    add("empty uint16 3x0x2", "uint16", (3, 0, 2), [])


def multi_d():
    add("int64 2d", "int64", (3, 4), arange=(0, 12, 1))
    add("int64 2d negative", "int64", (2, 3), [-1, 20, 3, 400, -5, 6])
    add("float64 2d", "float64", (2, 3), [0.0, 0.5, 1.0, 1.5, -2.0, 2.25])
    add("float64 2d wraps", "float64", (3, 12), np.arange(36.0).reshape(3, 12) / 3)
    add("float32 2d scientific", "float32", (2, 2), [1e-5, 1.0, 2.0, 3.5e7])
    add("bool 2d", "bool", (2, 2), [True, False, False, True])
    add("uint8 2d", "uint8", (2, 3), [0, 255, 7, 8, 9, 10])
    add("int64 3d", "int64", (2, 3, 4), arange=(0, 24, 1))
    add("float64 3d", "float64", (2, 2, 2), [0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, -3.5])
    add("int16 3d", "int16", (3, 2, 2), arange=(0, 12, 1))
    add("int64 4d", "int64", (2, 2, 3, 4), arange=(0, 48, 1))
    add("float32 4d", "float32", (2, 1, 2, 2), linspace=(0, 1, 8))
    add("int64 2d fortran order", "int64", (3, 4), arange=(0, 12, 1), order="F")
    add("float64 2d transposed", "float64", (3, 4), arange=(0, 12, 1), transpose=True)
    add("int64 strided view", "int64", (4, 6), arange=(0, 24, 1), view="::2, ::-2")
    add("float64 column view", "float64", (3, 4), arange=(0, 12, 1), view=":, 1")
    add("int64 0d view", "int64", (3, 4), arange=(0, 12, 1), view="1, 2, ...")
    add("int64 2d 1 row", "int64", (1, 5), arange=(0, 5, 1))
    add("int64 2d 1 column", "int64", (5, 1), arange=(0, 5, 1))
    add("int64 3d with unit axes", "int64", (1, 1, 3), arange=(0, 3, 1))


def summarized():
    add("int64 1001 summarized", "int64", arange=(0, 1001, 1))
    add("int64 1000 not summarized", "int64", arange=(0, 1000, 1))
    add("float64 10^6 summarized", "float64", arange=(0, 1000000, 1))
    add("float32 10^6 2d summarized", "float32", (1000, 1000), linspace=(0, 1, 1000000))
    add("float64 2d summarized rows", "float64", (1, 1001), arange=(0, 1001, 1))
    add("int32 2d summarized", "int32", (40, 50), arange=(0, 2000, 1))
    add("float32 2d summarized wraps", "float32", (40, 50), linspace=(0, 1, 2000))
    add("int64 2d summarized 6 columns", "int64", (200, 6), arange=(0, 1200, 1))
    add("int64 3d summarized", "int64", (20, 20, 20), arange=(0, 8000, 1))
    add("int64 4d summarized", "int64", (10, 10, 10, 10), arange=(0, 10000, 1))
    add("bool summarized", "bool", (1001,), [i % 2 == 0 for i in range(1001)])
    add("uint64 summarized", "uint64", (1001,), [2**64 - 1 - i for i in range(1001)])
    add("float64 summarized hides nan", "float64", (1001,),
        [1.0, 2.0, 3.0] + [float("nan")] * 995 + [4.0, 5.5, 6.0])
    add("float64 summarized 2x2x2x2x... 1024", "float64", (2,) * 10, arange=(0, 1024, 1))


def random_floats():
    rng = np.random.default_rng(20240601)
    for dt in ["float16", "float32", "float64"]:
        for regime in range(6):
            n = int(rng.integers(3, 12))
            if regime == 0:      # positional, mixed signs
                v = rng.uniform(-100, 100, n)
            elif regime == 1:    # positional, few decimals
                v = np.round(rng.uniform(0, 10, n), int(rng.integers(0, 4)))
            elif regime == 2:    # scientific, wide range
                v = rng.choice([-1, 1], n) * 10.0 ** rng.uniform(-12, 12, n)
            elif regime == 3:    # just inside positional, many digits
                v = rng.uniform(0.0001, 0.1, n)
            elif regime == 4:    # integers in float
                v = rng.integers(-50000, 50000, n).astype(float)
            else:                # tiny
                v = 10.0 ** rng.uniform(-7, -3, n)
            v = np.asarray(v).astype(dt)
            add(f"random {dt} regime {regime}", dt, values=v)


def wrap_boundaries():
    """Rows whose first line ends exactly at, or one short of, the wrap limit."""
    found = 0
    for dt in ["int64", "int8", "float64"]:
        for width in range(1, 8):
            for n in range(2, 40):
                v = [10 ** (width - 1)] * n if dt != "int8" else [min(10 ** (width - 1), 100)] * n
                a = np.array(v, dtype=dt)
                lines = repr(a).split("\n")
                if len(lines) > 1 and len(lines[0]) in (73, 74):
                    add(f"wrap boundary {dt} width {width} n {n}", dt, values=v)
                    found += 1
                    break
    assert found >= 3


def dragon4_entry(dt, bits, mode, prec, mind, trim, pad_l, last):
    """One dragon4 row; -1 stands for None in the int arguments."""
    ut = {"float16": np.uint16, "float32": np.uint32, "float64": np.uint64}[dt]
    x = np.array(bits, dtype=ut).view(dt)[()]

    def opt(v):
        return None if v < 0 else v

    if mode == "pos":
        s = np.format_float_positional(x, precision=opt(prec), unique=True, fractional=True,
                                       trim=trim, pad_left=opt(pad_l), pad_right=opt(last),
                                       min_digits=opt(mind))
    else:
        s = np.format_float_scientific(x, precision=opt(prec), unique=True, trim=trim,
                                       pad_left=opt(pad_l), exp_digits=opt(last),
                                       min_digits=opt(mind))
    return [dt, format(bits, "x"), mode, prec, mind, trim, pad_l, last, s]


def dragon4_cases():
    rng = np.random.default_rng(7)
    out = []
    widths = {"float16": np.uint16, "float32": np.uint32, "float64": np.uint64}
    for dt, ut in widths.items():
        nbits = np.dtype(ut).itemsize * 8
        for i in range(400):
            kind = i % 5
            if kind == 0:
                bits = int(rng.integers(0, 2 ** (nbits - 1))) | (int(rng.integers(0, 2)) << (nbits - 1))
            else:
                x = float(rng.choice([-1, 1]) * 10.0 ** rng.uniform(-9, 9))
                if kind == 1:
                    x = float(np.round(x, int(rng.integers(0, 6))))
                bits = int(np.array(x, dtype=dt).view(ut))
            if not np.isfinite(np.array(bits, dtype=ut).view(dt)[()]):
                continue
            prec = [-1, 0, 3, 8][int(rng.integers(0, 4))]
            mind = [-1, 0, 2, 8][int(rng.integers(0, 4))]
            if prec >= 0 and mind > prec:
                mind = prec
            trim = "k.0-"[int(rng.integers(0, 4))]
            pad_l = [-1, 4][int(rng.integers(0, 2))]
            if i % 2 == 0:
                pad_r = [-1, 10][int(rng.integers(0, 2))]
                out.append(dragon4_entry(dt, bits, "pos", prec, mind, trim, pad_l, pad_r))
            else:
                exp_d = [-1, 3][int(rng.integers(0, 2))]
                out.append(dragon4_entry(dt, bits, "sci", prec, mind, trim, pad_l, exp_d))
    # trim '-' drops a point left bare by trimming in positional text, but not in scientific
    out.append(dragon4_entry("float16", 0x4000, "sci", 3, 3, "-", -1, -1))
    out.append(dragon4_entry("float64", 0xC008000000000000, "sci", 8, 8, "-", 4, 3))
    out.append(dragon4_entry("float64", 0xC008000000000000, "pos", 8, 8, "-", 4, 3))
    # zero, smallest subnormals and largest finite values
    for dt, b in [("float16", 0x0000), ("float16", 0x8000), ("float16", 0x0001), ("float16", 0x7BFF),
                  ("float32", 0x00000001), ("float32", 0x7F7FFFFF),
                  ("float64", 0x0000000000000001), ("float64", 0x7FEFFFFFFFFFFFFF)]:
        out.append(dragon4_entry(dt, b, "sci", -1, -1, ".", -1, -1))
        out.append(dragon4_entry(dt, b, "pos", -1, -1, ".", -1, -1))
        out.append(dragon4_entry(dt, b, "pos", 8, 0, ".", 3, 8))
    return out


def half_strs():
    patterns = list(range(0, 1 << 16, 16)) + [0x0001, 0x03FF, 0x0400, 0x3C00, 0x7BFF, 0x7C00,
                                              0xFC00, 0x7E00, 0x8000, 0x8001, 0xFBFF]
    return [[format(b, "x"), str(np.array(b, dtype=np.uint16).view(np.float16)[()])]
            for b in patterns]


def main():
    assert np.__version__ == "2.4.6", np.__version__
    warnings.simplefilter("ignore", RuntimeWarning)  # random values overflowing float16 become inf
    zero_d()
    one_d_ints()
    one_d_bools()
    one_d_floats()
    empty()
    multi_d()
    summarized()
    random_floats()
    wrap_boundaries()
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "repr.json")
    with open(path, "w") as f:
        f.write('{"numpy": "%s",\n' % np.__version__)
        f.write(' "cases": [\n')
        f.write(",\n".join("  " + json.dumps(c) for c in CASES))
        f.write('\n ],\n "dragon4": [\n')
        f.write(",\n".join("  " + json.dumps(d) for d in dragon4_cases()))
        f.write('\n ],\n "half_str": [\n')
        f.write(",\n".join("  " + json.dumps(h) for h in half_strs()))
        f.write("\n ]\n}\n")
    print(f"wrote {path}: {len(CASES)} cases")


if __name__ == "__main__":
    main()
