"""``bayes-u1x reproduce table2``: the NSI-oscillation χ² refit (arXiv:2203.13731 App. A, Tables 2–3).

By default reports the shipped parameter set (``--params``, default: the Ȳ_n = 1.04 best fit): its loss
λ (Eq. A.15), the parameters, and every Table-2 bound and minimum reproduced vs the paper. With
``--refit`` the fit is redone from scratch with iminuit (multi-start, deterministic for a seed).
"""
from __future__ import annotations

from ._util import print_json


def register(sub) -> None:
    p = sub.add_parser("table2", help="NSI oscillation chi^2: refit of Table 3 from Table 2 (App. A)")
    p.add_argument("--params", default="default",
                   help="shipped NSI parameter set to report (default: 'default'; see --list)")
    p.add_argument("--list", action="store_true", help="list the shipped parameter sets and exit")
    p.add_argument("--refit", action="store_true", help="redo the iminuit fit instead of using a shipped set")
    p.add_argument("--starts", type=int, default=40, help="random starting points for --refit (default 40)")
    p.add_argument("--seed", type=int, default=1, help="random seed for --refit (default 1)")
    p.add_argument("--free-yn", action="store_true",
                   help="with --refit: fit Ybar_n too (default: hold it at the paper's 1.04)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=_run)


def _run(args) -> int:
    from .. import nsi_fit
    from ..observables import nsi

    if args.list:
        rows = []
        for name in nsi.available_sets():
            ps = nsi.parameter_set(name)
            rows.append({"name": name, "set": ps.name, "lambda": nsi_fit.params_loss(ps), "Yn": ps.Yn,
                         "provenance": ps.provenance})
        if args.json:
            print_json(rows)
        else:
            for r in rows:
                print(f"{r['name']:14s} lambda = {r['lambda']:7.3f}  Yn = {r['Yn']:.4f}  {r['provenance']}")
        return 0
    if args.refit:
        if args.starts < 1:
            raise nsi_fit.NSIParameterError("--starts must be a positive integer")
        fits = nsi_fit.multistart_fit(args.starts, seed=args.seed, Yn_fixed=None if args.free_yn else 1.04)
        if not fits:
            raise nsi_fit.NSIParameterError("no fit converged; try more --starts")
        best = fits[0]
        params = nsi_fit.NSIParams(best.E0, best.sigma, best.rho, best.Yn, name="refit", lam=best.lam,
                                   provenance=f"refit now: {args.starts} random starts, seed {args.seed}, "
                                              f"Yn {'free' if args.free_yn else 'fixed at 1.04'}")
    else:
        params = nsi.parameter_set(args.params)
    rep = nsi.reproduce_table2(params)
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
