"""Combined upper limits on g_X(m_X) (:func:`bayes_u1x.exclusion.combined_limits`), one or more data sets.

Thick lines: the combined limit of every constraint of the likelihood (solid 95 % CL, dashed 90 % CL),
one colour per data set; thin lines with in-plot labels: the single-term 95 % limits of the first
data set (fixed εe/g_X only); gold: the Δa_μ 2σ band of each data set where it exists (the 2025
inputs leave only an upper edge, drawn dotted); a bar under the axis marks the masses where part of
the 2021 band survives the combined 95 % limit.
"""
from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..constants import E_CHARGE  # noqa: E402
from ..models import get_model  # noqa: E402
from ..observables import TERMS  # noqa: E402
from .style import assign_colours, model_tex, place_labels  # noqa: E402

DATA_COLOURS = {"2021": "#000000", "2025": "#0072B2"}


def _scale(res):
    """Plotted coupling per g_X: ε = r g/e for the dark photon, else g_X itself."""
    model = get_model(res["model"])
    if model.is_dark_photon and res["eps_ratio"]:
        return abs(res["eps_ratio"]) / E_CHARGE, r"$\varepsilon$"
    return 1.0, r"$g_X$"


def plot_combined_limits(results, out, dpi: int = 130) -> str:
    """Combined limits of ``results`` (a list of :func:`combined_limits` outputs, same model) -> PNG."""
    first = results[0]
    scale, ylab = _scale(first)
    fig, ax = plt.subplots(figsize=(9.0, 6.0))
    m = first["masses"]
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(m[0], m[-1])
    lows, highs = [], []
    drawn = []
    for res in results:
        col = DATA_COLOURS.get(res["data"], "#D55E00")
        cls = sorted(res["limits"], reverse=True)
        same = [d for d in drawn if d["include_amu"] == res["include_amu"] and all(
            np.array_equal(d["limits"][c], res["limits"][c]) for c in cls)]
        if same:          # identical limits (the sets differ only in g-2 and g-2 is not in the test)
            same[0]["_names"].append(res["data"])
        else:
            res = {**res, "_names": [res["data"]], "_colour": col}
            drawn.append(res)
        b = res.get("band")
        if b is not None:
            if np.any(np.isfinite(b["g_low"])):
                ax.fill_between(res["masses"], b["g_low"] * scale, b["g_high"] * scale, color="#f2d479", alpha=0.6,
                                lw=0, zorder=2, label=rf"$\Delta a_\mu$ 2$\sigma$ band ({res['data']})")
                ax.plot(res["masses"], b["g_central"] * scale, color="0.3", ls="--", lw=1.0, zorder=3)
                lows.append(np.nanmin(b["g_low"] * scale))
            else:
                ax.plot(res["masses"], b["g_high"] * scale, color=col, ls=":", lw=1.6, zorder=3,
                        label=rf"$\Delta a_\mu$ ({res['data']}) within 2$\sigma$ below this line (no band)")
    for res in drawn:
        names = " = ".join(res["_names"])
        what = "incl. g-2, from the best fit" if res["include_amu"] else "without g-2"
        for c, ls in zip(sorted(res["limits"], reverse=True), ("-", "--")):
            y = np.where(np.isfinite(res["limits"][c]), res["limits"][c], np.nan) * scale
            ax.plot(res["masses"], y, color=res["_colour"], lw=2.4 if ls == "-" else 1.6, ls=ls, zorder=8,
                    label=f"combined {100 * c:.0f}% CL, {names} inputs ({what})")
            lows.append(np.nanmin(y))
            highs.append(np.nanmax(y))
    items = []
    if first["single"]:
        c0 = max(first["limits"])
        colours = assign_colours(first["single"])
        for t, lim in first["single"].items():
            y = lim[c0] * scale
            if not np.any(np.isfinite(y)):
                continue
            ln, = ax.plot(m, np.where(np.isfinite(y), y, np.nan), color=colours[t], lw=0.9, alpha=0.9, zorder=5)
            v = np.column_stack([m, y])[np.isfinite(y)]
            items.append((TERMS[t].label + " alone", colours[t], v))
    lo = max(np.nanmin(lows) / 4, 1e-7 * scale) if lows else 1e-6
    hi = min(np.nanmax(highs) * 4, 1.0 * scale) if highs else 1.0
    ax.set_ylim(lo, hi)
    place_labels(ax, items, fontsize=7)
    for res in results:
        if res["data"] == "2021" and res["windows"].get("band_below_limit"):
            for a, z in res["windows"]["band_below_limit"]:
                ax.axvspan(a, z, ymin=0, ymax=0.025, color="#E69F00", zorder=9, lw=0)
    ax.set_xlabel(r"$m_X$ [GeV]")
    ax.set_ylabel(f"{ylab} upper limit")
    if first["eps_mode"] == "profiled":           # no single value: eps_ratio is None
        eps = r"$\varepsilon e/g_X$ profiled"
    else:
        eps = r"$\varepsilon e/g_X$" + f" = {first['eps_ratio']:.4g}" + (" (one loop)" if first["eps_mode"] == "loop" else "")
    ax.set_title(f"Combined limit, {model_tex(first['model'])}, {eps}", fontsize=10)
    ax.grid(True, which="major", alpha=0.25)
    ax.legend(fontsize=7.5, loc="upper left", framealpha=0.9)
    notes = [f"Limit: {first['definition']}." + (" Identical lines for several input sets are drawn once: the "
                                                  "sets differ only in g-2." if any(len(d["_names"]) > 1 for d in drawn)
                                                  else ""),
             ]
    if any(r["data"] == "2021" and r["windows"].get("band_below_limit") for r in results):
        notes.append("Orange bar on the axis: masses where part of the 2021 band lies below the combined 95% limit.")
    wrapped = [w for n in notes for w in textwrap.wrap(n, 140)]
    fig.text(0.01, 0.005, "\n".join(wrapped), fontsize=7, color="0.3", va="bottom", ha="left")
    fig.tight_layout(rect=(0, (len(wrapped) * 7 * 1.3 / 72 + 0.12) / fig.get_figheight(), 1, 1))
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    return out
