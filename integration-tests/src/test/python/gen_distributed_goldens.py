#!/usr/bin/env python3
"""Goldens for the distributed products of spark-connector (DistributedLinalg): np.matmul and
np.einsum over one or two operands, with NumPy's result dtype, shape and raw bits.

Each case holds its operands (dtype, shape, raw little-endian C-order bytes in base64) and the
result. For float results it also holds `bound`, the same operation on |a|, |b| in float64, and
`k`, the number of terms summed into each element, so the Java test can hold each element to
|tessera - numpy| <= (k + 1) * eps * bound: both results are dot products of length k, each within
k*eps/2*bound of the exact value, whatever order the blocks are summed in. Integer results and
pure permutations/diagonals are compared bit for bit.

The Java test cuts the operands into several chunk grids and runs each case with the broadcast
and the shuffle plan; the chunking is the test's, not the golden's.

Regenerate from the repository root with NumPy 2.4.6:
    python3 integration-tests/src/test/python/gen_distributed_goldens.py
Writes spark-connector/src/test/resources/golden/distributed/distributed_cases.json.gz
"""
import base64
import gzip
import json
import os

import numpy as np

assert np.__version__.startswith("2.4"), np.__version__

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..",
                   "spark-connector", "src", "test", "resources", "golden", "distributed")

RNG = np.random.default_rng(20261127)


def values(dtype, shape):
    dt = np.dtype(dtype)
    if dt.kind in "iu":
        return RNG.integers(-20, 20, shape).astype(dt)
    return RNG.standard_normal(shape).astype(dt)


def enc(a):
    a = np.asarray(a).copy(order="C")  # (ascontiguousarray would make a 0-d array 1-d)
    return {"dtype": a.dtype.name, "shape": list(a.shape),
            "data": base64.b64encode(a.astype(a.dtype.newbyteorder("<")).tobytes()).decode()}


def case(name, op, subscripts, *ops):
    if op == "matmul":
        r = np.matmul(*ops)
        bound = np.matmul(*[np.abs(o).astype(np.float64) for o in ops])
        k = ops[0].shape[-1]
    else:
        r = np.einsum(subscripts, *ops)
        bound = np.einsum(subscripts, *[np.abs(o).astype(np.float64) for o in ops])
        ins, out = subscripts.split("->")
        labels = set(ins.replace(",", ""))
        sizes = {}
        for term, o in zip(ins.split(","), ops):
            for c, n in zip(term, o.shape):
                sizes[c] = n
        k = 1
        for c in labels - set(out):
            k *= sizes[c]
    c = {"name": name, "op": op, "subscripts": subscripts,
         "operands": [enc(o) for o in ops], "result": enc(np.asarray(r)), "k": int(k)}
    if np.asarray(r).dtype.kind == "f":
        c["bound"] = enc(np.asarray(bound, dtype=np.float64))
    return c


def main():
    f8 = np.float64
    cases = [
        case("matmul 2d", "matmul", None, values(f8, (50, 37)), values(f8, (37, 23))),
        case("matmul 2d x 1d", "matmul", None, values(f8, (41, 29)), values(f8, (29,))),
        case("matmul 1d x 2d", "matmul", None, values(f8, (29,)), values(f8, (29, 17))),
        case("matmul 1d x 1d", "matmul", None, values(f8, (57,)), values(f8, (57,))),
        case("matmul batched", "matmul", None, values(f8, (5, 12, 14)), values(f8, (5, 14, 9))),
        case("matmul float32", "matmul", None, values("float32", (33, 40)),
             values("float32", (40, 21))),
        case("matmul int64", "matmul", None, values("int64", (30, 26)), values("int64", (26, 19))),
        case("matmul mixed", "matmul", None, values("float32", (20, 18)),
             values(f8, (18, 11))),
        case("einsum ij,jk->ik", "einsum", "ij,jk->ik", values(f8, (40, 30)),
             values(f8, (30, 20))),
        case("einsum ij,kj->ik", "einsum", "ij,kj->ik", values(f8, (40, 30)),
             values(f8, (20, 30))),
        case("einsum bij,bjk->bik", "einsum", "bij,bjk->bik", values(f8, (4, 10, 12)),
             values(f8, (4, 12, 9))),
        case("einsum i,i->", "einsum", "i,i->", values(f8, (60,)), values(f8, (60,))),
        case("einsum ij,j->i", "einsum", "ij,j->i", values(f8, (40, 30)), values(f8, (30,))),
        case("einsum ij,k->k", "einsum", "ij,k->k", values(f8, (12, 10)), values(f8, (15,))),
        case("einsum ik,jk->ijk", "einsum", "ik,jk->ijk", values(f8, (9, 7)),
             values(f8, (6, 7))),
        case("einsum ij->ji", "einsum", "ij->ji", values(f8, (40, 30))),
        case("einsum ijk->kij", "einsum", "ijk->kij", values(f8, (6, 7, 8))),
        case("einsum ii->i", "einsum", "ii->i", values(f8, (24, 24))),
    ]
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "distributed_cases.json.gz")
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(json.dumps({"numpy": np.__version__, "cases": cases}, indent=0).encode())
    print("wrote", len(cases), "cases to", os.path.normpath(path))


if __name__ == "__main__":
    main()
