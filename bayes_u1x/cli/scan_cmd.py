"""``bayes-u1x scan``: profile every model of the space at fixed mass (resumable, both cores)."""
from __future__ import annotations

import sys

from ._util import print_json


def register(sub) -> None:
    p = sub.add_parser("scan", help="profile all enumerated models (Δχ²_min, best fit, viability)")
    p.add_argument("--mass", type=float, default=0.2, help="m_X in GeV (default 0.2)")
    p.add_argument("--max-charge", type=int, default=10, help="largest |charge| (default 10: 419 models)")
    p.add_argument("--terms", default="table1", help="terms or preset (default table1)")
    p.add_argument("--data", default="2021", help="measurement set")
    p.add_argument("--resonance-mode", default="paper", choices=["paper", "full", "smooth"])
    p.add_argument("--nsi-params", default=None, metavar="NAME",
                   help="NSI parameter set (App. A refit; see 'bayes-u1x reproduce table2 --list')")
    p.add_argument("--out", default=None, help="JSON-lines file; an existing file is resumed")
    p.add_argument("--processes", type=int, default=None, help="worker processes (default: 2 cores)")
    p.add_argument("--evidence", action="store_true", help="posterior + evidence per model (see compare)")
    p.add_argument("--method", default="ti", choices=["ti", "ss", "nested", "grid", "mc"],
                   help="evidence estimator for --evidence (default ti)")
    p.add_argument("--prior", default="default", help="prior file or name for --evidence")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="dask.distributed scheduler address for --evidence (default: local processes)")
    p.add_argument("--json", action="store_true", help="print a JSON list of all models")
    p.set_defaults(func=_run)


def _run(args) -> int:
    from ..errors import BayesU1XError
    from ..inference.scan import scan
    from ..likelihood import resolve_terms

    if args.evidence:
        try:
            from ..inference import evidence_scan  # noqa: F401
        except ImportError as exc:
            raise BayesU1XError("evidence scans are not available in this version") from exc
        return evidence_scan.run_cli(args)
    terms = resolve_terms(args.terms)
    opts = {"resonances": {"mode": args.resonance_mode}} if "resonances" in terms else {}
    if args.nsi_params and "nsi" in terms:
        opts["nsi"] = {"params": args.nsi_params}

    def progress(done, total):
        if not args.json:
            print(f"\r{done}/{total} models", end="", file=sys.stderr, flush=True)

    results = scan(mass=args.mass, max_charge=args.max_charge, terms=terms, data=args.data, out=args.out,
                   processes=args.processes, term_options=opts, progress=progress)
    if not args.json:
        print(file=sys.stderr)
    if args.json:
        print_json([{"charges": r["charges"], "delta_chi2": r["delta_chi2"], "eps_ratio": r["eps_ratio"],
                     "g_x": r["g_x"], "viable": r["viable"], "terms": r["terms"], "is_valid": r["is_valid"]}
                    for r in results])
        return 0
    viable = sorted((r for r in results if r["viable"]), key=lambda r: r["delta_chi2"])
    print(f"{len(results)} models at m_X = {args.mass:g} GeV; {len(viable)} viable (Δχ²_min < 4):")
    for r in viable:
        c = ",".join(f"{x:g}" for x in r["charges"])
        print(f"  ({c:>14s})  Δχ² = {r['delta_chi2']:.2f}  eps e/g_X = {r['eps_ratio']:+.2f}  g_X = {r['g_x']:.3g}")
    return 0
