"""The target nucleus of the equivalent-photon approximation: form factors and photon flux.

Iron (Z = 26, A = 56, the CCFR target). Helm form factor with the Lewin–Smith parameters
(J.D. Lewin, P.F. Smith, Astropart. Phys. 6 (1996) 87), a dipole alternative, the proton dipole
form factor with Fermi-gas Pauli blocking for the diffractive part, and the photon-flux integral
Φ(x) in the Weizsäcker–Williams ("ww") or leading-log ("log") form (package docstring).
"""
from __future__ import annotations

import numpy as np

from ...constants import HBARC_GEV_FM
from ...errors import LikelihoodError

#: CCFR target nucleus: iron (Z, A)
Z_FE, A_FE = 26, 56

# ---------------------------------------------------------------------------------------------
# nucleus: form factor and photon flux
# ---------------------------------------------------------------------------------------------
def helm_form_factor(q, a_mass=A_FE):
    """Helm form factor F(q) (q = |q⃗| in GeV), Lewin–Smith parameters, F(0) = 1."""
    q = np.asarray(q, dtype=float)
    c = 1.23 * a_mass ** (1 / 3) - 0.60
    a, sk = 0.52, 0.9
    r1 = np.sqrt(c ** 2 + 7 / 3 * np.pi ** 2 * a ** 2 - 5 * sk ** 2)   # fm
    x = q * r1 / HBARC_GEV_FM
    qs = q * sk / HBARC_GEV_FM
    with np.errstate(invalid="ignore", divide="ignore"):
        j1 = (np.sin(x) - x * np.cos(x)) / x ** 2
        f = np.where(x > 1e-4, 3 * j1 / x, 1.0 - x ** 2 / 10)
    return f * np.exp(-qs ** 2 / 2)


def dipole_form_factor(q, a_mass=A_FE):
    """Alternative F(q) = 1/(1 + q²r²/6)² with the same rms radius as the Helm charge radius."""
    c = 1.23 * a_mass ** (1 / 3) - 0.60
    r2 = 3 / 5 * (c ** 2 + 7 / 3 * np.pi ** 2 * 0.52 ** 2 - 5 * 0.9 ** 2) + 3 * 0.9 ** 2
    x2 = np.asarray(q, dtype=float) ** 2 * r2 / HBARC_GEV_FM ** 2
    return 1.0 / (1.0 + x2 / 12) ** 2


FORM_FACTORS = {"helm": helm_form_factor, "dipole": dipole_form_factor}


#: photon-flux forms: "ww" = Weizsäcker–Williams, ∫ dq² (q² − x)/q⁴ F² (the transverse-momentum
#: integral q_T²/(q_T² + q_min²)² of a charge moving past, q² = q_T² + q_min²); "log" = ∫ dq²/q² F²,
#: its leading-log simplification (drops the q_min²/q² term; overweights large s)
FLUX_FORMS = ("ww", "log")
DEFAULT_FLUX = "ww"


def photon_flux_integral(qmin2, form_factor="helm", n=200, flux=DEFAULT_FLUX):
    """Φ(x) = ∫_x^∞ dq² (q² − x)/q⁴ F(q²)² ("ww") or ∫_x^∞ dq²/q² F(q²)² ("log") for an array of
    lower limits x = q²_min [GeV²]; ``form_factor`` is a name of :data:`FORM_FACTORS` or F(|q|)."""
    if flux not in FLUX_FORMS:
        raise LikelihoodError(f"unknown photon flux {flux!r}; use one of {FLUX_FORMS}")
    ff = form_factor if callable(form_factor) else FORM_FACTORS[form_factor]
    qmin2 = np.atleast_1d(np.asarray(qmin2, dtype=float))
    # integrate in ln q² up to (5 GeV)², far beyond any nuclear form factor support
    hi = np.log(25.0)
    u, uw = np.polynomial.legendre.leggauss(n)
    lo = np.log(qmin2)
    t = 0.5 * (hi - lo)[:, None] * u[None, :] + 0.5 * (hi + lo)[:, None]
    q2 = np.exp(t)
    weight = ff(np.sqrt(q2)) ** 2
    if flux == "ww":
        weight = weight * (1.0 - qmin2[:, None] / q2)
    return np.sum(0.5 * (hi - lo)[:, None] * uw[None, :] * weight, axis=1)

#: proton dipole form-factor scale Λ² [GeV²] and the iron Fermi momentum [GeV] (Fermi-gas value)
PROTON_DIPOLE_LAMBDA2 = 0.71
K_FERMI_FE = 0.25
#: largest |q| of the photon for the proton (diffractive) component [GeV]
Q_MAX_PROTON = 2.0


def proton_form_factor(q):
    """Dipole G_E(q) = 1/(1 + q²/0.71 GeV²)² (q = |q⃗| in GeV)."""
    return 1.0 / (1.0 + np.asarray(q, dtype=float) ** 2 / PROTON_DIPOLE_LAMBDA2) ** 2


def pauli_blocking(q, k_f=K_FERMI_FE):
    """Fraction of a Fermi sea's protons that can absorb momentum q: 3q/4k_F − q³/16k_F³ below 2k_F."""
    x = np.asarray(q, dtype=float) / k_f
    return np.where(x < 2.0, 0.75 * x - x ** 3 / 16.0, 1.0)


def _proton_ff_blocked(q):
    return proton_form_factor(q) * np.sqrt(pauli_blocking(q))
