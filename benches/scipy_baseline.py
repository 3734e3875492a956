#!/usr/bin/env python3
"""scipy timings on the same data as benches/validate.rs (single-threaded).

Run: OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python benches/scipy_baseline.py  (a venv with scipy==1.17.* numpy)
Reports the best of 3 runs per function, in seconds.
"""
import math
import time

import numpy as np
from scipy import stats

M = np.uint64(0xFFFFFFFFFFFFFFFF)


def splitmix(seed, count):
    state = (np.uint64(seed) + np.arange(1, count + 1, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    z = state
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def data(n):
    raw = splitmix(42, 3 * n).reshape(n, 3)
    u = (raw >> np.uint64(11)).astype(np.float64) / float(1 << 53)
    x = u[:, 0]
    u1 = 1.0 - u[:, 1]
    u2 = u[:, 2]
    z = np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * math.pi * u2)
    y = 2.0 * x + z
    cdf = np.cumsum(stats.poisson.pmf(np.arange(60), 3.5))
    counts = np.minimum(np.searchsorted(cdf, x, side="right"), 59).astype(float)
    return x, y, z, counts


def chisq_poisson(counts):
    # same pooling as src/validate/chi2.rs (see make_refs.py `pool`)
    n = len(counts)
    hi = int(counts.max())
    obs_cells = np.bincount(counts.astype(np.int64), minlength=hi + 1).astype(float)
    d = stats.poisson(3.5)
    cells = np.append(n * d.pmf(np.arange(0, hi)), n * d.sf(hi - 1))
    obs, exp, co, ce = [], [], 0.0, 0.0
    for o, e in zip(obs_cells, cells):
        co += o; ce += e
        if ce >= 5:
            obs.append(co); exp.append(ce); co = ce = 0.0
    if ce > 0 or co > 0:
        obs[-1] += co; exp[-1] += ce
    return stats.chisquare(obs, exp)


def best(f, reps=3):
    t = []
    for _ in range(reps):
        t0 = time.perf_counter()
        f()
        t.append(time.perf_counter() - t0)
    return min(t)


for n in [1_000_000, 10_000_000]:
    x, y, z, counts = data(n)
    res = {
        "ks_normal": best(lambda: stats.kstest(z, stats.norm.cdf)),
        "linregress": best(lambda: stats.linregress(x, y)),
        "pearsonr": best(lambda: stats.pearsonr(x, y)),
        "spearmanr": best(lambda: stats.spearmanr(x, y)),
        "chisquare_poisson": best(lambda: chisq_poisson(counts)),
    }
    for k, v in res.items():
        print(f"scipy {k}/{n}: {v*1000:.1f} ms")
