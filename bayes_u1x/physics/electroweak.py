"""Z–X mixing after electroweak symmetry breaking (arXiv:2203.13731, Sec. 3.1) — pure functions.

Kinetic mixing with hypercharge, ½ ε_Y B_μν X^μν (Eq. 3.1), mixes the X with both the photon and the
Z. With ε̂_Y = ε_Y/√(1−ε_Y²) (Eq. 3.7) and r_X = m_X/m_Z0 (m_X the physical X mass, m_Z0 the SM Z
mass, for which we use the measured m_Z at tree level as the paper does):

* Z–X mixing angle, Eq. 3.6 (both branches)::

      t_θ = s_w ε̂_Y/(1 − r_X²)        if |s_w ε̂_Y| < |1 − r_X²|
      t_θ = (1 − r_X²)/(s_w ε̂_Y)      otherwise (X and Z nearly degenerate)

* ρ₀ and the oblique parameter T, Eqs. 3.11–3.12 (ρ₀ is exact at tree level: it follows from
  the trace and determinant of the 2×2 mass matrix; T uses the paper's linearisation
  ρ₀ − 1 ≃ α(m_Z) T)::

      ρ₀ = (1 − r_X²)/(1 − r_X² + s_w² ε̂_Y²),   T = −(1/α(m_Z)) s_w² ε̂_Y²/(1 − r_X² + s_w² ε̂_Y²)

  For 1 < r_X² ≤ 1 + s_w² ε̂_Y² no physical spectrum has an X of that mass (level repulsion);
  :func:`t_parameter` returns NaN there and :func:`is_physical` is False.

* Effective X current, Eq. 3.10 (any branch) / Eq. 3.18 (upper branch)::

      J_X,eff = J_X + c_w c_θ ε̂_Y (e/g_X) J_A + c_θ (g_Z/g_X)(t_θ − s_w ε̂_Y) J_Z

  with J_A = Σ Q_f f̄γf and J_Z = Σ f̄γ(T₃ P_L − s_w² Q_f)f. In the package convention
  (g_X f̄γ(q_V − q_A γ5)f, Eq. 2.4) the photon piece shifts q_V by c_w c_θ ε̂_Y (e/g_X) Q_f
  (→ εe/g_X · Q_f with ε = c_w ε_Y, Eq. 3.19, for m_X ≪ m_Z), and the Z piece adds
  κ(T₃/2 − s_w² Q_f) to q_V, κ T₃/2 to q_A and κ T₃ to the left-handed neutrino charge, with
  κ g_X = c_θ g_Z (t_θ − s_w ε̂_Y).  Functions here return *couplings* (charge × g_X) so that
  g_X never has to be divided out.

* Z-pole lepton universality, Eqs. 3.16–3.17 (R_μe = Γ(Z→μμ)/Γ(Z→ee) = 1.0009 ± 0.0028, LEP).

Conventions: s_w² = MS-bar sin²θ_W(m_Z) (PDG20), α(m_Z) = 1/127.952, e = √(4πα(0)),
g_Z = e/(s_w c_w). All functions broadcast over numpy arrays.
"""
from __future__ import annotations

import numpy as np

from ..constants import ALPHA_MZ, CW2_MZ, E_CHARGE, M_Z, SW2_MZ
from ..errors import ParameterError

S_W = float(np.sqrt(SW2_MZ))
C_W = float(np.sqrt(CW2_MZ))
#: Z coupling g_Z = e/(s_w c_w)
G_Z = E_CHARGE / (S_W * C_W)

#: LEP lepton-universality ratio R_μe = Γ(Z→μμ)/Γ(Z→ee), Eq. 3.16 (ALEPH/DELPHI/L3/OPAL/SLD,
#: Phys. Rept. 427 (2006) 257, hep-ex/0509008)
R_MUE = (1.0009, 0.0028)

#: isospin T3 and electric charge Q of the left-handed component (charged leptons, neutrinos)
_T3 = {"e": -0.5, "mu": -0.5, "tau": -0.5, "nu": 0.5}
_Q = {"e": -1.0, "mu": -1.0, "tau": -1.0, "nu": 0.0}




def _check(eps_y, m_x):
    eps_y = np.asarray(eps_y, dtype=float)
    m_x = np.asarray(m_x, dtype=float)
    if np.any(~np.isfinite(eps_y)) or np.any(np.abs(eps_y) >= 1.0):
        raise ParameterError("kinetic mixing eps_Y must be finite with |eps_Y| < 1")
    if np.any(~np.isfinite(m_x)) or np.any(m_x <= 0):
        raise ParameterError("m_X must be finite and positive")
    return eps_y, m_x


def eps_hat(eps_y):
    """ε̂_Y = ε_Y/√(1−ε_Y²) (Eq. 3.7)."""
    eps_y = np.asarray(eps_y, dtype=float)
    return eps_y / np.sqrt(1.0 - eps_y ** 2)


def eps_y_from_eps(eps):
    """ε_Y = ε/c_w (Eq. 3.19), ε the low-energy photon kinetic mixing of Eq. 2.1."""
    return np.asarray(eps, dtype=float) / C_W


def eps_from_r_eps(r_eps, g):
    """Low-energy ε = r_ε g_X/e from the package parameter r_ε = εe/g_X."""
    return np.asarray(r_eps, dtype=float) * np.asarray(g, dtype=float) / E_CHARGE


def degenerate_branch(eps_y, m_x):
    """True where |s_w ε̂_Y| > |1 − r_X²| (lower branch of Eq. 3.6)."""
    eps_y, m_x = _check(eps_y, m_x)
    a = S_W * eps_hat(eps_y)
    return np.abs(a) > np.abs(1.0 - (m_x / M_Z) ** 2)


def tan_theta(eps_y, m_x):
    """Z–X mixing t_θ, Eq. 3.6, both branches."""
    eps_y, m_x = _check(eps_y, m_x)
    a = S_W * eps_hat(eps_y)
    d = 1.0 - (m_x / M_Z) ** 2
    upper = np.abs(a) < np.abs(d)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(upper, a / np.where(d == 0, 1.0, d), d / np.where(a == 0, 1.0, a))
    return t


def is_physical(eps_y, m_x):
    """False where no tree-level spectrum has an X of mass m_X (1 < r_X² ≤ 1 + s_w² ε̂_Y²)."""
    eps_y, m_x = _check(eps_y, m_x)
    d = 1.0 - (m_x / M_Z) ** 2
    return ((d + SW2_MZ * eps_hat(eps_y) ** 2) * d > 0) | (eps_y == 0)


def rho0(eps_y, m_x):
    """ρ₀ = m_Z0²/m_Z² (Eq. 3.11); NaN where unphysical."""
    eps_y, m_x = _check(eps_y, m_x)
    d = 1.0 - (m_x / M_Z) ** 2
    den = d + SW2_MZ * eps_hat(eps_y) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den * d > 0, d / np.where(den == 0, 1.0, den), np.nan)
    return np.where(eps_y == 0, 1.0, out)


def t_parameter(eps_y, m_x):
    """Oblique T from Z–X mixing, Eq. 3.12 (exactly 0 at ε_Y = 0; NaN where unphysical)."""
    eps_y, m_x = _check(eps_y, m_x)
    d = 1.0 - (m_x / M_Z) ** 2
    a2 = SW2_MZ * eps_hat(eps_y) ** 2
    den = d + a2
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(den * d > 0, -a2 / (ALPHA_MZ * np.where(den == 0, 1.0, den)), np.nan)
    return np.where(eps_y == 0, 0.0, t)


def t_parameter_light(eps_y):
    """Eq. 3.13: T ≃ −s_w² ε_Y²/α(m_Z) (m_X ≪ m_Z, small ε_Y)."""
    return -SW2_MZ * np.asarray(eps_y, dtype=float) ** 2 / ALPHA_MZ


def current_coefficients(eps_y, m_x):
    """(photon, Z) coefficients of the effective X current, times g_X (Eq. 3.10).

    Returns ``(k_A, k_Z)`` such that the X coupling of a fermion is
    g_X x_f + k_A Q_f + k_Z (T₃ P_L − s_w² Q_f), i.e. k_A = e c_w c_θ ε̂_Y and
    k_Z = g_Z c_θ (t_θ − s_w ε̂_Y). Both vanish at ε_Y = 0.
    """
    eps_y, m_x = _check(eps_y, m_x)
    eh = eps_hat(eps_y)
    t = tan_theta(eps_y, m_x)
    c = 1.0 / np.sqrt(1.0 + t ** 2)
    return E_CHARGE * C_W * c * eh, G_Z * c * (t - S_W * eh)


def lepton_couplings(gx_l, gx_e, eps_y, m_x, lepton: str = "mu"):
    """Effective X couplings (g q_V, g q_A, g q_ν) of a lepton generation, Eqs. 3.10/3.18.

    ``gx_l`` = g_X x_L (doublet), ``gx_e`` = g_X x_E (singlet); convention of Eq. 2.4/3.23:
    L ⊃ X ℓ̄γ(g q_V − g q_A γ5)ℓ + g q_ν X ν̄γP_Lν.
    """
    if lepton not in ("e", "mu", "tau"):
        raise ParameterError(f"unknown lepton {lepton!r}; use 'e', 'mu' or 'tau'")
    k_a, k_z = current_coefficients(eps_y, m_x)
    gx_l = np.asarray(gx_l, dtype=float)
    gx_e = np.asarray(gx_e, dtype=float)
    t3, q = _T3[lepton], _Q[lepton]
    g_v = 0.5 * (gx_l + gx_e) + k_a * q + k_z * (0.5 * t3 - SW2_MZ * q)
    g_a = 0.5 * (gx_l - gx_e) + k_z * 0.5 * t3
    g_nu = gx_l + k_z * _T3["nu"]
    return g_v, g_a, g_nu


def delta_r_mue(gx_l1, gx_e1, gx_l2, gx_e2, eps_y, m_x):
    """Leading NP shift of R_μe = Γ(Z→μμ)/Γ(Z→ee), Eq. 3.17 (charges times g_X as inputs).

    The shift is::

        δR_μe ≃ 4/(1 − 4s_w² + 8s_w⁴) (t_θ/g_Z) [g x_L2 − g x_L1 + 2s_w²(g x_L1 + g x_E1 − g x_L2 − g x_E2)]
    """
    t = tan_theta(eps_y, m_x)
    bracket = (np.asarray(gx_l2) - gx_l1
               + 2.0 * SW2_MZ * (np.asarray(gx_l1) + gx_e1 - gx_l2 - gx_e2))
    return 4.0 / (1.0 - 4.0 * SW2_MZ + 8.0 * SW2_MZ ** 2) * t / G_Z * bracket
