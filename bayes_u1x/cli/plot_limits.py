"""``bayes-u1x plot limits``: g_X upper limits vs m_X (log-log), one colour per search, with the
Δa_μ band (2σ, dashed central value) of the model on top.

    bayes-u1x plot limits --model Lmu-Ltau --eps-ratio 0 --out docs/limits_lmu_ltau.png
"""
from __future__ import annotations

import numpy as np

from .limits_cmd import add_limit_arguments, compute


#: 24 distinguishable colours (tab10 followed by darker/saturated extras): one per registered search
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf", "#000080", "#808000", "#800000", "#008080", "#ff00ff", "#ff1493",
           "#3cb44b", "#f58231", "#4b0082", "#a0522d", "#2f4f4f", "#ffd700", "#dc143c", "#6b8e23")


def register(tsub) -> None:
    p = tsub.add_parser("limits", help="PNG of recast g_X limits vs m_X with the Delta a_mu band")
    add_limit_arguments(p)
    p.add_argument("--out", default="limits.png", help="output PNG (default limits.png)")
    p.add_argument("--data", default="2021", help="measurement set for the Delta a_mu band (default 2021)")
    p.add_argument("--json", action="store_true", help="print {'out': FILE} as JSON")
    p.set_defaults(func=run)


def amu_band(model, r_eps: float, m, data="2021", n_sigma: float = 2.0):
    """(g_low, g_central, g_high) of the Δa_μ band at masses m (NaN where unreachable).

    Δa_μ ∝ g_X² at fixed charges, so g(Δa) = sqrt(Δa / Δa(g_X = 1)); for chiral models with a
    dominant axial muon coupling Δa(g=1) < 0 and the band does not exist (NaN).
    """
    from ..couplings import effective_couplings
    from ..measurements import load_measurements
    from ..observables.amu import delta_a

    m = np.asarray(m, dtype=float)
    cp = effective_couplings(model, np.ones_like(m), r_eps, m, check_mass_range=False)
    unit = delta_a(cp.vector("mu"), cp.axial("mu"), m)
    central, sigma = load_measurements(data).delta_amu

    def g_of(a):
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where((unit > 0) & (a > 0), np.sqrt(a / np.where(unit > 0, unit, 1.0)), np.nan)

    return g_of(central - n_sigma * sigma), g_of(central), g_of(central + n_sigma * sigma)


def run(args) -> int:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..models import get_model
    from ._util import print_json

    curves = compute(args)
    model = get_model(args.model)
    fig, ax = plt.subplots(figsize=(11.0, 6.0))
    styles = ("-", "--", "-.", ":")
    gmin, gmax = np.inf, 0.0
    for k, c in enumerate(curves):
        colour, ls = PALETTE[k % len(PALETTE)], styles[(k // len(PALETTE)) % len(styles)]
        if not c["available"]:
            ax.plot([], [], color="grey", ls=":", label=f"{c['search']} (unavailable)")
            continue
        g, m = c["g_limit"], c["mass_gev"]
        if not np.any(np.isfinite(g)):
            ax.plot([], [], color=colour, ls=ls, alpha=0.4, label=f"{c['search']} (no reach)")
            continue
        ax.plot(m, g, color=colour, ls=ls, lw=1.3, label=f"{c['search']} ({c['signature']})")
        gmin, gmax = min(gmin, np.nanmin(g)), max(gmax, np.nanmax(g))
    mgrid = np.geomspace(args.mass_min, args.mass_max, 400)
    lo, mid, hi = amu_band(model, args.eps_ratio, mgrid, data=args.data)
    ax.fill_between(mgrid, lo, hi, color="black", alpha=0.18, lw=0, zorder=5,
                    label=r"$\Delta a_\mu$ 2$\sigma$ band")
    ax.plot(mgrid, lo, color="black", lw=1.2, zorder=6)
    ax.plot(mgrid, hi, color="black", lw=1.2, zorder=6)
    ax.plot(mgrid, mid, color="black", lw=1.2, ls="--", zorder=6)
    if np.isfinite(gmin):
        bmin = np.nanmin(lo) if np.any(np.isfinite(lo)) else gmin
        bmax = np.nanmax(hi) if np.any(np.isfinite(hi)) else gmax
        ax.set_ylim(max(min(gmin, bmin) / 3, 1e-7), min(max(gmax, bmax) * 3, 10.0))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(args.mass_min, args.mass_max)
    ax.set_xlabel(r"$m_X$ [GeV]")
    ax.set_ylabel(r"$g_X$ upper limit")
    inv = "physical BR(inv)" if args.invisible == "physical" else "BR(inv)=0.99 (DarkCast)"
    ax.set_title(f"{model.name} {model.label()}, $\\varepsilon e/g_X$ = {args.eps_ratio:g}; {inv}", fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), ncol=1, framealpha=0.9)
    fig.tight_layout()
    fig.savefig(args.out, dpi=130)
    plt.close(fig)
    if args.json:
        print_json({"out": args.out})
    else:
        print(f"wrote {args.out}")
    return 0
