"""Speed of Δχ²_reson (bayes_u1x.observables.resonances) and of the recast limit curves.

Prints µs per point for batches of random points (θ uniform in log10 g ∈ [-5, -2], εe/g ∈ [-8, 1],
log10 m ∈ [-2, log10 4]) in each mode, the single-point latency, and the time to build all limit
curves for one model. Target (issue 5): full mode <= 10 µs per point batched.

    python benchmarks/bench_resonances.py
"""
from __future__ import annotations

import time

import numpy as np

from bayes_u1x.couplings import effective_couplings
from bayes_u1x.measurements import load_measurements
from bayes_u1x.observables import resonances as term
from bayes_u1x.physics.resonances import limit_curves, load_registry


def best_of(fn, repeat=5):
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def median_call(fn, reps):
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts))


def main():
    data = load_measurements("2021")
    t0 = time.perf_counter()
    load_registry()
    print(f"registry load (24 searches, first call): {1e3 * (time.perf_counter() - t0):.1f} ms")
    from bayes_u1x.physics.resonances.rate_tables import common_grid, search_set
    from bayes_u1x.physics.resonances import default_searches
    t0 = time.perf_counter()
    search_set(default_searches())
    print(f"reference-rate tables (once per process, {common_grid().size} masses): "
          f"{1e3 * (time.perf_counter() - t0):.0f} ms")
    rng = np.random.default_rng(1)
    print("per-call latency (median), small batches:")
    for model in ("3,-6,7,-10", "Lmu-Ltau"):
        for mode in term.MODES:
            row = []
            for n in (1, 16, 100, 10_000):
                cp = effective_couplings(model, 10 ** rng.uniform(-5, -2, n), rng.uniform(-8, 1, n),
                                         10 ** rng.uniform(-2, np.log10(4), n))
                term.delta_chi2(cp, data, mode=mode)
                t = median_call(lambda: term.delta_chi2(cp, data, mode=mode), 30 if n >= 10_000 else 300)
                row.append(f"N={n}: {1e6 * t:8.1f} us")
            print(f"  {model:>10s} {mode:>6s}  " + " | ".join(row))
    rng = np.random.default_rng(0)
    for model in ("3,-6,7,-10", "Lmu-Ltau"):
        print(f"model {model}")
        for n in (1, 1_000, 10_000, 100_000):
            g = 10 ** rng.uniform(-5, -2, n)
            r = rng.uniform(-8, 1, n)
            m = 10 ** rng.uniform(-2, np.log10(4), n)
            cp = effective_couplings(model, g, r, m)
            row = []
            for mode in term.MODES:
                term.delta_chi2(cp, data, mode=mode)  # warm-up
                t = best_of(lambda: term.delta_chi2(cp, data, mode=mode), repeat=3 if n >= 100_000 else 5)
                row.append(f"{mode}: {1e6 * t / n:9.2f} us/pt")
            print(f"  N = {n:>7d}   " + "   ".join(row))
    t = best_of(lambda: limit_curves("3,-6,7,-10", -6.26, searches="all"), repeat=3)
    print(f"limit curves, all 24 searches on their own masses (~16k masses): {1e3 * t:.0f} ms")


if __name__ == "__main__":
    main()
