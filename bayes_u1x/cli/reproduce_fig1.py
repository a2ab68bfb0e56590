"""``bayes-u1x reproduce fig1``: χ²_min vs m_X from a_μ + CCFR + T (arXiv:2203.13731, Fig. 1, Eq. 4.2)."""
from __future__ import annotations

import numpy as np

from ._util import print_json
from ..errors import BayesU1XError


def _plot(res, ub, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    m = res["m_x_gev"]
    c = res["chi2"]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.plot(m, c["global"], color="tab:orange", lw=2, label="global best fit")
    ax.plot(m, c["kinetic_mixing"], color="tab:blue", lw=1.6, label=r"kinetic mixing only ($x_{L_2}=x_{E_2}=0$)")
    ax.plot(m, c["eps_zero"], color="tab:red", lw=1.6, label=r"$\varepsilon_Y=0$")
    ax.plot(m, c["sm"], color="tab:green", lw=1.6, label="SM")
    ax.axhline(res["chi2_explained"], color="k", lw=0.8, ls=":")
    if np.isfinite(ub):
        ax.axvspan(ub, m[-1], color="0.85", zorder=0,
                   label=rf"$(g-2)_\mu$ not explained ($m_X>{ub:.1f}$ GeV)")
    ax.set_xscale("log")
    ax.set_xlim(m[0], m[-1])
    ax.set_ylim(0, 20)
    ax.set_xlabel(r"$m_X$ [GeV]")
    ax.set_ylabel(r"$\chi^2_{\min}$ ($a_\mu$ + CCFR + T" + (r" + $R_{\mu e}$" if res.get("with_r_mue") else "") + ")")
    ax.set_title(f"arXiv:2203.13731 Fig. 1 (data {res['data']}, CCFR {res['ccfr_method']})", fontsize=9)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)


def run(args) -> int:
    from ..fig1 import CHI2_EXPLAINED, fig1_curves, reentries, upper_bound

    if args.n_masses < 3:
        raise BayesU1XError("--n-masses must be at least 3")
    masses = np.geomspace(1.0, 300.0, args.n_masses)
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
        _plot(res, ub, args.out)
        out["png"] = args.out
    if args.json:
        print_json(out)
    else:
        print(f"Fig. 1 (data {args.data}, CCFR {args.ccfr_method}): g-2 explained with CCFR and T up to "
              f"m_X = {ub:.2f} GeV (chi2_min <= {CHI2_EXPLAINED:g}); paper Eq. 4.2: m_X <~ 4 GeV")
        print(f"{'m_X [GeV]':>10} {'global':>8} {'eps_Y=0':>8} {'KM only':>8} {'SM':>8}")
        for i, m in enumerate(masses):
            print(f"{m:10.3g} {out['chi2_global'][i]:8.3f} {out['chi2_eps_y_zero'][i]:8.3f} "
                  f"{out['chi2_kinetic_mixing_only'][i]:8.3f} {out['chi2_sm'][i]:8.3f}")
        if args.out:
            print(f"wrote {args.out}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("fig1", help="Fig. 1 / Eq. 4.2: upper bound on m_X from a_mu + CCFR trident + T")
    p.add_argument("--json", action="store_true", help="print the curves and m_x_upper_bound_gev as JSON")
    p.add_argument("--out", metavar="PNG", help="write the figure to this PNG file")
    p.add_argument("--data", default="2021", help="measurement set (default 2021, the paper's inputs)")
    p.add_argument("--ccfr-method", default="full", choices=("full", "eft"),
                   help="trident calculation: full EPA (default) or the EFT form Eq. 3.21")
    p.add_argument("--n-masses", type=int, default=49, help="log-spaced masses in 1-300 GeV (default 49)")
    p.add_argument("--with-r-mue", action="store_true",
                   help="add Z-pole lepton universality R_mu/e (Eqs. 3.16-3.17), not in the paper's Fig. 1")
    p.set_defaults(func=run)
