"""Validate the model-space evidence estimator against plain prior Monte Carlo (issue "whole model space").

For ``--models`` models drawn at random (seeded) from the 419 vector-like models with |x| <= 10,
computes ln Z with the scan's estimator (``model_evidence(method=...)``: importance sampling from the
defensive reference, falling back as documented) and with prior Monte Carlo with ``--mc-draws``
draws (unbiased; its error is the chunk scatter), on the default likelihood and prior, and writes
one JSON record per model plus a summary to ``--out``:

    python benchmarks/validate_evidence.py --models 20 --mc-draws 10000000 --out docs/model_space/validation_2021_default.json

Pass criterion of the issue: |ln Z_est - ln Z_MC| <= 0.1 for every model.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np


def main(argv=None) -> int:
    from bayes_u1x.inference.evidence import model_evidence
    from bayes_u1x.likelihood import CompositeLikelihood
    from bayes_u1x.inference.evidence import evidence
    from bayes_u1x.models import enumerate_vector_models
    from bayes_u1x.provenance import environment

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", type=int, default=20)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--mc-draws", type=int, default=10_000_000)
    p.add_argument("--method", default="is")
    p.add_argument("--data", default="2021")
    p.add_argument("--prior", default="default")
    p.add_argument("--out", required=True)
    a = p.parse_args(argv)

    models = enumerate_vector_models(10)
    pick = np.random.default_rng(a.seed).choice(len(models), a.models, replace=False)
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    rows = []
    for k, i in enumerate(sorted(pick)):
        m = models[i]
        t0 = time.perf_counter()
        est = model_evidence(m, data=a.data, prior=a.prior, method=a.method, profile=False)
        t_est = time.perf_counter() - t0
        lk = CompositeLikelihood(m, data=a.data)
        t0 = time.perf_counter()
        mc = evidence(lk, a.prior, method="mc", seed=7,
                      settings={"n": a.mc_draws, "n_chunks": max(a.mc_draws // 250_000, 10)})
        t_mc = time.perf_counter() - t0
        row = {"model": m.display, "charges": [float(x) for x in m.table1], "log_z": est["log_z"],
               "log_z_err": est["log_z_err"], "estimator": est["estimator"], "ess": est.get("ess"),
               "fallback": est.get("fallback"), "seconds": t_est, "log_z_mc": mc.log_z,
               "log_z_mc_err": mc.log_z_err, "mc_draws": a.mc_draws, "mc_seconds": t_mc,
               "difference": est["log_z"] - mc.log_z}
        rows.append(row)
        print(f"{k + 1:2d}/{a.models} {m.display:24s} {a.method} {row['log_z']:8.3f} +- {row['log_z_err']:.3f} "
              f"({row['estimator']}, {t_est:5.1f} s)  MC {mc.log_z:8.3f} +- {mc.log_z_err:.3f} ({t_mc:5.0f} s)  "
              f"diff {row['difference']:+.3f}", flush=True)
        out.write_text(json.dumps({"rows": rows, "environment": environment(), "settings": vars(a)}, indent=1))
    worst = max(abs(r["difference"]) for r in rows)
    summary = {"max_abs_difference": worst, "pass": bool(worst <= 0.1),
               "mean_estimator_seconds": float(np.mean([r["seconds"] for r in rows]))}
    out.write_text(json.dumps({"rows": rows, "summary": summary, "environment": environment(),
                               "settings": vars(a)}, indent=1))
    print(json.dumps(summary))
    return 0 if summary["pass"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
