"""Exclusion-plane plots (Figs. 3, 5, 6 of arXiv:2203.13731) from :func:`bayes_u1x.exclusion.exclusion_plane`.

Every boundary is the contour of its constraint's continuous field (a term's Δχ² = 4, a search's
recast R = 1; :mod:`bayes_u1x.exclusion.edges`), drawn as a line in its own colour with ticks on the
excluded side and a label next to it. Only two light fills: the region excluded by at least one
confirmed constraint (grey) and the Δa_μ 2σ band (gold; dashed black line: its central value).
Fallbacks (approximations of measurements whose data are not available here) and searches whose
confidence level is unconfirmed (``cl_checked = false`` in ``searches.toml``) are dashed, named as
such, and left out of the grey union. Searches that exclude only far from the band are listed in the
footnote instead of drawn. ``marks`` put the paper's stated edges (and ours, read off the same
contours) on the band.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from ..exclusion.edges import log_excess, union_excess  # noqa: E402
from .style import assign_colours, contour_vertices, model_tex, place_labels  # noqa: E402

UNION_COLOUR = "0.82"
BAND_COLOUR = "#f2d479"
_TICKS = [patheffects.withTickedStroke(angle=135, length=0.3, spacing=9, linewidth=0.8)]


def near_band(res, mask, factor: float = 3.0) -> bool:
    """True if ``mask`` excludes a point within ``factor`` of the Δa_μ 2σ band (in g_X)."""
    b = res["amu_band"]
    lo, hi = b["g_low"] / factor, b["g_high"] * factor
    g = res["g_grid"][:, None]
    near = (g >= lo[None, :]) & (g <= hi[None, :])
    return bool(np.any(mask & near))


def short_label(c: dict) -> str:
    """In-plot name: the registry label, '(fallback)' / '(CL unconfirmed)' for dashed ones."""
    base = c["label"]
    if c.get("fallback"):
        return base.split(" (")[0] + " (fallback)"
    if not c.get("cl_checked", True):
        return base + ", CL unconfirmed"
    return base


def plotted_constraints(res, all_searches: bool = False, band_factor: float = 3.0):
    """(drawn, hidden): constraints that exclude somewhere; searches excluding only far from the
    band are hidden unless ``all_searches``."""
    drawn, hidden = [], []
    for c in res["constraints"]:
        mask = res["masks"][c["key"]]
        if not np.any(mask):
            continue
        if c["kind"] == "search" and not all_searches and not near_band(res, mask, band_factor):
            hidden.append(c)
            continue
        drawn.append(c)
    return drawn, hidden


def exclusion_notes(results, all_searches: bool = False, marks=None) -> list[str]:
    """Footnote lines: the rule, what is dashed and why, the searches not drawn, the marked edges."""
    dashed, hidden, shown = {}, {}, set()
    for res in results:
        d, h = plotted_constraints(res, all_searches)
        for c in d:
            shown.add(c["key"])
            if c.get("dashed"):
                dashed[c["key"]] = c
        for c in h:
            hidden[c["key"]] = c["text"]
    hidden = {k: v for k, v in hidden.items() if k not in shown}   # drawn in another panel
    lines = ["Excluded above the line (ticks on the excluded side): own " r"$\Delta\chi^2 > 4$" "; searches: "
             "recast signal ratio R = 1 at the published CL. Grey: excluded by at least one solid line."]
    r0 = results[0]
    if r0.get("band_data", r0.get("data")) != r0.get("data"):
        lines.append(f"Constraints: the {r0['data']} measurement set; gold band: the {r0['band_data']} "
                     r"$\Delta a_\mu$ anomaly (is it still allowed?), not the g-2 value of the "
                     f"{r0['data']} set.")
    fb = [c["text"] for c in dashed.values() if c.get("fallback")]
    cl = [c["text"] for c in dashed.values() if not c.get("fallback")]
    if fb:
        lines.append("Dashed, not in grey: fallbacks for data not available here: " + "; ".join(fb) + ".")
    if cl:
        lines.append("Dashed, not in grey: published CL unconfirmed: " + "; ".join(cl) + ".")
    if hidden:
        lines.append("Not drawn (exclude only far from the band): " + ", ".join(sorted(set(hidden.values()))) + ".")
    if marks:
        lines.append("Numbered dotted bars: edges of the whole 2σ band stated by the paper; diamonds: ours, read off "
                     "these contours: " + "; ".join(
                         f"{k + 1} {mk['statement'].split(' excludes')[0]} {mk['kind'] == 'upper' and 'below' or 'above'} "
                         f"~{1e3 * mk['paper_gev']:.0f} MeV, ours {1e3 * mk['ours_gev']:.0f} MeV"
                         for k, mk in enumerate(marks)) + ".")
    return lines


def _draw_band(ax, res):
    b = res["amu_band"]
    m = b["m"]
    ax.fill_between(m, b["g_low"], b["g_high"], color=BAND_COLOUR, alpha=0.55, lw=0, zorder=2)
    ax.plot(m, b["g_central"], color="black", ls="--", lw=1.3, zorder=10)
    ax.plot(m, b["g_low"], color="black", ls="-", lw=1.3, zorder=10)
    ax.plot(m, b["g_high"], color="black", ls="-", lw=1.3, zorder=10)


def _draw_marks(ax, res, marks, colours, fontsize):
    """Paper's stated edge (dotted bar across the band, text) and ours (diamond on the band)."""
    b = res["amu_band"]
    lm = np.log(b["m"])
    for k, mk in enumerate(marks):
        col = colours.get(mk["key"], "black")
        m0 = mk["paper_gev"]
        lo = np.exp(np.interp(np.log(m0), lm, np.log(b["g_low"])))
        hi = np.exp(np.interp(np.log(m0), lm, np.log(b["g_high"])))
        ax.plot([m0, m0], [lo / 1.5, hi * 1.5], color=col, ls=":", lw=2.4, zorder=12)
        ax.text(m0, hi * 1.55, str(k + 1), color="white", fontsize=fontsize - 2, ha="center", va="bottom",
                zorder=31, fontweight="bold", bbox=dict(boxstyle="circle,pad=0.15", facecolor=col, edgecolor="none"))
        ours = mk.get("ours_gev")
        if ours is not None and np.isfinite(ours):
            gc = np.exp(np.interp(np.log(ours), lm, np.log(b["g_central"])))
            ax.plot([ours], [gc], marker="D", ms=6, mfc=col, mec="black", mew=0.8, zorder=13, ls="none")


def draw_exclusion(ax, res, show_note: bool = False, title: str | None = None, fontsize: float = 9,
                   all_searches: bool = False, band_factor: float = 3.0, colours: dict | None = None,
                   marks=None):
    """Draw one exclusion plane on ``ax``; returns {label: legend handle} of the shared elements.

    ``colours``: {constraint key: colour} shared by several panels (default: the palette in order);
    ``marks``: [{"key", "paper_gev", "text", "ours_gev"}] edges to mark on the band; ``show_note``
    writes the footnote into the axes (single plots put it under the figure instead)."""
    M, G = np.meshgrid(res["m_grid"], res["g_grid"])
    drawn, _ = plotted_constraints(res, all_searches, band_factor)
    colours = colours or assign_colours(c["key"] for c in drawn)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(res["m_grid"][0], res["m_grid"][-1])
    ax.set_ylim(res["g_grid"][0], res["g_grid"][-1])
    solid = [c["key"] for c in drawn if not c.get("dashed")]
    if solid:
        ax.contourf(M, G, union_excess(res, solid), levels=[0.0, np.inf], colors=[UNION_COLOUR], alpha=0.7,
                    zorder=1)
    _draw_band(ax, res)
    items = []
    for c in drawn:
        col = colours[c["key"]]
        cs = ax.contour(M, G, log_excess(res, c["key"]), levels=[0.0], colors=[col], linewidths=1.5,
                        linestyles="--" if c.get("dashed") else "-", zorder=5)
        cs.set_path_effects(_TICKS)
        items.append((short_label(c), col, contour_vertices(cs)))
    b = res["amu_band"]
    band_pts = [np.column_stack([b["m"], g])[np.isfinite(g)] for g in (b["g_low"], b["g_central"], b["g_high"])]
    place_labels(ax, items, avoid=band_pts, fontsize=fontsize - 1.5)
    if marks:
        _draw_marks(ax, res, marks, colours, fontsize)
    ax.set_xlabel(r"$m_X$ [GeV]")
    ax.set_ylabel(r"$g_X$")
    if title is None:
        title = f"{model_tex(res)}, " + r"$\varepsilon e/g_X$" + f" = {res['eps_ratio']:.4g}"
    ax.set_title(title, fontsize=fontsize + 1)
    ax.grid(True, which="major", alpha=0.2)
    if show_note:
        ax.text(0.01, 0.01, "\n".join(exclusion_notes([res], all_searches)), transform=ax.transAxes,
                fontsize=fontsize - 3, va="bottom", ha="left", wrap=True, zorder=40)
    handles = {c["label"]: Line2D([], [], color=colours[c["key"]], ls="--" if c.get("dashed") else "-")
               for c in drawn}
    handles.update(_shared_handles(bool(marks)))
    return handles


def _shared_handles(marks: bool) -> dict:
    h = {"excluded (at least one solid line)": Patch(facecolor=UNION_COLOUR, alpha=0.7),
         r"$\Delta a_\mu$ $2\sigma$ band": Patch(facecolor=BAND_COLOUR, alpha=0.55, edgecolor="black"),
         r"$\Delta a_\mu$ central": Line2D([], [], color="black", ls="--", lw=1.3)}
    if marks:
        h["edge stated by the paper"] = Line2D([], [], color="0.3", ls=":", lw=2.4)
        h["our edge (same contours)"] = Line2D([], [], color="0.3", marker="D", ls="none", mec="black")
    return h


def _footer(fig, lines, width=150) -> float:
    """Write the footnote at the bottom of ``fig``; returns the figure fraction it takes."""
    import textwrap
    wrapped = [w for line in lines for w in textwrap.wrap(line, width)]
    fig.text(0.01, 0.005, "\n".join(wrapped), fontsize=6.5, color="0.3", va="bottom", ha="left")
    return (len(wrapped) * 6.5 * 1.25 / 72 + 0.1) / fig.get_figheight()


def plot_exclusion(res, out: str, title: str | None = None, figsize=(9.6, 6.6), dpi: int = 140,
                   all_searches: bool = False, marks=None, overlay=None) -> str:
    """One exclusion plane -> PNG ``out``: in-plot labels, a small legend of the shared elements, the
    footnote under the axes. ``overlay(ax) -> {label: handle}`` draws extra content (a posterior)."""
    fig, ax = plt.subplots(figsize=figsize)
    handles = draw_exclusion(ax, res, title=title, all_searches=all_searches, marks=marks)
    shared = {k: v for k, v in handles.items() if k in _shared_handles(True)}
    if overlay is not None:
        shared.update(overlay(ax))
    ax.legend(list(shared.values()), list(shared.keys()), loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7,
              frameon=False)
    foot = _footer(fig, exclusion_notes([res], all_searches, marks), width=170)
    fig.tight_layout(rect=(0, foot + 0.02, 1, 1))
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    return out


def plot_exclusion_panels(results, out: str, titles=None, ncols: int = 3, panel_size=(4.6, 4.0),
                          suptitle: str | None = None, dpi: int = 130, all_searches: bool = False) -> str:
    """Several planes as panels with one colour per constraint across all of them -> PNG ``out``."""
    n = len(results)
    nrows = int(np.ceil(n / ncols))
    keys = [c["key"] for res in results for c in plotted_constraints(res, all_searches)[0]]
    colours = assign_colours(keys)
    fig, axes = plt.subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows + 1.0),
                             squeeze=False)
    for i, res in enumerate(results):
        ax = axes[i // ncols][i % ncols]
        handles = draw_exclusion(ax, res, title=titles[i] if titles else None, fontsize=8,
                                 all_searches=all_searches, colours=colours)
    for j in range(n, nrows * ncols):
        axes[j // ncols][j % ncols].axis("off")
    shared = {k: v for k, v in handles.items() if k in _shared_handles(False)}
    fig.legend(list(shared.values()), list(shared.keys()), loc="upper right", ncol=3, fontsize=8, frameon=False)
    if suptitle:
        fig.suptitle(suptitle, fontsize=11, x=0.02, ha="left")
    foot = _footer(fig, exclusion_notes(results, all_searches), width=230)
    fig.tight_layout(rect=(0, foot + 0.01, 1, 0.96))
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    return out
