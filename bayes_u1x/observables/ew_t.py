"""Electroweak oblique parameter T from Z–X mass mixing (arXiv:2203.13731, Sec. 3.1).

Measured: T = 0.03 ± 0.12 with S and U floating (PDG 2020 electroweak review, ref. [67] of the
paper; data set entries ``data["ew_t"]["T"]``, ``["T_unc"]``).

Formula: kinetic mixing with hypercharge ε_Y shifts the Z mass, Eqs. 3.11–3.12::

    T = −(1/α(m_Z)) s_w² ε̂_Y² / (1 − r_X² + s_w² ε̂_Y²),   ε̂_Y = ε_Y/√(1−ε_Y²), r_X = m_X/m_Z,

with ε_Y = ε/c_w (Eq. 3.19) and the low-energy ε = r_ε g_X/e (r_ε = εe/g_X the package
parameter, e = √(4πα(0))). For m_X ≪ m_Z, T ≃ −s_w² ε_Y²/α ≈ −30 ε_Y² (Eq. 3.13).

Δχ² = ((T − T_exp)/σ_T)²; in the SM (g_X = 0 or r_ε = 0) T = 0 and Δχ² = (0.03/0.12)² = 0.0625.
The term only depends on the kinetic mixing. At light m_X the one-sided 95% CL bound
(Δχ² − Δχ²_SM = 2.71) gives |ε_Y| < 0.076, Eq. 3.14.
"""
from __future__ import annotations

import math

import numpy as np

from ..constants import ALPHA_MZ, E_CHARGE, M_Z, SW2_MZ
from ..physics.electroweak import C_W, eps_from_r_eps, eps_y_from_eps, t_parameter
from .base import gaussian_delta_chi2, measurement, one_point

DESCRIPTION = "electroweak T parameter from Z-X mixing (Eq. 3.12)"

#: |ε_Y| above which the term is reported as excluded outright (|ε_Y| → 1 is unphysical)
_EPS_Y_CAP = 0.99
#: Δχ² assigned to unphysical points (|ε_Y| ≥ 0.99, or no spectrum with this m_X near m_Z)
UNPHYSICAL_CHI2 = 1e6


def t_value(cp):
    """T at the points of a :class:`~bayes_u1x.couplings.Couplings` (NaN where unphysical)."""
    eps_y = eps_y_from_eps(eps_from_r_eps(cp.r_eps, cp.g))
    bad = np.abs(eps_y) >= _EPS_Y_CAP
    t = t_parameter(np.where(bad, 0.0, eps_y), cp.m)
    return np.where(bad, np.nan, t)


def delta_chi2(cp, data):
    chi2 = gaussian_delta_chi2(t_value(cp), *measurement(data, "ew_t", "T", "T_unc"))
    return np.where(np.isfinite(chi2), chi2, UNPHYSICAL_CHI2)


def _chi2_one(g: float, r: float, m: float, central: float, sigma: float) -> float:
    """:func:`delta_chi2` at one point on floats (Eq. 3.12 as :func:`~bayes_u1x.physics.electroweak.t_parameter`)."""
    eps_y = r * g / E_CHARGE / C_W
    if abs(eps_y) >= _EPS_Y_CAP:
        return UNPHYSICAL_CHI2
    if eps_y == 0.0:
        t = 0.0
    else:
        d = 1.0 - (m / M_Z) ** 2
        a2 = SW2_MZ * (eps_y / math.sqrt(1.0 - eps_y ** 2)) ** 2
        den = d + a2
        if not den * d > 0:
            return UNPHYSICAL_CHI2
        t = -a2 / (ALPHA_MZ * den)
    return ((t - central) / sigma) ** 2


def prepare(data):
    """:func:`delta_chi2` with the measurement looked up once; one point on floats."""
    central, sigma = measurement(data, "ew_t", "T", "T_unc")

    def term(cp):
        if one_point(cp):
            return np.float64(_chi2_one(float(cp.g), float(cp.r_eps), float(cp.m), central, sigma))
        chi2 = gaussian_delta_chi2(t_value(cp), central, sigma)
        return np.where(np.isfinite(chi2), chi2, UNPHYSICAL_CHI2)
    return term
