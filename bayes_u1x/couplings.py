"""Effective low-energy couplings of X to SM fermions (m_X << m_Z).

A parameter point is theta = (log10 g_X, r_eps = eps e / g_X, log10 m_X/GeV). After removing the
kinetic mixing (arXiv:2203.13731, Eq. 2.2) every fermion's charge is shifted by r_eps Q_f, where
Q_f is its electric charge; we use the small-eps form eps/sqrt(1-eps^2) e/g_X ≈ r_eps.

Interaction (Eq. 2.4, Eq. 3.23)::

    L ⊃ g_X X_mu fbar gamma^mu (q_V - q_A gamma_5) f + g_X q_nu X_mu nubar gamma^mu P_L nu.

For a chiral field content x_L (doublet) and x_E (singlet) ``q_V = (x_L + x_E)/2 + r_eps Q_f`` and
``q_A = (x_L - x_E)/2``, and neutrinos (left-handed, neutral) feel q_nu = x_L with no kinetic-mixing shift.
Nucleons (coherent vector currents): q_p = 2 q_V^u + q_V^d, q_n = q_V^u + 2 q_V^d; for
quark-universal vector-like models q_p = c_B + r_eps, q_n = c_B (Sec. 4.2).

All functions broadcast over arrays of points; every array in :class:`Couplings` has the
broadcast shape of (g, r_eps, m).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .constants import M_X_MAX, M_X_MIN
from .models import Model, get_model
from .parameters import validate_points

CHARGED_LEPTONS = ("e", "mu", "tau")
NEUTRINOS = ("nu_e", "nu_mu", "nu_tau")
QUARKS = ("u", "d", "s", "c")
NUCLEONS = ("p", "n")
FERMIONS = CHARGED_LEPTONS + NEUTRINOS + QUARKS + NUCLEONS
ELECTRIC_CHARGE = {"e": -1.0, "mu": -1.0, "tau": -1.0, "nu_e": 0.0, "nu_mu": 0.0, "nu_tau": 0.0,
                   "u": 2 / 3, "c": 2 / 3, "d": -1 / 3, "s": -1 / 3, "p": 1.0, "n": 0.0}


@dataclass(frozen=True)
class Couplings:
    """Effective X couplings at a batch of points.

    Attributes
    ----------
    g, r_eps, m : arrays of the broadcast point shape: g_X, eps e/g_X, m_X [GeV].
    qV, qA : dict fermion -> array. Vector/axial charges in the convention of Eq. 2.4
        (coupling = g * charge). For neutrinos qV = qA = q_nu/2 (pure P_L).
    q_nu : dict flavour ('e', 'mu', 'tau') -> left-handed neutrino charge array.
    """

    g: np.ndarray
    r_eps: np.ndarray
    m: np.ndarray
    qV: dict
    qA: dict
    q_nu: dict

    @property
    def shape(self):
        return self.g.shape

    def vector(self, f: str) -> np.ndarray:
        """Vector coupling g_X q_V^f."""
        return self.g * self.qV[f]

    def axial(self, f: str) -> np.ndarray:
        """Axial coupling g_X q_A^f."""
        return self.g * self.qA[f]


def _static_charges(model: Model):
    """Kinetic-mixing-independent (qV, qA) per fermion and q_nu per flavour (floats)."""
    qV, qA = {}, {}
    for i, lep in enumerate(CHARGED_LEPTONS):
        xl, xe = float(model.x_L[i]), float(model.x_E[i])
        qV[lep] = 0.5 * (xl + xe)
        qA[lep] = 0.5 * (xl - xe)
        qV["nu_" + lep] = 0.5 * xl
        qA["nu_" + lep] = 0.5 * xl
    xQ, xu, xd = float(model.x_Q), float(model.x_u), float(model.x_d)
    for q, xr in (("u", xu), ("c", xu), ("d", xd), ("s", xd)):
        qV[q] = 0.5 * (xQ + xr)
        qA[q] = 0.5 * (xQ - xr)
    qV["p"] = 2 * qV["u"] + qV["d"]
    qV["n"] = qV["u"] + 2 * qV["d"]
    # nucleon axial couplings are spin dependent and play no role in coherent processes
    qA["p"] = 0.0
    qA["n"] = 0.0
    q_nu = {lep: float(model.x_L[i]) for i, lep in enumerate(CHARGED_LEPTONS)}
    return qV, qA, q_nu


#: id(model) -> (model, static charges, one-point arrays): a Model is frozen, its charges never change
_STATIC: dict = {}


def _static_entry(model: Model):
    hit = _STATIC.get(id(model))
    if hit is None or hit[0] is not model:
        if len(_STATIC) > 4096:
            _STATIC.clear()
        sV, sA, snu = _static_charges(model)
        one = (tuple((f, sV[f], ELECTRIC_CHARGE[f]) for f in FERMIONS), {f: sA[f] + 0.0 for f in FERMIONS},
               {k: v + 0.0 for k, v in snu.items()})
        hit = _STATIC[id(model)] = (model, (sV, sA, snu), one)
    return hit


def static_charges(model: Model):
    """:func:`_static_charges` of ``model``, computed once per model object (read-only: do not modify)."""
    return _static_entry(model)[1]


def _plain_point(g, r_eps, m, check_mass_range):
    """(g, r_eps, m) as numpy float scalars when all three are numbers or 0-d arrays that are plainly
    valid (finite, g >= 0, and M_X_MIN <= m <= M_X_MAX when the range is checked), else None.

    A subset of what :func:`~bayes_u1x.parameters.validate_points` accepts; everything else (arrays,
    bad values, masses in its rounding slack) goes through it, so errors and messages are its own.
    Numpy scalars keep the arithmetic of the terms on one point several times faster than 0-d arrays.
    """
    if type(g) is float and type(r_eps) is float and type(m) is float:
        gf, rf, mf = g, r_eps, m
    else:
        if np.ndim(g) or np.ndim(r_eps) or np.ndim(m):
            return None
        try:
            gf, rf, mf = float(g), float(r_eps), float(m)
        except (TypeError, ValueError):
            return None
    if not (0.0 <= gf < math.inf and -math.inf < rf < math.inf):
        return None
    if not ((M_X_MIN <= mf <= M_X_MAX) if check_mass_range else (0.0 < mf < math.inf)):
        return None
    return np.float64(gf), np.float64(rf), np.float64(mf)


def effective_couplings(model, g, r_eps, m, check_mass_range: bool = True) -> Couplings:
    """Effective vector/axial charges of every fermion at the points (g_X, r_eps, m_X).

    ``model`` may be a :class:`~bayes_u1x.models.Model` or anything :func:`get_model` accepts.
    A single point given as numbers (or 0-d arrays) gets numpy float scalars for g, r_eps, m and
    Python floats for the charges (several times cheaper arithmetic than 0-d arrays).
    """
    model = get_model(model)
    plain = _plain_point(g, r_eps, m, check_mass_range)
    if plain is not None:
        g, r_eps, m = plain
        rows, qA1, q_nu1 = _static_entry(model)[2]
        r = float(r_eps)
        # the same sums as below on floats (the charges of one point are Python floats)
        return Couplings(g=g, r_eps=r_eps, m=m, qV={f: s + r * q for f, s, q in rows}, qA=dict(qA1),
                         q_nu=dict(q_nu1))
    g, r_eps, m = validate_points(g, r_eps, m, check_mass_range=check_mass_range)
    zero = 0.0 * r_eps
    sV, sA, snu = static_charges(model)
    qV = {f: sV[f] + r_eps * ELECTRIC_CHARGE[f] for f in FERMIONS}
    qA = {f: sA[f] + zero for f in FERMIONS}
    q_nu = {k: v + zero for k, v in snu.items()}
    return Couplings(g=g, r_eps=r_eps, m=m, qV=qV, qA=qA, q_nu=q_nu)
