"""Exclusion-plane plots (Figs. 3, 5, 6 of arXiv:2203.13731) from :func:`bayes_u1x.exclusion.exclusion_plane`.

Each constraint's excluded region is a translucent filled area with a solid outline in the
constraint's colour (resonance searches additionally hatched), so overlapping regions stay
readable; the Δa_μ central value is a dashed black line and the 2σ band is bounded by solid black
lines. Searches that exclude only far from the band are counted in a note box instead of drawn.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

#: one fixed colour per likelihood term (the same in every figure)
TERM_COLOURS = {
    "borexino": "#4a148c",   # dark purple
    "nsi": "#1565c0",        # blue
    "coherent": "#d62728",   # red
    "resonances": "#2e7d32",
    "ccfr": "#ff7f0e",       # orange
    "ew_t": "#616161",       # grey
    "apv": "#8e24aa",        # purple
    "ae": "#8c564b",         # brown
    "texono": "#17becf",     # cyan
    "charm2": "#e377c2",     # pink
}
#: one fixed colour per resonance search
SEARCH_COLOURS = {
    "na64_2019_invisible": "#00695c",
    "babar_2014_ee_mumu": "#2e7d32",
    "babar_2016_muonic_4mu": "#9e9d24",
    "babar_2017_invisible": "#558b2f",
    "belle2_2019_mumu_invisible": "#33691e",
    "besiii_2017_ee_mumu": "#827717",
    "kloe_2012_phi_eta_ee": "#5d4037",
    "kloe_2015_ee": "#795548",
    "kloe_2018_mumu_pipi": "#a1887f",
    "na48_2_2015_pi0_ee": "#004d40",
    "na62_2019_pi0_invisible": "#26a69a",
    "lhcb_2019_prompt_mumu": "#1b5e20",
    "cms_2019_dimuon_scouting": "#263238",
    "a1_2014_ee": "#3e2723",
    "apex_2011_ee": "#4e342e",
    "hps_2018_ee": "#6d4c41",
}
_FALLBACK = ("#000080", "#808000", "#800000", "#008080", "#ff00ff", "#4b0082", "#a0522d", "#2f4f4f")
_HATCHES = ("//", "\\\\", "||", "--", "xx", "..")


def constraint_colour(c: dict, k: int = 0) -> str:
    if c["kind"] == "search":
        return SEARCH_COLOURS.get(c["search"], _FALLBACK[k % len(_FALLBACK)])
    return TERM_COLOURS.get(c["term"], _FALLBACK[k % len(_FALLBACK)])


def _draw_band(ax, res):
    b = res["amu_band"]
    m = b["m"]
    ax.plot(m, b["g_central"], color="black", ls="--", lw=1.6, zorder=10)
    ax.plot(m, b["g_low"], color="black", ls="-", lw=1.6, zorder=10)
    ax.plot(m, b["g_high"], color="black", ls="-", lw=1.6, zorder=10)


def near_band(res, mask, factor: float = 3.0) -> bool:
    """True if ``mask`` excludes a point within ``factor`` of the Δa_μ 2σ band (in g_X)."""
    b = res["amu_band"]
    lo, hi = b["g_low"] / factor, b["g_high"] * factor
    g = res["g_grid"][:, None]
    near = (g >= lo[None, :]) & (g <= hi[None, :])
    return bool(np.any(mask & near))


def draw_exclusion(ax, res, show_note: bool = True, title: str | None = None, fontsize: float = 9,
                   all_searches: bool = False, band_factor: float = 3.0):
    """Draw one exclusion plane on ``ax``; returns {label: handle} of what was drawn.

    Resonance searches that exclude nothing within ``band_factor`` of the Δa_μ band are not
    drawn unless ``all_searches`` (they are counted in the note box)."""
    M, G = np.meshgrid(res["m_grid"], res["g_grid"])
    handles = {}
    n_search = 0
    hidden = []
    for k, c in enumerate(res["constraints"]):
        mask = res["masks"][c["key"]]
        if not np.any(mask):
            continue
        if c["kind"] == "search" and not all_searches and not near_band(res, mask, band_factor):
            hidden.append(c["label"])
            continue
        col = constraint_colour(c, k)
        z = mask.astype(float)
        if c["kind"] == "search":
            hatch = _HATCHES[n_search % len(_HATCHES)]
            n_search += 1
            cs = ax.contourf(M, G, z, levels=[0.5, 1.5], colors=[col], alpha=0.15, zorder=3)
            with plt.rc_context({"hatch.linewidth": 0.5}):
                hs = ax.contourf(M, G, z, levels=[0.5, 1.5], colors="none", hatches=[hatch], zorder=3)
            hs.set_edgecolor(col)
            hs.set_linewidth(0.0)
            handles[c["label"]] = Patch(facecolor=col, alpha=0.5, hatch=hatch, edgecolor=col)
        else:
            cs = ax.contourf(M, G, z, levels=[0.5, 1.5], colors=[col], alpha=0.30, zorder=2)
            handles[c["label"]] = Patch(facecolor=col, alpha=0.55, edgecolor=col)
        ax.contour(M, G, z, levels=[0.5], colors=[col], linewidths=1.3, zorder=4)
        del cs
    _draw_band(ax, res)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(res["m_grid"][0], res["m_grid"][-1])
    ax.set_ylim(res["g_grid"][0], res["g_grid"][-1])
    ax.set_xlabel(r"$m_X$ [GeV]")
    ax.set_ylabel(r"$g_X$")
    if title is None:
        title = f"{res['model']}   $\\varepsilon e/g_X = {res['eps_ratio']:.4g}$"
    ax.set_title(title, fontsize=fontsize + 1)
    notes = []
    if hidden:
        notes.append(f"{len(hidden)} search(es) excluding only far from the band not drawn")
    if show_note and notes:
        note = "\n".join(notes)
        ax.text(0.02, 0.02, note, transform=ax.transAxes, fontsize=fontsize - 1, color="darkred",
                va="bottom", ha="left", zorder=20,
                bbox=dict(boxstyle="round", facecolor="white", edgecolor="darkred", alpha=0.85))
    ax.grid(True, which="major", alpha=0.25)
    return handles


def _band_handles():
    return {r"$\Delta a_\mu$ central": Line2D([], [], color="black", ls="--", lw=1.6),
            r"$\Delta a_\mu$ $2\sigma$": Line2D([], [], color="black", ls="-", lw=1.6)}


def plot_exclusion(res, out: str, title: str | None = None, figsize=(8.6, 6.2), dpi: int = 140,
                   all_searches: bool = False) -> str:
    """One exclusion plane -> PNG ``out`` (legend outside on the right)."""
    fig, ax = plt.subplots(figsize=figsize)
    handles = draw_exclusion(ax, res, title=title, all_searches=all_searches)
    handles.update(_band_handles())
    ax.legend(list(handles.values()), list(handles.keys()), loc="upper left", bbox_to_anchor=(1.01, 1.0),
              fontsize=8, frameon=False)
    fig.text(0.01, 0.005, "excluded: own " + r"$\Delta\chi^2 > 4$; searches: recast at published CL",
             fontsize=7, color="0.35")
    fig.tight_layout()
    fig.savefig(out, dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return out


def plot_exclusion_panels(results, out: str, titles=None, ncols: int = 3, panel_size=(4.6, 3.9),
                          suptitle: str | None = None, dpi: int = 130, all_searches: bool = False) -> str:
    """Several planes as a grid of panels with one shared legend below -> PNG ``out``."""
    n = len(results)
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows + 1.2),
                             squeeze=False)
    handles = {}
    for i, res in enumerate(results):
        ax = axes[i // ncols][i % ncols]
        t = titles[i] if titles else None
        handles.update(draw_exclusion(ax, res, title=t, fontsize=8, all_searches=all_searches))
    for j in range(n, nrows * ncols):
        axes[j // ncols][j % ncols].axis("off")
    handles.update(_band_handles())
    fig.legend(list(handles.values()), list(handles.keys()), loc="lower center", ncol=min(5, len(handles)),
               fontsize=8, frameon=False)
    if suptitle:
        fig.suptitle(suptitle, fontsize=11)
    fig.tight_layout(rect=(0, 0.09 + 0.02 * max(0, len(handles) // 5 - 1), 1, 0.97 if suptitle else 1))
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    return out
