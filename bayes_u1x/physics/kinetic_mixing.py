"""Kinetic mixing induced at one loop by the model's own charged fermions.

A fermion f with electric charge Q_f and vector U(1)_X charge q_f in the loop connecting the photon
and X runs the mixing as dε/d ln μ = −e g_X N_c Q_f q_f/(6π²) above its mass (the U(1)×U(1) vacuum
polarisation; Holdom, Phys. Lett. B 166 (1986) 196). Starting from ε = 0 at a scale Λ_UV and running
down to μ_IR, with every fermion decoupled below its threshold m_f,

    εe/g_X = −(e²/6π²) Σ_{f: m_f < Λ_UV} N_c Q_f q_f ln(Λ_UV / max(m_f, μ_IR)),

for the vector charge q_f = (x_L + x_R)/2 (chiral models: the average of the two chiralities).

Two prescriptions of arXiv:2203.13731 are special cases:

* Eq. 5.5 — the muon loop between m_τ and m_μ, ε(m_μ) − ε(m_τ) = 13 e g_X ln(m_τ/m_μ)/(12π²) for
  L̃_{μ−τ} (q_V^μ = 13/2), the "ε ≳ g_X/10" of Fig. 6, and for L_μ−L_τ εe/g_X = e² ln(m_τ/m_μ)/(6π²)
  = 4.37·10⁻³ ("μ and τ running in the loop", Fig. 3): :func:`muon_loop_eps_ratio`;
* the model-dependent prior of ``priors/kinetic_mixing_loop.toml``: every SM fermion from
  Λ_UV = 1 TeV down to μ_IR = 10 MeV: :func:`one_loop_eps_ratio` with its defaults.

Thresholds: leptons at their masses; u, d at the charged-pion mass and s at the charged-kaon mass
(below the hadronic thresholds quarks are not dynamical); c, b at their MS-bar masses; t at its pole
mass (:mod:`bayes_u1x.constants`, PDG 2020).
"""
from __future__ import annotations

import math

from ..constants import (E_CHARGE, M_BOTTOM, M_CHARM, M_E, M_K_CHARGED, M_MU, M_PI_CHARGED, M_TAU,
                         M_TOP)
from ..errors import ParameterError
from ..models import get_model

#: threshold mass [GeV] of every SM fermion in the loop
THRESHOLDS = {"e": M_E, "mu": M_MU, "tau": M_TAU, "u": M_PI_CHARGED, "d": M_PI_CHARGED,
              "s": M_K_CHARGED, "c": M_CHARM, "b": M_BOTTOM, "t": M_TOP}
_ELECTRIC_CHARGE = {"e": -1.0, "mu": -1.0, "tau": -1.0, "u": 2 / 3, "c": 2 / 3, "t": 2 / 3,
                    "d": -1 / 3, "s": -1 / 3, "b": -1 / 3}
_QUARKS = ("u", "d", "s", "c", "b", "t")


def vector_charges(model) -> dict[str, float]:
    """Vector U(1)_X charge (x_L + x_R)/2 of every SM fermion of ``model`` (quarks flavour universal)."""
    model = get_model(model)
    q = {f: float(model.x_L[i] + model.x_E[i]) / 2 for i, f in enumerate(("e", "mu", "tau"))}
    qu, qd = float(model.x_Q + model.x_u) / 2, float(model.x_Q + model.x_d) / 2
    q.update({"u": qu, "c": qu, "t": qu, "d": qd, "s": qd, "b": qd})
    return q


def one_loop_eps_ratio(model, uv_scale: float = 1000.0, ir_scale: float = 0.01, fermions=None) -> float:
    """εe/g_X generated between ``uv_scale`` (where ε = 0) and ``ir_scale`` [GeV] (module docstring).

    ``fermions`` restricts the loop to some of e, mu, tau, u, d, s, c, b, t (default: all).
    """
    uv, ir = float(uv_scale), float(ir_scale)
    if not (math.isfinite(uv) and math.isfinite(ir) and 0 < ir < uv):
        raise ParameterError(f"need 0 < ir_scale < uv_scale (finite, GeV), got {ir_scale!r}, {uv_scale!r}")
    names = tuple(THRESHOLDS) if fermions is None else tuple(fermions)
    unknown = [f for f in names if f not in THRESHOLDS]
    if unknown:
        raise ParameterError(f"unknown fermion(s) {unknown} in the kinetic-mixing loop; use {tuple(THRESHOLDS)}")
    q = vector_charges(model)
    total = 0.0
    for f in names:
        m = THRESHOLDS[f]
        if m >= uv:
            continue
        nc = 3.0 if f in _QUARKS else 1.0
        total += nc * _ELECTRIC_CHARGE[f] * q[f] * math.log(uv / max(m, ir))
    return -E_CHARGE ** 2 / (6.0 * math.pi ** 2) * total


def muon_loop_eps_ratio(model) -> float:
    """εe/g_X of the muon loop between m_τ (ε = 0) and m_μ: Eq. 5.5's prescription (Figs. 3 and 6)."""
    return one_loop_eps_ratio(model, uv_scale=M_TAU, ir_scale=M_MU, fermions=("mu",))
