"""``bayes-u1x plot corner|exclusion|limits|model-space``: PNG figures of posteriors, exclusion planes, search
limits and the evidence of the whole model space."""
from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from ..measurements import DEFAULT_SET
from .common import json_parent, model_file, out_folder, print_json
from .point_commands import add_limit_arguments, compute_combined, compute_limits, data_sets, limit_eps_ratio


def register(sub) -> None:
    p = sub.add_parser("plot", help="make a PNG plot")
    tsub = p.add_subparsers(dest="target", metavar="TARGET")
    _register_corner(tsub)
    _register_exclusion(tsub)
    _register_limits(tsub)
    _register_model_space(tsub)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


# --- corner ------------------------------------------------------------------------------------------
def _register_corner(tsub) -> None:
    p = tsub.add_parser("corner", parents=[json_parent()],
                        help="corner plot of a posterior (68/95%% contours, g-2 band panel)")
    p.add_argument("result", metavar="RESULT.nc", help="result file (or its folder)")
    p.add_argument("--out", metavar="DIR", type=out_folder("corner.png"),
                   help="output folder for corner.png (default: the result's folder)")
    p.add_argument("--dpi", type=int, default=130)
    p.set_defaults(func=_corner)


def _corner(args) -> int:
    from ..plotting.corner_plot import plot_corner
    out = plot_corner(args.result, args.out, dpi=args.dpi)
    if args.json:
        print_json({"png": str(out)})
    else:
        print(out)
    return 0


# --- exclusion ---------------------------------------------------------------------------------------
def add_plane_arguments(p) -> None:
    p.add_argument("--terms", default=None,
                   help="comma-separated constraints (default: borexino,nsi,coherent,resonances,ccfr,ew_t "
                        "plus apv,ae,texono,charm2 for chiral models)")
    p.add_argument("--mass-min", type=float, default=0.01, help="lowest m_X [GeV] (default 0.01)")
    p.add_argument("--mass-max", type=float, default=4.0, help="highest m_X [GeV] (default 4)")
    p.add_argument("--n-masses", type=int, default=120, help="mass grid points (default 120)")
    p.add_argument("--g-min", type=float, default=None, help="lowest g_X (default: from the g-2 band)")
    p.add_argument("--g-max", type=float, default=None, help="highest g_X (default: from the g-2 band)")
    p.add_argument("--n-couplings", type=int, default=120, help="coupling grid points (default 120)")
    p.add_argument("--data", default=DEFAULT_SET, help=f"measurement set (default {DEFAULT_SET})")
    p.add_argument("--resonance-mode", default="full", choices=("full", "paper"),
                   help="resonance searches: all non-superseded (full, default) or NA64+BaBar 2014 (paper)")
    p.add_argument("--ccfr-method", default=None, choices=("full", "eft"),
                   help="CCFR trident calculation (default: the term's default, full)")
    p.add_argument("--no-per-search", action="store_true",
                   help="draw the resonance term as one region instead of each search")
    p.add_argument("--all-searches", action="store_true",
                   help="also draw searches that exclude only far from the g-2 band")


def _register_exclusion(tsub) -> None:
    p = tsub.add_parser("exclusion", parents=[json_parent()],
                        help="PNG of the m_X-g_X exclusion plane with the Delta a_mu band")
    p.add_argument("--model", required=True, help="model name or charges 'cB,ce,cmu,ctau'")
    p.add_argument("--eps-ratio", required=True,
                   help="eps e/g_X (a number, or 'loop' for the one-loop mu/tau value of Eq. 5.5)")
    p.add_argument("--out", metavar="DIR", default=".", type=out_folder("exclusion_{model}.png"),
                   help="output folder for exclusion_<model>.png (default: the current folder)")
    p.add_argument("--posterior", metavar="RESULT", default=None,
                   help="overlay the 68/95%% credible regions of a posterior (results/<run>/ or its posterior.nc) "
                        "of the same model, eps e/g_X marginalised")
    add_plane_arguments(p)
    p.set_defaults(func=_exclusion)


def parse_eps_ratio(text, model) -> float:
    from ..physics.kinetic_mixing import muon_loop_eps_ratio
    if isinstance(text, str) and text.strip().lower() == "loop":
        return muon_loop_eps_ratio(model)
    try:
        return float(text)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"--eps-ratio must be a number or 'loop', got {text!r}") from exc


def grids(args, model, r):
    from ..exclusion import default_g_grid
    if args.n_masses < 2 or args.n_couplings < 2:
        raise ParameterError("--n-masses and --n-couplings must be at least 2")
    if not (0 < args.mass_min < args.mass_max):
        raise ParameterError("need 0 < --mass-min < --mass-max")
    m = np.geomspace(args.mass_min, args.mass_max, args.n_masses)
    g = default_g_grid(model, r, m, n=args.n_couplings, data=args.data)
    lo = args.g_min if args.g_min is not None else g[0]
    hi = args.g_max if args.g_max is not None else g[-1]
    if not (0 < lo < hi):
        raise ParameterError("need 0 < --g-min < --g-max")
    return m, np.geomspace(lo, hi, args.n_couplings)


def term_options(args) -> dict:
    opts = {"resonances": {"mode": args.resonance_mode}}
    if args.ccfr_method:
        opts["ccfr"] = {"method": args.ccfr_method}
    return opts


def summarise(res, band) -> dict:
    """JSON-friendly summary: per constraint the fraction of the plane excluded, the lowest excluded
    g_X per mass, and the mass ranges where it excludes the whole / part of the 2σ band."""
    out = []
    for c in res["constraints"]:
        mask = res["masks"][c["key"]]
        g = res["g_grid"][:, None] * np.ones_like(mask, dtype=float)
        low = np.where(mask.any(axis=0), np.where(mask, g, np.inf).min(axis=0), np.nan)
        b = band["constraints"].get(c["key"], {})
        out.append({**c, "excluded_fraction": float(mask.mean()), "lowest_excluded_g": low,
                    "band_whole_gev": b.get("whole_intervals", []),
                    "band_any_gev": b.get("any_intervals", [])})
    return {"model": res["model"], "eps_ratio": res["eps_ratio"], "data": res["data"],
            "definition": res["definition"],
            "m_grid_gev": res["m_grid"], "g_grid": res["g_grid"],
            "amu_band": {k: res["amu_band"][k] for k in ("g_low", "g_central", "g_high")},
            "constraints": out}


def format_intervals(iv) -> str:
    return ", ".join(f"{1e3 * a:.0f}-{1e3 * b:.0f} MeV" for a, b in iv) or "-"


def print_band_table(band) -> None:
    for k, c in band["constraints"].items():
        if c["any_intervals"]:
            print(f"  {c.get('text', c['label']):45s} whole band: {format_intervals(c['whole_intervals'])}")
            print(f"  {'':45s} part  band: {format_intervals(c['any_intervals'])}")


def _exclusion(args) -> int:
    from ..exclusion import band_exclusion, exclusion_plane
    from ..models import get_model
    from ..plotting.exclusion_plot import plot_exclusion

    model = get_model(args.model)
    args.out = model_file(args.out, model)
    r = parse_eps_ratio(args.eps_ratio, model)
    m, g = grids(args, model, r)
    opts = term_options(args)
    res = exclusion_plane(model, r, terms=args.terms, m_grid=m, g_grid=g, data=args.data,
                          term_options=opts, per_search=not args.no_per_search)
    band = band_exclusion(model, r, terms=args.terms, masses=np.geomspace(args.mass_min, args.mass_max, 300),
                          data=args.data, term_options=opts, per_search=not args.no_per_search)
    overlay = None
    if args.posterior:
        from ..plotting.posterior_overlay import overlay_from
        overlay = overlay_from(args.posterior, res)
    plot_exclusion(res, args.out, all_searches=args.all_searches, overlay=overlay)
    return report_plane(args, res, band, f"{res['model']}  eps e/g_X = {r:.5g}  ({res['definition']})")


def report_plane(args, res, band, header: str, extra=None) -> int:
    """Print a plane's summary (JSON with ``--json``, else the band-exclusion table)."""
    if args.json:
        print_json({"out": args.out, **(extra or {}), **summarise(res, band)})
        return 0
    print(header)
    print_band_table(band)
    print(f"wrote {args.out}")
    return 0


# --- limits --------------------------------------------------------------------------------------------
def _register_limits(tsub) -> None:
    p = tsub.add_parser("limits", parents=[json_parent()], help="PNG of recast g_X limits vs m_X with the Delta a_mu band")
    add_limit_arguments(p)
    p.add_argument("--out", metavar="DIR", default=".", type=out_folder("limits_{model}.png"),
                   help="output folder for limits_<model>.png (combined_<model>.png with --combined; "
                        "default: the current folder)")
    p.set_defaults(func=_limits)


def _limits(args) -> int:
    from ..models import get_model

    args.out = model_file(args.out, args.model, "combined" if args.combined else "limits")
    if args.combined:
        from ..plotting.combined_plot import plot_combined_limits
        plot_combined_limits(compute_combined(args), args.out)
    else:
        from ..plotting.limits_plot import plot_limits
        model = get_model(args.model)
        plot_limits(compute_limits(args), model, limit_eps_ratio(args, model), args.out,
                    mass_range=(args.mass_min, args.mass_max), data=data_sets(args, False)[0],
                    invisible=args.invisible)
    if args.json:
        print_json({"out": args.out})
    else:
        print(f"wrote {args.out}")
    return 0


# --- model space -----------------------------------------------------------------------------------------
def _register_model_space(tsub) -> None:
    p = tsub.add_parser("model-space", parents=[json_parent()],
                        help="ln B(model : SM) of every scanned model on the (alpha, R) plane of Fig. 2")
    p.add_argument("scan", metavar="SCAN", help="an evidence scan: the folder of 'scan --evidence --out' "
                                                "or its evidence.jsonl")
    p.add_argument("--out", metavar="DIR", default=None, type=out_folder("model_space.png"),
                   help="output folder for model_space.png (default: the scan's folder)")
    p.add_argument("--title", default=None, help="figure title (default: from the scan's settings)")
    p.set_defaults(func=_model_space)


def _model_space(args) -> int:
    from pathlib import Path

    from ..errors import ResultsError
    from ..inference.scans import read_scan_file
    from ..plotting.model_space_plot import plot_model_space

    src = Path(args.scan)
    scan_file = src / "evidence.jsonl" if src.is_dir() else src
    if not scan_file.is_file():
        raise ResultsError(f"no evidence scan at {src} (expected a folder with evidence.jsonl or the file)")
    recs = list(read_scan_file(scan_file, kind="evidence").values())
    if not recs:
        raise ResultsError(f"{scan_file} holds no finished model yet")
    out = Path(args.out) if args.out else scan_file.parent / "model_space.png"
    if out.is_dir():
        out = out / "model_space.png"
    r0 = recs[0]
    title = args.title or (f"ln B(model : SM), {len(recs)} models, data {r0.get('data')}, prior "
                           f"{r0.get('prior_name')}, likelihood {r0.get('likelihood')}, m_X marginalised")
    out.parent.mkdir(parents=True, exist_ok=True)
    plot_model_space(recs, out, title=title)
    if args.json:
        print_json({"png": str(out), "models": len(recs)})
    else:
        print(f"wrote {out}")
    return 0
