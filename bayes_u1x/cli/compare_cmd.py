"""``bayes-u1x compare``: rank models by Bayesian evidence (mass marginalised), with Bayes factors."""
from __future__ import annotations

import sys

from ._util import print_json

JSON_KEYS = ("model", "log_z", "log_z_err", "method", "log_bf_vs_sm", "log_bf_vs_lmu_ltau", "delta_chi2_min")


def register(sub) -> None:
    p = sub.add_parser("compare", help="compare models by Bayesian evidence (ln Z, Bayes factors vs SM and L_mu-L_tau)")
    p.add_argument("--models", nargs="+", required=True, help="model names or charges 'cB,ce,cmu,ctau'")
    p.add_argument("--run", default=None, help="run-settings file (terms, data, prior taken from it)")
    p.add_argument("--prior", default=None, help="prior file or name (default: priors/default.toml); "
                   "'kinetic_mixing_loop' centres eps e/g_X on the model's one-loop mixing")
    p.add_argument("--terms", default=None, help="likelihood terms or preset (default: 'default')")
    p.add_argument("--data", default=None, choices=["2021", "2025"], help="measurement set (default 2021)")
    p.add_argument("--method", default="ti", choices=["ti", "ss", "nested", "grid", "mc"], help="evidence estimator")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-profile", action="store_true", help="skip Δχ²_min (faster for grid/nested/mc)")
    p.add_argument("--posterior", action="store_true", help="also print az.summary of each posterior (ti/ss)")
    p.add_argument("--out", default=None, help="write PREFIX.csv, PREFIX.json and PREFIX.png (bar plot)")
    p.add_argument("--json", action="store_true", help="print a JSON list of models")
    p.set_defaults(func=_run)


def _run(args) -> int:
    from ..inference.compare import comparison_table, format_table, plot_evidence, save_table, table_records
    from ..inference.evidence import EvidenceResult
    from ..inference.evidence_scan import model_evidence

    terms, data, prior = args.terms, args.data, args.prior
    if args.run is not None:
        from ..inference.runs import load_run

        cfg = load_run(args.run)
        terms = terms or ",".join(cfg.terms)
        prior = prior or cfg.prior
        data = data or cfg.run.get("data", None)
    terms, data, prior = terms or "default", data or "2021", prior or "default"
    recs = []
    for name in args.models:
        if not args.json:
            print(f"{name}: {args.method} ...", file=sys.stderr, flush=True)
        recs.append(model_evidence(name, terms=terms, data=data, prior=prior, method=args.method, seed=args.seed,
                                   profile=not args.no_profile, posterior=args.posterior))
    res = {r["model"]: EvidenceResult(r["log_z"], r["log_z_err"], r["method"], r["n_like_evals"], r["seconds"])
           for r in recs}
    import numpy as np

    df = comparison_table(res, log_l_sm={r["model"]: r["log_l_sm"] for r in recs},
                          delta_chi2_min={r["model"]: r["delta_chi2_min"] if r["delta_chi2_min"] is not None
                                          else np.nan for r in recs})
    if args.out:
        save_table(df, f"{args.out}.csv", f"{args.out}.json")
        import matplotlib

        matplotlib.use("Agg")
        ax = plot_evidence(df)
        ax.figure.tight_layout()
        ax.figure.savefig(f"{args.out}.png", dpi=120)
    if args.json:
        print_json([{k: rec.get(k) for k in JSON_KEYS} for rec in table_records(df)])
        return 0
    print(f"terms {terms}; data {data}; prior {prior}; ln L_SM = {recs[0]['log_l_sm']:.3f}")
    print(format_table(df))
    if args.posterior:
        for r in recs:
            if "posterior_summary" in r:
                import pandas as pd

                print(f"\n{r['model']}\n{pd.DataFrame(r['posterior_summary']).to_string()}")
    if args.out:
        print(f"wrote {args.out}.csv, {args.out}.json, {args.out}.png")
    return 0
