"""Atomic parity violation in ¹³³Cs: shift of the nuclear weak charge by X exchange.

Measured: Q_W^exp − Q_W^SM = 0.65 ± 0.43 for ¹³³Cs (Dzuba et al., arXiv:1207.5864, from the
measurement of Wood et al., Science 275 (1997) 1759), as used in arXiv:2203.13731 Sec. 5.1.

Formula. For atomic momentum transfers q² ≪ m_X² (contact limit, assumed by the paper for its mass
range), X exchange between the electron's axial current and the nucleons' vector currents gives,
in the convention L ⊃ g X f̄γ^μ(q_V − q_A γ5)f of Eq. 2.4 (the SM Z in this convention has
q_A^e ∝ T₃ and reproduces the PDG C_1q),

    L_eff ⊃ (g² q_A^e q_V^q / m_X²) (ē γ_μ γ5 e)(q̄ γ^μ q),   ΔC_1q = √2 g² q_A^e q_V^q / (G_F m_X²),

and with Q_W = −2 [Z(2C_1u + C_1d) + N(C_1u + 2C_1d)] (PDG) the shift of the weak charge is

    ΔQ_W = −(2√2 / G_F) (g² q_A^e / m_X²) (Z q_p + N q_n),     q_p = 2q_V^u + q_V^d, q_n = q_V^u + 2q_V^d.

This holds for general charges (models with quark charges too). For L̃_{μ−τ} (Eq. 5.1) q_A^e = −1,
the quarks couple only through kinetic mixing (q_p = εe/g_X, q_n = 0), and it reduces to Eq. 5.3,
ΔQ_W = Z εe g_X 2√2/(G_F m_X²), i.e. the effective interaction of Eq. 5.2. The (electron vector) ×
(nucleon axial) term is spin dependent and not coherent; it is neglected. Vector-like models
(q_A^e = 0) give ΔQ_W = 0 exactly.

Δχ² = ((ΔQ_W − 0.65)/0.43)²; in the SM (g_X = 0) it is (0.65/0.43)² = 2.285. The paper's 95% CL
bounds, Eq. 5.4, correspond to |ΔQ_W − 0.65| = 2 × 0.43 (Δχ² = 4) for both signs of ε.

Caveat: for m_X below ~ the inverse size of the region where the electron wave functions overlap
the nucleus (a few MeV) the contact approximation overestimates the effect; the supported mass
range starts at 10 MeV where it is adequate at the level of the paper's treatment.
"""
from __future__ import annotations

import math

import numpy as np

from ..constants import G_F
from ..errors import LikelihoodError
from ._chiral_inputs import term_inputs
from .base import gaussian_delta_chi2, one_point

DESCRIPTION = "atomic parity violation, 133Cs weak charge (Sec. 5.1, Eqs. 5.2-5.4)"




def inputs(data=None) -> dict:
    """The APV inputs: the measurement set's ``apv`` entry if it has one, else the package file."""
    return term_inputs("apv", data)


def delta_qw(cp, Z: float = 55.0, N: float = 78.0) -> np.ndarray:
    """ΔQ_W of a nucleus (Z protons, N neutrons) from X exchange, contact limit (see module doc)."""
    g2 = cp.g ** 2
    nucleus = Z * cp.qV["p"] + N * cp.qV["n"]
    return -(2.0 * math.sqrt(2.0) / G_F) * g2 * cp.qA["e"] * nucleus / cp.m ** 2


def delta_chi2(cp, data, **options) -> np.ndarray:
    """Δχ² = ((ΔQ_W − ΔQ_W^exp)/σ)² for ¹³³Cs (SM value 2.285 with the default inputs)."""
    if options:
        raise LikelihoodError(f"the apv term takes no options, got {sorted(options)}")
    inp = inputs(data)
    dq = delta_qw(cp, float(inp["Z"]), float(inp["N"]))
    return gaussian_delta_chi2(dq, float(inp["dQW"]), float(inp["dQW_unc"]))


def prepare(data, **options):
    """:func:`delta_chi2` with the inputs looked up once; one point on floats."""
    if options:
        raise LikelihoodError(f"the apv term takes no options, got {sorted(options)}")
    inp = inputs(data)
    Z, N, central, sigma = (float(inp[k]) for k in ("Z", "N", "dQW", "dQW_unc"))
    k = 2.0 * math.sqrt(2.0) / G_F

    def term(cp):
        if not one_point(cp):
            return gaussian_delta_chi2(delta_qw(cp, Z, N), central, sigma)
        g2 = float(cp.g) ** 2
        dq = -k * g2 * float(cp.qA["e"]) * (Z * float(cp.qV["p"]) + N * float(cp.qV["n"])) / float(cp.m) ** 2
        return np.float64(((dq - central) / sigma) ** 2)
    return term
