"""Fig. 2 of arXiv:2203.13731 drawn from :mod:`bayes_u1x.paper.fig2` results: Δχ²_min over the (α, R) plane.

The colour is Δχ²_min on the grid (no veil: Δχ²_min > 4 is hatched, the colour scale stays readable),
the black line is its Δχ² = 4 contour, linearly interpolated between grid points. The integer models
are profiled exactly at their own (α, R) (the same profile as the map's points: a model of the plane at
the (α, R) of an integer model has the integer model's Δχ²_min, tests/test_fig2.py), so a marker can
sit on the other side of the contour where the valley is narrower than the grid: the R ≈ 0.1 window of
Sec. 4.2 is ~0.1 wide in R, hence the dense small-R rows of the zoom.
"""
from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..paper.fig2 import ZOOM_ALPHA, ZOOM_R, integer_models_alpha_r  # noqa: E402


def _draw_map(ax, result, ymap):
    a, R, d = result["alpha"], result["R"], result["delta_chi2"]
    A, Y = np.meshgrid(a, ymap(R))
    cs = ax.contourf(A, Y, np.clip(d, 0, 20), levels=np.linspace(0, 20, 21), cmap="viridis_r")
    with plt.rc_context({"hatch.color": "0.35", "hatch.linewidth": 0.5}):
        ax.contourf(A, Y, d, levels=[4, 1e9], colors="none", hatches=["////"])
    ax.contour(A, Y, d, levels=[4], colors="k", linewidths=1.3)
    ax.contour(A, Y, d, levels=[1], colors="k", linewidths=0.6, linestyles=":")
    return cs


def _draw_models(ax, pts, models, ymap, window=None):
    if models is None:
        fin = np.isfinite(pts[:, 1])
        ax.plot(pts[fin, 0], ymap(pts[fin, 1]), "b+", ms=4, label="integer models |x| ≤ 10")
        return
    a, r, d = models["alpha"], models["R"], models["delta_chi2"]
    if window is not None:
        sel = (a >= window[0][0]) & (a <= window[0][1]) & (r >= window[1][0]) & (r <= window[1][1])
        a, r, d = a[sel], r[sel], d[sel]
    ok = d < 4
    ax.plot(a[~ok], ymap(r[~ok]), "b+", ms=4, label="integer models |x| ≤ 10, own Δχ²_min ≥ 4")
    ax.plot(a[ok], ymap(r[ok]), "o", mfc="none", mec="r", ms=6, mew=1.2,
            label=f"integer models, own Δχ²_min < 4 ({int(ok.sum())})")


def plot_fig2(result, out, max_charge: int = 10, zoom=None, models=None):
    """Left: the (α, R) plane (``result`` of :func:`fig2_map`). Right, if ``zoom`` (another
    :func:`fig2_map` result) is given: the region around tan α = −2/3 for R < 1.2, linear in R.
    ``models`` (:func:`integer_model_minima`) colours each integer model by its own Δχ²_min."""
    pts = integer_models_alpha_r(max_charge)
    ncol = 2 if zoom is not None else 1
    fig, axes = plt.subplots(1, ncol, figsize=(7 * ncol, 5.4), squeeze=False)
    fig.subplots_adjust(bottom=0.16)
    ax = axes[0, 0]

    # y axis: R linear below 1, log above (paper: "linear and logarithmic scales")
    def ymap(r):
        r = np.asarray(r, dtype=float)
        return np.where(r < 1, r, 1 + np.log10(np.maximum(r, 1)))

    cs = _draw_map(ax, result, ymap)
    _draw_models(ax, pts, models, ymap)
    ax.axvline(np.arctan(-2 / 3), color="k", ls="--", lw=0.8)
    ax.axvline(np.arctan(-2 / 3) + np.pi, color="k", ls="--", lw=0.8)
    ticks = [0, 0.5, 1, 2, 3]
    ax.set_yticks(ticks, ["0", "0.5", "1", "10", "100"])
    ax.set_ylim(0, ymap(result["R"].max()))
    ax.set_xlabel("α")
    ax.set_ylabel("R")
    ax.set_title(r"Model plane of Eq. 4.4, $m_X$ = 200 MeV (hatched: $\Delta\chi^2_{\min} > 4$)", fontsize=10)
    ax.legend(loc="upper right", fontsize=7)
    if zoom is not None:
        az_ = axes[0, 1]
        ident = lambda r: np.asarray(r, dtype=float)  # noqa: E731
        _draw_map(az_, zoom, ident)
        _draw_models(az_, pts, models, ident, window=(ZOOM_ALPHA, ZOOM_R))
        az_.axvline(np.arctan(-2 / 3), color="k", ls="--", lw=0.8, label="tan α = −2/3")
        az_.axvline(np.arctan(-1.0), color="k", ls=":", lw=0.8, label="tan α = −1")
        az_.set_xlim(*ZOOM_ALPHA)
        az_.set_ylim(*ZOOM_R)
        az_.set_xlabel("α")
        az_.set_ylabel("R (linear)")
        az_.set_title("zoom: atoms nearly U(1)_X-neutral (no COHERENT, as in the paper)", fontsize=10)
        az_.legend(loc="upper left", fontsize=7)
    fig.colorbar(cs, ax=axes.ravel().tolist(), label=r"$\Delta\chi^2_{\min}$ ($a_\mu$ + Borexino + NSI + NA64/BaBar 2014)")
    fig.text(0.01, 0.01, textwrap.fill("Map: each grid point profiled over (g_X, εe/g_X), contours interpolated between points "
             f"({result['delta_chi2'].shape[1]}×{result['delta_chi2'].shape[0]} left"
             + (f", {zoom['delta_chi2'].shape[1]}×{zoom['delta_chi2'].shape[0]} right, dense for R < 0.3" if zoom is not None else "")
             + "). Markers: each integer model profiled at its own (α, R); one can sit across the contour where a "
             "valley is narrower than the grid. Solid: Δχ²_min = 4; dotted: 1. COHERENT not included (Sec. 4.2).", 190),
             fontsize=7, color="0.3")
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
