"""``bayes-u1x sample``, ``summary`` and ``compare``: posteriors and Bayesian model comparison."""
from __future__ import annotations

import sys

from ..errors import EXIT_NOT_CONVERGED
from ..measurements import DEFAULT_SET, available_sets
from .common import json_parent, parse_settings, print_json, settings_parent, warn


def register(sub) -> None:
    _register_sample(sub)
    _register_summary(sub)
    _register_compare(sub)


# --- sample ----------------------------------------------------------------------------------------
def _register_sample(sub) -> None:
    p = sub.add_parser("sample", parents=[json_parent()], help="sample the posterior of a model (emcee, checkpointed)",
                       description="Sample p(log10 g_X, eps e/g_X, log10 m_X | data) for one model.")
    p.add_argument("--model", help="model name or charges 'cB,ce,cmu,ctau' (overrides the run file)")
    p.add_argument("--run", metavar="FILE", help="run file (TOML) or a shipped run's name, e.g. lmu_ltau")
    p.add_argument("--out", metavar="DIR", help="output folder (default: run.output or results/<name>)")
    p.add_argument("--label", metavar="TEXT",
                   help="append '-TEXT' to the output folder (seed studies: --seed 2 --label seed2)")
    p.add_argument("--seed", type=int, help="root seed (numpy SeedSequence)")
    p.add_argument("--terms", help="likelihood terms, comma-separated, or a preset (default, table1, ...)")
    p.add_argument("--data", help="measurement set (2021, 2025, 2026; default 2026, today's data)")
    p.add_argument("--prior", metavar="FILE", help="prior file (TOML) or a shipped prior's name")
    p.add_argument("--walkers", type=int, help="number of emcee walkers")
    p.add_argument("--max-steps", type=int, help="hard cap on the number of steps")
    p.add_argument("--resume", action="store_true", help="continue the checkpoint in the output folder")
    p.add_argument("--force", action="store_true",
                   help="start over even if a checkpoint or result exists (they are moved to previous/)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=_sample)


def run_config(args):
    """The run configuration a ``sample``-like command line describes (run file + flags)."""
    from ..errors import ConfigError
    from ..inference.config import default_run, load_run

    terms = args.terms.split(",") if args.terms and "," in args.terms else args.terms
    over = dict(model=args.model, seed=args.seed, output=args.out, terms=terms, data=args.data,
                prior=args.prior, sampler__walkers=getattr(args, "walkers", None),
                sampler__max_steps=getattr(args, "max_steps", None))
    if args.run:
        cfg = load_run(args.run, **over)
    elif not args.model:
        raise ConfigError("give --model MODEL (or a run file with --run FILE)")
    else:
        cfg = default_run(**over)
    label = getattr(args, "label", None)
    if label:
        if "/" in label or label in (".", ".."):
            raise ConfigError(f"--label is part of a folder name, not a path: {label!r}")
        base = cfg.settings["run"]["output"] or f"results/{cfg.name}"
        cfg = cfg.override(output=f"{base.rstrip('/')}-{label}")
    return cfg


def _sample(args) -> int:
    from ..inference.results import format_summary, summarize
    from ..inference.sample import run_sampler

    run = run_config(args).resolve()
    res = run_sampler(run, resume=args.resume, force=args.force, progress=not args.no_progress)
    from ..plotting.corner_plot import plot_corner

    corner = plot_corner(res.idata, out=res.out_dir / "corner.png")
    summary = summarize(res.idata)
    summary.update(wall_time_s=res.wall_time, steps_this_call=res.n_steps_run, result=str(res.result_path),
                   checkpoint=str(res.checkpoint_path), corner=str(corner))
    if args.json:
        print_json(summary)
    else:
        print(format_summary(summary))
        print(f"wall time {res.wall_time:.1f} s; results in {res.out_dir}/ (posterior.nc, chain.h5, summary.txt, "
              "summary.json, config.toml, command.txt, corner.png)")
    if not res.converged:
        d = res.diagnostics
        warn(f"not converged after {d.get('steps')} steps (tau {d.get('tau')}, R-hat {d.get('rhat')}, "
             f"ESS bulk {d.get('ess_bulk')}, tail {d.get('ess_tail')}); raise sampler.max_steps and continue "
             "with --resume")
        return EXIT_NOT_CONVERGED
    return 0


# --- summary ----------------------------------------------------------------------------------------
def _register_summary(sub) -> None:
    p = sub.add_parser("summary", parents=[json_parent()], help="summarise a posterior result (posterior.nc)")
    p.add_argument("result", metavar="RESULT.nc", help="result file (or its folder)")
    p.set_defaults(func=_summary)


def _summary(args) -> int:
    from ..inference.results import format_summary, load_results, summarize
    s = summarize(load_results(args.result))
    if args.json:
        print_json(s)
    else:
        print(format_summary(s))
    return 0


# --- compare ----------------------------------------------------------------------------------------
JSON_KEYS = ("model", "log_z", "log_z_err", "method", "log_bf_vs_sm", "log_bf_vs_lmu_ltau", "delta_chi2_min")


def _register_compare(sub) -> None:
    p = sub.add_parser("compare", parents=[json_parent(), settings_parent()],
                       help="compare models by Bayesian evidence (ln Z, Bayes factors vs SM and L_mu-L_tau)")
    p.add_argument("--models", nargs="+", required=True, help="model names or charges 'cB,ce,cmu,ctau'")
    p.add_argument("--run", default=None, help="run file (its likelihood, data and prior are used)")
    p.add_argument("--prior", default=None, help="prior file or name (default: priors/default.toml); "
                   "'kinetic_mixing_loop' centres eps e/g_X on the model's one-loop mixing")
    p.add_argument("--terms", default=None, help="likelihood terms or preset (default: 'default')")
    p.add_argument("--data", default=None, help=f"measurement set ({', '.join(available_sets())}; default {DEFAULT_SET})")
    p.add_argument("--method", default="is", choices=["ti", "ss", "is", "nested", "grid", "mc"], help="evidence estimator")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--posterior", action="store_true", help="also print az.summary of each posterior (ti/ss)")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="output folder: comparison.csv, comparison.json, comparison.png (bar plot) and "
                        "evidence_records.jsonl (every record with its full provenance)")
    p.set_defaults(func=_compare)


def _compare(args) -> int:
    from ..inference.compare import format_table, scan_table, table_records
    from ..inference.evidence import model_evidence

    terms, data, prior, term_options = args.terms, args.data, args.prior, None
    if args.run is not None:
        from ..inference.config import load_run

        cfg = load_run(args.run)
        run = cfg.resolve()
        terms = terms or run.likelihood.label
        term_options = None if args.terms else run.likelihood.term_options
        prior = prior or str(run.prior.source)
        data = data or run.likelihood.data.name
    terms, data, prior = terms or "default", data or DEFAULT_SET, prior or "default"
    import time

    recs, t0 = [], time.perf_counter()
    for k, name in enumerate(args.models):
        if not args.json:
            left = "" if not k else (f"; about {(time.perf_counter() - t0) / k * (len(args.models) - k):.0f} s "
                                     "left")
            print(f"model {k + 1}/{len(args.models)} {name}: {args.method} ({time.perf_counter() - t0:.0f} s so far"
                  f"{left})", file=sys.stderr, flush=True)
        recs.append(model_evidence(name, terms=terms, term_options=term_options, data=data, prior=prior,
                                   method=args.method, seed=args.seed, profile=not args.no_profile,
                                   posterior=args.posterior, settings=parse_settings(args.setting)))
    df = scan_table(recs)
    written = write_comparison(args.out, df, recs, terms, data, prior, args.seed) if args.out else None
    if args.json:
        print_json([{k: rec.get(k) for k in JSON_KEYS} for rec in table_records(df)])
        return 0
    print(f"terms {terms}; data {data}; prior {prior}; ln L_SM = {recs[0]['log_l_sm']:.3f}")
    print(format_table(df))
    if args.posterior:
        import pandas as pd

        for r in recs:
            if "posterior_summary" in r:
                print(f"\n{r.get('display') or r['model']}\n{pd.DataFrame(r['posterior_summary']).to_string()}")
    if written:
        print(f"wrote {', '.join(str(p) for p in written)}")
    return 0


def write_comparison(out, df, recs, terms, data, prior, seed) -> list:
    """The comparison products in folder ``out``, each naming its prior, likelihood, data and seed."""
    from pathlib import Path

    from ..inference.compare import save_table
    from ..plotting.evidence_plot import save_evidence_plot
    from ..provenance import caption, environment
    from ..serialization import dumps

    out = Path(out)
    if out.suffix in (".csv", ".json", ".png"):
        from ..errors import ConfigError
        raise ConfigError(f"--out is a folder (comparison.csv, .json, .png go inside it), got {out}")
    out.mkdir(parents=True, exist_ok=True)
    csv, js, png, jl = (out / "comparison.csv", out / "comparison.json", out / "comparison.png",
                        out / "evidence_records.jsonl")
    save_table(df, csv, js)
    sha = recs[0].get("prior_sha256") or ""
    save_evidence_plot(df, png, caption=caption(likelihood=terms, data=data, prior=f"{recs[0].get('prior_name')} "
                                                f"(sha256 {sha[:12]})", seed=seed))
    env = environment()
    jl.write_text("".join(dumps({**r, "environment": env}) + "\n" for r in recs))
    return [csv, js, png, jl]
