"""Fig. 1 of arXiv:2203.13731 drawn from :func:`bayes_u1x.paper.fig1.fig1_curves`: χ²_min vs m_X."""
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
    ax.axhline(res["chi2_explained"], color="k", lw=0.8, ls=":")
    if np.isfinite(ub):
        ax.axvspan(ub, m[-1], color="0.85", zorder=0,
                   label=rf"$(g-2)_\mu$ not explained ($m_X>{ub:.1f}$ GeV)")
    ax.set_xscale("log")
    ax.set_xlim(m[0], m[-1])
    ax.set_ylim(0, 20)
    ax.set_xlabel(r"$m_X$ [GeV]")
    ax.set_ylabel(r"$\chi^2_{\min}$ ($a_\mu$ + CCFR + T" + (r" + $R_{\mu e}$" if res.get("with_r_mue") else "") + ")")
    ax.set_title(f"arXiv:2203.13731 Fig. 1 (data {res['data']}, CCFR {res['ccfr_method']})", fontsize=9)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=150)
    plt.close(fig)
    return path
