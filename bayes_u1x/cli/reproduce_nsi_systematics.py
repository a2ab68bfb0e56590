"""``bayes-u1x reproduce nsi-systematics``: the viable-model set over equivalent App.-A NSI refits."""
from __future__ import annotations

from ._util import print_json


def register(sub) -> None:
    p = sub.add_parser("nsi-systematics",
                       help="Sec. 4.2 viability over every App.-A NSI refit that fits Table 2 equally well")
    p.add_argument("--mass", type=float, default=0.2, help="m_X [GeV] (default 0.2, the paper's)")
    p.add_argument("--max-charge", type=int, default=10, help="largest |charge| of the scanned models")
    p.add_argument("--delta-lambda", type=float, default=1.0,
                   help="keep refits whose Table-2 loss is within this of the best (default 1)")
    p.add_argument("--data", default="2021", help="measurement set (default 2021, the paper's)")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="directory for resumable per-scan result files (a killed run continues)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_run)


def _run(args) -> int:
    import sys

    from ..reproduce.nsi_systematics import equivalent_sets, format_report, viability_over_sets

    def progress(done, total):
        if not args.json:
            print(f"\r{done}/{total} parameter sets", end="", file=sys.stderr, flush=True)

    res = viability_over_sets(equivalent_sets(args.delta_lambda), mass=args.mass,
                              max_charge=args.max_charge, data=args.data, progress=progress,
                              out_dir=args.out)
    if args.json:
        print_json(res)
        return 0
    print(file=sys.stderr)
    print(format_report(res))
    return 0
