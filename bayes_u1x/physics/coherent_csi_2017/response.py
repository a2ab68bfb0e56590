"""CEvNS event rates in the COHERENT CsI[Na] detector, per neutrino flavour, isotope and PE bin.

Physics (inputs and citations in ``bayes_u1x/data/coherent_csi_2017/README.md``):

* Stopped-pion source: prompt ν_μ line at E_π = (m_π² − m_μ²)/(2 m_π); delayed ν_e and ν̄_μ with
  the Michel shapes (192/m_μ) x²(1/2 − x) and (64/m_μ) x²(3/4 − x), x = E/m_μ ≤ 1/2; fluence per
  flavour 0.08·POT/(4πL²) (arXiv:1804.09459, arXiv:1708.01294).
* Cross section on a spin-0 nucleus of mass M (Freedman 1974; arXiv:2008.06062)::

      dσ/dT = G_F² M/(4π) Q_W(q²)² F²(q) (1 − M T/(2E²) − T/E),   q² = 2 M T,

  with the Klein–Nystrand form factor F (arXiv:1904.01155 eq. 2.5) and, with an X boson::

      Q_W(q²) = Q_W^SM − x / (q² + m_X²),    Q_W^SM = N − (1 − 4 sin²θ_W) Z.

  ``x`` (GeV²) is the new-physics strength of one flavour on one isotope (see
  :mod:`bayes_u1x.observables.coherent` for x in terms of the couplings and its sign).
* Detector: mean photo-electrons λ = LY·QF·T (constant QF, arXiv:1804.09459), Poisson statistics
  for the observed integer n, acceptance ε evaluated at the centre of the 1-PE bin of n, and 2-PE
  analysis bins [2j, 2j+2).  PE convention "floor" (default, = Denton–Gehrlein code): integer n
  belongs to the 1-PE bin [n, n+1); "ceil": to [n−1, n).

Because Q_W depends on T only, the energy integral is done analytically first::

    dN/dT = N_iso Φ G_F² M/(4π) F²(T) Q_W(T)² h(T),   h(T) = ∫_{E_min(T)} dE φ(E)(1 − MT/2E² − T/E),

and the recoil integral by Gauss–Legendre quadrature on [0, T_max^prompt] ∪ [T_max^prompt, T_max].
So each bin count is Σ_nodes w (Q_W^SM − x/(q²+m²))², i.e. A + x B(m) + x² C(m) (Sec. "tables").
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.polynomial import Polynomial
from scipy.special import gammaln

from ...constants import G_F, GEV2_TO_CM2, HBARC_GEV_FM, KEV, M_MU, M_PI_CHARGED, SW2_LOW
from .inputs import acceptance, detector, isotopes

#: Avogadro constant [1/mol], exact in the 2019 SI (CODATA18)
N_AVOGADRO = 6.02214076e23

#: the three beam neutrino species: (name, X-charge key in Couplings.q_nu, time structure)
FLAVOURS = (("nu_mu", "mu", "prompt"), ("nu_e", "e", "delayed"), ("nubar_mu", "mu", "delayed"))

PE_CONVENTIONS = ("floor", "ceil")
N_PE1 = 50               # 1-PE bins [k, k+1), k = 0..49 (the data range 0-50 PE)


def prompt_energy() -> float:
    """E of the π⁺ → μ⁺ ν_μ line at rest [GeV] (29.79 MeV)."""
    return (M_PI_CHARGED ** 2 - M_MU ** 2) / (2.0 * M_PI_CHARGED)


def _michel(name: str) -> Polynomial:
    """Normalised spectrum φ(E) [1/GeV] of ν_e or ν̄_μ from μ⁺ decay at rest, as a polynomial in E."""
    x = Polynomial([0.0, 1.0 / M_MU])
    if name == "nu_e":
        return (192.0 / M_MU) * x ** 2 * (0.5 - x)
    return (64.0 / M_MU) * x ** 2 * (0.75 - x)


def e_min(T, M):
    """Smallest neutrino energy able to give recoil T on mass M [GeV]."""
    return 0.5 * (T + np.sqrt(T * T + 2.0 * M * T))


def t_max(E, M):
    return 2.0 * E * E / (M + 2.0 * E)


def spectral_kernel(flavour: str, T, M):
    """h(T) = ∫ dE φ(E) (1 − M T/(2E²) − T/E) over kinematically allowed E (dimensionless)."""
    T = np.asarray(T, dtype=float)
    if flavour == "nu_mu":
        E = prompt_energy()
        return np.where(T <= t_max(E, M), 1.0 - M * T / (2 * E * E) - T / E, 0.0)
    phi = _michel(flavour)
    # phi has a factor E^2, so phi/E and phi/E^2 are polynomials
    p0 = phi.integ()
    p1 = Polynomial(phi.coef[1:]).integ()           # ∫ φ/E
    p2 = Polynomial(phi.coef[2:]).integ()           # ∫ φ/E²
    e_hi = 0.5 * M_MU
    lo = np.minimum(e_min(T, M), e_hi)
    val = (p0(e_hi) - p0(lo)) - T * (p1(e_hi) - p1(lo)) - 0.5 * M * T * (p2(e_hi) - p2(lo))
    return np.where(lo < e_hi, val, 0.0)


def form_factor_kn(q, A):
    """Klein–Nystrand form factor F(q) (q in GeV): 3 j1(qR)/(qR) / (1 + a² q²), R = r0 A^(1/3)."""
    ff = detector()["form_factor"]
    R = ff["kn_r0_fm"] * A ** (1.0 / 3.0) / HBARC_GEV_FM   # GeV^-1
    a = ff["kn_range_a_fm"] / HBARC_GEV_FM
    u = np.asarray(q, dtype=float) * R
    small = u < 1e-3
    us = np.where(small, 1.0, u)
    f0 = np.where(small, 1.0 - u * u / 10.0, 3.0 * (np.sin(us) - us * np.cos(us)) / us ** 3)
    return f0 / (1.0 + a * a * q * q)


def fluence_per_flavour() -> float:
    """Time-integrated neutrino fluence per flavour at the detector [cm^-2]."""
    b = detector()["beam"]
    L_cm = b["baseline_m"] * 100.0
    return b["nu_per_flavor_per_pot"] * b["protons_on_target"] / (4.0 * math.pi * L_cm ** 2)


def n_targets() -> float:
    """Number of Cs (= number of I) nuclei: detector mass / mass of one CsI formula unit."""
    d = detector()
    grams = d["detector"]["mass_kg"] * 1e3
    molar = sum(iso["atomic_mass_u"] for iso in d["isotopes"].values())  # g/mol
    return grams / molar * N_AVOGADRO


def weak_charge_sm(iso, sw2: float = SW2_LOW) -> float:
    return iso.N - (1.0 - 4.0 * sw2) * iso.Z


def pe_per_kev() -> float:
    r = detector()["response"]
    return r["quenching_factor"] * r["light_yield_pe_per_kevee"]


def pe_matrix(T, convention: str = "floor", n_pe1: int = N_PE1):
    """(n_pe1, nodes): probability × acceptance that recoil T lands in 1-PE bin k, k = 0..n_pe1−1."""
    if convention not in PE_CONVENTIONS:
        raise ValueError(convention)
    lam = pe_per_kev() * np.asarray(T) / KEV
    k = np.arange(n_pe1)
    n = k if convention == "floor" else k + 1     # integer count n that is filed in bin [k, k+1)
    logp = n[:, None] * np.log(lam[None, :]) - lam[None, :] - gammaln(n + 1.0)[:, None]
    return np.exp(logp) * acceptance(k + 0.5)[:, None]


@dataclass(frozen=True)
class Quadrature:
    """Recoil nodes and SM-normalised weights for every (flavour, isotope).

    ``weights[f][i]`` has shape (n_pe1, nodes): the event count in 1-PE bin k is
    Σ_nodes weights · Q_W(q²)², with q² = ``q2[i]`` at the nodes.
    """

    q2: tuple            #: per isotope, (nodes,) momentum transfer² [GeV²]
    weights: tuple       #: [flavour][isotope] -> (n_pe1, nodes)
    qw_sm: np.ndarray    #: (isotopes,) SM weak charges


def build_quadrature(n_nodes: int = 128, convention: str = "floor", sw2: float = SW2_LOW,
                     n_pe1: int = N_PE1) -> Quadrature:
    """Gauss–Legendre recoil quadrature (n_nodes per segment, two segments per isotope)."""
    x, w = np.polynomial.legendre.leggauss(n_nodes)
    x, w = 0.5 * (x + 1.0), 0.5 * w
    norm = n_targets() * fluence_per_flavour() * G_F ** 2 * GEV2_TO_CM2 / (4.0 * math.pi)
    q2s, weights = [], [[] for _ in FLAVOURS]
    isos = isotopes()
    for iso in isos:
        M = iso.mass
        tp, td = t_max(prompt_energy(), M), t_max(0.5 * M_MU, M)
        T = np.concatenate([tp * x, tp + (td - tp) * x])
        wT = np.concatenate([tp * w, (td - tp) * w])
        q2 = 2.0 * M * T
        base = norm * M * form_factor_kn(np.sqrt(q2), iso.A) ** 2 * wT       # per GeV·GeV = count
        resp = pe_matrix(T, convention, n_pe1)
        q2s.append(q2)
        for fi, (name, _, _) in enumerate(FLAVOURS):
            weights[fi].append(resp * (base * spectral_kernel(name, T, M))[None, :])
    qw = np.array([weak_charge_sm(iso, sw2) for iso in isos])
    return Quadrature(q2=tuple(q2s), weights=tuple(tuple(r) for r in weights), qw_sm=qw)


def pe1_counts_sm(quad: Quadrature) -> np.ndarray:
    """(flavours, isotopes, n_pe1) SM counts per 1-PE bin, all arrival times."""
    return np.array([[wt.sum(axis=1) * quad.qw_sm[i] ** 2 for i, wt in enumerate(row)]
                     for row in quad.weights])


def pe1_counts_np(quad: Quadrature, x, m):
    """(points, flavours, isotopes, n_pe1) counts with X exchange, direct sum over nodes.

    x : (points, flavours, isotopes) strengths [GeV²];  m : (points,) X masses [GeV].
    """
    x = np.asarray(x, dtype=float)
    m = np.asarray(m, dtype=float)
    out = np.empty(x.shape + (quad.weights[0][0].shape[0],))
    for i, q2 in enumerate(quad.q2):
        prop = 1.0 / (q2[None, :] + m[:, None] ** 2)                        # (points, nodes)
        for f, row in enumerate(quad.weights):
            qw = quad.qw_sm[i] - x[:, f, i][:, None] * prop                 # (points, nodes)
            out[:, f, i, :] = (qw ** 2) @ row[i].T
    return out


def propagator_moments(quad: Quadrature, m, power: int) -> np.ndarray:
    """(masses, flavours, isotopes, n_pe1): Σ_nodes weights / (q² + m²)^power."""
    m = np.asarray(m, dtype=float)
    out = np.empty((m.size, len(FLAVOURS), len(quad.q2), quad.weights[0][0].shape[0]))
    for i, q2 in enumerate(quad.q2):
        prop = (1.0 / (q2[None, :] + m[:, None] ** 2)) ** power
        for f, row in enumerate(quad.weights):
            out[:, f, i, :] = prop @ row[i].T
    return out
