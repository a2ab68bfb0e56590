"""Production factors Pi_P: how much more (or less) a model is produced than the reference dark photon.

Pi_P(m) = sigma_P(X; g_X q_f) / sigma_P(A'; e Q_f) * (e^2 / g_X^2), written with the target's
charges q_f (README of ``data/resonance_limits``, "Production factors"; Ilten et al.,
arXiv:1801.04847, Sec. 3). It is 1 for the dark photon itself (q_f = Q_f).

Lepton-initiated production (e- bremsstrahlung, e+e- -> gamma X, e+e- -> mu mu X) is
proportional to q_V^2 + q_A^2 of the lepton: for m_X >> m_lepton the vector and axial currents
radiate X alike (the paper's remark for NA64, Sec. 5 of arXiv:2203.13731). Meson-decay and
vector-meson-mixing production go through the vector quark currents, with the running-width
Breit-Wigner B_V(m) = s_V / (s_V - s - i s_V Gamma_V k_V(m)/m) of ``data/vmd/mesons.toml``.
"""
from __future__ import annotations


import numpy as np

from ...errors import DataError
from ...package_data import load_toml


def _mesons() -> dict:
    return load_toml("vmd", "mesons.toml")


def _momentum(s, m1, m2):
    p2 = (s - (m1 + m2) ** 2) * (s - (m1 - m2) ** 2) / (4.0 * s)
    return np.sqrt(np.maximum(p2, 0.0))


def breit_wigner(meson: str, m) -> np.ndarray:
    """Running-width Breit-Wigner B_V(m) (complex) for V = 'rho0', 'omega', 'phi'."""
    d = _mesons()["vector_mesons"][meson]
    mv, gv = d["mass_gev"], d["width_gev"]
    m = np.asarray(m, dtype=float)
    s, sv = m ** 2, mv ** 2
    k = np.zeros_like(m)
    for br, m1, m2 in d["channels"]:
        p_v = _momentum(sv, m1, m2)
        open_ = m > m1 + m2
        k = k + np.where(open_, br * (_momentum(s, m1, m2) / p_v) ** 3, 0.0)
    return sv / (sv - s - 1j * sv * gv * k / m)


def production_factor(mechanism: str, q: dict, m, bw: dict | None = None) -> np.ndarray:
    """Pi_P(m) for one mechanism.

    ``q`` maps 'e2', 'mu2' (q_V^2 + q_A^2 of the lepton) and 'u', 'd', 's', 'c', 'b' (vector quark
    charges) to arrays broadcastable with m. ``bw`` (optional) is a dict that memoises the
    Breit-Wigners at these m across calls for the same masses.
    """
    if bw is not None:
        def breit_wigner(meson, m):  # noqa: F811 - memoised variant for this call
            if meson not in bw:
                bw[meson] = _breit_wigner(meson, m)
            return bw[meson]
    else:
        breit_wigner = _breit_wigner
    if mechanism in ("e_brem", "ee_to_gamma_X"):
        return q["e2"] + 0.0 * m
    if mechanism in ("ee_to_mumu_X", "z_to_mumu_X"):
        return q["mu2"] + 0.0 * m
    qu, qd, qs = q["u"], q["d"], q["s"]
    if mechanism == "pi0_to_gamma_X":
        br, bw = breit_wigner("rho0", m), breit_wigner("omega", m)
        return np.abs((qu - qd) * br + 3 * (qu + qd) * bw) ** 2 / np.abs(br + bw) ** 2
    if mechanism == "eta_to_gamma_X":
        br, bw, bp = breit_wigner("rho0", m), breit_wigner("omega", m), breit_wigner("phi", m)
        num = 3 * (qu - qd) * br + (qu + qd) * bw + 2 * qs * bp
        den = 3 * br + bw / 3 - 2 * bp / 3
        return np.abs(num) ** 2 / np.abs(den) ** 2
    if mechanism in ("phi_to_eta_X", "phi_mixing", "ss_annihilation"):
        return 9 * qs ** 2 + 0.0 * m
    if mechanism in ("omega_to_pi0_X", "rho0_mixing"):
        return (qu - qd) ** 2 + 0.0 * m
    if mechanism == "omega_mixing":
        return 9 * (qu + qd) ** 2 + 0.0 * m
    if mechanism == "uu_annihilation":
        return 2.25 * qu ** 2 + 0.0 * m
    if mechanism == "cc_annihilation":
        return 2.25 * q["c"] ** 2 + 0.0 * m
    if mechanism == "dd_annihilation":
        return 9 * qd ** 2 + 0.0 * m
    if mechanism == "bb_annihilation":
        return 9 * q["b"] ** 2 + 0.0 * m
    raise DataError(f"unknown production mechanism {mechanism!r}")


_breit_wigner = breit_wigner


def mixture_factor(fractions: dict, q: dict, m) -> np.ndarray:
    """Sum_i f_i(m) Pi_i(m) / Sum_i f_i(m), fractions interpolated linearly in mass.

    The fractions are those of dark-photon production, so Pi = 1 for the dark photon requires the
    normalisation by Sum_i f_i. DarkCast uses them as given; they sum to 0.90-0.98 in 7 LHCb rows
    near 0.51-0.575 GeV (and to 1 within rounding elsewhere), where the two conventions differ by up
    to 5 % in g (README of ``data/resonance_limits``)."""
    m = np.asarray(m, dtype=float)
    out = np.zeros(np.broadcast(m, *(np.asarray(v) for v in q.values())).shape)
    norm = np.zeros(m.shape)
    grid = fractions["mass"]
    for mech, f in fractions.items():
        if mech == "mass":
            continue
        fi = np.interp(m, grid, f)
        if np.any(fi):
            norm = norm + fi
            out = out + fi * production_factor(mech, q, m)
    return np.where(norm > 0, out / np.where(norm > 0, norm, 1.0), 0.0)
