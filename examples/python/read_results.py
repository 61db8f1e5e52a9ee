#!/usr/bin/env python3
"""Reads what io.tessera.examples.spark.SparkJob (or SparkJob.scala) wrote, with NumPy, and checks it.

Usage: python3 examples/python/read_results.py OUT_DIR

The job writes four .npy files:
  x.npy        float64 (n,)  the generated uniform values on [0, 1)
  y.npy        float64 (m,)  the grid 0, 1/(m-1), ..., 1
  nearest.npy  float64 (n,)  min_j |x[i] - y[j]|, computed on Spark tile by tile
  stats.npy    float64 (4,)  [sum(c), mean(c), min(b), max(b)] with b = 2x - 1, c = b * b
  blocks.npy   int64 (1,)    the number of blocks x was cut into

This script recomputes everything from x and y with NumPy and asserts:
  - nearest equals NumPy's np.abs(x[:, None] - y[None, :]).min(axis=1) exactly (min is exact;
    the pairwise differences are the same IEEE operations), computed here in row chunks so that
    the n x m matrix is never held;
  - min(b) and max(b) equal NumPy's exactly;
  - sum(c) and mean(c) agree within a stated bound: Spark sums each block pairwise (NumPy's own
    kernel) and adds the block sums in a fixed tree, NumPy sums the whole array pairwise, so the
    two differ only by association: |diff| <= (blocks + log2(n) + 1) * eps * sum|c|.
It prints what it checked and exits non-zero on any mismatch.
"""
import math
import sys
from pathlib import Path

import numpy as np


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    out = Path(argv[1])
    x = np.load(out / "x.npy")
    y = np.load(out / "y.npy")
    nearest = np.load(out / "nearest.npy", mmap_mode="r")  # a memory map, like MemoryMap in Java
    stats = np.load(out / "stats.npy")
    blocks = int(np.load(out / "blocks.npy")[0])
    for name, a in (("x", x), ("y", y), ("nearest", nearest), ("stats", stats)):
        print(f"{name}.npy: shape {a.shape}, dtype {a.dtype}, C_CONTIGUOUS {a.flags['C_CONTIGUOUS']}")
    assert x.dtype == np.float64 and y.dtype == np.float64 and nearest.dtype == np.float64
    assert nearest.shape == x.shape and stats.shape == (4,)
    assert ((0.0 <= x) & (x < 1.0)).all(), "x is not in [0, 1)"

    expected = np.empty_like(x)
    step = max(1, (1 << 22) // max(1, y.size))  # about 32 MiB of differences at a time
    for i in range(0, x.size, step):
        expected[i:i + step] = np.abs(x[i:i + step, None] - y[None, :]).min(axis=1)
    assert np.array_equal(expected, nearest), "nearest differs from NumPy's"
    print(f"nearest: equal to NumPy's chunked np.abs(x[:, None] - y).min(axis=1) "
          f"(mean {nearest.mean():.6g}, max {nearest.max():.6g})")

    b = 2.0 * x - 1.0
    c = b * b
    s, mean, lo, hi = (float(v) for v in stats)
    assert lo == b.min() and hi == b.max(), f"min/max differ: {lo} {hi} vs {b.min()} {b.max()}"
    eps = np.finfo(np.float64).eps
    bound = (blocks + math.log2(max(2, c.size)) + 1) * eps * float(np.abs(c).sum())
    assert abs(s - c.sum()) <= bound, f"sum(c) {s!r} vs NumPy {c.sum()!r} (bound {bound})"
    assert abs(mean - c.mean()) <= bound / c.size, f"mean(c) {mean!r} vs NumPy {c.mean()!r}"
    print(f"stats: sum(c) {s!r} (NumPy {float(c.sum())!r}), mean(c) {mean!r}, min(b) {lo!r}, "
          f"max(b) {hi!r}; sums within {bound:.3g} ({blocks} blocks)")
    print("OK: NumPy agrees with the Spark job")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
