"""Native baseline for `cargo bench --bench sandbox`: the same generator code, run by native CPython.

Usage: python native_baseline.py CODE_FILE FUNCTION ROWS RUNS

Prints one JSON object: the time to import numpy in this process, and the wall time of each call of
FUNCTION(num_samples=ROWS, seed=42) followed by the same hand-over work the guest harness does
(`np.ascontiguousarray` of every returned column), so both sides time the same Python.
"""
import json
import sys
import time

t0 = time.perf_counter()
import numpy as np  # noqa: E402

import_numpy = time.perf_counter() - t0


def main():
    path, function, rows, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(path, encoding="utf-8") as f:
        source = f.read()
    namespace = {"__name__": "generator"}
    exec(compile(source, path, "exec"), namespace)
    fn = namespace[function]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        out = fn(num_samples=rows, seed=42)
        if not isinstance(out, (tuple, list)):
            out = (out,)
        cols = [np.ascontiguousarray(c) for c in out]
        times.append(time.perf_counter() - t)
        del cols, out
    print(json.dumps({"numpy": np.__version__, "import_numpy_s": import_numpy, "call_s": times}))


main()
