"""``bayes-u1x scan``: every model of the space — profile minima at fixed mass, or evidence (resumable)."""
from __future__ import annotations

import sys

from .common import (data_parent, json_parent, nsi_options, nsi_parent, parse_settings, print_json,
                     progress_printer, settings_parent)


def register(sub) -> None:
    p = sub.add_parser("scan", parents=[json_parent(), data_parent(), nsi_parent(), settings_parent()],
                       help="profile (or --evidence) of all enumerated models (Δχ²_min, best fit, viability)")
    p.add_argument("--mass", type=float, default=0.2, help="m_X in GeV (default 0.2)")
    p.add_argument("--max-charge", type=int, default=10, help="largest |charge| (default 10: 419 models)")
    p.add_argument("--terms", default="default",
                   help="terms or preset (default: default; 'table1' with --mass 0.2 is the paper's Sec. 4.2 scan)")
    p.add_argument("--resonance-mode", default=None, choices=["paper", "full", "smooth"],
                   help="resonance-search treatment (default: the preset's)")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="output folder: scan.jsonl (or evidence.jsonl with --evidence, plus the comparison "
                        "table and plot); an existing scan in it is resumed")
    p.add_argument("--force", action="store_true", help="start the scan file over (the old one is kept as .previous)")
    p.add_argument("--processes", type=int, default=None, help="worker processes (default: 2 cores)")
    p.add_argument("--evidence", action="store_true", help="posterior + evidence per model (see compare)")
    p.add_argument("--method", default="is", choices=["ti", "ss", "is", "nested", "grid", "mc"],
                   help="evidence estimator for --evidence (default is: importance sampling, TI fallback)")
    p.add_argument("--prior", default="default", help="prior file or name for --evidence")
    p.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="dask.distributed scheduler address for --evidence (default: local processes)")
    p.set_defaults(func=_run)


def _options(args, lk) -> dict:
    opts = {"resonances": {"mode": args.resonance_mode}} if args.resonance_mode and "resonances" in lk.terms else {}
    opts.update(nsi_options(args, lk.terms))
    return opts


def _scan_file(args):
    from ..errors import ConfigError
    from .common import out_path

    if args.out is None:
        return None
    try:
        return out_path(args.out, "evidence.jsonl" if args.evidence else "scan.jsonl")
    except Exception as exc:  # argparse.ArgumentTypeError: the folder is a file
        raise ConfigError(f"--out: {exc}") from None


def _run(args) -> int:
    from ..likelihood import CompositeLikelihood

    terms = args.terms
    lk = CompositeLikelihood("Lmu-Ltau", terms=terms, data=args.data)
    opts = _options(args, lk)
    progress = progress_printer(args.json)
    if args.evidence:
        return _evidence(args, terms, opts, progress)
    from ..inference.scans import scan

    results = scan(mass=args.mass, max_charge=args.max_charge, terms=terms, data=args.data, out=_scan_file(args),
                   processes=args.processes, term_options=opts, progress=progress, force=args.force)
    if args.json:
        print_json([{"charges": r["charges"], "delta_chi2": r["delta_chi2"], "eps_ratio": r["eps_ratio"],
                     "g_x": r["g_x"], "viable": r["viable"], "terms": r["terms"], "is_valid": r["is_valid"]}
                    for r in results])
        return 0
    print(file=sys.stderr)
    viable = sorted((r for r in results if r["viable"]), key=lambda r: r["delta_chi2"])
    print(f"{len(results)} models at m_X = {args.mass:g} GeV; {len(viable)} viable (Δχ²_min < 4):")
    for r in viable:
        c = ",".join(f"{x:g}" for x in r["charges"])
        print(f"  ({c:>14s})  Δχ² = {r['delta_chi2']:.2f}  eps e/g_X = {r['eps_ratio']:+.2f}  g_X = {r['g_x']:.3g}")
    return 0


def _evidence(args, terms, opts, progress) -> int:
    from ..inference.compare import format_table, scan_table
    from ..inference.evidence import evidence_scan

    scan_file = _scan_file(args)
    recs = evidence_scan(max_charge=args.max_charge, out=scan_file, processes=args.processes,
                         scheduler=args.scheduler, progress=progress, force=args.force, terms=terms,
                         term_options=opts, data=args.data, prior=args.prior, method=args.method,
                         settings=parse_settings(args.setting), profile=not args.no_profile)
    if args.json:
        print_json([{k: r.get(k) for k in ("model", "charges", "log_z", "log_z_err", "method", "log_bf_vs_sm",
                                           "delta_chi2_min", "likelihood", "data", "prior_name")} for r in recs])
        return 0
    df = scan_table(recs)
    if args.out and not str(args.out).endswith(".jsonl"):  # a folder (a legacy --out FILE.jsonl gets the scan only)
        from pathlib import Path

        from .bayes_commands import write_comparison

        write_comparison(Path(scan_file).parent, df, recs, terms, args.data, args.prior, recs[0].get("seed") if recs else None)
    print(file=sys.stderr)
    print(format_table(df))
    return 0
