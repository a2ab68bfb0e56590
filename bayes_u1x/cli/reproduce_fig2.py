"""``bayes-u1x reproduce fig2``: Δχ²_min over the (α, R) plane of Eq. 4.4 (PNG)."""
from __future__ import annotations

import numpy as np

from ._util import print_json


def register(sub) -> None:
    p = sub.add_parser("fig2", help="Fig. 2: Δχ²_min over the (α, R) model plane at 200 MeV (PNG)")
    p.add_argument("--out", default="fig2.png", help="PNG path")
    p.add_argument("--n-alpha", type=int, default=73, help="α grid points over [-π, π] (default 73)")
    p.add_argument("--n-r", type=int, default=30, help="R grid points, 0-1 linear and 1-100 log (default 30)")
    p.add_argument("--zoom-n-alpha", type=int, default=31,
                   help="α points of the right panel (around tan α = -2/3); 0: no right panel")
    p.add_argument("--zoom-n-r", type=int, default=16, help="R points of the right panel (0-1.2, linear)")
    p.add_argument("--no-models", action="store_true",
                   help="do not profile the integer models (plain crosses instead of their own Δχ²_min)")
    p.add_argument("--data", default="2021", help="measurement set")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_run)


def _run(args) -> int:
    from ..reproduce.fig2 import ZOOM_ALPHA, ZOOM_R, fig2_map, integer_model_minima, plot_fig2

    alphas = np.linspace(-np.pi, np.pi, args.n_alpha)
    n_lin = args.n_r // 2
    Rs = np.concatenate([np.linspace(0.02, 1, n_lin, endpoint=False), np.logspace(0, 2, args.n_r - n_lin)])
    res = fig2_map(alphas, Rs, data=args.data)
    zoom = None
    if args.zoom_n_alpha > 0 and args.zoom_n_r > 0:
        zoom = fig2_map(np.linspace(*ZOOM_ALPHA, args.zoom_n_alpha), np.linspace(0.02, ZOOM_R[1], args.zoom_n_r),
                        data=args.data)
    models = None if args.no_models else integer_model_minima(data=args.data)
    plot_fig2(res, args.out, zoom=zoom, models=models)
    if args.json:
        out = {"png": args.out, **res}
        if zoom is not None:
            out["zoom"] = zoom
        if models is not None:
            out["models"] = models
        print_json(out)
        return 0
    frac = float(np.mean(res["delta_chi2"] < 4))
    print(f"wrote {args.out}: {res['delta_chi2'].size} plane points, {100 * frac:.1f}% with Δχ²_min < 4")
    if models is not None:
        ok = models["delta_chi2"] < 4
        print(f"integer models (finite R): {ok.sum()} of {ok.size} with Δχ²_min < 4 without COHERENT")
    return 0
