"""68/95 % credible regions of a sampled posterior (``posterior.nc``) projected onto the (m_X, g_X) plane.

The samples are θ = (log10 g_X, εe/g_X, log10 m_X). The projection is the **marginal** posterior of
(log10 m_X, log10 g_X): εe/g_X is integrated over as the posterior distributes it, not fixed to the
plane's value. The plane behind it is drawn at one εe/g_X, so the overlay is a faithful comparison
only where the posterior's εe/g_X is close to it; the legend states the posterior's 68 % interval of
εe/g_X and the plane's value. Regions: a 2-D histogram in (log10 m, log10 g), smoothed by one bin
(Gaussian), and the highest-density contours enclosing 68 % and 95 % of the samples.
"""
from __future__ import annotations

import numpy as np
from matplotlib.lines import Line2D

from ..errors import ResultsError

LEVELS = (0.68, 0.95)


def load_posterior(path):
    """(idata, samples (n, 3) of log10_g, eps_ratio, log10_m) of a result file or folder."""
    from ..inference.results import load_results, result_attr
    idata = load_results(path)
    names = result_attr(idata, "parameters", ["log10_g", "eps_ratio", "log10_m"])
    post = idata.posterior
    need = ("log10_g", "eps_ratio", "log10_m")
    missing = [n for n in need if n not in post]
    if missing:
        raise ResultsError(f"{path}: posterior has no variable(s) {', '.join(missing)} (has {', '.join(names)})")
    return idata, np.stack([np.asarray(post[n]).reshape(-1) for n in need], axis=-1)


def credible_levels(H: np.ndarray, levels=LEVELS) -> list[float]:
    """Density thresholds of ``H`` whose super-level sets hold each fraction of the total mass."""
    flat = np.sort(H.ravel())[::-1]
    cum = np.cumsum(flat) / flat.sum()
    return [float(flat[min(int(np.searchsorted(cum, lv)), flat.size - 1)]) for lv in levels]


def posterior_regions(samples: np.ndarray, bins: int = 60):
    """(m centres [GeV], g centres, smoothed histogram (n_g, n_m), [threshold 95, threshold 68])."""
    from scipy.ndimage import gaussian_filter
    lg, lm = samples[:, 0], samples[:, 2]
    H, xe, ye = np.histogram2d(lm, lg, bins=bins)
    H = gaussian_filter(H.T, 1.0)
    t68, t95 = credible_levels(H, LEVELS)
    xc, yc = 0.5 * (xe[1:] + xe[:-1]), 0.5 * (ye[1:] + ye[:-1])
    return 10.0 ** xc, 10.0 ** yc, H, [t95, t68]


def overlay_from(path, plane: dict, colour: str = "#1a1aff"):
    """A callable ``overlay(ax) -> {label: handle}`` for :func:`~.exclusion_plot.plot_exclusion`.

    Refuses a posterior of another model than the plane's (their g_X would not be comparable)."""
    from ..models import get_model
    idata, x = load_posterior(path)
    name = idata.posterior.attrs.get("model_name")
    if name and get_model(name).name != plane["model"]:
        raise ResultsError(f"posterior is for model {name!r}, the plane for {plane['model']!r}")
    m, g, H, thr = posterior_regions(x)
    lo, hi = np.percentile(x[:, 1], [16, 84])

    def overlay(ax):
        ax.contourf(m, g, H, levels=[thr[0], np.inf], colors=[colour], alpha=0.15, zorder=20)
        ax.contourf(m, g, H, levels=[thr[1], np.inf], colors=[colour], alpha=0.25, zorder=20)
        ax.contour(m, g, H, levels=thr, colors=[colour], linewidths=[1.0, 1.6], zorder=21)
        return {f"posterior 68/95% (εe/g_X marginalised: 68% in [{lo:.3g}, {hi:.3g}]; plane at "
                f"{plane['eps_ratio']:.3g})": Line2D([], [], color=colour, lw=1.6)}
    return overlay
