"""CEvNS rates in CENNS-10 per neutrino flavour, argon isotope and reconstructed-energy bin.

Physics (inputs and citations in ``bayes_u1x/data/coherent_lar_2020/detector.toml``):

* Source: stopped-pion neutrinos, prompt ν_μ line and delayed ν_e, ν̄_μ Michel spectra, fluence
  0.09·POT/(4πL²) per flavour at L = 27.5 m, 13.8×10²² POT (arXiv:2006.12659).  The spectra and the
  recoil kernel h(T) = ∫dE φ(E)(1 − MT/2E² − T/E) are those of the CsI term
  (:func:`bayes_u1x.coherent.response.spectral_kernel`).
* Cross section on a spin-0 nucleus: dσ/dT = G_F² M/(4π) Q_W(q²)² F²(q)(1 − MT/2E² − T/E), q² = 2MT,
  Klein–Nystrand F (:func:`bayes_u1x.coherent.response.form_factor_kn`), and with an X boson
  Q_W(q²) = Q_W^SM − x/(q² + m_X²) per flavour and isotope (x in
  :mod:`bayes_u1x.observables.coherent_lar_2020`).
* Detector (release yaml): electron-equivalent energy E_ee = QF(T)·T with QF = 0.246 + 0.00078 T/keVnr;
  Gaussian resolution σ = 0.58 √(E_ee/keVee) keVee; the Analysis-A acceptance ε of
  ``CENNS10AnlAEfficiency.txt`` applied at the reconstructed energy (``efficiency_at="reco"``,
  default) or at the true E_ee (``"true"``, a cross-check); 10-keVee analysis bins 0-120 keVee.
* Timing: the SNS proton pulse is a Gaussian (mean 440 ns, σ 150 ns, yaml snsPOTTraceTiming);
  prompt neutrinos follow it convolved with the π⁺ lifetime, delayed ones additionally with the μ⁺
  lifetime (:func:`time_fractions`).

As for CsI, Q_W depends on T only, so each energy-bin count is Σ_nodes w (Q_W^SM − x/(q²+m²))² with
Gauss–Legendre recoil nodes on [0, T_max^prompt] ∪ [T_max^prompt, T_max^delayed].
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import log_ndtr, ndtr

from ...constants import G_F, GEV2_TO_CM2, KEV, M_MU, SW2_LOW
from ...errors import DataError, LikelihoodError
from ..coherent_csi_2017.inputs import detector as _csi_detector
from ..coherent_csi_2017.response import (
    FLAVOURS,
    N_AVOGADRO,
    form_factor_kn,
    prompt_energy,
    spectral_kernel,
    t_max,
)
from .inputs import detector, edges, efficiency, isotopes

EFFICIENCY_AT = ("reco", "true")
N_FINE_PER_KEVEE = 10          # reconstructed-energy cells per keVee for the smearing integral


def _check_form_factor():
    """form_factor_kn reads r0 and a from the CsI inputs: make sure they are the values we cite."""
    mine, csi = detector()["form_factor"], _csi_detector()["form_factor"]
    for key in ("kn_r0_fm", "kn_range_a_fm"):
        if mine[key] != csi[key]:
            raise DataError(f"Klein-Nystrand {key}: LAr inputs {mine[key]} but the shared form "
                               f"factor uses {csi[key]}")


_check_form_factor()


def fluence_per_flavour() -> float:
    """Time-integrated fluence per neutrino flavour at CENNS-10 [cm⁻²]."""
    b = detector()["beam"]
    L_cm = b["baseline_m"] * 100.0
    return b["nu_per_flavor_per_pot"] * b["protons_on_target"] / (4.0 * math.pi * L_cm ** 2)


def n_atoms() -> float:
    """Argon atoms in the fiducial mass (natural argon)."""
    d = detector()["detector"]
    return d["fiducial_mass_kg"] * 1e3 / d["argon_molar_mass_g"] * N_AVOGADRO


def weak_charge_sm(iso, sw2: float = SW2_LOW) -> float:
    return iso.N - (1.0 - 4.0 * sw2) * iso.Z


def quenched_kevee(T):
    """E_ee [keVee] of a nuclear recoil T [GeV]: QF(T)·T, QF = a + b T/keVnr."""
    r = detector()["response"]
    t_kev = np.asarray(T, dtype=float) / KEV
    return (r["qf_a"] + r["qf_b_per_kevnr"] * t_kev) * t_kev


def energy_matrix(T, efficiency_at: str = "reco") -> np.ndarray:
    """(12, nodes): probability × acceptance that a recoil T [GeV] is reconstructed in energy bin j."""
    if efficiency_at not in EFFICIENCY_AT:
        raise LikelihoodError(f"efficiency_at={efficiency_at!r} unknown; use one of {EFFICIENCY_AT}")
    e_edges = edges()[0]
    mean = quenched_kevee(T)
    sig = np.maximum(detector()["response"]["resolution_a_sqrt_kevee"] * np.sqrt(mean), 1e-9)
    if efficiency_at == "true":
        cdf = ndtr((e_edges[:, None] - mean[None, :]) / sig[None, :])
        return np.diff(cdf, axis=0) * efficiency(mean)[None, :]
    n_fine = int(round((e_edges[-1] - e_edges[0]) * N_FINE_PER_KEVEE))
    fine = np.linspace(e_edges[0], e_edges[-1], n_fine + 1)
    cdf = ndtr((fine[:, None] - mean[None, :]) / sig[None, :])        # (fine edges, nodes)
    cell = np.diff(cdf, axis=0) * efficiency(0.5 * (fine[1:] + fine[:-1]))[:, None]
    per_bin = n_fine // (e_edges.size - 1)
    return cell.reshape(e_edges.size - 1, per_bin, -1).sum(axis=1)


@dataclass(frozen=True)
class Quadrature:
    """Recoil nodes and SM-normalised weights: the all-time count of flavour f, isotope i in energy
    bin j is Σ_nodes weights[f][i][j] · Q_W(q2[i])²."""

    q2: tuple            #: per isotope, (nodes,) momentum transfer² [GeV²]
    weights: tuple       #: [flavour][isotope] -> (12, nodes)
    qw_sm: np.ndarray    #: (isotopes,) SM weak charges


def build_quadrature(n_nodes: int = 128, efficiency_at: str = "reco",
                     sw2: float = SW2_LOW) -> Quadrature:
    """Gauss–Legendre recoil quadrature, n_nodes per segment, two segments per isotope."""
    x, w = np.polynomial.legendre.leggauss(n_nodes)
    x, w = 0.5 * (x + 1.0), 0.5 * w
    norm = n_atoms() * fluence_per_flavour() * G_F ** 2 * GEV2_TO_CM2 / (4.0 * math.pi)
    q2s, weights = [], [[] for _ in FLAVOURS]
    isos = isotopes()
    for iso in isos:
        M = iso.mass
        tp, td = t_max(prompt_energy(), M), t_max(0.5 * M_MU, M)
        T = np.concatenate([tp * x, tp + (td - tp) * x])
        wT = np.concatenate([tp * w, (td - tp) * w])
        q2 = 2.0 * M * T
        base = iso.abundance * norm * M * form_factor_kn(np.sqrt(q2), iso.A) ** 2 * wT
        resp = energy_matrix(T, efficiency_at)
        q2s.append(q2)
        for fi, (name, _, _) in enumerate(FLAVOURS):
            weights[fi].append(resp * (base * spectral_kernel(name, T, M))[None, :])
    qw = np.array([weak_charge_sm(iso, sw2) for iso in isos])
    return Quadrature(q2=tuple(q2s), weights=tuple(tuple(r) for r in weights), qw_sm=qw)


def counts_sm(quad: Quadrature) -> np.ndarray:
    """(flavours, isotopes, 12) SM counts per reconstructed-energy bin, all arrival times."""
    return np.array([[wt.sum(axis=1) * quad.qw_sm[i] ** 2 for i, wt in enumerate(row)]
                     for row in quad.weights])


def counts_np(quad: Quadrature, x, m) -> np.ndarray:
    """(points, flavours, isotopes, 12) counts with X exchange, by direct sum over the nodes.

    x : (points, flavours, isotopes) strengths [GeV²];  m : (points,) X masses [GeV].
    """
    x = np.asarray(x, dtype=float)
    m = np.asarray(m, dtype=float)
    out = np.empty(x.shape + (quad.weights[0][0].shape[0],))
    for i, q2 in enumerate(quad.q2):
        prop = 1.0 / (q2[None, :] + m[:, None] ** 2)
        for f, row in enumerate(quad.weights):
            qw = quad.qw_sm[i] - x[:, f, i][:, None] * prop
            out[:, f, i, :] = (qw ** 2) @ row[i].T
    return out


def propagator_moments(quad: Quadrature, m, power: int) -> np.ndarray:
    """(masses, flavours, isotopes, 12): Σ_nodes weights / (q² + m²)^power."""
    m = np.asarray(m, dtype=float)
    out = np.empty((m.size, len(FLAVOURS), len(quad.q2), quad.weights[0][0].shape[0]))
    for i, q2 in enumerate(quad.q2):
        prop = (1.0 / (q2[None, :] + m[:, None] ** 2)) ** power
        for f, row in enumerate(quad.weights):
            out[:, f, i, :] = prop @ row[i].T
    return out


# --- arrival times --------------------------------------------------------------------------------
def _emg_cdf(t, mu, sig, tau):
    """CDF of a Gaussian(mu, sig) convolved with an exponential of mean life tau (all in ns)."""
    z = (t - mu) / sig
    tail = np.exp(-(t - mu) / tau + 0.5 * (sig / tau) ** 2 + log_ndtr(z - sig / tau))
    return ndtr(z) - tail


def time_fractions(pot_mean_ns: float | None = None) -> np.ndarray:
    """(2, 10): fraction of all prompt (row 0) and delayed (row 1) neutrinos in each time bin.

    Prompt: proton pulse ⊗ π⁺ decay; delayed: ⊗ π⁺ then μ⁺ decay (a hypo-exponential delay,
    CDF (τ_μ C_μ − τ_π C_π)/(τ_μ − τ_π) in terms of single-exponential convolutions C).  Rows do
    not sum to 1: the 4.9-µs window end loses ~13 % of the delayed flux.
    """
    tm = detector()["timing"]
    mu = tm["pot_mean_ns"] if pot_mean_ns is None else float(pot_mean_ns)
    sig, tpi, tmu = tm["pot_sigma_ns"], tm["pion_lifetime_ns"], tm["muon_lifetime_ns"]
    t = edges()[2] * 1e3
    c_pi, c_mu = _emg_cdf(t, mu, sig, tpi), _emg_cdf(t, mu, sig, tmu)
    delayed = (tmu * c_mu - tpi * c_pi) / (tmu - tpi)
    return np.stack([np.diff(c_pi), np.diff(delayed)])


def flavour_time_fractions(pot_mean_ns: float | None = None) -> np.ndarray:
    """(flavours, 10): :func:`time_fractions` row of each beam flavour (ν_μ prompt; ν_e, ν̄_μ delayed)."""
    tf = time_fractions(pot_mean_ns)
    return np.stack([tf[0] if timing == "prompt" else tf[1] for _, _, timing in FLAVOURS])


# --- flux-averaged cross section -------------------------------------------------------------------
def flux_averaged_cross_section(sw2: float = SW2_LOW, n_nodes: int = 256) -> dict:
    """SM CEvNS cross section on natural argon averaged over the SNS flux (all three flavours,
    equal fluence), no detector response [cm²]; also per flavour."""
    x, w = np.polynomial.legendre.leggauss(n_nodes)
    x, w = 0.5 * (x + 1.0), 0.5 * w
    per = np.zeros(len(FLAVOURS))
    for iso in isotopes():
        M = iso.mass
        tp, td = t_max(prompt_energy(), M), t_max(0.5 * M_MU, M)
        T = np.concatenate([tp * x, tp + (td - tp) * x])
        wT = np.concatenate([tp * w, (td - tp) * w])
        q2 = 2.0 * M * T
        base = (iso.abundance * G_F ** 2 * M / (4.0 * math.pi) * weak_charge_sm(iso, sw2) ** 2
                * form_factor_kn(np.sqrt(q2), iso.A) ** 2 * wT) * GEV2_TO_CM2
        for fi, (name, _, _) in enumerate(FLAVOURS):
            per[fi] += np.sum(base * spectral_kernel(name, T, M))
    return {"total": float(per.mean()),
            "by_flavour": {f[0]: float(v) for f, v in zip(FLAVOURS, per)}}
