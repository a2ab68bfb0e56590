"""Benchmark of the COHERENT term: batched fast path vs the slow direct path, on one core.

Run:  python benchmarks/bench_coherent.py [--n 10000] [--n-slow 200]

Prints the per-point cost of Δχ²_COHERENT over N random points (several models, 10 MeV-4 GeV,
g_X in 1e-5..1e-3, εe/g_X in -10..3), best of three, and of the slow path (direct quadrature with
256 nodes per segment, no tables; same Newton profile) on a subset, plus their ratio and the
largest |fast − slow| on that subset. The response table is built (or loaded) before timing.
"""
import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")          # one core, as the issue asks

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from bayes_u1x.couplings import effective_couplings  # noqa: E402
from bayes_u1x.observables import coherent as C  # noqa: E402

MODELS = ("3,-6,7,-10", "3,-7,-1,-1", "B-L", "Lmu-Ltau")


def points(n, rng):
    out = []
    for i, model in enumerate(MODELS):
        k = n // len(MODELS) + (1 if i < n % len(MODELS) else 0)
        g = 10 ** rng.uniform(-5, -3, k)
        r = rng.uniform(-10, 3, k)
        m = 10 ** rng.uniform(-2, np.log10(4.0), k)
        out.append(effective_couplings(model, g, r, m))
    return out


def best_of(fn, reps=3, clock=time.perf_counter):
    best = np.inf
    for _ in range(reps):
        t = clock()
        fn()
        best = min(best, clock() - t)
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--n-slow", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)

    t = time.perf_counter()
    C.response_table()
    C.sm_chi2()
    print(f"table build/load + SM reference: {time.perf_counter() - t:.3f} s")

    cps = points(args.n, rng)
    t_fast = best_of(lambda: [C.delta_chi2(cp) for cp in cps])
    c_fast = best_of(lambda: [C.delta_chi2(cp) for cp in cps], clock=time.process_time)
    print(f"fast path  : {args.n} points, {t_fast:.3f} s, {1e6 * t_fast / args.n:.1f} µs/point wall, "
          f"{1e6 * c_fast / args.n:.1f} µs/point CPU (load average {os.getloadavg()[0]:.1f})")
    xs = [C.strengths(cp) for cp in cps]
    t_sig = best_of(lambda: [C.window_signal(x, cp.m) for x, cp in zip(xs, cps)], clock=time.process_time)
    print(f"  of which signal from tables: {1e6 * t_sig / args.n:.1f} µs/point CPU")

    small = points(args.n_slow, rng)
    t_slow = best_of(lambda: [C.delta_chi2_direct(cp) for cp in small], reps=1)
    t_fast_small = best_of(lambda: [C.delta_chi2(cp) for cp in small])
    fast = np.concatenate([C.delta_chi2(cp) for cp in small])
    slow = np.concatenate([C.delta_chi2_direct(cp) for cp in small])
    per_slow = 1e6 * t_slow / args.n_slow
    print(f"slow path  : {args.n_slow} points, {t_slow:.3f} s, {per_slow:.1f} µs/point")
    print(f"ratio slow/fast per point: {per_slow / (1e6 * t_fast / args.n):.1f}  "
          f"(same {args.n_slow}-point batch: {t_slow / t_fast_small:.1f})")
    print(f"max |fast - slow| on the {args.n_slow} points: {np.max(np.abs(fast - slow)):.2e} "
          f"(Δχ² range {fast.min():.3g} .. {fast.max():.3g})")

    # iminuit-profiled slow path on a few points, for scale
    few = points(8, rng)
    t_min = best_of(lambda: [C.delta_chi2_direct(cp, solver="iminuit") for cp in few], reps=1)
    print(f"slow path with iminuit profile: {1e6 * t_min / 8:.0f} µs/point")


if __name__ == "__main__":
    main()
