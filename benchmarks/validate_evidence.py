"""Validate the model-space evidence estimator against plain prior Monte Carlo (issue "whole model space").

For ``--models`` models drawn at random (seeded) from the 419 vector-like models with |x| <= 10,
computes ln Z with the scan's estimator (``model_evidence(method=...)``: importance sampling from the
defensive reference, falling back as documented) and with prior Monte Carlo with ``--mc-draws``
draws (unbiased; its error is the chunk scatter), on the default likelihood and prior, and writes
one JSON record per model plus a summary to ``--out``:

    python benchmarks/validate_evidence.py --models 20 --mc-draws 10000000 --out docs/model_space/validation_2021_default.json

After a change of the estimator only, ``--mc-from`` reuses the Monte-Carlo column of an earlier run
(the likelihood and the MC draws are unchanged, so are its values) and reruns the estimator:

    python benchmarks/validate_evidence.py --mc-from docs/model_space/validation_2021_default.json --out docs/model_space/validation_2021_default.json

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
    p.add_argument("--mc-from", metavar="FILE",
                   help="take the Monte-Carlo values from an earlier output of this script (same models, "
                        "data, prior and --mc-draws; checked) and rerun only the estimator")
    a = p.parse_args(argv)
    earlier = {}
    if a.mc_from:
        prev = json.loads(Path(a.mc_from).read_text())
        ps = prev["settings"]
        for k in ("seed", "models", "data", "prior", "mc_draws"):
            if ps.get(k) != getattr(a, k):
                raise SystemExit(f"--mc-from {a.mc_from} was made with {k}={ps.get(k)!r}, not {getattr(a, k)!r}")
        earlier = {tuple(r["charges"]): r for r in prev["rows"]}

    models = enumerate_vector_models(10)
    pick = np.random.default_rng(a.seed).choice(len(models), a.models, replace=False)
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # what the numbers depend on (not where this run wrote them: a local path is no provenance)
    settings = {k: v for k, v in vars(a).items() if k != "out"}
    rows = []
    for k, i in enumerate(sorted(pick)):
        m = models[i]
        t0 = time.perf_counter()
        est = model_evidence(m, data=a.data, prior=a.prior, method=a.method, profile=False)
        t_est = time.perf_counter() - t0
        old = earlier.get(tuple(float(x) for x in m.table1))
        if old is not None:
            mc_z, mc_err, t_mc = old["log_z_mc"], old["log_z_mc_err"], old["mc_seconds"]
        else:
            lk = CompositeLikelihood(m, data=a.data)
            t0 = time.perf_counter()
            mc = evidence(lk, a.prior, method="mc", seed=7,
                          settings={"n": a.mc_draws, "n_chunks": max(a.mc_draws // 250_000, 10)})
            t_mc = time.perf_counter() - t0
            mc_z, mc_err = mc.log_z, mc.log_z_err
        row = {"model": m.display, "charges": [float(x) for x in m.table1], "log_z": est["log_z"],
               "log_z_err": est["log_z_err"], "estimator": est["estimator"], "ess": est.get("ess"),
               "fallback": est.get("fallback"), "seconds": t_est, "n_draws": est.get("n_like_evals"),
               "log_z_mc": mc_z, "log_z_mc_err": mc_err, "mc_draws": a.mc_draws, "mc_seconds": t_mc,
               "mc_reused_from": a.mc_from if old is not None else None, "difference": est["log_z"] - mc_z}
        rows.append(row)
        print(f"{k + 1:2d}/{a.models} {m.display:24s} {a.method} {row['log_z']:8.3f} +- {row['log_z_err']:.3f} "
              f"({row['estimator']}, {t_est:5.1f} s)  MC {mc_z:8.3f} +- {mc_err:.3f} ({t_mc:5.0f} s)  "
              f"diff {row['difference']:+.3f}", flush=True)
        out.write_text(json.dumps({"rows": rows, "environment": environment(), "settings": settings}, indent=1))
    worst = max(abs(r["difference"]) for r in rows)
    summary = {"max_abs_difference": worst, "pass": bool(worst <= 0.1),
               "mean_estimator_seconds": float(np.mean([r["seconds"] for r in rows]))}
    out.write_text(json.dumps({"rows": rows, "summary": summary, "environment": environment(),
                               "settings": settings}, indent=1))
    print(json.dumps(summary))
    return 0 if summary["pass"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
