"""Fig. 2 of arXiv:2203.13731: Δχ²_min over the (α, R) model plane of Eq. 4.4 at m_X = 200 MeV.

Every point of the plane is an anomaly-free vector-like model (Eq. 4.4). As in the paper, the
likelihood is a_μ + Borexino + NSI + resonances (NA64 2019 and BaBar 2014, 0/100): COHERENT is
left out of Fig. 2 (Sec. 4.2). Each model is profiled over (g_X, εe/g_X); the 419 integer models
are overlaid at their (α, R).
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from ..inference.profile import find_minima
from ..likelihood import CompositeLikelihood
from ..models import alpha_r_to_charges, charges_to_alpha_r, enumerate_vector_models, vector_model

TERMS = ("amu", "borexino", "nsi", "resonances")
TERM_OPTIONS = {"resonances": {"mode": "paper"}}


def plane_model(alpha: float, R: float):
    """The (continuous-charge) model at (α, R); anomaly-free by construction (Eq. 4.4)."""
    cB, ce, cm, ct = (float(x) for x in alpha_r_to_charges(alpha, R))
    return vector_model(cB, ce, cm, ct, name=f"alpha={alpha:.4f},R={R:.4g}", check=False)


def _profile_point(args):
    alpha, R, mass, data = args
    lk = CompositeLikelihood(plane_model(alpha, R), terms=TERMS, data=data, term_options=TERM_OPTIONS)
    best = find_minima(lk, fixed_mass=mass, grid_shape=(31, 121, 1), max_seeds=3)[0]
    return best.delta_chi2, best.eps_ratio, best.g_x


def fig2_map(alphas, Rs, mass: float = 0.2, data: str = "2021", processes: int | None = None):
    """Δχ²_min, best εe/g_X and g_X on the grid alphas × Rs (arrays of shape (len(Rs), len(alphas)))."""
    jobs = [(float(a), float(r), mass, data) for r in Rs for a in alphas]
    processes = processes or min(2, os.cpu_count() or 1)
    if processes > 1:
        with ProcessPoolExecutor(max_workers=processes) as ex:
            out = list(ex.map(_profile_point, jobs, chunksize=8))
    else:
        out = [_profile_point(j) for j in jobs]
    arr = np.array(out).reshape(len(Rs), len(alphas), 3)
    return {"alpha": np.asarray(alphas), "R": np.asarray(Rs), "delta_chi2": arr[..., 0],
            "eps_ratio": arr[..., 1], "g_x": arr[..., 2]}


def integer_models_alpha_r(max_charge: int = 10):
    """(α, R) of the enumerated integer models (R = inf for L_μ − L_τ, NaN for the dark photon)."""
    pts = []
    for m in enumerate_vector_models(max_charge):
        if m.is_dark_photon:
            continue
        pts.append(charges_to_alpha_r(*(float(x) for x in m.table1)))
    return np.array(pts, dtype=float)


def plot_fig2(result, out, max_charge: int = 10):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    a, R, d = result["alpha"], result["R"], result["delta_chi2"]
    pts = integer_models_alpha_r(max_charge)
    fig, ax = plt.subplots(figsize=(7, 5))
    # y axis: R linear below 1, log above (paper: "linear and logarithmic scales")
    def ymap(r):
        r = np.asarray(r, dtype=float)
        return np.where(r < 1, r, 1 + np.log10(np.maximum(r, 1)))

    A, Y = np.meshgrid(a, ymap(R))
    cs = ax.contourf(A, Y, np.clip(d, 0, 20), levels=np.linspace(0, 20, 21), cmap="viridis_r")
    ax.contourf(A, Y, d, levels=[4, 1e9], colors="0.6", alpha=0.6)
    ax.contour(A, Y, d, levels=[4], colors="k", linewidths=1)
    fin = np.isfinite(pts[:, 1])
    ax.plot(pts[fin, 0], ymap(pts[fin, 1]), "b+", ms=4, label="integer models |x| ≤ 10")
    ax.axvline(np.arctan(-2 / 3), color="k", ls="--", lw=0.8)
    ax.axvline(np.arctan(-2 / 3) + np.pi, color="k", ls="--", lw=0.8)
    ticks = [0, 0.5, 1, 2, 3]
    ax.set_yticks(ticks, ["0", "0.5", "1", "10", "100"])
    ax.set_ylim(0, ymap(R.max()))
    ax.set_xlabel("α")
    ax.set_ylabel("R")
    fig.colorbar(cs, label="Δχ²_min (a_μ + Borexino + NSI + NA64/BaBar)")
    ax.set_title("Model plane of Eq. 4.4, m_X = 200 MeV (grey: Δχ²_min > 4)")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    plt.close(fig)
    return out
