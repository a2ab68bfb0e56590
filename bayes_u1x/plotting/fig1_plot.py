"""Fig. 1 of arXiv:2203.13731 drawn from :func:`bayes_u1x.paper.fig1.fig1_curves`: Δχ²_min vs m_X.

The paper calls the curves "minimum χ²"; every term is ((prediction − measurement)/σ)², the same Δχ²
convention as the rest of the package, so the axis says Δχ²_min. The dip of the global curve at
m_X ≈ m_Z is annotated (the Z–X mixing of Eq. 3.18), with the grid points drawn as dots.
"""
from __future__ import annotations

import numpy as np


def plot_fig1(res, ub, path):
    """The four χ²_min curves of Sec. 4.1 with the excluded mass range above ``ub`` shaded -> PNG."""
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
    ax.plot(m, c["global"], ls="none", marker=".", ms=3, color="tab:orange")
    ax.axhline(res["chi2_explained"], color="k", lw=0.8, ls=":")
    ax.text(m[0] * 1.05, res["chi2_explained"] + 0.3, r"$\Delta\chi^2 = 4$", fontsize=7)
    above = m > (ub if np.isfinite(ub) else m[-1])
    if above.any():
        i = int(np.flatnonzero(above)[np.argmin(c["global"][above])])
        if c["global"][i] < 0.8 * np.median(c["global"][above]):
            ax.annotate(f"$m_X \\approx m_Z$: the $Z$ admixture (Eq. 3.18)\noffsets the $\\nu_\\mu$ coupling; "
                        f"min {c['global'][i]:.1f} at {m[i]:.0f} GeV", xy=(m[i], c["global"][i]),
                        xytext=(m[i] / 40, 7.0), fontsize=7,
                        arrowprops=dict(arrowstyle="->", lw=0.8))
    if np.isfinite(ub):
        ax.axvspan(ub, m[-1], color="0.85", zorder=0,
                   label=rf"$(g-2)_\mu$ not explained ($m_X>{ub:.1f}$ GeV)")
    ax.set_xscale("log")
    ax.set_xlim(m[0], m[-1])
    ax.set_ylim(0, 20)
    ax.set_xlabel(r"$m_X$ [GeV]")
    ax.set_ylabel(r"$\Delta\chi^2_{\min}$ ($a_\mu$ + CCFR + T" + (r" + $R_{\mu e}$" if res.get("with_r_mue") else "") + ")")
    ax.set_title(f"arXiv:2203.13731 Fig. 1 (data {res['data']}, CCFR {res['ccfr_method']})", fontsize=9)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)
    return path
