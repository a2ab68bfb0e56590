"""``bayes-u1x profile``: iminuit profile minima of one model (fixed or free mass)."""
from __future__ import annotations

from ..likelihood import CompositeLikelihood
from ._util import print_json


def register(sub) -> None:
    p = sub.add_parser("profile", help="profile-likelihood minima (iminuit) of one model")
    p.add_argument("--model", default="Lmu-Ltau", help="model name or 'cB,ce,cmu,ctau'")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--mass", type=float, default=None, help="fixed m_X in GeV (default 0.2)")
    g.add_argument("--free-mass", action="store_true", help="minimise over m_X too")
    p.add_argument("--terms", default=None,
                   help="terms or preset (default: table1, the paper's App. B likelihood, at fixed mass; "
                        "default, every term valid over 10 MeV - 4 GeV incl. CCFR, with --free-mass)")
    p.add_argument("--data", default="2021", help="measurement set (default 2021)")
    p.add_argument("--resonance-mode", default=None, choices=["paper", "full", "smooth"],
                   help="resonance-search treatment (default: paper, NA64 + BaBar 2014 as 0/100, at fixed "
                        "mass; full, every search as 0/100, with --free-mass: App. B's pair was chosen "
                        "for 200 MeV and misses e.g. BaBar's 4mu search above 2 m_mu)")
    p.add_argument("--nsi-params", default=None, metavar="NAME", help="NSI parameter set (App. A refit)")
    p.add_argument("--within", type=float, default=1.0, help="report minima within this Δχ² of the best")
    p.add_argument("--minos", action="store_true", help="add MINOS 68%% intervals of the best minimum")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_run)


def _run(args) -> int:
    from ..inference.profile import find_minima, minos_intervals

    opts = {}
    terms = args.terms or ("default" if args.free_mass else "table1")
    mode = args.resonance_mode or ("full" if args.free_mass else "paper")
    lk0 = CompositeLikelihood(args.model, terms=terms, data=args.data)
    if "resonances" in lk0.terms:
        opts["resonances"] = {"mode": mode}
    if args.nsi_params and "nsi" in lk0.terms:
        opts["nsi"] = {"params": args.nsi_params}
    lk = CompositeLikelihood(lk0.model, terms=lk0.terms, data=args.data, term_options=opts)
    mass = None if args.free_mass else (args.mass if args.mass is not None else 0.2)
    minima = find_minima(lk, fixed_mass=mass, within=args.within)
    out = {"model": lk.model.name, "charges": lk.model.charges_dict(), "terms": list(lk.terms),
           "data": lk.data.name, "fixed_mass_gev": mass, "sm_delta_chi2": lk.sm_delta_chi2(),
           "minima": [m.to_dict() for m in minima]}
    if args.minos:
        out["minos_68"] = minos_intervals(lk, minima[0])
    if args.json:
        print_json(out)
        return 0
    print(f"model {lk.model.name} {lk.model.label()} | terms {','.join(lk.terms)} | data {lk.data.name} | "
          + (f"m_X = {mass:g} GeV" if mass else "m_X free"))
    print(f"SM Δχ² = {out['sm_delta_chi2']:.3f}")
    for i, m in enumerate(minima):
        flag = "valid" if m.is_valid else "NOT VALID"
        lim = f" at limit: {','.join(m.at_limit)}" if m.at_limit else ""
        print(f"[{i}] Δχ² = {m.delta_chi2:.3f}  g_X = {m.g_x:.4g}  eps e/g_X = {m.eps_ratio:+.3f}  "
              f"m_X = {m.m_x:.4g} GeV  ({flag}{lim})")
        print("     " + "  ".join(f"{k}={v:.3f}" for k, v in m.terms.items()))
    if args.minos:
        for k, v in out["minos_68"].items():
            print(f"MINOS 68% {k}: [{v['lower']}, {v['upper']}] valid={v['is_valid']}")
    return 0
