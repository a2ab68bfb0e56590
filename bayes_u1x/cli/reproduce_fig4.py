"""``bayes-u1x reproduce fig4``: Δχ²_min, εe/g_X, g_X vs N for 3B−6L_e−3L_τ+N(L_μ−L_τ)."""
from __future__ import annotations

from ._util import print_json


def register(sub) -> None:
    p = sub.add_parser("fig4", help="Fig. 4: the N class at m_X = 200 MeV (PNG)")
    p.add_argument("--out", default="fig4.png", help="PNG path (default fig4.png)")
    p.add_argument("--data", default="2021", help="measurement set")
    p.add_argument("--nsi-params", default=None, metavar="NAME", help="NSI parameter set (App. A refit)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_run)


def _run(args) -> int:
    from ..plotting.profile_plots import plot_fig4
    from ..reproduce.table1 import fig4

    rows = fig4(data=args.data, nsi_params=args.nsi_params)
    plot_fig4(rows, args.out)
    if args.json:
        print_json({"png": args.out, "rows": rows})
        return 0
    for r in rows:
        print(f"N={r['N']}: Δχ²_min = {r['delta_chi2']:.2f}  eps e/g_X = {r['eps_ratio']:+.2f}  "
              f"g_X = {r['g_x']:.3g}  viable={r['viable']}")
    print(f"wrote {args.out}")
    return 0
