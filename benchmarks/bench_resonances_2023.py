"""Speed of the DarkCast-2023 recast (bayes_u1x.physics.resonances.recast_2023.exclusion_ratios_2023) and of the
2023 likelihood term, plus the validation numbers quoted in the data README.

Prints: table build time (once per process), µs per point at 10^4 random points (θ uniform in
log10 g ∈ [-9, -2], εe/g ∈ [-8, 1], log10 m ∈ [-3, 0]) for the default set and for every recastable
limit, single-point latency, and per limit the dark-photon round trip (median / max relative
deviation of the recast edges from the published ones at the digitised masses; median / max |R - 1|
of the tabulated fast path on the published band between digitised masses). Target: <~ 20 µs per
point for all 2023 limits together at 10^4 points.

    python benchmarks/bench_resonances_2023.py
"""
from __future__ import annotations

import time

import numpy as np

from bayes_u1x.constants import E_CHARGE, M_E, M_MU
from bayes_u1x.couplings import effective_couplings
from bayes_u1x.observables import resonances_2023 as term
from bayes_u1x.physics.resonances.recast_2023 import exclusion_ratios_2023, limit_curve_2023, reference_table
from bayes_u1x.physics.resonances.registry_2023 import default_limits_2023, get_limit_2023, resolve_limits_2023


def best_of(fn, repeat=5):
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def speed():
    t0 = time.perf_counter()
    for k in resolve_limits_2023("all"):
        reference_table(k)
    print(f"reference tables for {len(resolve_limits_2023('all'))} limits (once per process): "
          f"{1e3 * (time.perf_counter() - t0):.0f} ms")
    rng = np.random.default_rng(1)
    n = 10_000
    for model in ("dark-photon", "B-L", "3,-6,7,-10", "Lmu-Ltau"):
        cp = effective_couplings(model, 10 ** rng.uniform(-9, -2, n), rng.uniform(-8, 1, n),
                                 10 ** rng.uniform(-3, 0, n), check_mass_range=False)
        t_def = best_of(lambda: exclusion_ratios_2023(cp))
        t_all = best_of(lambda: exclusion_ratios_2023(cp, "all"))
        t_term = best_of(lambda: term.delta_chi2(cp))
        one = effective_couplings(model, 1e-6, 0.1, 0.05, check_mass_range=False)
        t_one = best_of(lambda: exclusion_ratios_2023(one), repeat=50)
        print(f"{model:12s} N=1e4: default ({len(default_limits_2023())} limits) {1e6 * t_def / n:5.2f} us/pt, "
              f"all ({len(resolve_limits_2023('all'))}) {1e6 * t_all / n:5.2f} us/pt, term {1e6 * t_term / n:5.2f} "
              f"us/pt; single point {1e3 * t_one:.2f} ms")


def round_trip():
    print("dark-photon round trip: limit, rows used (of unique), edges vs published at rows "
          "[median, max], fast |R-1| on the band between rows [median, max]")
    for key in resolve_limits_2023("all"):
        s = get_limit_2023(key)
        if s.format == "r_values":
            c = limit_curve_2023("dark-photon", 1.0, key)
            print(f"  {key:28s} r-value grid: {int(c['n_intervals'].sum())} excluded intervals at "
                  f"{int((c['n_intervals'] > 0).sum())} of {c['mass_gev'].size} masses "
                  "(checked against the grid's own r = 1 contour in the tests)")
            continue
        thr = {"e_e": 2 * M_E, "mu_mu": 2 * M_MU, "invisible": 0.0}[s.decay[0]]
        mu = np.unique(s.mass)
        m = mu[mu > thr]
        inv = "darkcast" if s.decay == ("invisible",) else "physical"
        c = limit_curve_2023("dark-photon", 1.0, key, m, invisible=inv)
        lo, up = s.edges(m)
        dev = np.abs(c["g_lower"] / lo - 1)
        if s.format == "two_sided":
            dev = np.concatenate([dev, np.abs(c["g_upper"] / up - 1)])
        mid = np.sqrt(m[1:] * m[:-1])
        lo, up = s.edges(mid)
        R = []
        for g in ((lo, up) if s.format == "two_sided" else (lo,)):
            cp = effective_couplings("dark-photon", g, 1.0, mid, check_mass_range=False)
            R.append(exclusion_ratios_2023(cp, [key], invisible=inv)[key])
        dR = np.abs(np.concatenate(R) - 1)
        print(f"  {key:28s} {m.size:4d}/{mu.size:4d}  [{np.median(dev):.1e}, {np.max(dev):.1e}]  "
              f"[{np.median(dR):.1e}, {np.max(dR):.1e}]")


def main():
    speed()
    round_trip()
    print(f"(e = {E_CHARGE:.6f})")


if __name__ == "__main__":
    main()
