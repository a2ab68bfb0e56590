"""``bayes-u1x reproduce fig3``: exclusion plane of L_μ−L_τ with the kinetic mixing induced by μ
and τ loops (Fig. 3 of arXiv:2203.13731): εe/g_X = e² ln(m_τ/m_μ)/(6π²) = 4.37e−3 (ε ≈ g_X/70)."""
from __future__ import annotations

import numpy as np

from ._util import print_json


def register(sub) -> None:
    p = sub.add_parser("fig3", help="Fig. 3: the L_mu-L_tau exclusion plane, loop-induced mixing (PNG)")
    p.add_argument("--out", default="fig3.png", help="PNG path (default fig3.png)")
    p.add_argument("--data", default="2021", help="measurement set")
    p.add_argument("--eps-ratio", type=float, default=None,
                   help="override eps e/g_X (default: the one-loop mu/tau value 4.37e-3)")
    p.add_argument("--n", type=int, default=120, help="grid points per axis (default 120)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def compute(n: int = 120, data="2021", eps_ratio=None, n_band: int = 300):
    from ..exclusion import band_exclusion, exclusion_plane, fig3_eps_ratio
    r = fig3_eps_ratio() if eps_ratio is None else float(eps_ratio)
    m = np.geomspace(0.01, 4.0, n)
    g = np.geomspace(1e-4, 1e-1, n)
    res = exclusion_plane("Lmu-Ltau", r, m_grid=m, g_grid=g, data=data)
    band = band_exclusion("Lmu-Ltau", r, masses=np.geomspace(0.01, 4.0, n_band), data=data)
    return res, band


def run(args) -> int:
    from ..plotting.exclusion_plot import plot_exclusion
    from .plot_exclusion import print_band_table, summarise

    res, band = compute(args.n, args.data, args.eps_ratio)
    plot_exclusion(res, args.out, title=r"$L_\mu - L_\tau$, $\varepsilon e/g_X$ = "
                   f"{res['eps_ratio']:.3g} (μ, τ loops)")
    if args.json:
        print_json({"out": args.out, **summarise(res, band)})
        return 0
    print(f"Lmu-Ltau, eps e/g_X = {res['eps_ratio']:.4g}")
    for k, v in res["missing"].items():
        print(f"  NOT EVALUATED {k}: {v}")
    print_band_table(band)
    print(f"wrote {args.out}")
    return 0
