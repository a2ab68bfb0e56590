"""``bayes-u1x reproduce fig5``: exclusion planes of the six viable vector-like models of Table 1
(Fig. 5 a-f of arXiv:2203.13731) at their Table-1 best-fit εe/g_X, as a 2x3 panel PNG."""
from __future__ import annotations

import numpy as np

from ._util import print_json


def register(sub) -> None:
    p = sub.add_parser("fig5", help="Fig. 5: exclusion planes of the six Table-1 models (2x3 PNG)")
    p.add_argument("--out", default="fig5.png", help="PNG path (default fig5.png)")
    p.add_argument("--data", default="2021", help="measurement set")
    p.add_argument("--n", type=int, default=100, help="grid points per axis (default 100)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


def compute(n: int = 100, data="2021", n_band: int = 200):
    from ..constants import M_MU
    from ..exclusion import FIG5_PANELS, band_exclusion, exclusion_plane
    out = []
    m = np.geomspace(0.01, 4.0, n)
    g = np.geomspace(1e-6, 1e-2, n)
    masses = np.geomspace(0.01, 4.0, n_band)
    below = masses < 2 * M_MU
    for panel, model, r in FIG5_PANELS:
        res = exclusion_plane(model, r, m_grid=m, g_grid=g, data=data)
        band = band_exclusion(model, r, masses=masses, data=data)
        # share of the band (in log m below/above the dimuon threshold) each constraint removes
        share = {}
        for k, c in band["constraints"].items():
            share[k] = {"below_2mmu_any": float(c["any"][below].mean()),
                        "below_2mmu_whole": float(c["whole"][below].mean()),
                        "above_2mmu_whole": float(c["whole"][~below].mean())}
        out.append({"panel": panel, "model": model, "eps_ratio": r, "plane": res, "band": band,
                    "share": share})
    return out


def run(args) -> int:
    from ..plotting.exclusion_plot import plot_exclusion_panels
    from .plot_exclusion import print_band_table, summarise

    panels = compute(args.n, args.data)
    titles = [f"{p['panel']}) {p['model']}, " + r"$\varepsilon e/g_X$" + f" = {p['eps_ratio']}" for p in panels]
    plot_exclusion_panels([p["plane"] for p in panels], args.out, titles=titles,
                          suptitle="Fig. 5 of arXiv:2203.13731 (Table-1 best-fit kinetic mixing)")
    if args.json:
        print_json({"out": args.out, "panels": [{"panel": p["panel"], "share": p["share"],
                                                 **summarise(p["plane"], p["band"])} for p in panels]})
        return 0
    for p in panels:
        print(f"{p['panel']}) {p['model']}  eps e/g_X = {p['eps_ratio']}")
        for k, v in p["plane"]["missing"].items():
            print(f"  NOT EVALUATED {k}: {v}")
        print_band_table(p["band"])
    print(f"wrote {args.out}")
    return 0
