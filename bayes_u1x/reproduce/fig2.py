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


def _profile_model(model, mass, data):
    lk = CompositeLikelihood(model, terms=TERMS, data=data, term_options=TERM_OPTIONS)
    best = find_minima(lk, fixed_mass=mass, grid_shape=(31, 121, 1), max_seeds=3)[0]
    return best.delta_chi2, best.eps_ratio, best.g_x


def _profile_point(args):
    alpha, R, mass, data = args
    return _profile_model(plane_model(alpha, R), mass, data)


def _profile_charges(args):
    charges, mass, data = args
    return _profile_model(vector_model(*charges, check=False), mass, data)


def _map(func, jobs, processes):
    processes = processes or min(2, os.cpu_count() or 1)
    if processes > 1:
        with ProcessPoolExecutor(max_workers=processes) as ex:
            return list(ex.map(func, jobs, chunksize=8))
    return [func(j) for j in jobs]


def fig2_map(alphas, Rs, mass: float = 0.2, data: str = "2021", processes: int | None = None):
    """Δχ²_min, best εe/g_X and g_X on the grid alphas × Rs (arrays of shape (len(Rs), len(alphas)))."""
    jobs = [(float(a), float(r), mass, data) for r in Rs for a in alphas]
    arr = np.array(_map(_profile_point, jobs, processes)).reshape(len(Rs), len(alphas), 3)
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


#: the right panel of Fig. 2: around tan α = −2/3 (nucleon and electron charges cancel in atoms)
#: and the R ≈ 0.1 window at −1 ≲ tan α ≲ −2/3 (Sec. 4.2)
ZOOM_ALPHA = (-0.85, -0.45)
ZOOM_R = (0.0, 1.2)


def integer_model_minima(max_charge: int = 10, mass: float = 0.2, data: str = "2021",
                         processes: int | None = None) -> dict:
    """Δχ²_min (the Fig. 2 terms) of every integer model with finite (α, R) (not L_μ−L_τ, not the
    dark photon): arrays ``alpha``, ``R``, ``delta_chi2``, ``charges`` (n, 4)."""
    models = [m for m in enumerate_vector_models(max_charge) if not m.is_dark_photon]
    ch = np.array([[float(x) for x in m.table1] for m in models])
    alpha, R = charges_to_alpha_r(*ch.T)
    keep = np.isfinite(R)
    ch, alpha, R = ch[keep], alpha[keep], R[keep]
    out = np.array(_map(_profile_charges, [(tuple(c), mass, data) for c in ch], processes))
    return {"alpha": alpha, "R": R, "delta_chi2": out[:, 0], "eps_ratio": out[:, 1], "g_x": out[:, 2],
            "charges": ch}


def _draw_map(ax, result, ymap):
    a, R, d = result["alpha"], result["R"], result["delta_chi2"]
    A, Y = np.meshgrid(a, ymap(R))
    cs = ax.contourf(A, Y, np.clip(d, 0, 20), levels=np.linspace(0, 20, 21), cmap="viridis_r")
    ax.contourf(A, Y, d, levels=[4, 1e9], colors="0.6", alpha=0.6)
    ax.contour(A, Y, d, levels=[4], colors="k", linewidths=1)
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
    ax.plot(a[~ok], ymap(r[~ok]), "b+", ms=4, label="integer models |x| ≤ 10, Δχ²_min ≥ 4")
    ax.plot(a[ok], ymap(r[ok]), "o", mfc="none", mec="r", ms=6, mew=1.2,
            label=f"integer models with Δχ²_min < 4 ({int(ok.sum())})")


def plot_fig2(result, out, max_charge: int = 10, zoom=None, models=None):
    """Left: the (α, R) plane (``result`` of :func:`fig2_map`). Right, if ``zoom`` (another
    :func:`fig2_map` result) is given: the region around tan α = −2/3 for R < 1.2, linear in R.
    ``models`` (:func:`integer_model_minima`) colours each integer model by its own Δχ²_min."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pts = integer_models_alpha_r(max_charge)
    ncol = 2 if zoom is not None else 1
    fig, axes = plt.subplots(1, ncol, figsize=(7 * ncol, 5), squeeze=False)
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
    ax.set_title("Model plane of Eq. 4.4, m_X = 200 MeV (grey: Δχ²_min > 4)", fontsize=10)
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
    fig.colorbar(cs, ax=axes.ravel().tolist(), label="Δχ²_min (a_μ + Borexino + NSI + NA64/BaBar)")
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return out
