#!/usr/bin/env python3
"""Goldens for the spark-connector cluster tests (io.tessera.it.spark) from NumPy 2.4.6.

Usage: python3 integration-tests/src/test/python/gen_spark_goldens.py
Writes integration-tests/src/test/resources/golden/spark/*.npy (a few KiB each):

- inputs: x, y (float64 (60, 50)), row (float64 (50,)), col (float64 (60, 1)), k (int32 (60, 50));
- elementwise: x_mul_row_add_1p5 = np.add(np.multiply(x, row), 1.5), x_add_y = x + y,
  x_sub_y_mul_col = np.multiply(np.subtract(x, y), col), k_add_x = k + x (int32 + float64);
- whole-array reductions of x: fsum_x, the correctly rounded sum (math.fsum; the connector's and
  the local engine's float sums are exact), mean_x = fsum_x / x.size, np_sum_x = np.sum(x)
  (NumPy's pairwise sum) and abs_sum_x = sum(|x|) for the bound between the two; min_x, max_x;
  sum_k = np.sum(k) (int64, exact);
- counter-based random generators (io.tessera.spark.internal.CounterRandom, SplitMix64 output
  function at position i): uniform_s42 = uniform(seed 42, [-2, 3)) of shape (37, 23),
  integers_s7 = integers(seed 7, [-50, 1000)) of shape (37, 23).
- products and grid operations: a_i64 (40, 30), b_i64 (30, 20), c_i64 (25, 30) int64 in
  [-100, 100] with a_i64 @ b_i64 and np.einsum('ij,kj->ik', a_i64, c_i64) (exact in int64);
  af (40, 30), bf (30, 20) float64 with af @ bf (NumPy's BLAS) and np.abs(af) @ np.abs(bf) for the
  error bound; x_slice = x[5:47, 10:47], x_row = x[-3, 2:40];
- reductions along axes and the moments: sum_x_axis0 and mean_x_axis1 (correctly rounded:
  math.fsum per column / per row, the mean that float64 sum / 50), min_x_axis1, argmin_x (flat),
  argmax_x_axis0, var_x_ddof1 and std_x (exact rational variance (n*S2 - S1^2) / (n*(n-ddof)),
  correctly rounded; std the correctly rounded square root of the exact variance, which here
  equals sqrt of the rounded variance), and z (int8 (60, 50), mostly 0/1, with all-zero rows and
  all-one columns) with any_z_axis1 = np.any(z, axis=1), all_z_axis0 = np.all(z, axis=0).
- outer operations (never materialized by Tessera; materialized here): ox (300,), oy (170,),
  oy2 (400,) float64 with np.min(np.abs(ox[:, None] - oy[None, :]), axis=1) (outer_min_absdiff),
  np.sum(ox[:, None] + oy[None, :], axis=1) (outer_sum_add), the same min against oy2
  (outer_min_absdiff_y2); rows orx (120, 3), ory (50, 3) with
  np.min(np.sum(np.square(orx[:, None, :] - ory[None, :, :]), axis=-1), axis=1) (outer_rows_min_sq);
  the unfused np.subtract.outer(ox[:30], oy[:20]) (outer_sub).
All arrays are 0-d or C-order little-endian .npy files.
"""
from fractions import Fraction
import math
import os

import numpy as np

assert np.__version__ == "2.4.6", np.__version__

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(os.path.join(HERE, "..", "resources", "golden", "spark"))
os.makedirs(OUT, exist_ok=True)
rng = np.random.default_rng(20261127)

M64 = (1 << 64) - 1


def save(name, a):
    np.save(os.path.join(OUT, name + ".npy"), np.asarray(a))


x = rng.standard_normal((60, 50)) * 10
x[3, 4] = -0.0
x[59, 49] = 1e-300
y = rng.standard_normal((60, 50)) * 10
row = rng.standard_normal(50)
col = rng.standard_normal((60, 1))
k = rng.integers(-1_000_000, 1_000_000, (60, 50)).astype(np.int32)
for n, a in [("x", x), ("y", y), ("row", row), ("col", col), ("k", k)]:
    save(n, a)

save("x_mul_row_add_1p5", np.add(np.multiply(x, row), 1.5))
save("x_add_y", x + y)
save("x_sub_y_mul_col", np.multiply(np.subtract(x, y), col))
save("k_add_x", k + x)


save("fsum_x", np.float64(math.fsum(x.ravel())))
save("mean_x", np.float64(math.fsum(x.ravel())) / np.float64(x.size))
save("np_sum_x", np.sum(x))
save("abs_sum_x", np.float64(math.fsum(np.abs(x).ravel())))
save("min_x", np.min(x))
save("max_x", np.max(x))
save("sum_k", np.sum(k))  # int64


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


GOLDEN = 0x9E3779B97F4A7C15


def counter_bits(seed, n, stream=0):
    key = mix64((seed & M64) ^ 0x6A09E667F3BCC909)
    return [mix64((key + (2 * i + 1 + stream) * GOLDEN) & M64) for i in range(n)]


shape = (37, 23)
n = shape[0] * shape[1]
low, high = -2.0, 3.0
u = np.array([b >> 11 for b in counter_bits(42, n)], dtype=np.float64) * 2.0 ** -53
save("uniform_s42", (np.float64(low) + np.float64(high - low) * u).reshape(shape))

lo, hi = -50, 1000
rg = hi - lo
ints = [(lo + ((b * rg) >> 64)) for b in counter_bits(7, n)]
save("integers_s7", np.array(ints, dtype=np.int64).reshape(shape))

# ---------------------------------------------------------------- products and grid operations
a = rng.integers(-100, 101, (40, 30))
b = rng.integers(-100, 101, (30, 20))
c = rng.integers(-100, 101, (25, 30))
for nm, arr in [("a_i64", a), ("b_i64", b), ("c_i64", c)]:
    assert arr.dtype == np.int64
    save(nm, arr)
save("ab_i64", a @ b)
save("einsum_ij_kj_ik_i64", np.einsum("ij,kj->ik", a, c))
af = rng.standard_normal((40, 30))
bf = rng.standard_normal((30, 20))
save("af", af)
save("bf", bf)
save("abf", af @ bf)
save("abs_abf", np.abs(af) @ np.abs(bf))
save("x_slice", np.ascontiguousarray(x[5:47, 10:47]))
save("x_row", np.ascontiguousarray(x[-3, 2:40]))

# ---------------------------------------------------------------- reductions along axes, moments
save("sum_x_axis0", np.array([math.fsum(x[:, j]) for j in range(x.shape[1])]))
save("mean_x_axis1", np.array([math.fsum(x[i, :]) for i in range(x.shape[0])]) / np.float64(50))
save("min_x_axis1", np.min(x, axis=1))
save("argmin_x", np.argmin(x))
save("argmax_x_axis0", np.argmax(x, axis=0))


def exact_var(values, ddof):
    fr = [Fraction(float(v)) for v in values]
    n = len(fr)
    s1 = sum(fr)
    s2 = sum(v * v for v in fr)
    return (n * s2 - s1 * s1) / (n * (n - ddof))


def sqrt_rounded(q):
    """The float64 nearest to sqrt(q) for a positive Fraction q (sticky-bit integer sqrt)."""
    k = 128
    m, rem = divmod(q.numerator << (2 * k), q.denominator)
    r = math.isqrt(m)
    if rem or r * r != m:
        return (2 * r + 1) / (1 << (k + 1))
    return r / (1 << k)


v1 = exact_var(x.ravel(), 1)
save("var_x_ddof1", np.float64(float(v1)))
v0 = exact_var(x.ravel(), 0)
std = sqrt_rounded(v0)
assert std == math.sqrt(float(v0)), "std: the exact root differs from sqrt of the rounded var"
save("std_x", np.float64(std))
assert abs(float(v1) - np.var(x, ddof=1)) <= 4 * np.spacing(float(v1))

z = (rng.random((60, 50)) < 0.5).astype(np.int8)
z[[7, 31], :] = 0
z[:, [3, 44]] = 1
z[7, 3] = 0  # column 3 not all ones after all
save("z", z)
save("any_z_axis1", np.any(z, axis=1))
save("all_z_axis0", np.all(z, axis=0))

# ---------------------------------------------------------------- outer operations
ox = rng.standard_normal(300) * 10
oy = rng.standard_normal(170) * 10
oy2 = rng.standard_normal(400) * 10
orx = rng.standard_normal((120, 3))
ory = rng.standard_normal((50, 3))
for nm, arr in [("ox", ox), ("oy", oy), ("oy2", oy2), ("orx", orx), ("ory", ory)]:
    save(nm, arr)
save("outer_min_absdiff", np.min(np.abs(ox[:, None] - oy[None, :]), axis=1))
save("outer_sum_add", np.sum(ox[:, None] + oy[None, :], axis=1))
save("outer_min_absdiff_y2", np.min(np.abs(ox[:, None] - oy2[None, :]), axis=1))
save("outer_rows_min_sq",
     np.min(np.sum(np.square(orx[:, None, :] - ory[None, :, :]), axis=-1), axis=1))
save("outer_sub", np.subtract.outer(ox[:30], oy[:20]))
print("wrote", OUT)
