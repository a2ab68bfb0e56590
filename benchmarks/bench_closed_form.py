"""Time the closed-form likelihood terms over a batch of 10⁴ points (issue 3: ≤ 5 µs per point).

Times each term alone (couplings built once) and the whole chain through ``CompositeLikelihood``
(couplings + every available closed-form term: amu, borexino, nsi, and ew_t / ccfr if present).
Run:  python benchmarks/bench_closed_form.py [N]
"""
from __future__ import annotations

import sys
import time

import numpy as np

from bayes_u1x.couplings import effective_couplings
from bayes_u1x.likelihood import CompositeLikelihood
from bayes_u1x.measurements import load_measurements
from bayes_u1x.observables import TERMS

CANDIDATES = ("amu", "borexino", "nsi", "ew_t", "ccfr")


def best_of(fn, repeat=7):
    fn()  # warm caches
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(n: int = 10_000) -> None:
    rng = np.random.default_rng(0)
    theta = np.column_stack([rng.uniform(-5, -2.5, n), rng.uniform(-8, 2, n), rng.uniform(-2, 0.6, n)])
    g, r, m = 10 ** theta[:, 0], theta[:, 1], 10 ** theta[:, 2]
    data = load_measurements("2021")
    model = "3,-6,7,-10"
    terms = [(t, TERMS[t].module) for t in CANDIDATES if t in TERMS]
    cp = effective_couplings(model, g, r, m)
    print(f"{n} points, model {model}")
    t_cp = best_of(lambda: effective_couplings(model, g, r, m))
    print(f"  couplings            {1e6 * t_cp / n:7.3f} us/point")
    total = t_cp
    for name, mod in terms:
        dt = best_of(lambda: mod.delta_chi2(cp, data))
        total += dt
        print(f"  {name:20s} {1e6 * dt / n:7.3f} us/point")
    print(f"  sum                  {1e6 * total / n:7.3f} us/point")
    lk = CompositeLikelihood(model, terms=[t for t, _ in terms], data="2021")
    dt = best_of(lambda: lk.delta_chi2(theta))
    print(f"  CompositeLikelihood({','.join(t for t, _ in terms)}): {1e6 * dt / n:.3f} us/point "
          f"(target <= 5)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
