"""Recast of r-value grids (LHCb displaced A' -> mu mu, arXiv:1710.02867, 1910.06926).

LHCb published, for the dark photon, r(m, eps) = (signal excluded at 90 % CL)/(signal predicted) on a
grid of (m, eps) (stored as given, :class:`.registry_2023.RGrid`; r < 1 is excluded). The displaced
selection's efficiency depends on the A' only through its mass and proper lifetime tau, and the
production (a fixed mixture of meson decays and Drell-Yan, :mod:`.production`) scales with the
coupling squared. A model X at coupling g therefore has the acceptance of the dark photon *of the same
lifetime*, i.e. at the dark-photon coupling g_1 with g_1^2 Gamma_1,A'(m) = g^2 Gamma_1,X(m), and its
signal relative to the excluded one is

    R(m, g) = Pi(m) (g^2 / g_1^2) (BR_X(mu mu) / BR_A'(mu mu)) / r(m, eps_1 = g_1/e)
            = Pi (Gamma_1,A' / Gamma_1,X) (BR_X / BR_A') / r(m, eps_1),          R >= 1 excluded

(the construction of DarkCast's r-value recast, Ilten et al. arXiv:1801.04847 Sec. 2; R = 1/r for the
dark photon itself). log r is interpolated bilinearly in (m, log eps). Outside the grid
(eps_1 below 3.2e-6 or above 3.2e-4 for the 2019 grid) R = 0: no exclusion is claimed there (DarkCast
extrapolates the efficiency beyond the grid edge; every dark-photon island lies well inside it,
r >= 3.2 / 52.8 on the small-eps edge and >= 9.7 / 1e9 on the large-eps edge of the 2017 / 2019 grids).
"""
from __future__ import annotations

import numpy as np

from ...constants import E_CHARGE
from .registry_2023 import RGrid

_LOG_E = np.log(E_CHARGE)


def log_eps_equivalent(u, width1_x, width1_ref):
    """log eps_1 of the dark photon with the lifetime of X at coupling^2 u."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return 0.5 * np.log(u * width1_x / width1_ref) - _LOG_E


def ratio(grid: RGrid, m, u, A, width1_x, br_ref, width1_ref) -> np.ndarray:
    """R at masses m and couplings^2 u for a model with A = Pi BR_X(mu mu) and total width width1_x
    per unit g^2; the dark photon has BR br_ref and width width1_ref per unit g^2 at m."""
    m, u, A, wx, br, wr = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in
                                               (m, u, A, width1_x, br_ref, width1_ref)))
    ok = (u > 0) & (A > 0) & (wx > 0) & (br > 0) & (wr > 0)
    out = np.zeros(m.shape)
    if not np.any(ok):
        return out
    le = log_eps_equivalent(u[ok], wx[ok], wr[ok])
    lr = grid.log_r_at(m[ok], le)
    inside = np.isfinite(lr)
    val = np.zeros(lr.shape)
    val[inside] = (A[ok][inside] / br[ok][inside] * wr[ok][inside] / wx[ok][inside]
                   * np.exp(-lr[inside]))
    out[ok] = val
    return out


def _crossings(x, d):
    """Intervals of x where the piecewise-linear d(x) <= 0 (x increasing): list of (a, b); an interval
    that reaches the end of x is closed there (the grid edge)."""
    neg = d <= 0
    if not np.any(neg):
        return []
    out = []
    j = 0
    n = x.size
    while j < n:
        if not neg[j]:
            j += 1
            continue
        if j == 0:
            a = x[0]
        else:  # d[j-1] > 0 >= d[j]
            a = x[j - 1] + (x[j] - x[j - 1]) * d[j - 1] / (d[j - 1] - d[j])
        k = j
        while k + 1 < n and neg[k + 1]:
            k += 1
        if k == n - 1:
            b = x[-1]
        else:  # d[k] <= 0 < d[k+1]
            b = x[k] + (x[k + 1] - x[k]) * (-d[k]) / (d[k + 1] - d[k])
        out.append((a, b))
        j = k + 1
    return out


def bands(grid: RGrid, m, A, width1_x, br_ref, width1_ref) -> list[np.ndarray]:
    """Excluded g intervals at each mass (list of (k, 2) arrays of g_X): where log r(m, eps_1) <=
    log[Pi (Gamma_1,A'/Gamma_1,X) BR_X/BR_A']; exact for the bilinear interpolant (log r is linear in
    log eps between grid couplings at fixed m)."""
    m, A, wx, br, wr = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in
                                            (m, A, width1_x, br_ref, width1_ref)))
    out = []
    le = grid.log_eps
    for i in range(m.size):
        if not (A.flat[i] > 0 and wx.flat[i] > 0 and br.flat[i] > 0 and wr.flat[i] > 0):
            out.append(np.empty((0, 2)))
            continue
        lr = grid.log_r_at(np.full(le.shape, m.flat[i]), le)
        if not np.all(np.isfinite(lr)):  # mass outside the grid
            out.append(np.empty((0, 2)))
            continue
        logC = np.log(A.flat[i] / br.flat[i] * wr.flat[i] / wx.flat[i])
        iv = _crossings(le, lr - logC)
        scale = E_CHARGE * np.sqrt(wr.flat[i] / wx.flat[i])  # g_X = e eps_1 sqrt(Gamma_A'/Gamma_X)
        out.append(np.array([[scale * np.exp(a), scale * np.exp(b)] for a, b in iv]).reshape(-1, 2))
    return out
