"""Recast resonance-search limits on g_X vs m_X with the model's Δa_μ band (:func:`bayes_u1x.physics.resonances.limit_curves`).

Searches are named by experiment, year and final state (the registry's ``experiment``); searches
without reach for the model, or without data, are listed in a footnote; searches whose confidence
level is unconfirmed (``cl_checked = false``) are dashed. For the dark photon the vertical axis is
the kinetic mixing ε = (εe/g_X) g_X / e, the quantity its searches are quoted in.
"""
from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..constants import E_CHARGE  # noqa: E402
from ..observables.amu import coupling_band  # noqa: E402
from ..physics.resonances.registry import get_search  # noqa: E402
from .style import assign_colours, model_tex, search_name  # noqa: E402


def _y_scale(model, eps_ratio):
    """(factor, axis label): g_X -> the plotted coupling (ε for the dark photon)."""
    if getattr(model, "is_dark_photon", False):
        return abs(eps_ratio) / E_CHARGE, r"kinetic mixing $\varepsilon$ upper limit"
    return 1.0, r"$g_X$ upper limit"


def plot_limits(curves, model, eps_ratio: float, out, mass_range=(1e-3, 10.0), data="2021",
                invisible: str = "physical"):
    """One line per search (its recast upper limit at its published CL), the Δa_μ 2σ band -> PNG ``out``."""
    fig, ax = plt.subplots(figsize=(10.0, 6.0))
    scale, ylabel = _y_scale(model, eps_ratio)
    drawn = [c for c in curves if c["available"] and np.any(np.isfinite(c["g_limit"]))]
    colours = assign_colours(c["search"] for c in drawn)
    ymin, ymax = np.inf, 0.0
    for c in drawn:
        s = get_search(c["search"])
        y = np.asarray(c["g_limit"]) * scale
        label = search_name(c["search"], s.experiment) + f", {100 * s.cl:.0f}% CL"
        if not s.cl_checked:
            label += " (CL unconfirmed)"
        ax.plot(c["mass_gev"], y, color=colours[c["search"]], ls="-" if s.cl_checked else "--", lw=1.4, label=label)
        ymin, ymax = min(ymin, np.nanmin(y)), max(ymax, np.nanmax(y))
    no_reach = [search_name(c["search"], get_search(c["search"]).experiment) for c in curves
                if c["available"] and not np.any(np.isfinite(c["g_limit"]))]
    missing = [search_name(c["search"], get_search(c["search"]).experiment) for c in curves if not c["available"]]
    mgrid = np.geomspace(mass_range[0], mass_range[1], 400)
    band = coupling_band(model, eps_ratio, mgrid, data=data)
    lo, mid, hi = (band[k] * scale for k in ("g_low", "g_central", "g_high"))
    ax.fill_between(mgrid, lo, hi, color="#f2d479", alpha=0.6, lw=0, zorder=5,
                    label=rf"$\Delta a_\mu$ 2$\sigma$ band ({data})")
    ax.plot(mgrid, lo, color="black", lw=1.1, zorder=6)
    ax.plot(mgrid, hi, color="black", lw=1.1, zorder=6)
    ax.plot(mgrid, mid, color="black", lw=1.1, ls="--", zorder=6)
    if np.isfinite(ymin):
        bmin = np.nanmin(lo) if np.any(np.isfinite(lo)) else ymin
        bmax = np.nanmax(hi) if np.any(np.isfinite(hi)) else ymax
        ax.set_ylim(max(min(ymin, bmin) / 3, 1e-7 * scale), min(max(ymax, bmax) * 3, 10.0 * scale))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(*mass_range)
    ax.set_xlabel(r"$m_X$ [GeV]")
    ax.set_ylabel(ylabel)
    inv = "physical BR(X→invisible)" if invisible == "physical" else "BR(invisible) = 0.99 (DarkCast)"
    eps = "" if getattr(model, "is_dark_photon", False) else r", $\varepsilon e/g_X$" + f" = {eps_ratio:g}"
    ax.set_title(f"Recast resonance searches: {model_tex(model)}{eps}; {inv}", fontsize=10)
    ax.grid(True, which="major", alpha=0.25)
    ax.legend(fontsize=7.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    notes = []
    if no_reach:
        notes.append("No reach for this model in this mass window: " + ", ".join(no_reach) + ".")
    if missing:
        notes.append("Registered without a digitised curve: " + ", ".join(missing) + ".")
    notes.append("Each line is the search's own limit recast to this model at its published CL (not combined); "
                 "the combined limit of all measurements: bayes-u1x limits --combined.")
    wrapped = [w for n in notes for w in textwrap.wrap(n, 150)]
    fig.text(0.01, 0.005, "\n".join(wrapped), fontsize=7, color="0.3", va="bottom", ha="left")
    fig.tight_layout(rect=(0, (len(wrapped) * 7 * 1.3 / 72 + 0.15) / fig.get_figheight(), 1, 1))
    fig.savefig(out, dpi=130, bbox_inches="tight")
    plt.close(fig)
    return out
