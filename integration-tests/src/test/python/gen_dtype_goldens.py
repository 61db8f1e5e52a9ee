#!/usr/bin/env python3
"""Golden files for io.tessera.dtype (Float16, Casting, Convert), computed by NumPy, the oracle.

Regenerate from the repository root with:

    python3 integration-tests/src/test/python/gen_dtype_goldens.py

Written with NumPy 2.4.6 on x86-64 (AVX2/F16C, no AVX-512); other versions or CPUs may legitimately
differ for float -> integer casts of NaN/inf/out-of-range values. The script is deterministic (the
only randomness uses a fixed seed) and writes into chunked-array/src/test/resources/golden/dtype/:

  casting.json          np.can_cast for 12x12 dtypes x 5 modes, np.promote_types for 12x12.
  half_to_float32.bin.gz  all 65536 float16 bit patterns -> float32 bits (uint32 little-endian).
  half_to_float64.bin.gz  all 65536 float16 bit patterns -> float64 bits (uint64 little-endian).
  float32_to_half.bin.gz  float16 bits (uint16 LE) for the float32 inputs of float32_inputs().
  float64_to_half.bin.gz  float16 bits (uint16 LE) for the float64 inputs of float64_inputs().
  astype.json           raw bits (space-separated hex strings) of a.astype(dst, casting='unsafe')
                        for every (src, dst) pair over edge values per source dtype, element
                        by element (NumPy's scalar rule), plus the vectorized-contiguous
                        float -> uint32 results ("uint32_simd").

The float -> half inputs are not stored; they follow a formula the Java test repeats exactly
(sign x exponent list x all 1024 top-ten mantissa values x a fixed list of low-bit tails). The
tails put every rounding position at, just below and just above its halfway point; the float64
tails also hit the cases that round wrongly when going through float32 first.
"""

import gzip
import json
import os
import sys
import warnings

import numpy as np

OUT = os.path.join("chunked-array", "src", "test", "resources", "golden", "dtype")
DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64"]
MODES = ["no", "equiv", "safe", "same_kind", "unsafe"]

# float32 -> half input formula (repeated in Float16Test)
EXPONENTS32 = sorted(set(range(127 - 26, 127 + 17)) | {0, 1, 2, 50, 100, 150, 200, 253, 254, 255})
TAILS32 = [0, 1, 0x0FFF, 0x1000, 0x1001, 0x1FFF]
# float64 -> half input formula (repeated in Float16Test)
EXPONENTS64 = sorted(set(range(1023 - 26, 1023 + 17))
                     | {0, 1, 2, 500, 896, 897, 1000, 1100, 1500, 2045, 2046, 2047})
TAILS64 = [0, 1, 1 << 28, 1 << 29, (1 << 41) - (1 << 28), (1 << 41) - 1, 1 << 41, (1 << 41) + 1,
           (1 << 41) + (1 << 28), (1 << 42) - (1 << 28), (1 << 42) - 1]


def float32_inputs():
    """sign, exponent, top-10 mantissa bits and a 13-bit tail, in this nesting order."""
    sign = np.array([0, 1], dtype=np.uint64)[:, None, None, None] << 31
    exp = np.array(EXPONENTS32, dtype=np.uint64)[None, :, None, None] << 23
    m10 = np.arange(1024, dtype=np.uint64)[None, None, :, None] << 13
    tail = np.array(TAILS32, dtype=np.uint64)[None, None, None, :]
    return (sign | exp | m10 | tail).ravel().astype(np.uint32)


def float64_inputs():
    """sign, exponent, top-10 mantissa bits and a 42-bit tail, in this nesting order."""
    sign = np.array([0, 1], dtype=np.uint64)[:, None, None, None] << np.uint64(63)
    exp = np.array(EXPONENTS64, dtype=np.uint64)[None, :, None, None] << np.uint64(52)
    m10 = np.arange(1024, dtype=np.uint64)[None, None, :, None] << np.uint64(42)
    tail = np.array(TAILS64, dtype=np.uint64)[None, None, None, :]
    return (sign | exp | m10 | tail).ravel()


def bits_dtype(name):
    return np.dtype(np.uint8 if name == "bool" else "u%d" % np.dtype(name).itemsize)


def raw_hex(arr):
    """Raw bits of each element as zero-padded lowercase hex, space separated."""
    width = arr.dtype.itemsize * 2
    return " ".join("%0*x" % (width, int(v)) for v in arr.view(bits_dtype(arr.dtype.name)))


def from_bits(name, bits):
    return np.array(bits, dtype=np.uint64).astype(bits_dtype(name)).view(name)


def write_gz(name, arr):
    path = os.path.join(OUT, name)
    # mtime=0 and no file name: byte-identical output on every run
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                mtime=0, compresslevel=9) as gz:
        gz.write(arr.astype(arr.dtype.newbyteorder("<")).tobytes())


def write_json(name, obj):
    with open(os.path.join(OUT, name), "w") as f:
        json.dump(obj, f, indent=1, sort_keys=False)
        f.write("\n")


def gen_casting():
    can = {m: [[int(np.can_cast(np.dtype(a), np.dtype(b), m)) for b in DTYPES] for a in DTYPES]
           for m in MODES}
    promote = [[np.promote_types(a, b).name for b in DTYPES] for a in DTYPES]
    write_json("casting.json", {"numpy_version": np.__version__, "dtypes": DTYPES,
                                "modes": MODES, "can_cast": can, "promote_types": promote})


def check_paths(src, dst):
    """Astype contiguously and strided; they must agree for the half conversions."""
    contiguous = src.astype(dst)
    strided = np.repeat(src, 2)[::2].astype(dst)
    if contiguous.tobytes() != strided.tobytes():
        sys.exit("contiguous and strided %s->%s casts differ" % (src.dtype, dst))
    return contiguous


def gen_float16():
    halves = np.arange(65536, dtype=np.uint32).astype(np.uint16).view(np.float16)
    write_gz("half_to_float32.bin.gz", check_paths(halves, np.float32).view(np.uint32))
    write_gz("half_to_float64.bin.gz", check_paths(halves, np.float64).view(np.uint64))
    f32 = float32_inputs().view(np.float32)
    write_gz("float32_to_half.bin.gz", check_paths(f32, np.float16).view(np.uint16))
    f64 = float64_inputs().view(np.float64)
    write_gz("float64_to_half.bin.gz", check_paths(f64, np.float16).view(np.uint16))


FLOAT_EDGES = [
    0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, -np.nan, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5,
    0.49999999999999994, 0.9999999, -0.9999999, 0.1, -3.7, 127.0, 127.5, 128.0, -128.0, -128.5,
    -129.0, 255.0, 255.5, 256.0, 300.7, -300.7, 32767.0, 32767.5, 32768.0, -32768.0, -32768.5,
    -32769.0, 65504.0, 65505.0, 65519.0, 65519.99, 65520.0, 65535.0, 65535.5, 65536.0, -65536.0,
    70000.0, 123456.789, 1e5, 2.0**24 + 1, 2.0**31 - 1, 2.0**31 - 0.5, 2.0**31, 2.0**31 + 1,
    -2.0**31, -2.0**31 - 0.5, -2.0**31 - 1, 2.0**32 - 1, 2.0**32, 2.0**32 + 5, -2.0**32, 3e9, -3e9,
    -2147483649.0, 4294967301.0, 2.0**53, 2.0**53 + 2, 2.0**63 - 1024, 2.0**63, 2.0**63 + 2048,
    -2.0**63, -2.0**63 - 1025, 2.0**64 - 2048, 2.0**64, -2.0**64, 1e19, -1e19, 1.8e19, 1e300,
    -1e300, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-10, 2.0**-24, -2.0**-24, 2.0**-25,
    -2.0**-25, 3 * 2.0**-26, 2.0**-25 + 2.0**-40, 2.0**-14, 6.1e-5, 1.401298464324817e-45,
    1.1754943508222875e-38, 3.4028234663852886e38, 3.4028235677973366e38, 1 + 2.0**-11,
    1 + 2.0**-11 + 2.0**-40, 1 + 2.0**-11 - 2.0**-40, 1 + 2.0**-24, 1 + 2.0**-24 + 2.0**-50,
]
NAN_BITS = {
    "float16": [0x7C01, 0x7E00, 0xFE00, 0x7D00, 0x7FFF, 0xFC01],
    "float32": [0x7F800001, 0x7FA00000, 0xFFC00000, 0x7FC00001, 0x7FFFFFFF, 0xFF802000, 0x7F802000],
    "float64": [0x7FF0000000000001, 0x7FF4000000000000, 0xFFF8000000000000, 0x7FF8000000000001,
                0x7FFFFFFFFFFFFFFF, 0x7FF0000020000000, 0x7FF0040000000000, 0xFFF0000000000001],
}
INT_EDGES = [
    0, 1, -1, 2, 7, 127, 128, -128, -129, 255, 256, 2049, 2050, 2051, 4097, 32767, 32768, -32768,
    -32769, 65504, 65505, 65519, 65520, 65535, 65536, 16777217, 16777219, -16777217, 2**31 - 1,
    2**31, -2**31, -2**31 - 1, 2**32 - 1, 2**32, 2**53 + 1, 2**53 + 3, -(2**53 + 1),
    2**62 + 2**38, 2**62 + 2**38 + 1, 2**62 + 3 * 2**38, -(2**62 + 2**38) - 1, 2**63 - 1, -2**63,
    -2**63 + 1, 2**63, 2**63 + 1, 2**63 + 2**10, 2**63 + 2**10 + 1, 2**63 + 3 * 2**10,
    2**63 + 2**39, 2**63 + 2**39 + 1, 2**63 + 2**40 + 2**39, 2**64 - 2**39, 2**64 - 2**39 - 1,
    2**64 - 2**10, 2**64 - 1,
]
RANDOM_PER_DTYPE = 32


def edge_values(name, rng):
    """Source values for astype goldens: edges, then seeded random bit patterns, deduplicated."""
    dt = np.dtype(name)
    if name == "bool":
        return np.array([0, 1, 2, 255], dtype=np.uint8).view(np.bool_)
    if dt.kind == "f":
        vals = np.array(FLOAT_EDGES, dtype=np.float64).astype(dt)
        nans = from_bits(name, NAN_BITS[name])
        scaled = (rng.standard_normal(RANDOM_PER_DTYPE)
                  * 10.0 ** rng.integers(-8, 25, RANDOM_PER_DTYPE)).astype(dt)
        parts = [vals, nans, scaled]
    else:
        info = np.iinfo(dt)
        ints = [v for v in INT_EDGES + [info.min, info.max, info.min + 1, info.max - 1]
                if info.min <= v <= info.max]
        parts = [np.array(ints, dtype=dt)]
    raw = rng.integers(0, 256, RANDOM_PER_DTYPE * dt.itemsize, dtype=np.uint8).view(dt)
    parts.append(raw)
    seen, out = set(), []
    for v in np.concatenate(parts):
        key = v.tobytes()
        if key not in seen:
            seen.add(key)
            out.append(v)
    return np.array(out, dtype=dt)


def gen_astype():
    rng = np.random.default_rng(20240611)
    values, results, simd = {}, {}, {}
    for src in DTYPES:
        a = edge_values(src, rng)
        values[src] = raw_hex(a)
        for dst in DTYPES:
            one = np.concatenate([a[i:i + 1].astype(dst, casting="unsafe") for i in range(len(a))])
            strided = np.repeat(a, 2)[::2].astype(dst, casting="unsafe")
            if strided.tobytes() != one.tobytes():
                sys.exit("strided and single-element %s->%s casts differ" % (src, dst))
            # every element inside a whole vector block of a contiguous loop
            blocks = np.repeat(a, 4).astype(dst, casting="unsafe")[::4]
            if blocks.tobytes() != one.tobytes():
                if not (src.startswith("float") and src != "float16" and dst == "uint32"):
                    sys.exit("unexpected contiguous/scalar difference %s->%s" % (src, dst))
                simd[src] = raw_hex(blocks)
            results[src + "->" + dst] = raw_hex(one)
    write_json("astype.json", {"numpy_version": np.__version__, "values": values,
                               "results": results, "uint32_simd": simd})


def main():
    if np.__version__ != "2.4.6":
        print("warning: goldens were written with numpy 2.4.6, this is " + np.__version__,
              file=sys.stderr)
    os.makedirs(OUT, exist_ok=True)
    warnings.simplefilter("ignore", RuntimeWarning)  # invalid/overflow casts are the point
    gen_casting()
    gen_float16()
    gen_astype()


if __name__ == "__main__":
    main()
