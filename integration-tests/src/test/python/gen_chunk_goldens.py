#!/usr/bin/env python3
"""Goldens for io.tessera.chunk: Dask's normalize_chunks, common_blockdim / broadcast unify,
plan_rechunk and the chunks of basic slices on a set of inputs, written to
chunked-array/src/test/resources/golden/chunk/dask_chunks.json.

Needs dask (any version with array.rechunk.plan_rechunk taking threshold and
block_size_limit; made with Debian's python3-dask 2022.12.1, whose normalize_chunks,
auto_chunks, round_to, common_blockdim and plan_rechunk are the same algorithms as current
dask's). Run from the repository root:

    /usr/bin/python3 integration-tests/src/test/python/gen_chunk_goldens.py

The Java tests read the JSON; no Python is needed to run them.
"""
import json
import os
import sys

import dask
import dask.array as da
import numpy as np
from dask.array.core import common_blockdim, normalize_chunks
from dask.array.rechunk import plan_rechunk

OUT = os.path.join("chunked-array", "src", "test", "resources", "golden", "chunk",
                   "dask_chunks.json")


def tup(x):
    """JSON lists -> tuples, recursively (how the specs are passed to dask)."""
    if isinstance(x, list):
        return tuple(tup(v) for v in x)
    if isinstance(x, dict):
        return {int(k): tup(v) for k, v in x.items()}
    return x


def lists(x):
    if isinstance(x, (tuple, list)):
        return [lists(v) for v in x]
    return int(x)


NORMALIZE = [
    # spec, shape, dtype, limit, previous
    ([2, 2], [5, 6], None, None, None),
    ([[2, 2, 1], [2, 2, 2]], [5, 6], None, None, None),
    (10, [30, 5], None, None, None),
    ({"0": 2, "1": 3}, [6, 6], None, None, None),
    ([5, -1], [10, 10], None, None, None),
    ([3, None], [7, 4], None, None, None),
    (["auto"], [20], "uint8", 5, None),
    ("1kiB", [2000], "float32", None, None),
    ([], [0, 0], None, None, None),
    ([2, 2, 1], [5], None, None, None),
    (4, [10], None, None, None),
    ([4, 3], [0, 7], None, None, None),
    ([[0], [5, 5]], [0, 10], None, None, None),
    ("auto", [1000, 1000], "float64", 1 << 20, None),
    ("auto", [1000, 1000], "float64", 1 << 20, [32, 64]),
    (["auto", -1], [10000, 1000], "float64", 8_000_000, None),
    (["auto", "auto", 3], [100, 200, 3], "int32", 10_000, None),
    ("auto", [10, 10], "float64", None, None),
    (["auto", 5], [1000, 10], "float64", 100_000, None),
    ("auto", [0, 10], "float64", None, None),
    ("10MB", [100000], "int64", None, None),
    (["auto", 7], [1000000, 7], "uint16", None, None),
    (["1MiB", 7], [1000000, 7], "uint16", None, None),
    ("auto", [16384, 64], "float32", 4 << 20, [[128] * 128, [32, 32]]),
    (["auto", "auto"], [4000, 3000], "float64", 128 << 20, [[100] * 40, [1000] * 3]),
    (["auto", "auto"], [4000, 3000], "float64", 1 << 20, [[100] * 40, [1000] * 3]),
    (["auto", "auto", "auto"], [500, 600, 700], "float64", 16 << 20, None),
    (["auto", -1, "auto"], [500, 600, 700], "int8", 1 << 20, None),
    ("auto", [123457], "float64", 10_000, None),
]

UNIFY = [
    [[5, 2], [4, 3]],
    [[3], [2, 1]],
    [[1, 2], [2, 1]],
    [[10], [10]],
    [[2, 2, 2, 2], [3, 3, 2]],
    [[1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [7, 3]],
]

BROADCAST = [
    # (shape, chunks) of two operands; result chunks of x + y
    (([10, 1], [3, 1]), ([1, 8], [1, 5])),
    (([6, 8], [[2, 4], [3, 5]]), ([8], [[4, 4]])),
    (([5, 1, 4], [2, 1, 4]), ([3, 1], [1, 1])),
]

PLANS = [
    # old, new, itemsize, block_size_limit bytes
    ([[1] * 100, [100]], [[100], [1] * 100], 8, 8 * 1000),
    ([[10] * 10, [10] * 10], [[100], [1] * 100], 8, 8 * 2000),
    ([[25] * 4, [25] * 4], [[7] * 14 + [2], [30, 30, 30, 10]], 8, 8 * 1000),
    ([[1] * 64, [64], [64]], [[64], [64], [1] * 64], 4, 4 * 64 * 64 * 16),
    ([[1] * 1000, [1000]], [[1000], [1] * 1000], 8, 8 * 100_000),
    ([[1] * 1000, [1000]], [[1000], [1] * 1000], 8, 8 * 1_000_000),
    ([[2] * 500, [10] * 100], [[100] * 10, [1] * 1000], 4, 4 * 40_000),
]


SLICES = [
    # shape, chunks, index (Python text, also Tessera's index syntax)
    ([10, 10], [[3, 3, 3, 1], [5, 5]], "2:9:2, ::-3"),
    ([10, 10], [[3, 3, 3, 1], [5, 5]], "4, 1:7"),
    ([10, 10], [[3, 3, 3, 1], [5, 5]], "None, ..., 3"),
    ([10, 10], [[3, 3, 3, 1], [5, 5]], "::-1, -1"),
    ([10, 10], [[3, 3, 3, 1], [5, 5]], "5:5, :"),
    ([20], [[4, 4, 4, 4, 4]], "1:19:5"),
    ([20], [[4, 4, 4, 4, 4]], "17:2:-4"),
    ([20], [[4, 4, 4, 4, 4]], "-3:"),
    ([6, 7, 8], [[2, 4], [3, 4], [5, 3]], ":, None, 2:, -2::-2"),
    ([6, 7, 8], [[2, 4], [3, 4], [5, 3]], "..., 4"),
    ([6, 7, 8], [[2, 4], [3, 4], [5, 3]], "1:5, 6:0:-1"),
]


def main():
    out = {"dask": dask.__version__, "numpy": np.__version__, "normalize": [], "unify": [],
           "broadcast": [], "plans": [], "slices": []}
    for spec, shape, dtype, limit, previous in NORMALIZE:
        kwargs = {}
        if dtype is not None:
            kwargs["dtype"] = np.dtype(dtype)
        if limit is not None:
            kwargs["limit"] = limit
        if previous is not None:
            kwargs["previous_chunks"] = tup(previous)
        got = normalize_chunks(tup(spec), shape=tuple(shape), **kwargs)
        out["normalize"].append({"spec": spec, "shape": shape, "dtype": dtype, "limit": limit,
                                 "previous": previous, "expected": lists(got)})
    for dims in UNIFY:
        out["unify"].append({"dims": dims, "expected": lists(common_blockdim([tuple(d) for d in dims]))})
    for (sx, cx), (sy, cy) in BROADCAST:
        x = da.ones(tuple(sx), chunks=tup(cx))
        y = da.ones(tuple(sy), chunks=tup(cy))
        out["broadcast"].append({"x": {"shape": sx, "chunks": lists(x.chunks)},
                                 "y": {"shape": sy, "chunks": lists(y.chunks)},
                                 "expected": lists((x + y).chunks)})
    for old, new, itemsize, limit in PLANS:
        steps = plan_rechunk(tup(old), tup(new), itemsize, threshold=4, block_size_limit=limit)
        out["plans"].append({"old": old, "new": new, "itemsize": itemsize, "limit": limit,
                             "steps": [lists(s) for s in steps]})
    for shape, chunks, index in SLICES:
        x = da.ones(tuple(shape), chunks=tup(chunks))
        y = eval("x[" + index + "]", {"x": x})
        out["slices"].append({"shape": shape, "chunks": chunks, "index": index,
                              "expected": lists(y.chunks)})
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"wrote {OUT}: {len(out['normalize'])} normalize, {len(out['unify'])} unify, "
          f"{len(out['broadcast'])} broadcast, {len(out['plans'])} plans, "
          f"{len(out['slices'])} slices", file=sys.stderr)


if __name__ == "__main__":
    main()
