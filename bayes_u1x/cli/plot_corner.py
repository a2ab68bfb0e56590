"""``bayes-u1x plot corner RESULT.nc [--out PNG]``: corner plot of a posterior result."""
from __future__ import annotations


def register(tsub) -> None:
    p = tsub.add_parser("corner", help="corner plot of a posterior (68/95%% contours, g-2 band panel)")
    p.add_argument("result", metavar="RESULT.nc", help="result file (or its folder)")
    p.add_argument("--out", metavar="PNG", help="output PNG (default: corner.png next to the result)")
    p.add_argument("--dpi", type=int, default=130)
    p.add_argument("--json", action="store_true", help="print the output path as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..plotting.corner_plot import plot_corner
    from ._util import print_json
    out = plot_corner(args.result, args.out, dpi=args.dpi)
    if args.json:
        print_json({"png": str(out)})
    else:
        print(out)
    return 0
