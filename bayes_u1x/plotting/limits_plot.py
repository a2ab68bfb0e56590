"""Recast resonance-search limits on g_X vs m_X with the model's Δa_μ band (:func:`bayes_u1x.physics.resonances.limit_curves`)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..observables.amu import coupling_band  # noqa: E402

#: 24 distinguishable colours (tab10 followed by darker/saturated extras): one per registered search
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#bcbd22", "#17becf", "#000080", "#808000", "#800000", "#008080", "#ff00ff", "#ff1493",
           "#3cb44b", "#f58231", "#4b0082", "#a0522d", "#2f4f4f", "#ffd700", "#dc143c", "#6b8e23")


def plot_limits(curves, model, eps_ratio: float, out, mass_range=(1e-3, 10.0), data="2021",
                invisible: str = "physical"):
    """One line per search (its recast upper limit), the Δa_μ 2σ band on top -> PNG ``out``."""
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
    mgrid = np.geomspace(mass_range[0], mass_range[1], 400)
    band = coupling_band(model, eps_ratio, mgrid, data=data)
    lo, mid, hi = band["g_low"], band["g_central"], band["g_high"]
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
    ax.set_xlim(*mass_range)
    ax.set_xlabel(r"$m_X$ [GeV]")
    ax.set_ylabel(r"$g_X$ upper limit")
    inv = "physical BR(inv)" if invisible == "physical" else "BR(inv)=0.99 (DarkCast)"
    ax.set_title(f"{model.name} {model.label()}, $\\varepsilon e/g_X$ = {eps_ratio:g}; {inv}", fontsize=10)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), ncol=1, framealpha=0.9)
    fig.tight_layout()
    fig.savefig(out, dpi=130)
    plt.close(fig)
    return out
