"""``bayes-u1x reproduce fig6``: exclusion plane of the chiral L̃_{μ−τ} (Eq. 5.1) at ε = g_X/10
(Fig. 6 of arXiv:2203.13731), with the paper's Sec.-5 statements checked (each within 30 %)."""
from __future__ import annotations

import numpy as np

from ._util import print_json


def register(sub) -> None:
    p = sub.add_parser("fig6", help="Fig. 6: the chiral L~mu-tau exclusion plane at eps = g_X/10 (PNG)")
    p.add_argument("--out", default="fig6.png", help="PNG path (default fig6.png)")
    p.add_argument("--data", default="2021", help="measurement set")
    p.add_argument("--n", type=int, default=120, help="grid points per axis (default 120)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def compute(n: int = 120, data="2021", n_band: int = 300):
    from ..exclusion import band_exclusion, exclusion_plane, fig6_checks, fig6_eps_ratio
    r = fig6_eps_ratio()
    m = np.geomspace(0.01, 1.0, n)
    g = np.geomspace(1e-5, 1e-2, n)
    res = exclusion_plane("tilde-Lmu-Ltau", r, m_grid=m, g_grid=g, data=data)
    band = band_exclusion("tilde-Lmu-Ltau", r, masses=np.geomspace(0.01, 1.0, n_band), data=data)
    return res, band, fig6_checks(band)


def run(args) -> int:
    from ..plotting.exclusion_plot import plot_exclusion
    from .plot_exclusion import print_band_table, summarise

    res, band, checks = compute(args.n, args.data)
    plot_exclusion(res, args.out, title=r"$\tilde L_{\mu-\tau}$ (Eq. 5.1), $\varepsilon = g_X/10$")
    if args.json:
        print_json({"out": args.out, "checks": checks, **summarise(res, band)})
        return 0
    print(f"tilde-Lmu-Ltau, eps e/g_X = e/10 = {res['eps_ratio']:.5f}")
    for k, v in res["missing"].items():
        print(f"  NOT EVALUATED {k}: {v}")
    print_band_table(band)
    for c in checks:
        print(f"  {c['statement']}: edge {1e3 * c['edge_gev']:.0f} MeV vs {1e3 * c['paper_gev']:.0f} MeV "
              f"({100 * c['relative_difference']:+.0f}%, {'OK' if c['within_tolerance'] else 'outside 30%'})")
    print(f"wrote {args.out}")
    return 0
