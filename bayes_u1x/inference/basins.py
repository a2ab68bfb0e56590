"""Starting points for the global minimum: every basin the physics has, not only a coarse grid.

The composite Δχ² of Sec. 4 / App. B is multimodal and partly narrow: the (g−2)_μ signal lives on a
thin sheet g_X ≈ g_sheet(εe/g_X, m_X) (Eq. 3.1 at fixed charges: Δa_μ ∝ g_X², so the sheet is known
in closed form), and the direct searches leave narrow mass windows open (the φ window, see
:mod:`.coverage`), far narrower than any affordable grid spacing in m_X. A grid-only profile
therefore misses minima (for the dark photon 4.9 instead of 1.45 at m_X = 1.02 GeV). The seeds here:

* :func:`sheet_points` — the g−2 sheet over a grid of (εe/g_X, m_X), refined inside every
  uncovered mass window of the model;
* :func:`best_distinct` — the best of any point cloud (prior draws, posterior samples, grid
  minima), one per basin.

The minimiser (:func:`~.profile.find_minima`) zooms and polishes the best of them with iminuit.
The dark photon (every charge zero) depends on g_X and εe/g_X only through ε = (εe/g_X) g_X / e:
:func:`canonical` moves such points onto εe/g_X = ±1, so the minimiser works in log10 ε.
"""
from __future__ import annotations

import math

import numpy as np

from ..constants import M_PHI
from ..parameters import NAMES as PARAM_NAMES

#: two points closer than this in every parameter (log10 g, εe/g_X, log10 m) are one basin
BASIN_SCALE = np.array([0.25, 1.0, 0.015])


def is_degenerate(lk) -> bool:
    """True when Δχ² depends on (g_X, εe/g_X) only through their product (the dark photon)."""
    model = getattr(lk, "model", None)
    return bool(getattr(model, "is_dark_photon", False))


def canonical(theta, bounds: dict) -> np.ndarray:
    """For a degenerate model: the same ε = r g/e on |r| = r0 (1, or the bound nearest 1), g clipped."""
    theta = np.array(theta, dtype=float, copy=True)
    lo_r, hi_r = bounds["eps_ratio"]
    r0 = min(max(1.0, lo_r), hi_r) if hi_r > 0 else max(min(-1.0, hi_r), lo_r)
    scale = np.abs(theta[..., 1]) / abs(r0)
    with np.errstate(divide="ignore"):
        theta[..., 0] = np.clip(theta[..., 0] + np.log10(np.where(scale > 0, scale, 1e-30)), *bounds["log10_g"])
    theta[..., 1] = r0
    return theta


def best_distinct(points, values, k: int, scale=BASIN_SCALE) -> list[np.ndarray]:
    """The best ``k`` points of a cloud, no two in the same basin (closer than ``scale`` in every θ)."""
    points = np.atleast_2d(np.asarray(points, dtype=float))
    values = np.asarray(values, dtype=float)
    order = np.argsort(np.where(np.isfinite(values), values, np.inf))
    kept: list[np.ndarray] = []
    for i in order:
        if not np.isfinite(values[i]) or len(kept) >= k:
            break
        if all(np.any(np.abs(points[i] - p) > scale) for p in kept):
            kept.append(points[i])
    return kept


def _unit_delta_amu(lk, r, m) -> np.ndarray:
    """Δa_μ at g_X = 1 (Δa_μ = g_X² × this at fixed εe/g_X)."""
    from ..couplings import effective_couplings
    from ..observables.amu import delta_a

    cp = effective_couplings(lk.model, np.ones_like(m), r, m, check_mass_range=False)
    return delta_a(cp.vector("mu"), cp.axial("mu"), cp.m)


def sheet_points(lk, bounds: dict, fixed_mass: float | None = None, n_r: int = 61, n_m: int = 80,
                 window_r=(-10.0, -3.0, 0.0, 3.0, 10.0)) -> np.ndarray:
    """θ on and below the g−2 sheet over an (εe/g_X, m_X) grid, shape (n, 3).

    On the sheet Δa_μ equals its central value. Free mass: ``n_m`` log-spaced masses; in addition,
    inside each uncovered mass window of the model's search coverage (at the εe/g_X values
    ``window_r``) 7 masses × a ladder of couplings from the sheet down by 10^2.5 — there the best
    point is often a compromise below the sheet that a coarse grid cannot resolve (e.g. (6; −9, −7, −2):
    Δχ² 18.11 at m_X = 1.02 GeV against 18.34 elsewhere). Points whose coupling leaves the g_X bounds,
    or where Δa_μ(g_X = 1) ≤ 0 (a dominant axial muon coupling), are dropped.
    """
    if not hasattr(lk, "model") or not hasattr(lk, "data"):
        return np.zeros((0, 3))
    from .coverage import windows

    lo_r, hi_r = bounds["eps_ratio"]
    r = np.unique(np.concatenate([np.linspace(lo_r, hi_r, n_r), np.clip([0.0], lo_r, hi_r)]))
    if is_degenerate(lk):
        r = np.array([canonical(np.array([0.0, 1.0, 0.0]), bounds)[1]])
    central = lk.data.delta_amu[0]

    def on_sheet(rr, lm, ladder=(0.0,)):
        R, LM, D = np.meshgrid(rr, lm, np.asarray(ladder, dtype=float), indexing="ij")
        unit = _unit_delta_amu(lk, R.ravel(), 10.0 ** LM.ravel())
        with np.errstate(invalid="ignore", divide="ignore"):
            lg = 0.5 * np.log10(np.where(unit > 0, central / unit, np.nan)) + D.ravel()
        pts = np.stack([lg, R.ravel(), LM.ravel()], axis=-1)
        return pts[np.isfinite(lg) & (lg >= bounds["log10_g"][0]) & (lg <= bounds["log10_g"][1])]

    if fixed_mass is not None:
        return on_sheet(r, np.array([math.log10(fixed_mass)]))
    lo_m, hi_m = bounds["log10_m"]
    out = [on_sheet(r, np.linspace(lo_m, hi_m, n_m))]
    masses = np.geomspace(10 ** lo_m, 10 ** hi_m, 600)
    inside = []
    for r0 in window_r:
        if lo_r <= r0 <= hi_r:
            for w in windows(lk, r0, masses=masses):
                inside.extend(np.linspace(math.log10(w.lo), math.log10(w.hi), 9)[1:-1])
                # at the φ mass itself X–φ mixing makes the hadronic width peak and the dimuon
                # searches lose reach in a window ~0.1 % wide, narrower than the 0.7 % steps above
                # (e.g. (3; −6, −5, 2): Δχ² 9.22 at m_X = 1.0190 GeV against 14.6 a step away)
                if w.lo < M_PHI < w.hi:
                    inside.extend(math.log10(M_PHI) + np.array([-4e-4, -2e-4, 0.0, 2e-4]))
    if inside:
        lm = np.unique(np.clip(inside, lo_m, hi_m))
        r_w = r if len(r) == 1 else np.linspace(lo_r, hi_r, 31)
        out.append(on_sheet(r_w, lm, ladder=np.linspace(-2.5, 0.5, 13)))
    return np.concatenate(out)


def uniform_points(bounds: dict, n: int, rng, fixed_mass: float | None = None) -> np.ndarray:
    """``n`` points uniform in the θ box (the default prior's shape), for models without a prior."""
    lo = np.array([bounds[k][0] for k in PARAM_NAMES])
    hi = np.array([bounds[k][1] for k in PARAM_NAMES])
    pts = lo + (hi - lo) * rng.random((n, 3))
    if fixed_mass is not None:
        pts[:, 2] = math.log10(fixed_mass)
    return pts
