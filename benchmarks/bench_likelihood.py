"""Speed of the default likelihood, batched and one point at a time, against the present implementation.

Run:  python benchmarks/bench_likelihood.py [--n 10000] [--single 300] [--repeat 5] [--models ...]

For each model: θ uniform in the box of ``priors/default.toml`` (10⁴ points, seed 0), the default
likelihood (preset "default": amu, borexino, nsi, coherent, resonances, ccfr, ew_t, plus the chiral
terms for chiral models) timed

* batched: ``lk.delta_chi2(theta)`` on all points at once, median of ``--repeat`` calls, µs/point;
* one point: ``lk.delta_chi2(theta[i])`` with θ of shape (3,), median over ``--single`` points
  (blocks of 25 points per implementation, alternating: warm caches, as under a minimiser);
* per term: the same two timings for a likelihood of that term alone (so each includes the
  couplings and the likelihood's own overhead).

"present" is the package as it was at commit ``_present.BASELINE`` (before this work), extracted
with ``git archive`` and imported as ``bayes_u1x_present`` in this same process; the two are timed
alternately (whole batched calls; blocks of one-point calls), so the ratio new/present is measured
under the same machine load (2 shared cores: the
absolute numbers drift with the load, the ratios much less). Targets (issue "the whole model space,
by evidence, in minutes", item 1): ≤ 5 µs/point batched and ≤ 100 µs per point for the default
likelihood. The issue quotes the present cost on an unloaded machine (14–18 µs/point batched,
1.5 ms per point); the present cost of L_μ−L_τ measured in this run divided by that is the run's
load factor, and "at the quoted load" is each new cost divided by it (= ratio × quoted present
cost for L_μ−L_τ).
"""
from __future__ import annotations

import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tomllib  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _present import BASELINE, present_package  # noqa: E402

import bayes_u1x  # noqa: E402
from bayes_u1x.likelihood import CompositeLikelihood  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MODELS = ("Lmu-Ltau", "3,-6,7,-10", "B-L", "dark-photon", "tilde-Lmu-Ltau")
#: the present cost the issue quotes (unloaded machine): µs/point batched at 10⁴ points, µs per single point
QUOTED_BATCHED = (14.0, 18.0)
QUOTED_SINGLE = 1500.0
#: the model whose present cost sets the load factor (the README's example model)
REFERENCE_MODEL = "Lmu-Ltau"


def prior_box():
    with open(ROOT / "priors" / "default.toml", "rb") as f:
        p = tomllib.load(f)
    return np.array([p[k]["bounds"] for k in ("log10_g", "eps_ratio", "log10_m")], dtype=float)


def batched(fns, theta, repeat):
    """Median seconds per call of each fn(theta), calls alternating between the fns."""
    for fn in fns:
        fn(theta)                                   # tables, caches, first-call set-up
    times = [[] for _ in fns]
    for _ in range(repeat):
        for k, fn in enumerate(fns):
            t0 = time.perf_counter()
            fn(theta)
            times[k].append(time.perf_counter() - t0)
    return [float(np.median(t)) for t in times]


def single(fns, theta, n, block=25):
    """Median seconds of one-point calls fn(theta[i]) (θ of shape (3,)): blocks of ``block`` points
    per fn, the fns alternating block by block (each runs with warm caches, as under a minimiser
    that calls it point after point, and both see the same machine load)."""
    for fn in fns:
        fn(theta[0])
    times = [[] for _ in fns]
    for lo in range(0, n, block):
        rows = theta[lo:min(lo + block, n)]
        for k, fn in enumerate(fns):
            for th in rows:
                t0 = time.perf_counter()
                fn(th)
                times[k].append(time.perf_counter() - t0)
    return [float(np.median(t)) for t in times]


def line(label, new, old, scale, unit):
    return f"  {label:14s} {scale * new:9.2f} {unit}  present {scale * old:9.2f} {unit}  ratio {new / old:6.3f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--single", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--models", nargs="*", default=list(MODELS))
    ap.add_argument("--no-terms", action="store_true", help="skip the per-term timings")
    ap.add_argument("--baseline", default=BASELINE, help="commit of the present implementation")
    ap.add_argument("--with-2026", action="store_true",
                    help="also time the 2026 set's default likelihood (no present counterpart: absolute numbers)")
    args = ap.parse_args()

    old_pkg = present_package(args.baseline)
    from bayes_u1x_present.likelihood import CompositeLikelihood as OldLikelihood

    box = prior_box()
    theta = np.random.default_rng(0).uniform(box[:, 0], box[:, 1], size=(args.n, 3))
    print(f"bayes_u1x {Path(bayes_u1x.__file__).parent} vs present = {old_pkg.__name__} at {args.baseline[:10]}")
    print(f"{args.n} points uniform in priors/default.toml; one-point median over {args.single} points; "
          f"load average {os.getloadavg()[0]:.1f}")
    summary = []
    for model in args.models:
        new, old = CompositeLikelihood(model, data="2021"), OldLikelihood(model)   # the present one has 2021 only
        print(f"\n{model}: default likelihood, terms {', '.join(new.terms)}")
        tb = batched([new.delta_chi2, old.delta_chi2], theta, args.repeat)
        ts = single([new.delta_chi2, old.delta_chi2], theta, args.single)
        print(line("batched", tb[0], tb[1], 1e6 / args.n, "µs/pt"))
        print(line("one point", ts[0], ts[1], 1e6, "µs   "))
        summary.append((model, tb, ts))
        if args.no_terms:
            continue
        for term in new.terms:
            nt, ot = CompositeLikelihood(model, [term], data="2021"), OldLikelihood(model, [term])
            b = batched([nt.delta_chi2, ot.delta_chi2], theta, max(3, args.repeat // 2))
            s = single([nt.delta_chi2, ot.delta_chi2], theta, max(50, args.single // 3))
            print(line(term, b[0], b[1], 1e6 / args.n, "µs/pt") + "   |" + line("", s[0], s[1], 1e6, "µs")[16:])
    print("\nsummary (default likelihood)   batched µs/pt (new/present)   one point µs (new/present)")
    for model, tb, ts in summary:
        print(f"  {model:16s}  {1e6 * tb[0] / args.n:8.2f} ({tb[0] / tb[1]:5.3f})   {1e6 * ts[0]:12.1f} ({ts[0] / ts[1]:5.3f})")
    # the quoted present cost (unloaded machine) against the present cost measured now gives the
    # load factor of this run; the new cost divided by it is what the unloaded machine would show
    ref = next((x for x in summary if x[0] == REFERENCE_MODEL), summary[0])
    lb = 1e6 * ref[1][1] / args.n / np.mean(QUOTED_BATCHED)
    ls = 1e6 * ref[2][1] / QUOTED_SINGLE
    print(f"load factor of this run ({ref[0]}, present now / quoted {QUOTED_BATCHED[0]:g}-{QUOTED_BATCHED[1]:g} "
          f"µs/pt and {QUOTED_SINGLE:g} µs): batched {lb:.2f}, one point {ls:.2f}")
    for model, tb, ts in summary:
        print(f"  {model:16s}  at the quoted load: {1e6 * tb[0] / args.n / lb:6.2f} µs/pt batched, "
              f"{1e6 * ts[0] / ls:6.1f} µs per point")
    print(f"targets: <= 5 µs/pt batched, <= 100 µs per point; load average now {os.getloadavg()[0]:.1f}")
    if args.with_2026:
        # COHERENT CsI 2021 + LAr profile 7 + 9 nuisances a point: the set's cost is theirs
        n26 = min(args.n, 2000)
        print(f"\nthe 2026 set's default likelihood ({n26} of the points; absolute, this run's load)")
        for model in args.models:
            lk = CompositeLikelihood(model, data="2026")
            tb = batched([lk.delta_chi2], theta[:n26], max(2, args.repeat // 2))
            ts = single([lk.delta_chi2], theta, max(50, args.single // 3))
            print(f"  {model:16s}  {1e6 * tb[0] / n26:8.1f} µs/pt batched  {1e6 * ts[0]:8.1f} µs per point")


if __name__ == "__main__":
    main()
