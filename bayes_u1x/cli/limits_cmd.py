"""``bayes-u1x limits``: upper limit on g_X versus m_X from each resonance search, recast to a model.

    bayes-u1x limits --model Lmu-Ltau --eps-ratio 0 [--search NAME|all|default] [--json]

Each search is evaluated on its own digitised masses (or on ``--grid N`` log-spaced masses). JSON
output is a list of objects {search, mass_gev, g_limit, available, signature, cl, ...}, with
``null`` where the search has no reach (vetoed window, no production or no branching ratio).
"""
from __future__ import annotations

import numpy as np

from ._util import print_json


def register(sub) -> None:
    p = sub.add_parser("limits", help="g_X upper limits vs m_X from resonance searches (recast)",
                       description="Recast published resonance-search limits to a U(1)_X model.")
    add_limit_arguments(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=run)


def add_limit_arguments(p) -> None:
    """Options shared with ``bayes-u1x plot limits``."""
    p.add_argument("--model", required=True, help="model name or charges 'cB,ce,cmu,ctau'")
    p.add_argument("--eps-ratio", type=float, default=0.0, metavar="R",
                   help="kinetic mixing eps e/g_X (Table 1 column; default 0)")
    p.add_argument("--search", default="default", metavar="NAME",
                   help="search key(s) of searches.toml, comma separated; 'default' (non-superseded "
                        "searches with data), 'all' (every registered search), or 'paper' (NA64 2019 + BaBar 2014)")
    p.add_argument("--invisible", choices=("physical", "darkcast"), default="physical",
                   help="target BR(invisible): physical (default) or 0.99 as in DarkCast")
    p.add_argument("--br-dark", type=float, default=0.0, metavar="B",
                   help="dark-sector branching fraction of X (default 0)")
    p.add_argument("--grid", type=int, default=None, metavar="N",
                   help="evaluate on N log-spaced masses in [--mass-min, --mass-max] instead of each "
                        "search's digitised masses")
    p.add_argument("--mass-min", type=float, default=1e-3, help="lowest mass [GeV] (default 0.001)")
    p.add_argument("--mass-max", type=float, default=10.0, help="highest mass [GeV] (default 10)")


def compute(args) -> list[dict]:
    from ..errors import BayesU1XError
    from ..resonances import limit_curves

    if not (0 < args.mass_min < args.mass_max):
        raise BayesU1XError("need 0 < --mass-min < --mass-max")
    masses = None
    if args.grid is not None:
        if args.grid < 2:
            raise BayesU1XError("--grid needs at least 2 points")
        masses = np.geomspace(args.mass_min, args.mass_max, args.grid)
    curves = limit_curves(args.model, args.eps_ratio, searches=args.search, masses=masses,
                          invisible=args.invisible, br_dark=args.br_dark)
    if masses is None:
        for c in curves:
            sel = (c["mass_gev"] >= args.mass_min) & (c["mass_gev"] <= args.mass_max)
            c["mass_gev"], c["g_limit"] = c["mass_gev"][sel], c["g_limit"][sel]
    return curves


def run(args) -> int:
    curves = compute(args)
    if args.json:
        print_json(curves)
        return 0
    print(f"g_X upper limits for model {args.model!r}, eps e/g_X = {args.eps_ratio:g} "
          f"(BR(invisible): {args.invisible})")
    print(f"{'search':28s} {'signature':16s} {'CL':>4s}  {'m range with reach [GeV]':>26s}  "
          f"{'strongest g_X':>13s} {'at m [GeV]':>10s}")
    for c in curves:
        if not c["available"]:
            print(f"{c['search']:28s} {c['signature']:16s} {c['cl']:4.2f}  unavailable (registered without data)")
            continue
        g, m = c["g_limit"], c["mass_gev"]
        ok = np.isfinite(g)
        if not np.any(ok):
            print(f"{c['search']:28s} {c['signature']:16s} {c['cl']:4.2f}  no reach for this model in the mass window")
            continue
        i = np.nanargmin(g)
        rng = f"{m[ok].min():.4g} - {m[ok].max():.4g}"
        print(f"{c['search']:28s} {c['signature']:16s} {c['cl']:4.2f}  {rng:>26s}  {g[i]:13.3e} {m[i]:10.4g}")
    return 0
