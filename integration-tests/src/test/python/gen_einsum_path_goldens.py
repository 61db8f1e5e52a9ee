#!/usr/bin/env python3
"""Golden cases for io.tessera.linalg.einsum (EinsumSpec, EinsumPath), with NumPy as the oracle.

Run from anywhere (paths are resolved from this file); writes

    chunked-array/src/test/resources/golden/einsum/paths.json
    chunked-array/src/test/resources/golden/einsum/errors.json
    chunked-array/src/test/resources/golden/einsum/manifest.json

paths.json, one entry per (subscripts, operand shapes):
  * the parse: NumPy's expanded terms (np._core.einsumfunc._parse_einsum_input), the labels NumPy
    gave the ellipsis dimensions in this process, every label's size, the output shape (the shape
    np.einsum returns where running it is cheap);
  * one run per optimize= setting (False, True, 'greedy', 'optimal', and ('greedy', N) /
    ('optimal', N) memory limits): np.einsum_path's path list and report text, and the exact
    numbers behind the report (naive and optimized FLOP counts and the largest intermediate, read
    from einsum_path's own calls to _flop_count / _compute_size_by_dict), plus each step's
    (positions, einsum string, remaining terms) from einsum_path(einsum_call=True);
  * where cheap, each step executed the way np.einsum does it (bmm_einsum for two operands,
    c_einsum otherwise) on zero arrays: the consumed operands' shapes, the result's shape and
    NumPy's _parse_eq_to_batch_matmul plan for two-operand steps.

errors.json: malformed subscripts or mismatched shapes with the message np.einsum raises (the C
parser's, also the exception type) and, for reference, what np.einsum_path raises; plus explicit
paths np.einsum_path rejects.

Every path case is also checked to be accepted by np.einsum's C parser (a dtype/casting trick
makes it stop right after parsing and broadcasting, without computing).

NumPy's Python parser takes ellipsis labels from a hash-ordered set, so the script re-executes
itself with PYTHONHASHSEED=0 to make the files reproducible; the labels NumPy used are recorded.
"""

import json
import os
import pathlib
import random
import sys

if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import numpy as np  # noqa: E402

try:
    from numpy._core import einsumfunc as ef
except ImportError:  # NumPy 1.x
    from numpy.core import einsumfunc as ef

ROOT = pathlib.Path(__file__).resolve().parents[4]
OUT = ROOT / "chunked-array" / "src" / "test" / "resources" / "golden" / "einsum"
SEED = 20250611
EXEC_LIMIT = 5e7  # run a path's steps only if its FLOPs and elements stay below this

# --------------------------------------------------------------------------- cases

HAND = [
    # one operand: traces, diagonals, sums, transposes
    ("ii", [(5, 5)]),
    ("ii->i", [(4, 4)]),
    ("ij->ji", [(3, 4)]),
    ("ij", [(3, 4)]),
    ("ji", [(3, 4)]),
    ("ijk->", [(2, 3, 4)]),
    ("iij->j", [(3, 3, 5)]),
    ("i...i", [(3, 4, 3)]),
    ("...ii->...i", [(2, 4, 4)]),
    ("...j->...", [(5, 5)]),
    ("ij->i", [(6, 7)]),
    ("iji->ij", [(3, 4, 3)]),
    # two operands
    ("ij,jk->ik", [(30, 40), (40, 50)]),
    ("ij,jk", [(30, 40), (40, 50)]),
    ("ij,jh", [(3, 4), (4, 5)]),
    ("bij,bjk->bik", [(8, 30, 40), (8, 40, 20)]),
    ("i,i", [(100,), (100,)]),
    ("i,j", [(3,), (4,)]),
    ("i,j->", [(3,), (4,)]),
    ("ij,ij->ij", [(3, 4), (3, 4)]),
    ("ij,ij->", [(3, 4), (3, 4)]),
    ("ij,kj->ik", [(3, 4), (5, 4)]),
    ("ii,i->i", [(4, 4), (4,)]),
    ("...ij,...jk->...ik", [(5, 3, 4), (5, 4, 6)]),
    ("...ij,...jk->...ik", [(1, 3, 4), (7, 4, 2)]),
    ("...ij,...jk", [(2, 1, 3, 4), (6, 4, 2)]),
    ("i...,j", [(2, 3, 4), (5,)]),
    ("ki,...k->i...", [(3, 2), (4, 3)]),
    ("k...,jk", [(3, 2), (4, 3)]),
    ("ij...,jk...->ik...", [(2, 3, 5), (3, 4, 5)]),
    ("i,i", [(1,), (7,)]),
    ("ij,jk", [(2, 1), (5, 4)]),
    (",ij", [(), (2, 3)]),
    ("ij,", [(2, 3), ()]),
    ("Ab,bC->AC", [(3, 4), (4, 5)]),
    ("i j , j k -> i k", [(2, 3), (3, 4)]),
    # three operands
    ("ij,jk,kl->il", [(1000, 50), (50, 1000), (1000, 50)]),
    ("ij,jk,kl->il", [(2, 2), (2, 5), (5, 2)]),
    ("ij,jk,kl", [(10, 20), (20, 5), (5, 30)]),
    ("i,j,k->ijk", [(10,), (20,), (30,)]),
    ("abc,cd,de->abe", [(4, 5, 6), (6, 7), (7, 8)]),
    ("ii,ij,jk->k", [(5, 5), (5, 6), (6, 7)]),
    ("ij,...jk,kl->...il", [(3, 4), (2, 4, 5), (5, 6)]),
    ("...ij,...jk,...kl->...il", [(2, 3, 4), (1, 4, 5), (2, 5, 6)]),
    ("...,...,...", [(2, 3), (3,), ()]),
    ("ij,jk,ki->", [(10, 20), (20, 30), (30, 10)]),
    ("bi,bj,bk->bijk", [(3, 4), (3, 5), (3, 6)]),
    ("ab,ab,ab->ab", [(4, 5), (4, 5), (4, 5)]),
    ("aB,Bc,cD->aD", [(40, 3), (3, 50), (50, 2)]),
    ("ij,,jk", [(2, 3), (), (3, 4)]),
    # four operands
    ("ij,jk,kl,lm->im", [(10, 100), (100, 5), (5, 200), (200, 3)]),
    ("abc,bcd,cde,def->af", [(2, 3, 4), (3, 4, 5), (4, 5, 6), (5, 6, 7)]),
    ("i,j,k,l->ijkl", [(2,), (3,), (4,), (5,)]),
    ("ab,bc,cd,de->ae", [(3, 2), (2, 5), (5, 10), (10, 100)]),
    ("ab,bc,cd,de->ae", [(20, 50), (50, 50), (50, 5), (5, 2)]),
    ("ab,bc,cd,de->ae", [(100, 10), (10, 5), (5, 20), (20, 5)]),
    ("ab,cd,ac,bd->", [(6, 7), (8, 9), (6, 8), (7, 9)]),
    ("...ab,bc,...cd,de->...ae", [(2, 3, 4), (4, 5), (6, 1, 5, 7), (7, 8)]),
    # five operands
    ("ea,fb,abcd,gc,hd->efgh", [(10, 10), (10, 10), (10, 10, 10, 10), (10, 10), (10, 10)]),
    ("ijk,ilm,njm,nlk,abc->", [(2, 4, 8)] * 5),
    ("ab,bc,cd,de,ef->af", [(50, 5), (5, 100), (100, 50), (50, 100), (100, 50)]),
    ("ab,bc,cd,de,ef->af", [(3, 100), (100, 100), (100, 2), (2, 3), (3, 20)]),
    ("ab,bc,cd,de,ef->af", [(2, 50), (50, 5), (5, 100), (100, 10), (10, 2)]),
    ("ab,bc,cd,de,ef->af", [(100, 10), (10, 2), (2, 20), (20, 50), (50, 100)]),
    ("ab,bc,cd,de,ef->af", [(100, 5), (5, 2), (2, 10), (10, 2), (2, 3)]),
    ("a,b,c,d,e->abcde", [(2,), (3,), (2,), (3,), (2,)]),
    # six operands
    ("ab,bc,cd,de,ef,fg->ag", [(5, 40), (40, 3), (3, 60), (60, 2), (2, 70), (70, 4)]),
    ("ab,ac,ad,ae,af,ag->a", [(3, 4), (3, 5), (3, 6), (3, 7), (3, 8), (3, 9)]),
    ("ab,bc,cd,de,ef,fa->", [(8, 9), (9, 10), (10, 11), (11, 12), (12, 13), (13, 8)]),
    # counts far beyond 64-bit integers (exact in NumPy's Python ints)
    ("ab,bc,cd,de->ae", [(10**6, 10**5), (10**5, 10**6), (10**6, 10**5), (10**5, 10**6)]),
    ("abc,cde,efg,gha->bdfh", [(10**4,) * 3] * 4),
    # seven operands (beyond the brief's six: the exhaustive search is deep enough to matter)
    ("ab,bc,cd,de,ef,fg,gh->ah",
     [(30, 2), (2, 40), (40, 3), (3, 50), (50, 4), (4, 60), (60, 5)]),
    ("abc,cd,de,eb,af,fg,gh->h", [(3, 4, 5), (5, 6), (6, 2), (2, 4), (3, 7), (7, 2), (2, 9)]),
]

# (case index into the final list is not used; limits are applied by subscripts/shape match)
MEMORY_LIMITS = {
    "ij,jk,kl->il": [0, 1000, 2500, 50000, 10**6],
    "abc,cd,de->abe": [50, 200, 10**4],
    "ab,bc,cd,de,ef->af": [100, 300, 2000, 5000],
    "ea,fb,abcd,gc,hd->efgh": [100, 1000, 10**4],
    "ijk,ilm,njm,nlk,abc->": [1, 64, 512],
    "i,j,k->ijk": [100, 6000],
    "ab,bc,cd,de,ef,fg->ag": [10, 150, 1000],
    "ab,cd,ac,bd->": [50, 100],
    "ab,bc,cd,de,ef,fg,gh->ah": [100, 400],
}


def random_cases(rng, count):
    """Random contractions of 3 to 6 operands over shared labels, sizes 1 to 9 (some size-1)."""
    cases = []
    pool = "abcdefghijAB"
    while len(cases) < count:
        nops = rng.choice([3, 3, 4, 4, 5, 5, 6])
        nlab = rng.randint(3, 8)
        labels = rng.sample(pool, nlab)
        sizes = {c: rng.choice([1, 2, 2, 3, 3, 4, 5, 6, 7, 8, 9]) for c in labels}
        terms = []
        for _ in range(nops):
            k = rng.randint(1, 3)
            t = "".join(rng.sample(labels, k))
            if rng.random() < 0.08:
                t += t[0]  # a repeated label: diagonal
            terms.append(t)
        used = sorted(set("".join(terms)))
        explicit = rng.random() < 0.7
        if explicit:
            keep = [c for c in used if rng.random() < 0.35]
            rng.shuffle(keep)
            subs = ",".join(terms) + "->" + "".join(keep)
        else:
            subs = ",".join(terms)
        shapes = []
        for t in terms:
            shp = []
            for c in t:
                d = sizes[c]
                if d > 1 and rng.random() < 0.05:
                    d = 1  # size-1 broadcast against the label's size elsewhere
                shp.append(d)
            shapes.append(tuple(shp))
        # a repeated label within a term must have one size on that operand
        ok = True
        for t, shp in zip(terms, shapes):
            seen = {}
            for c, d in zip(t, shp):
                if seen.setdefault(c, d) != d:
                    ok = False
        if ok and c_accepts(subs, shapes):
            cases.append((subs, shapes))
    return cases


# --------------------------------------------------------------------------- helpers

def lazy(shape):
    """A zero array of the shape without its memory (einsum_path only reads shapes)."""
    return np.broadcast_to(np.float64(0), shape)


def c_accepts(subs, shapes):
    """Does np.einsum's C parser accept this? (A casting error means parsing passed.)"""
    try:
        np.einsum(subs, *[lazy(s) for s in shapes], dtype=np.float32, casting="no")
        return True
    except TypeError as e:
        return "could not be cast" in str(e)
    except ValueError as e:
        # The iteration space of one C einsum over everything overflows npy_intp: parsing and
        # broadcasting passed (np.einsum with optimize= runs such contractions pairwise).
        return str(e) == "iterator is too large"


def ellipsis_labels(subs, expanded_inputs):
    """The labels NumPy's Python parser gave the ellipsis in this process."""
    best = ""
    terms = subs.replace(" ", "").split("->")[0].split(",")
    for term, exp in zip(terms, expanded_inputs):
        if "..." in term:
            pre, suf = term.split("...")
            ins = exp[len(pre):len(exp) - len(suf)]
            if len(ins) > len(best):
                best = ins
    return best


class Recorder:
    """Logs einsum_path's calls to _flop_count and (top-level) _compute_size_by_dict."""

    def __init__(self):
        self.log = []
        self.depth = 0
        self.orig_flop = ef._flop_count
        self.orig_size = ef._compute_size_by_dict

    def flop(self, *a, **k):
        self.depth += 1
        try:
            v = self.orig_flop(*a, **k)
        finally:
            self.depth -= 1
        self.log.append(("f", int(v)))
        return v

    def size(self, *a, **k):
        v = self.orig_size(*a, **k)
        if self.depth == 0:
            self.log.append(("s", int(v)))
        return v

    def __enter__(self):
        ef._flop_count = self.flop
        ef._compute_size_by_dict = self.size
        return self

    def __exit__(self, *exc):
        ef._flop_count = self.orig_flop
        ef._compute_size_by_dict = self.orig_size


def report_value(report, key):
    for line in report.splitlines():
        if line.strip().startswith(key + ":"):
            return line.split(":", 1)[1].strip()
    raise KeyError(key)


def execute(contractions, shapes):
    """Run the steps as np.einsum(optimize=...) does, on zeros; per step shapes and bmm plan."""
    operands = [np.zeros(s) for s in shapes]
    steps = []
    for inds, einsum_str, _ in contractions:
        tmp = [operands.pop(x) for x in inds]
        step = {"operand_shapes": [list(t.shape) for t in tmp]}
        if len(tmp) == 2:
            plan = ef._parse_eq_to_batch_matmul(einsum_str, tmp[0].shape, tmp[1].shape)
            eq_a, eq_b, nsa, nsb, nsab, perm, pure = plan
            step["bmm"] = {
                "eq_a": eq_a, "eq_b": eq_b,
                "new_shape_a": None if nsa is None else [int(d) for d in nsa],
                "new_shape_b": None if nsb is None else [int(d) for d in nsb],
                "new_shape_ab": None if nsab is None else [int(d) for d in nsab],
                "perm_ab": None if perm is None else [int(d) for d in perm],
                "pure_multiplication": bool(pure),
            }
            new = ef.bmm_einsum(einsum_str, *tmp)
        else:
            step["bmm"] = None
            new = ef.c_einsum(einsum_str, *tmp)
        step["result_shape"] = list(np.shape(new))
        steps.append(step)
        operands.append(new)
    assert len(operands) == 1
    return steps, list(np.shape(operands[0]))


def optimize_label(opt):
    if opt is False or opt is True:
        return opt
    return list(opt) if isinstance(opt, tuple) else opt


def run_path(subs, shapes, opt, dims):
    ops = [lazy(s) for s in shapes]
    with Recorder() as rec:
        path, report = np.einsum_path(subs, *ops, optimize=opt)
    _, contractions = np.einsum_path(subs, *ops, optimize=opt, einsum_call=True)
    steps_path = [list(p) for p in path[1:]]
    k = len(steps_path)
    tail = rec.log[-(2 * k + 1):]
    assert [t for t, _ in tail] == ["f", "s"] * k + ["f"], (subs, opt, rec.log[-12:])
    step_flops = [v for t, v in tail[:-1:2]]
    step_sizes = [v for t, v in tail[1::2]]
    naive = tail[-1][1]
    optimized = sum(step_flops) + 1
    largest = max(step_sizes)
    # the exact numbers must be the ones the report prints
    assert report_value(report, "Naive FLOP count") == f"{naive:.3e}", report
    assert report_value(report, "Optimized FLOP count") == f"{optimized:.3e}", report
    assert report_value(report, "Largest intermediate") == f"{largest:.3e} elements", report
    run = {
        "optimize": optimize_label(opt),
        "path": steps_path,
        "report": report,
        "naive_scaling": int(report_value(report, "Naive scaling")),
        "optimized_scaling": int(report_value(report, "Optimized scaling")),
        "naive_flops": str(naive),
        "optimized_flops": str(optimized),
        "speedup": report_value(report, "Theoretical speedup"),
        "largest_intermediate": str(largest),
        "step_flops": [str(v) for v in step_flops],
        "step_sizes": [str(v) for v in step_sizes],
        "contractions": [
            {"operands": list(inds), "einsum": s, "remaining": list(rem)}
            for inds, s, rem in contractions
        ],
    }
    elements = max([largest] + [int(np.prod(s)) for s in shapes])
    if optimized <= EXEC_LIMIT and elements <= EXEC_LIMIT:
        run["steps"], run["result_shape"] = execute(contractions, shapes)
    else:
        run["steps"] = None
    return run


def path_case(subs, shapes):
    shapes = [tuple(s) for s in shapes]
    assert c_accepts(subs, shapes), subs
    ops = [lazy(s) for s in shapes]
    inp, out, _ = ef._parse_einsum_input((subs,) + tuple(ops))
    inputs = inp.split(",")
    dims = {}
    for term, shp in zip(inputs, shapes):
        for c, d in zip(term, shp):
            if dims.get(c, 1) == 1:
                dims[c] = int(d)
    case = {
        "subscripts": subs,
        "shapes": [list(s) for s in shapes],
        "ellipsis_labels": ellipsis_labels(subs, inputs),
        "inputs": inputs,
        "output": out,
        "sizes": {c: dims[c] for c in sorted(dims)},
        "output_shape": [dims[c] for c in out],
        "runs": [],
    }
    opts = [False, "greedy", "optimal"]
    if len(shapes) >= 3:
        opts.append(True)
    for limit in MEMORY_LIMITS.get(subs, []):
        opts.append(("greedy", limit))
        opts.append(("optimal", limit))
    for opt in opts:
        run = run_path(subs, shapes, opt, dims)
        if run["steps"] is not None:
            assert run["result_shape"] == case["output_shape"], (subs, run["result_shape"])
        case["runs"].append(run)
    # np.einsum's own result shape where that is cheap
    naive = int(case["runs"][0]["naive_flops"])
    if naive <= EXEC_LIMIT:
        real = np.einsum(subs, *[np.zeros(s) for s in shapes])
        assert list(np.shape(real)) == case["output_shape"], (subs, np.shape(real))
    return case


# --------------------------------------------------------------------------- errors

ERRORS = [
    ("i%,jk", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (3, 4), (4,)]),
    ("ij,jk,kl", [(2, 3), (3, 4)]),
    ("ij,jk->ik", [(2, 3), (3, 4), (1,)]),
    ("ij,jk->ikk", [(2, 3), (3, 4)]),
    ("ij,jk->iki", [(2, 3), (3, 4)]),
    ("ij,jk->ikl", [(2, 3), (3, 4)]),
    ("ij,jk", [(2, 3), (5, 4)]),
    ("ij,jk->ik", [(2, 3), (4, 5)]),
    ("Ab,bC->AC", [(2, 3), (4, 5)]),
    ("ii", [(2, 3)]),
    ("ii", [(1, 3)]),
    ("ii->i", [(2, 3)]),
    ("ii->i", [(3, 0)]),
    ("ii", [(2**31 + 1, 3)]),
    ("ij", [(2, 3, 4)]),
    ("ijk", [(2, 3)]),
    ("i", [()]),
    ("", [(2,)]),
    ("->i", [(2,)]),
    ("ij->i->j", [(2, 3)]),
    ("ij-i", [(2, 3)]),
    ("i- >i", [(2,)]),
    ("i-", [(2,)]),
    ("ij>i", [(2, 3)]),
    ("ij->ij>", [(2, 3)]),
    ("i..j", [(2, 3)]),
    ("i....j", [(2, 3)]),
    ("...i...", [(2, 3)]),
    ("i.j..", [(2, 3)]),
    ("ij.,jk", [(2, 3), (3, 4)]),
    ("ij,jk->.ik", [(2, 3), (3, 4)]),
    ("ij->i.", [(2, 3)]),
    ("...ij", [(2,)]),
    ("...ij,...jk", [(2, 3, 4), (5, 4, 6)]),
    ("...ij,...jk", [(3, 3, 4), (2, 4, 6)]),
    ("ab...,bc...->ac...", [(2, 3, 4, 5), (3, 6, 7)]),
    ("...ij->ij", [(5, 2, 3)]),
    ("...->", [(2, 3)]),
    ("ij,jk->ik,", [(2, 3), (3, 4)]),
    ("...,...", [(2, 3), (4,)]),
    ("i,i", [(2,), (3,)]),
    ("i,i", [(0,), (3,)]),
    ("i,i,i", [(2,), (1,), (3,)]),
    ("ii,i", [(3, 3), (4,)]),
    ("iij,k", [(3, 4, 5), (2,)]),
    ("jii->i", [(4, 2, 3)]),
    ("iij->i", [(2, 3, 4)]),
    ("1j", [(2, 3)]),
    ("i\tj", [(2, 3)]),
    ("i\x00j", [(2, 3)]),
    ("é", [(2,)]),
    ("ié", [(2,)]),
    ("i€€j", [(2, 3)]),
    ("i😀j", [(2, 3)]),
    ("ij", []),
    (",".join(["i"] * 64), [(2,)] * 64),
]

BAD_PATHS = [
    ("ij,jk,kl->il", [(2, 2), (2, 5), (5, 2)], [(0, 1)]),
    ("ij,jk,kl,lm->im", [(2, 3), (3, 4), (4, 5), (5, 6)], [(0, 1), (0, 1)]),
]


def error_case(subs, shapes):
    shapes = [tuple(s) for s in shapes]
    ops = [lazy(s) for s in shapes]
    entry = {"subscripts": subs, "shapes": [list(s) for s in shapes]}
    try:
        np.einsum(subs, *ops)
        raise AssertionError(f"np.einsum accepted {subs!r} {shapes}")
    except (ValueError, TypeError, UnicodeError) as e:
        entry["type"] = type(e).__name__
        entry["message"] = str(e)
    try:
        np.einsum_path(subs, *ops, optimize="greedy")
        entry["path_message"] = None
    except Exception as e:  # noqa: BLE001 - recorded for reference only
        entry["path_message"] = f"{type(e).__name__}: {e}"
    return entry


def bad_path_case(subs, shapes, path):
    ops = [lazy(s) for s in shapes]
    try:
        np.einsum_path(subs, *ops, optimize=["einsum_path"] + path)
        raise AssertionError("accepted")
    except RuntimeError as e:
        return {"subscripts": subs, "shapes": [list(s) for s in shapes],
                "path": [list(p) for p in path], "message": str(e)}


# --------------------------------------------------------------------------- main

def main():
    rng = random.Random(SEED)
    cases = [path_case(s, shp) for s, shp in HAND]
    cases += [path_case(s, shp) for s, shp in random_cases(rng, 40)]
    errors = [error_case(s, shp) for s, shp in ERRORS]
    bad_paths = [bad_path_case(*c) for c in BAD_PATHS]

    OUT.mkdir(parents=True, exist_ok=True)
    meta = {"numpy": np.__version__, "seed": SEED}
    with open(OUT / "paths.json", "w", encoding="utf-8") as f:
        json.dump(dict(meta, cases=cases), f, indent=1, ensure_ascii=False)
        f.write("\n")
    with open(OUT / "errors.json", "w", encoding="utf-8") as f:
        json.dump(dict(meta, errors=errors, bad_paths=bad_paths), f, indent=1,
                  ensure_ascii=False)
        f.write("\n")
    runs = sum(len(c["runs"]) for c in cases)
    differ = sum(
        1 for c in cases
        if [r["path"] for r in c["runs"] if r["optimize"] == "greedy"]
        != [r["path"] for r in c["runs"] if r["optimize"] == "optimal"])
    cheaper = sum(
        1 for c in cases
        if {r["optimize"] if isinstance(r["optimize"], (str, bool)) else None:
            r["optimized_flops"] for r in c["runs"]}.get("greedy")
        != {r["optimize"] if isinstance(r["optimize"], (str, bool)) else None:
            r["optimized_flops"] for r in c["runs"]}.get("optimal"))
    manifest = dict(meta, cases=len(cases), runs=runs,
                    operands={str(n): sum(1 for c in cases if len(c["shapes"]) == n)
                              for n in range(1, 8)},
                    greedy_path_differs_from_optimal=differ,
                    greedy_flops_differ_from_optimal=cheaper,
                    memory_limited_runs=sum(1 for c in cases for r in c["runs"]
                                            if isinstance(r["optimize"], list)),
                    executed_runs=sum(1 for c in cases for r in c["runs"]
                                      if r["steps"] is not None),
                    errors=len(errors), bad_paths=len(bad_paths))
    with open(OUT / "manifest.json", "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print(json.dumps(manifest, indent=1))


if __name__ == "__main__":
    main()
