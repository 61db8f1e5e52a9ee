"""The NumPy half of Tessera's side-by-side benchmark.

Reads one JSON request per line on stdin and answers one JSON line on stdout:
  {"op": "setup", "id": "...", "code": "..."}            -> {"ok": true}
  {"op": "time", "id": "...", "stmt": "...", "reps": n}  -> {"times": [seconds, ...]}
  {"op": "drop", "id": "..."}                             -> {"ok": true}
  {"op": "info"}                                          -> {"numpy": "...", ...}
Each workload's setup runs once in its own namespace; "time" runs the statement `reps` times,
timing each run with perf_counter. The Java side interleaves its own runs with these calls, so
both halves see the same machine state.
"""
import gc
import json
import sys
import time

import numpy as np

spaces = {}


def main():
    for line in sys.stdin:
        req = json.loads(line)
        op = req["op"]
        try:
            if op == "setup":
                ns = {"np": np}
                exec(req["code"], ns)  # noqa: S102 -- benchmark code sent by our own Java side
                spaces[req["id"]] = ns
                out = {"ok": True}
            elif op == "time":
                ns = spaces[req["id"]]
                code = compile(req["stmt"], "<stmt>", "exec")
                times = []
                gc.disable()
                for _ in range(req["reps"]):
                    t0 = time.perf_counter()
                    exec(code, ns)  # noqa: S102
                    times.append(time.perf_counter() - t0)
                gc.enable()
                out = {"times": times}
            elif op == "drop":
                spaces.pop(req["id"], None)
                gc.collect()
                out = {"ok": True}
            elif op == "info":
                cfg = {}
                try:
                    from threadpoolctl import threadpool_info  # optional
                    cfg["blas"] = threadpool_info()
                except Exception:  # noqa: BLE001
                    pass
                out = {"numpy": np.__version__, "python": sys.version.split()[0], **cfg}
            else:
                out = {"error": "unknown op " + op}
        except Exception as e:  # noqa: BLE001 -- reported to the Java side
            out = {"error": type(e).__name__ + ": " + str(e)}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
