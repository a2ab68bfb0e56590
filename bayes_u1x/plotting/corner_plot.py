"""Corner plot of a posterior (``posterior.nc``) with the (g−2)_μ band panel.

Main triangle (``corner``): log10 g_X, εe/g_X, log10 m_X/GeV with 68% and 95% highest-density
2-D contours (the ``levels`` are probability mass enclosed), 1-D marginals with the 16/50/84%
quantiles, and the best fit (profile minimum, or the lowest-Δχ² sample if better) marked. A
multimodal posterior (several components of :mod:`bayes_u1x.inference.components`) is drawn in grey
with each component overlaid in its own colour (1-D heights = its share of the mass); its header lists
the components' masses and 68 % intervals instead of median ± quantile titles, which would describe
none of them. The header names the likelihood, data set and prior.

Extra panel (upper right): the derived muon coupling g_X |q_V^μ| (q_V^μ = x_μ − εe/g_X for a
vector-like model, Eq. 2.4 with the kinetic-mixing shift) against m_X, over the band where the
one-loop vector contribution (Eq. 2.5, full loop function from
:func:`bayes_u1x.observables.amu.delta_a`) reproduces Δa_μ within 2σ of the measurement set the
result was conditioned on, with the dimuon threshold m_X = 2 m_μ marked. For chiral models the
axial coupling also contributes; the band is the vector-only one (stated in the legend).
"""
from __future__ import annotations

import numpy as np

from ..errors import ResultsError

#: 2-D contour levels: probability mass enclosed (68%, 95%)
LEVELS = (0.68, 0.95)
#: one colour per posterior component (bayes_u1x.inference.components), largest first
COMPONENT_COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:purple")


def amu_band(m_x, data_set: str = "2021", n_sigma: float = 2.0):
    """(lower, upper) vector coupling g|q_V^μ| giving Δa_μ within n_sigma of the data set's value."""
    from ..observables.amu import coupling_band
    b = coupling_band(None, 0.0, m_x, data=data_set, n_sigma=n_sigma)
    return np.where(np.isfinite(b["g_low"]), b["g_low"], 0.0), b["g_high"]


def _samples(idata):
    from ..inference.results import result_attr
    names = result_attr(idata, "parameters", ["log10_g", "eps_ratio", "log10_m"])
    post = idata.posterior
    for nm in names:
        if nm not in post:
            raise ResultsError(f"result has no posterior variable {nm!r}")
    return names, np.stack([np.asarray(post[nm]).reshape(-1) for nm in names], axis=-1)


def muon_coupling(idata, samples):
    """g_X |q_V^μ| at the samples (needs the model's charges in the result attrs)."""
    from ..couplings import effective_couplings
    from ..inference.results import result_attr
    from ..models import get_model
    charges = result_attr(idata, "model_charges")
    if not isinstance(charges, dict):
        raise ResultsError("result carries no model charges: cannot derive g_X q_mu")
    spec = {"table1": charges["table1"]} if charges.get("table1") is not None else \
        {k: v for k, v in charges.items() if v is not None}
    model = get_model(spec)
    g, r, m = 10.0 ** samples[:, 0], samples[:, 1], 10.0 ** samples[:, 2]
    cp = effective_couplings(model, g, r, m, check_mass_range=False)
    return g * np.abs(cp.qV["mu"])


def corner_figure(idata, title: str | None = None, band: bool = True):
    """The corner figure (matplotlib Figure) of an InferenceData posterior."""
    import corner

    from ..constants import M_MU
    from ..parameters import LABELS as PARAMETER_LABELS
    from ..inference.results import result_attr

    from ..inference.results import summarize

    names, x = _samples(idata)
    best = result_attr(idata, "best_fit_theta")
    labels = [PARAMETER_LABELS.get(n, n) for n in names]
    comps = [c for c in summarize(idata).get("components", []) if c["fraction"] >= 0.05]
    multimodal = len(comps) > 1
    ranges = [(float(np.min(x[:, i])), float(np.max(x[:, i]))) for i in range(x.shape[1])]
    # a median ± quantile title describes no part of a multimodal posterior: titles only for one mode
    fig = corner.corner(x, labels=labels, levels=LEVELS, quantiles=None if multimodal else (0.16, 0.5, 0.84),
                        show_titles=not multimodal, title_fmt=".3g", plot_datapoints=False, fill_contours=True,
                        smooth=1.0, bins=40, truths=best, truth_color="tab:red", range=ranges,
                        color="tab:gray" if multimodal else "tab:blue", labelpad=0.05)
    comp_lines = []
    if multimodal:
        lab = np.array(result_attr(idata, "component_names", []), dtype=object)[
            np.asarray(idata.sample_stats["component"]).ravel()]
        for c, colour in zip(comps, COMPONENT_COLOURS):
            sel = lab == c["name"]
            corner.corner(x[sel], fig=fig, color=colour, weights=np.full(int(sel.sum()), 1.0 / len(x)),
                          levels=LEVELS, plot_datapoints=False, plot_density=False, fill_contours=False,
                          no_fill_contours=True, smooth=1.0, bins=40, range=ranges,
                          hist_kwargs={"color": colour, "lw": 1.2})
            iv = c["intervals"]
            m_lo, m_hi = (10 ** x for x in iv["log10_m"]["68"])
            comp_lines.append(f"{c['name']} ({colour.removeprefix('tab:')}): {100 * c['fraction']:.0f} %; "
                              f"log10 g_X {iv['log10_g']['68'][0]:.2f}..{iv['log10_g']['68'][1]:.2f}, "
                              f"m_X {m_lo:.3g}..{m_hi:.3g} GeV")
    fig.set_size_inches(9.5, 9.5)
    attrs = idata.posterior.attrs
    terms = result_attr(idata, "terms", [])
    prior = result_attr(idata, "prior", None) or {}
    lk = result_attr(idata, "likelihood", None) or {}
    if title is None:
        shown = attrs.get("model_display") or f"{attrs.get('model_name', '')} {attrs.get('model_label', '')}"
        title = (f"{shown}\n"
                 f"likelihood {lk.get('preset', '')}: {', '.join(terms)}\n"
                 f"data {attrs.get('data_set', '?')}; prior {prior.get('name', attrs.get('prior_source', '?'))}; "
                 f"{'converged' if attrs.get('converged') else 'NOT converged'}\n"
                 f"contours 68/95%; red: best fit")
        if comp_lines:
            title += "\ncomponents (grey: all; 68 % ranges):\n" + "\n".join(comp_lines)
    import textwrap

    # the header fills the empty upper triangle above the g-2 panel (which sits in the middle-right cell)
    title = "\n".join(textwrap.fill(line, 78, subsequent_indent="    ") for line in title.split("\n"))
    fig.text(0.42, 0.995, title, ha="left", va="top", fontsize=7.5, family="monospace")

    if band and attrs.get("model_charges"):
        ax = fig.add_axes([0.745, 0.44, 0.235, 0.21])
        gq = muon_coupling(idata, x)
        lm, lgq = x[:, 2], np.log10(np.clip(gq, 1e-300, None))
        data_set = attrs.get("data_set", "2021")
        mgrid = np.linspace(min(lm.min(), -2.0), max(lm.max(), np.log10(4.0)), 300)
        lo, hi = amu_band(10.0 ** mgrid, data_set)
        ax.fill_between(mgrid, np.log10(np.clip(lo, 1e-300, None)), np.log10(hi), color="tab:orange",
                        alpha=0.35, lw=0, zorder=0, label=r"$\Delta a_\mu$ within $2\sigma$ (vector)")
        corner.hist2d(lm, lgq, ax=ax, levels=LEVELS, plot_datapoints=False, fill_contours=False,
                      smooth=1.0, bins=50, color="tab:blue", plot_density=False, no_fill_contours=True)
        ax.axvline(np.log10(2 * M_MU), color="k", ls="--", lw=0.8, label=r"$m_X = 2 m_\mu$")
        if best:
            gq_best = muon_coupling(idata, np.asarray(best, dtype=float)[None, :])[0]
            ax.plot(best[2], np.log10(gq_best), marker="*", ms=10, color="tab:red", ls="none",
                    label="best fit")
        ax.set_xlabel(r"$\log_{10}(m_X/\mathrm{GeV})$")
        ax.set_ylabel(r"$\log_{10}(g_X\,|q_V^\mu|)$")
        ylo = np.nanmin(np.log10(np.clip(lo, 1e-300, None))[np.isfinite(np.log10(np.clip(lo, 1e-300, None)))])
        ax.set_ylim(min(np.percentile(lgq, 0.5), ylo) - 0.3, max(np.percentile(lgq, 99.5), np.log10(hi).max()) + 0.3)
        ax.set_xlim(mgrid[0], mgrid[-1])
        ax.legend(fontsize=6, loc="lower right")
        ax.set_title("68/95% in the $(m_X,\\ g_X q_\\mu)$ plane", fontsize=7)
    return fig


def plot_corner(result, out=None, dpi: int = 130, **kw):
    """Load a result (path or InferenceData), draw the corner figure, save it as PNG.

    Returns the output path (default: ``corner.png`` next to the result file)."""
    from pathlib import Path

    import matplotlib.pyplot as plt

    from ..inference.results import load_results
    if isinstance(result, (str, Path)):
        path = Path(result)
        idata = load_results(path)
        default_out = (path if path.is_dir() else path.parent) / "corner.png"
    else:
        idata, default_out = result, Path("corner.png")
    out = Path(out) if out is not None else default_out
    if out.suffix.lower() != ".png":
        raise ResultsError(f"output {out} must be a .png file")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig = corner_figure(idata, **kw)
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    return out
