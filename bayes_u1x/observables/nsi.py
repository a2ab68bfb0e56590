"""NSI in neutrino oscillations: matter effects of X exchange (arXiv:2203.13731, Sec. 3.3, App. A).

Measured: the global fit of oscillation data with flavour-diagonal non-standard matter potentials
(Coloma, Esteban, Gonzalez-Garcia, Maltoni, arXiv:2009.14220, ref. [71]), approximated by the
Gaussian χ² of App. A. X exchange at zero momentum transfer gives (Eqs. A.1–A.5)

    Ē_α = (x_e + x_p + Ȳ_n x_n) x_α ε₀,   ε₀ = g_X² / (√2 G_F m_X²)   (Eq. A.3),

with the *model* vector charges of electron, proton and neutron (x_p = x_n = x_B for quark-universal
models, Eq. A.4) and the left-handed neutrino charges x_α. Kinetic mixing does not enter: it cancels
in neutral matter (footnote 13), so the r_ε shift of the effective charges is undone here. For a
purely axial electron coupling (chiral L̃_μ−τ, Sec. 5) only the vector charge enters and NSI vanish.

    Δχ²_NSI = (Ē − Ē⁰)ᵀ C⁻¹ (Ē − Ē⁰) − Ē⁰ᵀ C⁻¹ Ē⁰   (Eq. A.12),  floored at 0 (App. B),

so it is 0 in the SM. The parameters Ē⁰, C (σ_α, ρ_αβ, Eq. A.7) and Ȳ_n are the refit of Table 3
from Table 2 (:mod:`bayes_u1x.physics.nsi_refit`), shipped in ``bayes_u1x/data/nsi_parameters.toml``; the
default holds Ȳ_n = 1.04 (the paper's value; the Earth average is 1.051). Alternatives are selected
with ``params=<name>`` (see :func:`bayes_u1x.physics.nsi_parameters.available_sets`) or by passing an
:class:`~bayes_u1x.physics.nsi_parameters.NSIParams`.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ..constants import G_F
from ..physics.nsi_parameters import NSIParams, resolve
from .base import one_point

DESCRIPTION = "NSI in neutrino oscillations (App. A, Eq. A.12)"

FLAVOURS = ("e", "mu", "tau")


@lru_cache(maxsize=64)
def _precomputed(p: NSIParams):
    cinv = np.linalg.inv(p.covariance())
    return cinv, cinv @ np.asarray(p.E0, dtype=float)


def matter_charge(cp, Yn: float) -> np.ndarray:
    """x_e + x_p + Ȳ_n x_n from the model vector charges (kinetic-mixing shift removed)."""
    x_e = cp.qV["e"] + cp.r_eps       # Q_e = -1
    x_p = cp.qV["p"] - cp.r_eps       # Q_p = +1
    x_n = cp.qV["n"]
    return x_e + x_p + Yn * x_n


def eps0(cp) -> np.ndarray:
    """ε₀ = g_X²/(√2 G_F m_X²) (Eq. A.3)."""
    return cp.g ** 2 / (math.sqrt(2.0) * G_F * cp.m ** 2)


def potentials(cp, params="default") -> np.ndarray:
    """Ē_α (α = e, μ, τ) of Eq. A.5, shape cp.shape + (3,)."""
    p = resolve(params)
    f = matter_charge(cp, p.Yn) * eps0(cp)
    return np.stack([f * cp.q_nu[a] for a in FLAVOURS], axis=-1)


def delta_chi2_raw(cp, params="default") -> np.ndarray:
    """Eq. A.12 without the floor (can be negative)."""
    p = resolve(params)
    cinv, cinv_e0 = _precomputed(p)
    e = potentials(cp, p)
    return np.einsum("...i,ij,...j->...", e, cinv, e) - 2.0 * (e @ cinv_e0)


def delta_chi2(cp, data=None, params="default") -> np.ndarray:
    """Δχ²_NSI osc. = max(Eq. A.12, 0) (App. B); 0 in the SM. ``data`` is not used (App. A)."""
    return np.maximum(delta_chi2_raw(cp, params), 0.0)


def prepare(data=None, params="default"):
    """:func:`delta_chi2` with the parameter set resolved once; one point on floats."""
    p = resolve(params)
    cinv, cinv_e0 = _precomputed(p)
    C, v = cinv.tolist(), cinv_e0.tolist()
    yn = float(p.Yn)
    k = math.sqrt(2.0) * G_F

    def term(cp):
        if not one_point(cp):
            return delta_chi2(cp, data, p)
        r = float(cp.r_eps)
        f = ((float(cp.qV["e"]) + r) + (float(cp.qV["p"]) - r) + yn * float(cp.qV["n"])) * (
            float(cp.g) ** 2 / (k * float(cp.m) ** 2))
        e = [f * float(cp.q_nu[a]) for a in FLAVOURS]
        quad = sum(e[i] * C[i][j] * e[j] for i in range(3) for j in range(3))
        return np.float64(max(quad - 2.0 * (e[0] * v[0] + e[1] * v[1] + e[2] * v[2]), 0.0))
    return term
