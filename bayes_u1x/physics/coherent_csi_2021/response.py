"""CEvNS counts in the COHERENT CsI 2021 analysis, per neutrino flavour, isotope and PE bin.

Physics (inputs and citations in ``bayes_u1x/data/coherent_csi_2021/README.md``):

* Source: π⁺ decay at rest, prompt ν_μ line at (m_π² − m_μ²)/(2m_π) = 29.79 MeV, delayed ν_e and
  ν̄_μ with Michel spectra; fluence per flavour r·POT/(4πL²), r = 0.0848 (arXiv:2109.11049),
  POT = 3.198·10²³, L = 19.3 m.  Spectral kernels h(T) = ∫dE φ(E)(1 − MT/2E² − T/E) and the
  Klein–Nystrand form factor are those of the 2017 term (:mod:`bayes_u1x.coherent.response`).
* Cross section on a spin-0 nucleus:  dσ/dT = G_F² M/(4π) Q_W(q²)² F²(q) h(T),  q² = 2MT, with
      Q_W(q²) = Q_W^SM − x/(q² + m_X²),  Q_W^SM = N − (1 − 4 sin²θ_W) Z
  (x of one flavour on one isotope: see :mod:`bayes_u1x.observables.coherent_csi_2021`).
* Detector (2110.07730 SM): quenching E_ee(T) = aT + bT² + cT³ + dT⁴ (T in MeV_nr, E_ee in MeV_ee);
  reconstructed PE ~ Gamma(shape 1+β, rate α(1+β)) with α = 0.0749/E_ee, β = 9.56 E_ee (E_ee in
  keV_ee; mean = 13.35 PE/keV_ee × E_ee); efficiency ε(PE) = a/(1 + e^{−b(PE−c)}) + d clipped to
  [0, 1], applied at the reconstructed PE inside every analysis bin (0.25-PE sub-bins).

Because Q_W depends on T only, every bin count is Σ_nodes w (Q_W^SM − x/(q² + m²))² over a
Gauss–Legendre recoil quadrature, i.e. A + x B(m) + x² C(m) (see :mod:`.tables`).  One weight set is
built per detector-response variant (nominal, efficiency ±1σ, quenching components 0 and 1 ±1σ).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.special import gammainc, gammaincc

from ..coherent_csi_2017.inputs import isotopes
from ..coherent_csi_2017.response import (N_AVOGADRO, form_factor_kn, prompt_energy, spectral_kernel,
                                  t_max, weak_charge_sm)
from ...constants import G_F, GEV2_TO_CM2, M_MU, MEV, M_U_ATOMIC, SW2_LOW
from .inputs import (VARIANTS, binning, check_variant, efficiency_coefficients, facts,
                     quenching_coefficients)

#: neutrino species: (name, X-charge key in Couplings.q_nu, timing class) — same order as the 2017 term
FLAVOURS = (("nu_mu", "mu", "prompt"), ("nu_e", "e", "delayed"), ("nubar_mu", "mu", "delayed"))
SUB_PE = 0.25            # PE sub-bin width for the efficiency × resolution integral


def fluence_per_flavour() -> float:
    """Time-integrated fluence per flavour at the detector [cm⁻²]."""
    b = facts()["beam"]
    L_cm = b["baseline_m"] * 100.0
    return b["nu_per_flavor_per_pot"] * b["protons_on_target"] / (4.0 * math.pi * L_cm ** 2)


def n_targets() -> float:
    """Number of Cs (= number of I) nuclei: detector mass / mass of one CsI formula unit."""
    grams = facts()["detector"]["mass_kg"] * 1e3
    molar = sum(iso.mass / M_U_ATOMIC for iso in isotopes())     # g/mol
    return grams / molar * N_AVOGADRO


def quenched_energy_kevee(T, variant: str = "nominal") -> np.ndarray:
    """Electron-equivalent energy E_ee [keV_ee] of a nuclear recoil T [GeV] (clipped at 0)."""
    a, b, c, d = quenching_coefficients(check_variant(variant))
    x = np.asarray(T, dtype=float) / MEV
    return np.maximum(x * (a + x * (b + x * (c + x * d))), 0.0) * 1e3


def efficiency(pe, variant: str = "nominal") -> np.ndarray:
    """Detection efficiency at reconstructed PE (2110.07730 SM), clipped to [0, 1]."""
    a, b, c, d = efficiency_coefficients(check_variant(variant))
    x = np.asarray(pe, dtype=float)
    return np.clip(a / (1.0 + np.exp(-b * (x - c))) + d, 0.0, 1.0)


def gamma_parameters(eee_kev):
    """(shape, scale) of the PE distribution for E_ee [keV_ee] (mean = scale · shape = E_ee/0.0749)."""
    r = facts()["response"]
    e = np.maximum(np.asarray(eee_kev, dtype=float), 1e-12)
    alpha = r["res_a_kevee"] / e
    beta = r["res_b_per_kevee"] * e
    return 1.0 + beta, 1.0 / (alpha * (1.0 + beta))


def pe_bin_response(eee_kev, variant: str = "nominal", pe_edges=None) -> np.ndarray:
    """(n_pe, nodes): P(reconstructed PE in bin j) × efficiency, for true E_ee at each node.

    The probability of each 0.25-PE sub-bin is a difference of regularised incomplete Gamma
    functions (lower P below the mean, upper Q above it, so far tails do not cancel to zero), and
    the efficiency is taken at the sub-bin centre.
    """
    pe_edges = binning().pe_edges if pe_edges is None else np.asarray(pe_edges, float)
    k, s = gamma_parameters(eee_kev)
    fine = np.arange(pe_edges[0], pe_edges[-1] + 0.5 * SUB_PE, SUB_PE)
    u = fine[:, None] / s[None, :]                               # (sub edges, nodes)
    mean = (k * s)[None, :]
    lower = gammainc(k[None, :], u)
    upper = gammaincc(k[None, :], u)
    p_low = np.diff(lower, axis=0)
    p_up = -np.diff(upper, axis=0)
    mid = 0.5 * (fine[1:] + fine[:-1])
    p = np.where(mid[:, None] < mean, p_low, p_up) * efficiency(mid, variant)[:, None]
    idx = np.searchsorted(pe_edges, mid, side="right") - 1
    out = np.zeros((pe_edges.size - 1, p.shape[1]))
    np.add.at(out, idx, p)
    return out


@dataclass(frozen=True)
class Quadrature:
    """Recoil nodes and SM-normalised weights per (variant, flavour, isotope).

    ``weights[v, f, i]`` is (n_pe, nodes): the count in PE bin j is Σ_nodes weights · Q_W(q²)²
    (all arrival times), with q² = ``q2[i]``.
    """

    q2: np.ndarray        #: (isotopes, nodes) momentum transfer² [GeV²]
    weights: np.ndarray   #: (variants, flavours, isotopes, n_pe, nodes)
    qw_sm: np.ndarray     #: (isotopes,) SM weak charges
    variants: tuple


def recoil_nodes(n_nodes: int = 128):
    """Per isotope: (T nodes [GeV], quadrature weights [GeV]) on [0, T_p] ∪ [T_p, T_max]."""
    x, w = np.polynomial.legendre.leggauss(n_nodes)
    x, w = 0.5 * (x + 1.0), 0.5 * w
    out = []
    for iso in isotopes():
        tp, td = t_max(prompt_energy(), iso.mass), t_max(0.5 * M_MU, iso.mass)
        out.append((np.concatenate([tp * x, tp + (td - tp) * x]),
                    np.concatenate([tp * w, (td - tp) * w])))
    return out


def sm_spectrum_weights(n_nodes: int = 128):
    """Per isotope and flavour: (T, counts per node / Q_W²) before detector response (all T)."""
    norm = n_targets() * fluence_per_flavour() * G_F ** 2 * GEV2_TO_CM2 / (4.0 * math.pi)
    out = []
    for iso, (T, wT) in zip(isotopes(), recoil_nodes(n_nodes)):
        base = norm * iso.mass * form_factor_kn(np.sqrt(2.0 * iso.mass * T), iso.A) ** 2 * wT
        out.append((T, np.stack([base * spectral_kernel(name, T, iso.mass) for name, _, _ in FLAVOURS])))
    return out


@lru_cache(maxsize=16)
def build_quadrature(n_nodes: int = 128, sw2: float = SW2_LOW, variants: tuple = VARIANTS) -> Quadrature:
    """Weights of every (variant, flavour, isotope) on a Gauss–Legendre recoil quadrature."""
    for v in variants:
        check_variant(v)
    spec = sm_spectrum_weights(n_nodes)
    isos = isotopes()
    q2 = np.stack([2.0 * iso.mass * T for iso, (T, _) in zip(isos, spec)])
    n_pe = binning().n_pe
    W = np.empty((len(variants), len(FLAVOURS), len(isos), n_pe, q2.shape[1]))
    for vi, v in enumerate(variants):
        for ii, (T, fw) in enumerate(spec):
            resp = pe_bin_response(quenched_energy_kevee(T, v), v)          # (n_pe, nodes)
            W[vi, :, ii] = resp[None, :, :] * fw[:, None, :]
    qw = np.array([weak_charge_sm(iso, sw2) for iso in isos])
    W.setflags(write=False)
    return Quadrature(q2=q2, weights=W, qw_sm=qw, variants=tuple(variants))


def counts_sm(quad: Quadrature) -> np.ndarray:
    """(variants, flavours, isotopes, n_pe) SM counts, all arrival times."""
    return quad.weights.sum(axis=-1) * (quad.qw_sm ** 2)[None, None, :, None]


def counts_np(quad: Quadrature, x, m) -> np.ndarray:
    """(points, variants, flavours, isotopes, n_pe) counts with X exchange, direct sum over nodes.

    x : (points, flavours, isotopes) strengths [GeV²];  m : (points,) X masses [GeV].
    """
    x = np.asarray(x, dtype=float)
    m = np.asarray(m, dtype=float)
    nv, nf, ni, npe, _ = quad.weights.shape
    out = np.empty((m.size, nv, nf, ni, npe))
    for i in range(ni):
        prop = 1.0 / (quad.q2[i][None, :] + m[:, None] ** 2)                 # (points, nodes)
        for f in range(nf):
            qw = quad.qw_sm[i] - x[:, f, i][:, None] * prop
            out[:, :, f, i, :] = np.einsum("pn,vjn->pvj", qw * qw, quad.weights[:, f, i])
    return out


def propagator_moments(quad: Quadrature, m, power: int) -> np.ndarray:
    """(masses, variants, flavours, isotopes, n_pe): Σ_nodes weights / (q² + m²)^power."""
    m = np.asarray(m, dtype=float)
    nv, nf, ni, npe, _ = quad.weights.shape
    out = np.empty((m.size, nv, nf, ni, npe))
    for i in range(ni):
        prop = (1.0 / (quad.q2[i][None, :] + m[:, None] ** 2)) ** power
        out[:, :, :, i, :] = np.einsum("mn,vfjn->mvfj", prop, quad.weights[:, :, i])
    return out


def flux_averaged_cross_section(n_nodes: int = 256, sw2: float = SW2_LOW) -> dict:
    """SM CEvNS cross section averaged over the π-DAR flux (equal ν_μ, ν_e, ν̄_μ fluences) [cm²].

    Returns per isotope and the per-nucleus average (σ_Cs + σ_I)/2, which is the quantity COHERENT
    quotes for CsI (no detector response, all recoils).
    """
    norm = G_F ** 2 * GEV2_TO_CM2 / (4.0 * math.pi)
    per = {}
    for iso, (T, wT) in zip(isotopes(), recoil_nodes(n_nodes)):
        base = norm * iso.mass * form_factor_kn(np.sqrt(2.0 * iso.mass * T), iso.A) ** 2 * wT
        h = np.mean([spectral_kernel(name, T, iso.mass) for name, _, _ in FLAVOURS], axis=0)
        per[iso.name] = float(np.sum(base * h) * weak_charge_sm(iso, sw2) ** 2)
    return {"per_isotope": per, "per_nucleus": float(np.mean(list(per.values())))}
