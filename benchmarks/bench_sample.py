"""Benchmark: one default posterior (runs/lmu_ltau.toml) from scratch, with timings and diagnostics.

    python benchmarks/bench_sample.py [--terms amu,borexino,...] [--walkers 128] [--max-steps N] [--out DIR]

Prints: likelihood cost per call (batch sizes a step uses), initialisation time, sampling time,
steps, τ, R-hat, bulk/tail ESS, whether the run converged (issue 7 target: < 60 s).
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", default="lmu_ltau")
    ap.add_argument("--terms", default=None, help="comma-separated (default: the run file's)")
    ap.add_argument("--walkers", type=int, default=None)
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()

    from bayes_u1x.inference.config import load_run
    from bayes_u1x.inference.posterior import LogPosterior
    from bayes_u1x.inference.sample import run_sampler

    cfg = load_run(args.run, terms=args.terms.split(",") if args.terms else None,
                   sampler__walkers=args.walkers, sampler__max_steps=args.max_steps).resolve()
    lk, prior = cfg.likelihood, cfg.prior
    lp = LogPosterior(lk, prior)
    rng = np.random.default_rng(0)
    w = cfg.sampler.walkers
    for n in (w // 2, w, 4 * w):
        th = prior.sample(n, rng)
        lp(th)
        t = time.perf_counter()
        for _ in range(10):
            lp(th)
        print(f"log posterior, {n:4d} points per call: {(time.perf_counter() - t) / 10 * 1e3:7.2f} ms")
    out = args.out or tempfile.mkdtemp(prefix="bench_sample_")
    t0 = time.perf_counter()
    res = run_sampler(cfg, out_dir=out, force=True, progress=False, log=lambda m: print("  ", m))
    wall = time.perf_counter() - t0
    d = res.diagnostics
    print(json.dumps({
        "terms": list(cfg.likelihood.terms), "walkers": w, "steps": d["steps"], "wall_time_s": round(wall, 2),
        "converged": res.converged, "tau": d["tau"], "burn_in": d["burn_in"], "thin": d["thin"],
        "rhat": d["rhat"], "ess_bulk": d["ess_bulk"], "ess_tail": d["ess_tail"],
        "acceptance": d["acceptance"], "likelihood_points": d["likelihood_points"],
        "result": str(res.result_path)}, indent=1))


if __name__ == "__main__":
    main()
