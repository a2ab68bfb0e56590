"""``bayes-u1x summary RESULT.nc``: print the ArviZ summary of a posterior result."""
from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("summary", help="summarise a posterior result (posterior.nc)")
    p.add_argument("result", metavar="RESULT.nc", help="result file (or its folder)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..inference.results import format_summary, load_results, summarize
    from ._util import print_json
    s = summarize(load_results(args.result))
    if args.json:
        print_json(s)
    else:
        print(format_summary(s))
    return 0
