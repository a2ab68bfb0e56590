"""``bayes-u1x reproduce fig2``: Δχ²_min over the (α, R) plane of Eq. 4.4 (PNG)."""
from __future__ import annotations

import numpy as np

from ._util import print_json


def register(sub) -> None:
    p = sub.add_parser("fig2", help="Fig. 2: Δχ²_min over the (α, R) model plane at 200 MeV (PNG)")
    p.add_argument("--out", default="fig2.png", help="PNG path")
    p.add_argument("--n-alpha", type=int, default=73, help="α grid points over [-π, π] (default 73)")
    p.add_argument("--n-r", type=int, default=30, help="R grid points, 0-1 linear and 1-100 log (default 30)")
    p.add_argument("--data", default="2021", help="measurement set")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_run)


def _run(args) -> int:
    from ..reproduce.fig2 import fig2_map, plot_fig2

    alphas = np.linspace(-np.pi, np.pi, args.n_alpha)
    n_lin = args.n_r // 2
    Rs = np.concatenate([np.linspace(0.02, 1, n_lin, endpoint=False), np.logspace(0, 2, args.n_r - n_lin)])
    res = fig2_map(alphas, Rs, data=args.data)
    plot_fig2(res, args.out)
    if args.json:
        print_json({"png": args.out, **res})
        return 0
    frac = float(np.mean(res["delta_chi2"] < 4))
    print(f"wrote {args.out}: {res['delta_chi2'].size} plane points, {100 * frac:.1f}% with Δχ²_min < 4")
    return 0
