"""Plots of profile results (Fig. 4-like panels, Fig. 2-like model-space maps)."""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ..paper import reference as paper  # noqa: E402


def plot_fig4(rows, out):
    """Three panels vs N: Δχ²_min (grey above 4), best-fit εe/g_X, best-fit g_X; paper points overlaid."""
    N = np.array([r["N"] for r in rows])
    d = np.array([r["delta_chi2"] for r in rows])
    e = np.array([r["eps_ratio"] for r in rows])
    g = np.array([r["g_x"] for r in rows])
    ref = {tuple(t["charges"]): t for t in paper.TABLE1}
    pN, pd, pe, pg = [], [], [], []
    for n in N:
        t = ref.get((3, -6, int(n), -3 - int(n)))
        if t:
            pN.append(n)
            pd.append(t["delta_chi2"])
            pe.append(t["eps_ratio"])
            pg.append(t["g_x"] / 10 if t.get("suspected_misprint") else t["g_x"])
    fig, ax = plt.subplots(1, 3, figsize=(12, 3.6))
    ax[0].axhspan(4, max(10, d.max() * 1.1), color="0.85", label="Δχ² > 4")
    ax[0].plot(N, d, "o-", label="bayes_u1x")
    ax[0].plot(pN, pd, "kx", label="arXiv:2203.13731 Tab. 1")
    ax[0].set_ylabel("Δχ²_min")
    ax[0].set_ylim(0, max(10, d.max() * 1.1))
    ax[1].plot(N, e, "o-")
    ax[1].plot(pN, pe, "kx")
    ax[1].set_ylabel("best-fit εe/g_X")
    ax[2].semilogy(N, g, "o-")
    ax[2].semilogy(pN, pg, "kx", label="paper (two misprints /10)")
    ax[2].set_ylabel("best-fit g_X")
    for a in ax:
        a.set_xlabel("N")
    ax[0].legend(fontsize=8)
    ax[2].legend(fontsize=8)
    fig.suptitle("3B − 6L_e − 3L_τ + N(L_μ − L_τ), m_X = 200 MeV")
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out
