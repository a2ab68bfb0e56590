"""Muon anomalous magnetic moment, Δa_μ.

Measured: Δa_μ = a_μ^exp − a_μ^SM. Data set "2021" (arXiv:2203.13731, Eq. 2.5 and App. B):
a_μ^exp = 116592061(41)e−11 (arXiv:2104.03281), a_μ^SM = 116591810(43)e−11 (arXiv:2006.04822),
Δa_μ = 251 ± 59.4 (×1e−11). Data set "2025": 116592071.5(14.5) (arXiv:2506.03069) and
116592033(62) (arXiv:2505.21476).

Formula: full one-loop X contribution with vector and axial couplings (Eq. 2.4), reducing to both
lines of Eq. 2.5 (``docs/conventions.md``; Jegerlehner & Nyffeler, arXiv:0902.3360):

    Δa_μ^V =  g² q_V²/(4π²) ∫₀¹ dx m_μ² x²(1−x) / (m_μ² x² + m_X² (1−x))
    Δa_μ^A = −g² q_A²/(4π²) ∫₀¹ dx m_μ² [x(1−x)(4−x) + 2x³ m_μ²/m_X²] / (m_μ² x² + m_X² (1−x))

Δχ² = ((Δa_μ^NP − Δa_μ^exp)/σ)² (Eq. B.2); at g_X = 0 it is the SM value 17.8 (2021 set).
The integrals are evaluated by fixed Gauss–Legendre quadrature (vectorised; checked against
adaptive quadrature in the tests). The terms (this one and ``ae``) read them from a table of that
quadrature (:func:`lepton_loop_functions`: cubic spline of ln F_V and ln(ρ F_A) in ln(m_X/m_l), 400
nodes per decade, relative difference < 1e-12; the quadrature outside it).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy.interpolate import CubicSpline

from ..constants import M_MU
from .base import gaussian_delta_chi2, one_point

DESCRIPTION = "muon g-2 (Eq. 2.5, B.2)"

_X, _W = np.polynomial.legendre.leggauss(128)
_X = 0.5 * (_X + 1.0)
_W = 0.5 * _W


def loop_functions(m_x, m_l: float = M_MU):
    """(F_V, F_A): Δa = g²/(4π²) (q_V² F_V − q_A² F_A) for a lepton of mass m_l."""
    m_x = np.asarray(m_x, dtype=float)
    rho = (m_x / m_l)[..., None] ** 2  # m_X² / m_l²
    x = _X
    den = x ** 2 + rho * (1.0 - x)
    fv = np.sum(_W * x ** 2 * (1.0 - x) / den, axis=-1)
    fa = np.sum(_W * (x * (1.0 - x) * (4.0 - x) + 2.0 * x ** 3 / rho) / den, axis=-1)
    return fv, fa


#: table of the loop functions in x = ln(m_X/m_lepton) (they depend on ρ = e^{2x} only): range and
#: nodes per decade of m_X/m_lepton (muon: 0.7 MeV - 350 TeV, electron: 3 keV - 1.7 TeV)
_TABLE_X = (-5.0, 15.0)
_TABLE_PER_DECADE = 400


@lru_cache(maxsize=1)
def _loop_table():
    """Spline coefficients (intervals, 4, 2) of (ln F_V, ln(ρ F_A)) on a uniform grid in
    x = ln(m_X/m_l), the quadrature's own values at the nodes, plus the same as nested lists."""
    lo, hi = _TABLE_X
    n = int(round((hi - lo) * _TABLE_PER_DECADE / math.log(10.0))) + 1
    x = np.linspace(lo, hi, n)
    fv, fa = loop_functions(np.exp(x), 1.0)
    spline = CubicSpline(x, np.column_stack([np.log(fv), np.log(np.exp(2.0 * x) * fa)]))
    coef = np.ascontiguousarray(np.moveaxis(spline.c, 1, 0))          # (intervals, 4, 2)
    coef.flags.writeable = False
    return lo, hi, (hi - lo) / (n - 1), x, coef


def lepton_loop_functions(m_x, m_l: float = M_MU):
    """(F_V, F_A) of :func:`loop_functions` from the table (quadrature outside it): relative
    difference < 1e-12 (tests/test_amu.py)."""
    lo, hi, h, knots, coef = _loop_table()
    if isinstance(m_x, float):
        r = float(m_x) / m_l
        x = math.log(r) if r > 0 else -math.inf
        if not lo <= x <= hi:
            return loop_functions(m_x, m_l)
        i = min(int((x - lo) / h), coef.shape[0] - 1)
        dx = x - float(knots[i])
        (a3, b3), (a2, b2), (a1, b1), (a0, b0) = coef[i].tolist()   # no large Python lists: GC
        fv = math.exp(((a3 * dx + a2) * dx + a1) * dx + a0)
        fa = math.exp(((b3 * dx + b2) * dx + b1) * dx + b0) / r ** 2
        return np.float64(fv), np.float64(fa)
    m = np.asarray(m_x, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.log(m / m_l)
    inside = (x >= lo) & (x <= hi)
    if not inside.all():
        fv, fa = loop_functions(m, m_l)
        if inside.any():
            fv[inside], fa[inside] = lepton_loop_functions(m[inside], m_l)
        return fv, fa
    i = np.minimum(((x - lo) / h).astype(np.intp), coef.shape[0] - 1)
    dx = (x - knots[i])[..., None]
    c = coef[i]
    y = np.exp(((c[..., 0, :] * dx + c[..., 1, :]) * dx + c[..., 2, :]) * dx + c[..., 3, :])
    return y[..., 0], y[..., 1] / (m / m_l) ** 2


def muon_loop_functions(m_x):
    """:func:`lepton_loop_functions` of the muon."""
    return lepton_loop_functions(m_x, M_MU)


def delta_a(g_v, g_a, m_x, m_l: float = M_MU):
    """One-loop Δa_l for vector/axial couplings g_v = g q_V, g_a = g q_A (arrays)."""
    fv, fa = loop_functions(m_x, m_l)
    return (np.asarray(g_v) ** 2 * fv - np.asarray(g_a) ** 2 * fa) / (4.0 * np.pi ** 2)


def delta_a_mu(cp):
    """Δa_μ from X at the points of a :class:`~bayes_u1x.couplings.Couplings` (tabulated loop functions)."""
    fv, fa = muon_loop_functions(cp.m)
    return (np.asarray(cp.vector("mu")) ** 2 * fv - np.asarray(cp.axial("mu")) ** 2 * fa) / (4.0 * np.pi ** 2)


def delta_chi2(cp, data):
    central, sigma = data.delta_amu
    return gaussian_delta_chi2(delta_a_mu(cp), central, sigma)


def prepare(data):
    """:func:`delta_chi2` with the measurement looked up once; one point on floats."""
    central, sigma = (float(v) for v in data.delta_amu)
    k = 4.0 * np.pi ** 2

    def term(cp):
        if one_point(cp):
            fv, fa = muon_loop_functions(cp.m)
            g = float(cp.g)
            gv, ga = g * float(cp.qV["mu"]), g * float(cp.qA["mu"])
            return np.float64((((gv * gv * float(fv) - ga * ga * float(fa)) / k - central) / sigma) ** 2)
        return gaussian_delta_chi2(delta_a_mu(cp), central, sigma)
    return term


def couplings_for(delta_a_per_unit, target):
    """g_X giving Δa_μ = ``target`` when Δa_μ = g_X² × ``delta_a_per_unit`` (NaN where impossible)."""
    unit = np.asarray(delta_a_per_unit, dtype=float)
    target = np.asarray(target, dtype=float)
    ok = (unit > 0) & (target > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ok, np.sqrt(np.where(ok, target / np.where(unit > 0, unit, 1.0), 1.0)), np.nan)


def coupling_band(model, eps_ratio, m, data="2021", n_sigma: float = 2.0) -> dict:
    """The Δa_μ band in g_X at fixed εe/g_X: couplings of the central value and of its ±n_sigma edges.

    At fixed charges Δa_μ = g_X² Δa_μ(g_X = 1, m_X), so g = √(target/Δa_μ(1, m)) in closed form; NaN
    where Δa_μ(1, m) ≤ 0 (a dominant axial muon coupling) or the target is not positive. ``g_low``
    belongs to central − nσ. ``model=None`` gives the band of a pure vector coupling g q_V^μ = g.
    Returns {"m", "g_central", "g_low", "g_high", "delta_amu", "sigma", "n_sigma"}.
    """
    from ..couplings import effective_couplings
    from ..measurements import load_measurements

    m = np.asarray(m, dtype=float)
    if model is None:
        unit = delta_a(1.0, 0.0, m)
    else:
        cp = effective_couplings(model, np.ones_like(m), float(eps_ratio), m, check_mass_range=False)
        unit = delta_a(cp.vector("mu"), cp.axial("mu"), m)
    central, sigma = load_measurements(data).delta_amu
    return {"m": m, "g_central": couplings_for(unit, central),
            "g_low": couplings_for(unit, central - n_sigma * sigma),
            "g_high": couplings_for(unit, central + n_sigma * sigma),
            "delta_amu": central, "sigma": sigma, "n_sigma": n_sigma}
