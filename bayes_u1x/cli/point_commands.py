"""``bayes-u1x chi2``, ``profile`` and ``limits``: one point, the profile minima, the recast search limits."""
from __future__ import annotations

import numpy as np

from ..errors import ParameterError
from ..likelihood import ALL_TERMS, PRESETS, CompositeLikelihood
from ..measurements import DEFAULT_SET, PAPER_SET, available_sets

#: the sets the combined limits compare by default: the paper's (an anomaly) and the default
COMBINED_SETS = (PAPER_SET, DEFAULT_SET) if DEFAULT_SET != PAPER_SET else (PAPER_SET, "2025")
from .common import data_parent, json_parent, model_file, nsi_options, nsi_parent, out_folder, print_json


def register(sub) -> None:
    _register_chi2(sub)
    _register_profile(sub)
    _register_limits(sub)


# --- chi2 ----------------------------------------------------------------------------------------
def _register_chi2(sub) -> None:
    p = sub.add_parser("chi2", parents=[json_parent()], help="Δχ² of every likelihood term at one point (or the SM)")
    p.add_argument("--model", default="Lmu-Ltau", help="model name or 'cB,ce,cmu,ctau' (default Lmu-Ltau)")
    p.add_argument("--g", type=float, help="gauge coupling g_X")
    p.add_argument("--eps-ratio", type=float, default=0.0, help="kinetic mixing eps e/g_X (default 0)")
    p.add_argument("--mass", type=float, default=0.2, help="m_X in GeV (default 0.2)")
    p.add_argument("--terms", default="default",
                   help=f"comma-separated terms ({', '.join(ALL_TERMS)}) or a preset "
                        f"({', '.join(PRESETS)}); default: default")
    p.add_argument("--data", default=DEFAULT_SET,
                   help=f"measurement set ({', '.join(available_sets())}; default {DEFAULT_SET})")
    p.add_argument("--sm", action="store_true", help="evaluate the SM reference (g_X = 0)")
    p.set_defaults(func=_chi2)


def _chi2(args) -> int:
    lk = CompositeLikelihood(args.model, terms=args.terms, data=args.data)
    if args.sm:
        g = 0.0
    elif args.g is None:
        raise ParameterError("give --g (the gauge coupling) or --sm")
    else:
        g = args.g
    terms = lk.terms_physical(np.array([g]), np.array([args.eps_ratio]), np.array([args.mass]))
    terms = {k: float(v[0]) for k, v in terms.items()}
    total = sum(terms.values())
    if args.json:
        print_json({"total": total, "terms": terms, "model": lk.model.name, "g_x": g,
                    "eps_ratio": args.eps_ratio, "mass_gev": args.mass, "data": lk.data.name})
        return 0
    what = "SM (g_X = 0)" if args.sm else f"g_X = {g:g}, eps e/g_X = {args.eps_ratio:g}, m_X = {args.mass:g} GeV"
    print(f"model {lk.model.display} | {what} | data {lk.data.name}")
    for k, v in terms.items():
        print(f"  {k:12s} {v:10.4f}")
    print(f"  {'total':12s} {total:10.4f}")
    return 0


# --- profile ---------------------------------------------------------------------------------------
def _register_profile(sub) -> None:
    p = sub.add_parser("profile", parents=[json_parent(), data_parent(), nsi_parent()],
                       help="profile-likelihood minima (iminuit) of one model")
    p.add_argument("--model", default="Lmu-Ltau", help="model name or 'cB,ce,cmu,ctau'")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--mass", type=float, default=None, help="profile at this fixed m_X [GeV] (default: m_X free)")
    g.add_argument("--free-mass", action="store_true", help="minimise over m_X too (the default)")
    p.add_argument("--terms", default="default",
                   help="terms or preset (default: default; 'table1' is the paper's App. B likelihood at 200 MeV)")
    p.add_argument("--resonance-mode", default=None, choices=["paper", "full", "smooth"],
                   help="resonance-search treatment (default: the preset's; smooth for 'default', paper "
                        "(NA64 + BaBar 2014 as 0/100) for 'table1')")
    p.add_argument("--within", type=float, default=1.0, help="report minima within this Δχ² of the best")
    p.add_argument("--minos", action="store_true", help="add MINOS 68%% intervals of the best minimum")
    p.set_defaults(func=_profile)


def _profile(args) -> int:
    from ..inference.profile import find_minima, minos_intervals

    lk0 = CompositeLikelihood(args.model, terms=args.terms, data=args.data)
    opts = {"resonances": {"mode": args.resonance_mode}} if args.resonance_mode and "resonances" in lk0.terms else {}
    opts.update(nsi_options(args, lk0.terms))
    lk = CompositeLikelihood(lk0.model, terms=lk0.preset or lk0.terms, data=args.data, term_options=opts)
    mass = args.mass
    from ..inference.coverage import describe_gaps, gap_report

    minima = find_minima(lk, fixed_mass=mass, within=args.within)
    gaps = gap_report(lk, minima[0].theta)
    out = {**lk.describe(), "fixed_mass_gev": mass, "sm_delta_chi2": lk.sm_delta_chi2(),
           "minima": [m.to_dict() for m in minima], "best_fit_in_search_gap": gaps}
    if args.minos:
        out["minos_68"] = minos_intervals(lk, minima[0])
    if args.json:
        print_json(out)
        return 0
    print(f"model {lk.model.display} | likelihood {lk.label} ({','.join(lk.terms)}) | data {lk.data.name} | "
          + (f"m_X = {mass:g} GeV" if mass else "m_X free"))
    print(f"SM Δχ² = {out['sm_delta_chi2']:.3f}")
    for i, m in enumerate(minima):
        flag = "valid" if m.is_valid else "NOT VALID"
        lim = f" at limit: {','.join(m.at_limit)}" if m.at_limit else ""
        where = (f"ε = {abs(m.epsilon):.4g}" if lk.model.is_dark_photon
                 else f"g_X = {m.g_x:.4g}  eps e/g_X = {m.eps_ratio:+.3f}")
        print(f"[{i}] Δχ² = {m.delta_chi2:.3f}  {where}  m_X = {m.m_x:.4g} GeV  ({flag}{lim})")
        print("     " + "  ".join(f"{k}={v:.3f}" for k, v in m.terms.items()))
    note = describe_gaps(gaps, what="best fit")
    if note:
        print(f"note: {note}")
    if args.minos:
        for k, v in out["minos_68"].items():
            print(f"MINOS 68% {k}: [{v['lower']}, {v['upper']}] valid={v['is_valid']}")
    return 0


# --- limits ----------------------------------------------------------------------------------------
def _register_limits(sub) -> None:
    p = sub.add_parser("limits", parents=[json_parent()],
                       help="g_X upper limits vs m_X: recast resonance searches, or --combined (every measurement)",
                       description="Recast published resonance-search limits to a U(1)_X model, or (--combined) "
                                   "the combined upper limit of every constraint of the default likelihood.")
    add_limit_arguments(p)
    p.add_argument("--out", metavar="DIR", default=None, type=out_folder("combined_{model}.png"),
                   help="with --combined: also write combined_<model>.png into this folder")
    p.set_defaults(func=_limits)


def add_limit_arguments(p) -> None:
    """Options shared with ``bayes-u1x plot limits``."""
    p.add_argument("--model", required=True, help="model name or charges 'cB,ce,cmu,ctau'")
    p.add_argument("--eps-ratio", default="0", metavar="R",
                   help="kinetic mixing eps e/g_X: a number (Table 1 column; default 0), 'loop' (the model's one-loop "
                        "value, 1 TeV -> 10 MeV) or, with --combined, 'profiled'")
    p.add_argument("--search", default="default", metavar="NAME",
                   help="search key(s) of searches.toml, comma separated; 'default' (non-superseded "
                        "searches with data), 'all' (every registered search), or 'paper' (NA64 2019 + BaBar 2014)")
    p.add_argument("--invisible", choices=("physical", "darkcast"), default="physical",
                   help="target BR(invisible): physical (default) or 0.99 as in DarkCast")
    p.add_argument("--br-dark", type=float, default=0.0, metavar="B",
                   help="dark-sector branching fraction of X (default 0)")
    p.add_argument("--n-masses", type=int, default=None, metavar="N",
                   help="evaluate on N log-spaced masses in [--mass-min, --mass-max] (default: each search's "
                        "digitised masses; 60 with --combined)")
    p.add_argument("--mass-min", type=float, default=1e-3, help="lowest mass [GeV] (default 0.001)")
    p.add_argument("--mass-max", type=float, default=10.0, help="highest mass [GeV] (default 10)")
    p.add_argument("--data", default=None,
                   help=f"measurement set(s), comma separated (default: {','.join(COMBINED_SETS)} with --combined, "
                        f"the paper's beside today's; {DEFAULT_SET} for the band)")
    c = p.add_argument_group("combined limit (--combined)")
    c.add_argument("--combined", action="store_true",
                   help="the combined limit of every constraint of the likelihood (Delta chi2 relative to the SM, "
                        "one-sided; g-2 drawn as the band; docs/limits.md), within 10 MeV - 4 GeV")
    c.add_argument("--cl", default="0.95,0.90", help="confidence levels (default 0.95,0.90)")
    c.add_argument("--include-amu", action="store_true",
                   help="add the g-2 term to the test (then measured from the best fit in g_X)")
    c.add_argument("--two-sided", action="store_true", help="chi2_1 quantiles 3.84/2.71 instead of 2.71/1.64")
    c.add_argument("--terms", default="default", help="likelihood preset or terms (default: default)")


def data_sets(args, combined: bool) -> list[str]:
    spec = args.data or (",".join(COMBINED_SETS) if combined else DEFAULT_SET)
    out = [d.strip() for d in str(spec).split(",") if d.strip()]
    if not out:
        raise ParameterError("--data needs at least one measurement set")
    return out


def limit_eps_ratio(args, model) -> float:
    """--eps-ratio as a number for the recast limits (a number or 'loop')."""
    from ..exclusion.combined import resolve_eps
    mode, r = resolve_eps(model, args.eps_ratio)
    if mode == "profiled":
        raise ParameterError("--eps-ratio profiled needs --combined (a recast limit is at one eps e/g_X)")
    return r


def compute_combined(args) -> list[dict]:
    """The combined limits of ``args`` for every requested data set."""
    from ..constants import M_X_MAX, M_X_MIN
    from ..exclusion.combined import combined_limits
    from ..models import get_model

    model = get_model(args.model)
    lo, hi = max(args.mass_min, M_X_MIN), min(args.mass_max, M_X_MAX)
    n_masses = 60 if args.n_masses is None else args.n_masses
    if not lo < hi or n_masses < 2:
        raise ParameterError("need a mass window inside 10 MeV - 4 GeV and --n-masses >= 2")
    try:
        cls = tuple(float(c) for c in args.cl.split(","))
    except ValueError as exc:
        raise ParameterError(f"--cl must be comma-separated numbers, got {args.cl!r}") from exc
    masses = np.geomspace(lo, hi, n_masses)
    return [combined_limits(model, masses, eps_ratio=args.eps_ratio, data=d, cls=cls, preset=args.terms,
                            include_amu=args.include_amu, convention="two-sided" if args.two_sided else "one-sided")
            for d in data_sets(args, True)]


def print_combined(results) -> None:
    from ..observables import TERMS
    for res in results:
        cls = list(res["limits"])
        print(f"{res['model_display']} | data {res['data']} | {res['definition']}")
        print(f"{'m_X [GeV]':>10s} " + " ".join(f"{'g_X ' + format(100 * c, '.0f') + '%':>11s}" for c in cls)
              + f"  {'dominant (95%)':22s} {'band low':>10s} {'band high':>10s} {'Dchi2_min':>9s}")
        dom = res["dominant"].get(cls[0], [""] * res["masses"].size)
        for j, m in enumerate(res["masses"]):
            lims = " ".join(f"{res['limits'][c][j]:11.3e}" for c in cls)
            b = res["band"]
            band = f"{b['g_low'][j]:10.3e} {b['g_high'][j]:10.3e}" if b is not None else f"{'-':>10s} {'-':>10s}"
            name = TERMS[dom[j]].text if dom[j] else "-"
            print(f"{m:10.4g} {lims}  {name:22s} {band} {res['delta_chi2_min'][j]:9.2f}")
        if not res["anomaly"]:
            print(f"  no g-2 anomaly with the {res['data']} inputs (SM Delta chi2 = {res['sm_delta_chi2']:.2f}): no window")
        for k, iv in res["windows"].items():
            txt = ", ".join(f"{1e3 * a:.0f}-{1e3 * z:.0f} MeV" for a, z in iv) or "none"
            print(f"  g-2 window ({k}): {txt}")


def compute_limits(args) -> list[dict]:
    from ..models import get_model
    from ..physics.resonances import limit_curves

    if not (0 < args.mass_min < args.mass_max):
        raise ParameterError("need 0 < --mass-min < --mass-max")
    masses = None
    if args.n_masses is not None:
        if args.n_masses < 2:
            raise ParameterError("--n-masses needs at least 2 points")
        masses = np.geomspace(args.mass_min, args.mass_max, args.n_masses)
    curves = limit_curves(args.model, limit_eps_ratio(args, get_model(args.model)), searches=args.search, masses=masses,
                          invisible=args.invisible, br_dark=args.br_dark)
    if masses is None:
        for c in curves:
            sel = (c["mass_gev"] >= args.mass_min) & (c["mass_gev"] <= args.mass_max)
            c["mass_gev"], c["g_limit"] = c["mass_gev"][sel], c["g_limit"][sel]
    return curves


def _limits(args) -> int:
    if args.combined:
        results = compute_combined(args)
        if args.out:
            args.out = model_file(args.out, args.model)
            from ..plotting.combined_plot import plot_combined_limits
            plot_combined_limits(results, args.out)
        if args.json:
            print_json(results if not args.out else {"png": args.out, "results": results})
            return 0
        print_combined(results)
        if args.out:
            print(f"wrote {args.out}")
        return 0
    curves = compute_limits(args)
    if args.json:
        print_json(curves)
        return 0
    print(f"g_X upper limits for model {args.model!r}, eps e/g_X = {args.eps_ratio} "
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
