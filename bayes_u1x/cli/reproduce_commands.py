"""``bayes-u1x reproduce TARGET``: a table or figure of arXiv:2203.13731 (always on the 2021 inputs by default)."""
from __future__ import annotations

import sys

import numpy as np

from ..errors import LikelihoodError, ParameterError
from .common import json_parent, out_folder, print_json, progress_printer
from .plot_commands import print_band_table, report_plane, summarise

TARGETS = ("table1", "table2", "fig1", "fig2", "fig3", "fig4", "fig5", "fig6", "nsi-systematics")


def register(sub) -> None:
    p = sub.add_parser("reproduce", help="reproduce a table or figure of arXiv:2203.13731")
    tsub = p.add_subparsers(dest="target", metavar="TARGET")
    for f in (_reg_table1, _reg_table2, _reg_fig1, _reg_fig2, _reg_fig3, _reg_fig4, _reg_fig5, _reg_fig6,
              _reg_nsi_systematics):
        f(tsub)
    p.set_defaults(func=lambda args: (p.print_help(), 2)[1])


def _plane_figure(sub, name: str, help: str, n: int):
    """A parser for the exclusion-plane figures: --out PNG, --data, --n grid points, --json."""
    p = sub.add_parser(name, parents=[json_parent()], help=help)
    p.add_argument("--out", metavar="DIR", default=".", type=out_folder(f"{name}.png"),
                   help=f"output folder for {name}.png (default: the current folder)")
    p.add_argument("--data", default="2021", help="measurement set (default 2021, the paper's)")
    p.add_argument("--n-grid", type=int, default=n, help=f"grid points per axis (default {n})")
    return p


# --- table1 ------------------------------------------------------------------------------------
def _reg_table1(sub) -> None:
    p = sub.add_parser("table1", help="Table 1: best fits at m_X = 200 MeV vs the paper")
    p.add_argument("--data", default="2021", help="measurement set (default 2021, the paper's)")
    p.add_argument("--nsi-params", default=None, metavar="NAME", help="NSI parameter set (App. A refit)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_table1)


def _table1(args) -> int:
    from ..paper.table1 import table1

    res = table1(data=args.data, nsi_params=args.nsi_params)
    if args.json:
        print_json(res)
        return 0
    print(f"Table 1 (m_X = {res['mass_gev']} GeV, terms {','.join(res['terms'])}, data {res['data']})")
    print(f"SM Δχ² = {res['sm_delta_chi2']:.2f} (paper {res['paper_sm_delta_chi2']})  "
          + " ".join(f"{k}={v:.2f}" for k, v in res["sm_terms"].items()))
    print(f"{'charges':>16s} | {'eps e/g':>7s} {'paper':>6s} | {'g_X':>9s} {'paper':>9s} | {'Δχ²':>5s} {'paper':>5s} {'diff':>6s}")
    for r in res["rows"]:
        c = ",".join(str(x) for x in r["charges"])
        note = " *" if r["suspected_misprint"] else ""
        print(f"{c:>16s} | {r['eps_ratio']:+7.2f} {r['paper_eps_ratio']:+6.2f} | {r['g_x']:9.3e} "
              f"{r['paper_g_x']:9.3e}{note} | {r['delta_chi2']:5.2f} {r['paper_delta_chi2']:5.2f} "
              f"{r['diff_delta_chi2']:+6.2f}")
        print(" " * 19 + "terms: " + "  ".join(f"{k}={v:.2f}" for k, v in r["terms"].items()))
    print("* printed g_X suspected misprint (x10), see bayes_u1x/paper.py")
    return 0


# --- table2 ------------------------------------------------------------------------------------
def _reg_table2(sub) -> None:
    p = sub.add_parser("table2", help="NSI oscillation chi^2: refit of Table 3 from Table 2 (App. A)")
    p.add_argument("--nsi-params", default="default",
                   help="shipped NSI parameter set to report (default: 'default'; see --list)")
    p.add_argument("--list", action="store_true", help="list the shipped parameter sets and exit")
    p.add_argument("--refit", action="store_true", help="redo the iminuit fit instead of using a shipped set")
    p.add_argument("--starts", type=int, default=40, help="random starting points for --refit (default 40)")
    p.add_argument("--seed", type=int, default=1, help="random seed for --refit (default 1)")
    p.add_argument("--free-yn", action="store_true",
                   help="with --refit: fit Ybar_n too (default: hold it at the paper's 1.04)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_table2)


def _table2(args) -> int:
    from ..paper.table2 import reproduce_table2
    from ..physics import nsi_refit
    from ..physics.nsi_parameters import NSIParams, available_sets, parameter_set

    if args.list:
        rows = []
        for name in available_sets():
            ps = parameter_set(name)
            rows.append({"name": name, "set": ps.name, "lambda": nsi_refit.params_loss(ps), "Yn": ps.Yn,
                         "provenance": ps.provenance})
        if args.json:
            print_json(rows)
        else:
            for r in rows:
                print(f"{r['name']:14s} lambda = {r['lambda']:7.3f}  Yn = {r['Yn']:.4f}  {r['provenance']}")
        return 0
    if args.refit:
        if args.starts < 1:
            raise LikelihoodError("--starts must be a positive integer")
        fits = nsi_refit.multistart_fit(args.starts, seed=args.seed, Yn_fixed=None if args.free_yn else 1.04)
        if not fits:
            raise LikelihoodError("no fit converged; try more --starts")
        best = fits[0]
        params = NSIParams(best.E0, best.sigma, best.rho, best.Yn, name="refit", lam=best.lam,
                                   provenance=f"refit now: {args.starts} random starts, seed {args.seed}, "
                                              f"Yn {'free' if args.free_yn else 'fixed at 1.04'}")
    else:
        params = parameter_set(args.nsi_params)
    rep = reproduce_table2(params)
    out = {"lambda_min": rep["lambda_min"], "params": rep["params"], "set": rep["name"],
           "provenance": rep["provenance"], "paper_lambda_min": 1.43,
           "bounds": [{k: b[k] for k in ("theta", "eps0_bound", "paper_eps0_bound", "rel_diff",
                                          "chi2_min", "paper_chi2_min")} for b in rep["bounds"]]}
    if args.json:
        print_json(out)
        return 0
    p = rep["params"]
    print(f"NSI chi^2 parameters: set {rep['name']!r} ({rep['provenance']})")
    print(f"lambda_min = {rep['lambda_min']:.3f}   (paper, unrounded Table 3: 1.43)")
    print(f"E0    = ({p['E0_e']:+.4f}, {p['E0_mu']:+.4f}, {p['E0_tau']:+.4f})")
    print(f"sigma = ({p['sigma_e']:.4f}, {p['sigma_mu']:.4f}, {p['sigma_tau']:.4f})")
    print(f"rho   = (e-mu {p['rho_emu']:+.6f}, e-tau {p['rho_etau']:+.6f}, mu-tau {p['rho_mutau']:+.6f})")
    print(f"Yn    = {p['Yn']:.4f}")
    print(f"{'theta = (x_B, x_e, x_mu, x_tau)':34s} {'eps0_bnd':>9s} {'paper':>8s} {'diff':>7s} "
          f"{'chi2min':>8s} {'paper':>6s}")
    for b in rep["bounds"]:
        pc = "N/A" if b["paper_chi2_min"] is None else f"{b['paper_chi2_min']:.1f}"
        print(f"{b['label']:34s} {b['eps0_bound']:9.4f} {b['paper_eps0_bound']:8.4f} "
              f"{100 * b['rel_diff']:+6.1f}% {b['chi2_min']:8.2f} {pc:>6s}")
    return 0


# --- fig1 --------------------------------------------------------------------------------------
def _reg_fig1(sub) -> None:
    p = sub.add_parser("fig1", help="Fig. 1 / Eq. 4.2: upper bound on m_X from a_mu + CCFR trident + T")
    p.add_argument("--json", action="store_true", help="print the curves and m_x_upper_bound_gev as JSON")
    p.add_argument("--out", metavar="DIR", type=out_folder("fig1.png"), help="also write fig1.png into this folder")
    p.add_argument("--data", default="2021", help="measurement set (default 2021, the paper's inputs)")
    p.add_argument("--ccfr-method", default="full", choices=("full", "eft"),
                   help="trident calculation: full EPA (default) or the EFT form Eq. 3.21")
    p.add_argument("--n-masses", type=int, default=49, help="log-spaced masses in 1-300 GeV (default 49)")
    p.add_argument("--n-zoom", type=int, default=17,
                   help="extra masses in 80-100 GeV, where the global curve dips at m_Z (default 17)")
    p.add_argument("--with-r-mue", action="store_true",
                   help="add Z-pole lepton universality R_mu/e (Eqs. 3.16-3.17), not in the paper's Fig. 1")
    p.set_defaults(func=_fig1)


def _fig1(args) -> int:
    from ..paper.fig1 import CHI2_EXPLAINED, fig1_curves, reentries, upper_bound
    from ..plotting.fig1_plot import plot_fig1

    if args.n_masses < 3:
        raise ParameterError("--n-masses must be at least 3")
    if args.n_zoom < 0:
        raise ParameterError("--n-zoom must be >= 0")
    masses = np.unique(np.concatenate([np.geomspace(1.0, 300.0, args.n_masses), np.linspace(80.0, 100.0, args.n_zoom)]))
    res = fig1_curves(masses, data=args.data, ccfr_method=args.ccfr_method, with_r_mue=args.with_r_mue)
    res["chi2_explained"] = CHI2_EXPLAINED
    ub = upper_bound(masses, res["chi2"]["global"])
    out = {
        "m_x_gev": res["m_x_gev"],
        "chi2_global": res["chi2"]["global"],
        "chi2_eps_y_zero": res["chi2"]["eps_zero"],
        "chi2_kinetic_mixing_only": res["chi2"]["kinetic_mixing"],
        "chi2_sm": res["chi2"]["sm"],
        "global_best_fit": {"gx_L2": res["global_best_fit"][:, 0], "gx_E2": res["global_best_fit"][:, 1],
                            "eps_Y": res["global_best_fit"][:, 2]},
        "m_x_upper_bound_gev": ub,
        "criterion": f"first m_X where the global chi2_min exceeds {CHI2_EXPLAINED}",
        "m_x_upper_bound_kinetic_mixing_only_gev": upper_bound(masses, res["chi2"]["kinetic_mixing"]),
        "reentries_gev": reentries(masses, res["chi2"]["global"]),
        "paper_bound_gev": 4.0,
        "data": args.data,
        "ccfr_method": args.ccfr_method,
        "with_r_mue": bool(args.with_r_mue),
    }
    if args.out:
        plot_fig1(res, ub, args.out)
        out["png"] = args.out
    if args.json:
        print_json(out)
    else:
        print(f"Fig. 1 (data {args.data}, CCFR {args.ccfr_method}): g-2 explained with CCFR and T up to "
              f"m_X = {ub:.2f} GeV (Delta chi2_min <= {CHI2_EXPLAINED:g}); paper Eq. 4.2: m_X <~ 4 GeV")
        print(f"{'m_X [GeV]':>10} {'global':>8} {'eps_Y=0':>8} {'KM only':>8} {'SM':>8}")
        for i, m in enumerate(masses):
            print(f"{m:10.3g} {out['chi2_global'][i]:8.3f} {out['chi2_eps_y_zero'][i]:8.3f} "
                  f"{out['chi2_kinetic_mixing_only'][i]:8.3f} {out['chi2_sm'][i]:8.3f}")
        if args.out:
            print(f"wrote {args.out}")
    return 0


# --- fig2 --------------------------------------------------------------------------------------
def _reg_fig2(sub) -> None:
    p = sub.add_parser("fig2", help="Fig. 2: Δχ²_min over the (α, R) model plane at 200 MeV (PNG)",
                       description="Fig. 2 of arXiv:2203.13731: one profile per (α, R) point (73 x 30 + 31 x 24 "
                                   "points) and per integer model (~400): about 5-10 minutes on 2 cores. "
                                   "Resumable: the profiles are kept in <out>/fig2_scans/ and a rerun continues.")
    p.add_argument("--out", metavar="DIR", default=".", type=out_folder("fig2.png"),
                   help="output folder for fig2.png (default: the current folder)")
    p.add_argument("--n-alpha", type=int, default=73, help="α grid points over [-π, π] (default 73)")
    p.add_argument("--n-r", type=int, default=30, help="R grid points, 0-1 linear and 1-100 log (default 30)")
    p.add_argument("--zoom-n-alpha", type=int, default=31,
                   help="α points of the right panel (around tan α = -2/3); 0: no right panel")
    p.add_argument("--zoom-n-r", type=int, default=24,
                   help="R points of the right panel: two thirds in 0.01-0.3 (the narrow R ~ 0.1 valley), "
                        "the rest up to 1.2 (default 24)")
    p.add_argument("--no-models", action="store_true",
                   help="do not profile the integer models (plain crosses instead of their own Δχ²_min)")
    p.add_argument("--data", default="2021", help="measurement set")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_fig2)


def _fig2(args) -> int:
    from ..paper.fig2 import ZOOM_ALPHA, ZOOM_R, fig2_map, integer_model_minima
    from ..plotting.fig2_plot import plot_fig2

    from pathlib import Path

    scans = Path(args.out).parent / "fig2_scans"  # the profiles, so that an interrupted run continues
    scans.mkdir(parents=True, exist_ok=True)
    alphas = np.linspace(-np.pi, np.pi, args.n_alpha)
    n_lin = args.n_r // 2
    Rs = np.concatenate([np.linspace(0.02, 1, n_lin, endpoint=False), np.logspace(0, 2, args.n_r - n_lin)])
    res = fig2_map(alphas, Rs, data=args.data, out=scans / "plane.jsonl",
                   progress=progress_printer(args.json, "plane points"))
    zoom = None
    if args.zoom_n_alpha > 0 and args.zoom_n_r > 0:
        n_dense = (2 * args.zoom_n_r) // 3
        zoom_r = np.concatenate([np.linspace(0.01, 0.3, n_dense),
                                 np.linspace(0.3, ZOOM_R[1], args.zoom_n_r - n_dense + 1)[1:]])
        zoom = fig2_map(np.linspace(*ZOOM_ALPHA, args.zoom_n_alpha), zoom_r, data=args.data,
                        out=scans / "zoom.jsonl", progress=progress_printer(args.json, "zoom points"))
    models = None if args.no_models else integer_model_minima(
        data=args.data, out=scans / "models.jsonl", progress=progress_printer(args.json, "models"))
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


# --- fig3 --------------------------------------------------------------------------------------
def _reg_fig3(sub) -> None:
    p = _plane_figure(sub, "fig3", "Fig. 3: the L_mu-L_tau exclusion plane, loop-induced mixing (PNG)", 120)
    p.add_argument("--eps-ratio", type=float, default=None,
                   help="override eps e/g_X (default: the one-loop mu/tau value 4.37e-3)")
    p.set_defaults(func=_fig3)


def _fig3(args) -> int:
    from ..paper.exclusion_figures import FIG3_STATEMENTS, fig3, fig3_checks, plane_checks
    from ..plotting.exclusion_plot import plot_exclusion

    res, band = fig3(args.n_grid, args.data, args.eps_ratio)
    checks = fig3_checks(band)
    marks = plane_checks(res, FIG3_STATEMENTS, checks)
    plot_exclusion(res, args.out, marks=marks, title=r"$L_\mu - L_\tau$, $\varepsilon e/g_X$ = "
                   f"{res['eps_ratio']:.3g} (μ, τ loops)" + ("" if args.data == "2021" else f", data {args.data}"))
    rc = report_plane(args, res, band, f"Lmu-Ltau, eps e/g_X = {res['eps_ratio']:.4g}",
                      extra={"checks": checks, "plane_edges": marks})
    if not args.json:
        _print_checks(checks, marks)
    return rc


def _print_checks(checks, marks) -> None:
    """The paper's stated edges next to ours (direct band evaluation, and read off the plane)."""
    plane = {mk["constraint"]: mk["ours_gev"] for mk in marks}
    for c in checks:
        print(f"  {c['statement']}: edge {1e3 * c['edge_gev']:.0f} MeV (plane contours "
              f"{1e3 * plane.get(c['constraint'], float('nan')):.0f} MeV) vs {1e3 * c['paper_gev']:.0f} MeV "
              f"({100 * c['relative_difference']:+.0f}%, {'OK' if c['within_tolerance'] else 'outside 30%'})")


# --- fig4 --------------------------------------------------------------------------------------
def _reg_fig4(sub) -> None:
    p = sub.add_parser("fig4", help="Fig. 4: the N class at m_X = 200 MeV (PNG)")
    p.add_argument("--out", metavar="DIR", default=".", type=out_folder("fig4.png"),
                   help="output folder for fig4.png (default: the current folder)")
    p.add_argument("--data", default="2021", help="measurement set")
    p.add_argument("--nsi-params", default=None, metavar="NAME", help="NSI parameter set (App. A refit)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_fig4)


def _fig4(args) -> int:
    from ..plotting.profile_plots import plot_fig4
    from ..paper.table1 import fig4

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


# --- fig5 --------------------------------------------------------------------------------------
def _reg_fig5(sub) -> None:
    p = _plane_figure(sub, "fig5", "Fig. 5: exclusion planes of the six Table-1 models (2x3 PNG)", 100)
    p.set_defaults(func=_fig5)


def _fig5(args) -> int:
    from ..paper.exclusion_figures import fig5
    from ..plotting.exclusion_plot import plot_exclusion_panels
    from ..plotting.style import model_tex

    panels = fig5(args.n_grid, args.data)
    titles = [f"{p['panel']}) {model_tex(p['model'])}, " + r"$\varepsilon e/g_X$" + f" = {p['eps_ratio']}"
              for p in panels]
    plot_exclusion_panels([p["plane"] for p in panels], args.out, titles=titles,
                          suptitle="Fig. 5 of arXiv:2203.13731 (Table-1 best-fit kinetic mixing)"
                          + ("" if args.data == "2021" else f", constraints of the {args.data} set"))
    if args.json:
        print_json({"out": args.out, "panels": [{"panel": p["panel"], "share": p["share"],
                                                 **summarise(p["plane"], p["band"])} for p in panels]})
        return 0
    for p in panels:
        print(f"{p['panel']}) {p['model']}  eps e/g_X = {p['eps_ratio']}")
        print_band_table(p["band"])
    print(f"wrote {args.out}")
    return 0


# --- fig6 --------------------------------------------------------------------------------------
def _reg_fig6(sub) -> None:
    p = _plane_figure(sub, "fig6", "Fig. 6: the chiral L~mu-tau exclusion plane at eps = g_X/10 (PNG)", 120)
    p.set_defaults(func=_fig6)


def _fig6(args) -> int:
    from ..paper.exclusion_figures import FIG6_STATEMENTS, fig6, plane_checks
    from ..plotting.exclusion_plot import plot_exclusion

    res, band, checks = fig6(args.n_grid, args.data)
    marks = plane_checks(res, FIG6_STATEMENTS, checks)
    plot_exclusion(res, args.out, marks=marks, title=r"$\tilde L_{\mu-\tau}$ (Eq. 5.1), $\varepsilon = g_X/10$")
    if args.json:
        print_json({"out": args.out, "checks": checks, "plane_edges": marks, **summarise(res, band)})
        return 0
    print(f"tilde-Lmu-Ltau, eps e/g_X = e/10 = {res['eps_ratio']:.5f}")
    print_band_table(band)
    _print_checks(checks, marks)
    print(f"wrote {args.out}")
    return 0


# --- nsi_systematics ---------------------------------------------------------------------------
def _reg_nsi_systematics(sub) -> None:
    p = sub.add_parser("nsi-systematics",
                       help="Sec. 4.2 viability over every App.-A NSI refit that fits Table 2 equally well")
    p.add_argument("--mass", type=float, default=0.2, help="m_X [GeV] (default 0.2, the paper's)")
    p.add_argument("--max-charge", type=int, default=10, help="largest |charge| of the scanned models")
    p.add_argument("--delta-lambda", type=float, default=1.0,
                   help="keep refits whose Table-2 loss is within this of the best (default 1)")
    p.add_argument("--data", default="2021", help="measurement set (default 2021, the paper's)")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="directory for resumable per-scan result files (a killed run continues)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_nsi_systematics)


def _nsi_systematics(args) -> int:
    from ..paper.nsi_systematics import equivalent_sets, format_report, viability_over_sets

    progress = progress_printer(args.json, "parameter sets")
    res = viability_over_sets(equivalent_sets(args.delta_lambda), mass=args.mass,
                              max_charge=args.max_charge, data=args.data, progress=progress,
                              out_dir=args.out)
    if args.json:
        print_json(res)
        return 0
    print(file=sys.stderr)
    print(format_report(res))
    return 0
