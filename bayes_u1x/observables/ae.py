"""Electron anomalous magnetic moment, Δa_e = a_e^exp − a_e^SM.

Measured (arXiv:2203.13731 Sec. 5.2): a_e^exp (Hanneke et al., PRL 100 (2008) 120801) minus the SM
prediction (Aoyama, Kinoshita, Nio, Atoms 7 (2019) 28), which depends on the fine-structure
constant. The two most precise α determinations disagree by 5.4σ, so the term uses one of them:

    α from Cs (Parker et al., Science 360 (2018) 191):   Δa_e = (−8.8 ± 3.6)·10⁻¹³
    α from Rb (Morel et al., Nature 588 (2020) 61):      Δa_e = (+4.8 ± 3.0)·10⁻¹³

Option ``alpha="Cs" | "Rb"``; the default is **Rb**, which gives the stronger bound on an axial
electron coupling (its Δa_e is positive while an axial coupling contributes negatively, Eq. 5.6).

Formula: the full one-loop X contribution with vector and axial electron couplings, the same
function as for the muon (:func:`bayes_u1x.observables.amu.delta_a` with m_l = m_e; Eq. 2.5 and
Jegerlehner & Nyffeler, arXiv:0902.3360). For m_X ≫ m_e it reduces to
Δa_e = (g² / 12π²)(m_e²/m_X²)(q_V² − 5 q_A²), which with Δχ² = 4 gives the paper's Eq. 5.6,
g_X < 9.5·10⁻³ (m_X/GeV) √(−Δa_e^min/10⁻¹³) for L̃_{μ−τ} (q_A^e = −1): 1.2·10⁻² [Cs], 3.3·10⁻³ [Rb]
at m_X = 1 GeV. (The printed Eq. 5.6 omits the square root and the 10⁻¹³ unit.)

Δχ² = ((Δa_e^X − Δa_e)/σ)²; SM value (g_X = 0): 2.56 [Rb], 5.98 [Cs].
"""
from __future__ import annotations


import numpy as np

from ..constants import M_E
from ..errors import LikelihoodError
from ._chiral_inputs import term_inputs
from .amu import lepton_loop_functions
from .base import gaussian_delta_chi2, one_point

DESCRIPTION = "electron g-2 with alpha from Rb (default) or Cs (Sec. 5.2, Eq. 5.6)"

ALPHA_CHOICES = ("Cs", "Rb")




def inputs(data=None) -> dict:
    """The a_e inputs: the measurement set's ``ae`` entry if it has one, else the package file."""
    return term_inputs("ae", data)


def measurement(data=None, alpha: str | None = None) -> tuple[float, float]:
    """(central, sigma) of a_e^exp − a_e^SM for the chosen α input ("Cs" or "Rb")."""
    inp = inputs(data)
    choice = inp.get("default_alpha", "Rb") if alpha is None else alpha
    if not isinstance(choice, str) or choice not in ALPHA_CHOICES:
        raise LikelihoodError(f"unknown alpha input {choice!r} for the ae term; use 'Rb' (default) or 'Cs'")
    return float(inp[choice]), float(inp[choice + "_unc"])


def delta_a_e(cp) -> np.ndarray:
    """One-loop Δa_e from X at the points of a :class:`~bayes_u1x.couplings.Couplings`
    (:func:`~bayes_u1x.observables.amu.delta_a` with m_l = m_e, loop functions from the table)."""
    fv, fa = lepton_loop_functions(cp.m, M_E)
    return (np.asarray(cp.vector("e")) ** 2 * fv - np.asarray(cp.axial("e")) ** 2 * fa) / (4.0 * np.pi ** 2)


def delta_chi2(cp, data, alpha: str | None = None, **options) -> np.ndarray:
    """Δχ² = ((Δa_e^X − Δa_e^exp)/σ)² with α from ``alpha`` ("Rb" default, or "Cs")."""
    if options:
        raise LikelihoodError(f"unknown option(s) for the ae term: {sorted(options)}; the only option is alpha")
    central, sigma = measurement(data, alpha)
    return gaussian_delta_chi2(delta_a_e(cp), central, sigma)


def prepare(data, alpha: str | None = None, **options):
    """:func:`delta_chi2` with the measurement looked up once; one point on floats."""
    if options:
        raise LikelihoodError(f"unknown option(s) for the ae term: {sorted(options)}; the only option is alpha")
    central, sigma = measurement(data, alpha)
    k = 4.0 * np.pi ** 2

    def term(cp):
        if not one_point(cp):
            return gaussian_delta_chi2(delta_a_e(cp), central, sigma)
        fv, fa = lepton_loop_functions(cp.m, M_E)
        g = float(cp.g)
        gv, ga = g * float(cp.qV["e"]), g * float(cp.qA["e"])
        return np.float64((((gv * gv * float(fv) - ga * ga * float(fa)) / k - central) / sigma) ** 2)
    return term
