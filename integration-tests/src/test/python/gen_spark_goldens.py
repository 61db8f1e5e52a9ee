#!/usr/bin/env python3
"""Goldens for the spark-connector cluster tests (io.tessera.it.spark) from NumPy 2.4.6.

Usage: python3 integration-tests/src/test/python/gen_spark_goldens.py
Writes integration-tests/src/test/resources/golden/spark/*.npy (a few KiB each):

- inputs: x, y (float64 (60, 50)), row (float64 (50,)), col (float64 (60, 1)), k (int32 (60, 50));
- elementwise: x_mul_row_add_1p5 = np.add(np.multiply(x, row), 1.5), x_add_y = x + y,
  x_sub_y_mul_col = np.multiply(np.subtract(x, y), col), k_add_x = k + x (int32 + float64);
- reductions of x over the chunk grid (16, 16) (blocks 4 x 4, C order): tree_sum_x is what the
  connector documents: per block np.sum of the contiguous block (NumPy's own pairwise order),
  then the blocks' sums combined in the fixed tree of io.tessera.chunk.TreeReduce (neighbours
  (2i, 2i+1) level by level, the left-over subtrees combined from the right); tree_mean_x is
  tree_sum_x / x.size; fsum_x is the correctly rounded sum (math.fsum) and abs_sum_x = sum(|x|),
  for the error bound against the exact value; min_x, max_x; sum_k = np.sum(k) (int64, exact);
- counter-based random generators (io.tessera.spark.internal.CounterRandom, SplitMix64 output
  function at position i): uniform_s42 = uniform(seed 42, [-2, 3)) of shape (37, 23),
  integers_s7 = integers(seed 7, [-50, 1000)) of shape (37, 23).
All arrays are 0-d or C-order little-endian .npy files.
"""
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


def blocks(a, size):
    out = []
    for i in range(0, a.shape[0], size[0]):
        for j in range(0, a.shape[1], size[1]):
            out.append(np.ascontiguousarray(a[i:i + size[0], j:j + size[1]]))
    return out


def tree(values):
    """TreeReduce: a binary-counter stack; the stacked subtrees combined from the right."""
    stack = []  # (level, value)
    for v in values:
        level = 0
        while stack and stack[-1][0] == level:
            _, left = stack.pop()
            v = left + v
            level += 1
        stack.append((level, v))
    acc = stack[-1][1]
    for _, left in reversed(stack[:-1]):
        acc = left + acc
    return acc


sums = [np.sum(b) for b in blocks(x, (16, 16))]
assert all(s.dtype == np.float64 for s in sums)
tree_sum = tree(sums)
save("tree_sum_x", np.float64(tree_sum))
save("tree_mean_x", np.float64(tree_sum) / np.float64(x.size))
save("fsum_x", np.float64(math.fsum(x.ravel())))
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
print("wrote", OUT)
