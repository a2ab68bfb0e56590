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
    ax[0].plot(N, d, "o-", label="bayes_u1x (table1 likelihood)")
    ax[0].plot(pN, pd, "kx", label="arXiv:2203.13731 Table 1")
    ax[0].set_ylabel("Δχ²_min")
    ax[0].set_ylim(0, max(10, d.max() * 1.1))
    ax[1].plot(N, e, "o-")
    ax[1].plot(pN, pe, "kx")
    ax[1].set_ylabel("best-fit εe/g_X")
    ax[2].semilogy(N, g, "o-")
    ax[2].semilogy(pN, pg, "kx", label="paper Table 1 (N = 3, 6 printed ×10\nlarger; shown ÷10)")
    for n, gp, gn in zip(pN, pg, [g[list(N).index(n)] for n in pN]):
        if abs(gp / gn - 1) > 0.05:
            ax[2].annotate(f"{100 * (gp / gn - 1):+.0f}%", (n, gp), textcoords="offset points", xytext=(4, -10),
                           fontsize=7)
    ax[2].set_ylabel("best-fit g_X")
    for a in ax:
        a.set_xlabel("N")
    ax[0].legend(fontsize=8)
    ax[2].legend(fontsize=8)
    fig.suptitle(r"$3B - 6L_e - 3L_\tau + N(L_\mu - L_\tau)$, $m_X$ = 200 MeV")
    fig.text(0.01, 0.01, "Crosses: Table 1 of the paper. Its g_X for N = 3 and 6 (1.30e-3, 9.90e-4) break the trend "
             "by ~10x and are drawn divided by 10;\neven so they differ by ~10% from ours while N = 4, 5, 7 agree "
             "within 1%: the printed digits are off too, not only the exponent (cause unknown).", fontsize=7,
             color="0.3")
    fig.tight_layout(rect=(0, 0.09, 1, 1))
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out
