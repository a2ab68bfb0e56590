"""``bayes-u1x sample``: sample the posterior of a model (emcee), write ``posterior.nc``.

Runs a run file (``--run``, default: the built-in defaults of :mod:`bayes_u1x.inference.runs`);
every flag overrides only the setting it names. The checkpoint ``chain.h5`` and the result
``posterior.nc`` go to the output folder; ``--resume`` continues a stopped run.
"""
from __future__ import annotations

import sys

EXIT_NOT_CONVERGED = 3


def register(sub) -> None:
    p = sub.add_parser("sample", help="sample the posterior of a model (emcee, checkpointed)",
                       description="Sample p(log10 g_X, eps e/g_X, log10 m_X | data) for one model.")
    p.add_argument("--model", help="model name or charges 'cB,ce,cmu,ctau' (overrides the run file)")
    p.add_argument("--run", metavar="FILE", help="run file (TOML) or a name in runs/, e.g. lmu_ltau")
    p.add_argument("--out", metavar="DIR", help="output folder (default: run.output or results/<name>)")
    p.add_argument("--seed", type=int, help="root seed (numpy SeedSequence)")
    p.add_argument("--terms", help="likelihood terms, comma-separated, or a preset (default, table1, ...)")
    p.add_argument("--data", help="measurement set (2021, 2025)")
    p.add_argument("--prior", metavar="FILE", help="prior file (TOML) or a name in priors/")
    p.add_argument("--walkers", type=int, help="number of emcee walkers")
    p.add_argument("--max-steps", type=int, help="hard cap on the number of steps")
    p.add_argument("--resume", action="store_true", help="continue the checkpoint in the output folder")
    p.add_argument("--force", action="store_true",
                   help="discard an existing checkpoint (or one with different settings) and start over")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..inference.results import format_summary, summarize
    from ..inference.runs import RunError, default_run, load_run
    from ..inference.sample import run_sampler
    from ._util import print_json

    terms = args.terms.split(",") if args.terms and "," in args.terms else args.terms
    over = dict(model=args.model, seed=args.seed, output=args.out, terms=terms, data=args.data,
                prior=args.prior, sampler__walkers=args.walkers, sampler__max_steps=args.max_steps)
    if args.run:
        cfg = load_run(args.run, **over)
    else:
        if not args.model:
            raise RunError("give --model MODEL (or a run file with --run FILE)")
        cfg = default_run(**over)
    res = run_sampler(cfg, resume=args.resume, force=args.force,
                      progress=not args.no_progress)
    summary = summarize(res.idata)
    summary["wall_time_s"] = res.wall_time
    summary["steps_this_call"] = res.n_steps_run
    summary["result"] = str(res.result_path)
    summary["checkpoint"] = str(res.checkpoint_path)
    if args.json:
        print_json(summary)
    else:
        print(format_summary(summary))
        print(f"wall time {res.wall_time:.1f} s; result {res.result_path}")
    if not res.converged:
        d = res.diagnostics
        print(f"bayes-u1x: warning: not converged after {d.get('steps')} steps (tau {d.get('tau')}, "
              f"R-hat {d.get('rhat')}, ESS bulk {d.get('ess_bulk')}, tail {d.get('ess_tail')}); "
              "raise sampler.max_steps and continue with --resume", file=sys.stderr)
        return EXIT_NOT_CONVERGED
    return 0
