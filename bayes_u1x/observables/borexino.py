"""Borexino: elastic scattering of ⁷Be solar neutrinos on electrons, R_Be = σ_SM+NP / σ_SM.

Measured (arXiv:2203.13731, Sec. 3.4 and App. B, Eq. B.3): the ⁷Be (862 keV) ν–e rate of Borexino
(arXiv:1707.09279) divided by the SM prediction, averaged over high/low-metallicity solar models,
R_Be = 1.06 ± 0.09 (measurement set entry ``data["borexino"]``). Δχ² = ((R_Be^NP − 1.06)/0.09)²
(Eq. B.3); in the SM R_Be = 1 and Δχ² = 0.44.

Prediction (following Ref. [52] of the paper; cf. Eqs. 5.8–5.10):

    dσ_α/dT = (2 G_F² m_e / π) [g_L² + g_R² (1 − T/E)² − g_L g_R m_e T / E²],
    g_L = g_L^SM,α + g_X² q_να q_e^L / (2√2 G_F (2 m_e T + m_X²)),
    g_R = g_R^SM   + g_X² q_να q_e^R / (2√2 G_F (2 m_e T + m_X²)),

with q_e^L = q_V + q_A and q_e^R = q_V − q_A the electron's left/right-handed X charges (including
the kinetic-mixing shift, Eq. 2.4), q_να the left-handed neutrino charge, g_L^SM = ±½ + s_W²
(+ for ν_e: charged current) and g_R^SM = s_W² at tree level (or radiatively corrected values).
The recoil energy T runs from 0 to T_max = 2E²/(m_e + 2E) = 665 keV. The flux at Earth is split
into flavours by the oscillation probabilities P_eα = Σ_i P_i |U_αi|² with the MSW-LMA mass-state
fractions P_i (B16 ⁷Be profile, NuFIT 5.1), so

    R_Be = Σ_α P_eα σ_α(SM+X) / Σ_α P_eα σ_α(SM).

R_Be = 1 exactly when the electron charges or all neutrino charges vanish. The inputs and their
citations are in ``bayes_u1x/data/borexino.toml``.

Known difference from the paper (chiral L̃_μ−τ, Sec. 5, Fig. 6): with ε = g_X/10 this term excludes
the (g−2)_μ 2σ band up to m_X ≈ 106 MeV (2σ bound g_X < 1.07·10⁻⁴ at 100 MeV), the paper ≈ 60 MeV.
Alternative inputs (θ₂₃, s_W², radiative couplings, recoil window, ε) move the edge by ≲ 20 MeV. Only
swapping the electron's left/right charges (x_L1 ↔ x_E1, i.e. flipping the sign of its axial
coupling) gives ≈ 62 MeV (1.47·10⁻⁴ at 100 MeV); that contradicts Eqs. 5.1, 5.9–5.10 and the NP–SM
interference sign that the paper's own TEXONO island (Eq. 5.7 text) requires, so it is not adopted.

Options of :func:`delta_chi2` / :func:`r_be` (the choices of issue 3, item 4):
``mixing`` ("nufit51_sk": θ₂₃ = 42.1°, default; "nufit51_nosk": θ₂₃ = 49.2°), ``theta23_deg``
(override θ₂₃ of the chosen set), ``flavour_fractions`` (explicit (P_ee, P_eμ, P_eτ)),
``mass_fractions`` (explicit (P₁, P₂, P₃)), ``couplings`` ("tree", default, or "radiative"),
``sw2`` (s_W² for tree couplings; default the MS-bar low-energy value), ``t_min_keV``/``t_max_keV``
(recoil window; default 0 to the kinematic endpoint, to which t_max is clipped).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..constants import G_F, KEV, M_E, SW2_LOW
from ..errors import BayesU1XError, LikelihoodError
from ..package_data import load_toml
from .base import gaussian_delta_chi2, measurement, one_point

DESCRIPTION = "Borexino 7Be nu-e scattering rate (Sec. 3.4, Eq. B.3)"

FLAVOURS = ("e", "mu", "tau")
#: Gauss-Legendre nodes in T. The integrand is rational in T with its pole at T = -m_X²/(2 m_e), far
#: outside [0, T_max] (ratio >= 150 at m_X = 10 MeV): 8 nodes give machine precision down to m_X ~ 1 MeV
_N_NODES = 8




def inputs() -> dict:
    """The solar-neutrino inputs of ``bayes_u1x/data/borexino.toml`` (with provenance)."""
    return load_toml("borexino.toml")


def pmns(theta12_deg: float, theta13_deg: float, theta23_deg: float, delta_deg: float) -> np.ndarray:
    """Standard-parametrisation PMNS matrix U (rows e, μ, τ; columns mass states 1, 2, 3)."""
    t12, t13, t23, d = np.radians([theta12_deg, theta13_deg, theta23_deg, delta_deg])
    s12, c12, s13, c13 = math.sin(t12), math.cos(t12), math.sin(t13), math.cos(t13)
    s23, c23 = math.sin(t23), math.cos(t23)
    ph = complex(math.cos(d), math.sin(d))
    return np.array([
        [c12 * c13, s12 * c13, s13 / ph],
        [-s12 * c23 - c12 * s23 * s13 * ph, c12 * c23 - s12 * s23 * s13 * ph, s23 * c13],
        [s12 * s23 - c12 * c23 * s13 * ph, -c12 * s23 - s12 * c23 * s13 * ph, c23 * c13],
    ])


def _fractions(values, what: str) -> np.ndarray:
    try:
        p = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise LikelihoodError(f"{what} must be three numbers, got {values!r}") from exc
    if p.shape != (3,) or not np.all(np.isfinite(p)) or np.any(p < 0):
        raise LikelihoodError(f"{what} must be three non-negative numbers, got {values!r}")
    if abs(p.sum() - 1.0) > 1e-3:
        raise LikelihoodError(f"{what} must sum to 1 (got {p.sum():.4f})")
    return p / p.sum()


def flavour_fractions(mixing: str | None = None, theta23_deg: float | None = None,
                      mass_fractions=None, flavour_fractions=None) -> np.ndarray:
    """(P_ee, P_eμ, P_eτ) of the ⁷Be flux at Earth for the chosen inputs."""
    if flavour_fractions is not None:
        return _fractions(flavour_fractions, "flavour_fractions (P_ee, P_emu, P_etau)")
    cfg = inputs()
    name = mixing or cfg["default_mixing"]
    sets = cfg["mixing"]
    if name not in sets:
        raise LikelihoodError(f"unknown mixing set {name!r}; available: {', '.join(sorted(sets))}")
    ang = dict(sets[name])
    if theta23_deg is not None:
        if not (0.0 < float(theta23_deg) < 90.0):
            raise LikelihoodError(f"theta23_deg must lie in (0, 90), got {theta23_deg!r}")
        ang["theta23_deg"] = float(theta23_deg)
    pm = _fractions(cfg["mass_fractions"] if mass_fractions is None else mass_fractions,
                    "mass_fractions (P1, P2, P3)")
    u2 = np.abs(pmns(ang["theta12_deg"], ang["theta13_deg"], ang["theta23_deg"], ang["delta_deg"])) ** 2
    return u2 @ pm


def sm_couplings(couplings: str | None = None, sw2: float | None = None):
    """(g_L per flavour e, μ, τ as array(3), g_R) of the SM ν_α–e interaction."""
    cfg = inputs()
    kind = couplings or cfg["default_couplings"]
    if kind == "tree":
        s = SW2_LOW if sw2 is None else float(sw2)
        if not (0.0 < s < 1.0):
            raise LikelihoodError(f"sw2 must lie in (0, 1), got {sw2!r}")
        gl_nc, gr = -0.5 + s, s
    elif kind == "radiative":
        if sw2 is not None:
            raise LikelihoodError("sw2 applies to tree-level couplings only (couplings='tree')")
        c = cfg["couplings"]["radiative"]
        gl_nc, gr = c["gL_numu"], c["gR"]
    else:
        raise LikelihoodError(f"unknown couplings {kind!r}; use 'tree' or 'radiative'")
    return np.array([gl_nc + 1.0, gl_nc, gl_nc]), float(gr)


@dataclass(frozen=True)
class _Setup:
    p: np.ndarray        # (3,) flavour fractions
    gl: np.ndarray       # (3,) SM g_L per flavour
    gr: float            # SM g_R
    t: np.ndarray        # (n,) recoil-energy nodes [GeV]
    wmat: np.ndarray     # (3, n) quadrature weights times w_k(T), k = L, R, LR
    m0: np.ndarray       # (3,) = wmat.sum(-1)
    sigma_sm: float      # Σ_α P_α σ_α^SM / (2 G_F² m_e/π)


@lru_cache(maxsize=64)
def _setup(mixing, theta23_deg, mass_fractions, flav, couplings, sw2, t_min_keV, t_max_keV) -> _Setup:
    p = flavour_fractions(mixing, theta23_deg, mass_fractions, flav)
    gl, gr = sm_couplings(couplings, sw2)
    e = inputs()["E_nu_keV"] * KEV
    t_end = 2.0 * e * e / (M_E + 2.0 * e)
    lo = 0.0 if t_min_keV is None else float(t_min_keV) * KEV
    hi = t_end if t_max_keV is None else float(t_max_keV) * KEV
    if not (0.0 <= lo < hi) or lo >= t_end or not math.isfinite(hi):
        raise LikelihoodError(f"recoil window must satisfy 0 <= t_min < t_max and t_min below the "
                            f"endpoint {t_end / KEV:.1f} keV, got [{lo / KEV:g}, {hi / KEV:g}] keV")
    hi = min(hi, t_end)  # no recoil above the kinematic endpoint
    x, w = np.polynomial.legendre.leggauss(_N_NODES)
    t = lo + 0.5 * (hi - lo) * (x + 1.0)
    w = 0.5 * (hi - lo) * w
    wmat = np.stack([w, w * (1.0 - t / e) ** 2, w * M_E * t / e ** 2])
    m0 = wmat.sum(axis=-1)
    sig = gl ** 2 * m0[0] + gr ** 2 * m0[1] - gl * gr * m0[2]
    return _Setup(p=p, gl=gl, gr=gr, t=t, wmat=wmat, m0=m0, sigma_sm=float(p @ sig))


def _hashable(v):
    if v is None:
        return None
    return tuple(float(x) for x in np.ravel(v))


def _get_setup(mixing=None, theta23_deg=None, mass_fractions=None, flavour_fractions=None,
               couplings=None, sw2=None, t_min_keV=None, t_max_keV=None) -> _Setup:
    try:
        return _setup(mixing, None if theta23_deg is None else float(theta23_deg),
                      _hashable(mass_fractions), _hashable(flavour_fractions), couplings,
                      None if sw2 is None else float(sw2),
                      None if t_min_keV is None else float(t_min_keV),
                      None if t_max_keV is None else float(t_max_keV))
    except (TypeError, ValueError) as exc:
        if isinstance(exc, BayesU1XError):
            raise
        raise LikelihoodError(f"invalid Borexino option: {exc}") from exc


def r_be(cp, **options) -> np.ndarray:
    """R_Be = σ(SM+X)/σ(SM) for the ⁷Be line at the points of ``cp`` (shape ``cp.shape``).

    With A_L,R = g_X² q_e^L,R / (2√2 G_F) the coupling shifts are δg_L,R = q_να A_L,R h(T),
    h = 1/(2 m_e T + m_X²), so the flavour sum only needs Σ P_α q_να, Σ P_α g_L,α q_να, Σ P_α q_να²
    and the six moments ∫ w_k h, ∫ w_k h² (w = 1, (1−T/E)², m_e T/E²).
    """
    s = _get_setup(**options)
    m2 = np.asarray(cp.m, dtype=float)[..., None] ** 2
    h = 1.0 / (2.0 * M_E * s.t + m2)                   # (..., n) propagator factor [GeV^-2]
    m1 = h @ s.wmat.T                                  # (..., 3): ∫ w_k h
    mm2 = (h * h) @ s.wmat.T                           # (..., 3): ∫ w_k h²
    pref = cp.g ** 2 / (2.0 * math.sqrt(2.0) * G_F)
    al = pref * (cp.qV["e"] + cp.qA["e"])              # left-handed electron
    ar = pref * (cp.qV["e"] - cp.qA["e"])              # right-handed electron
    x = [cp.q_nu[a] for a in FLAVOURS]
    s_x = s.p[0] * x[0] + s.p[1] * x[1] + s.p[2] * x[2]
    s_gx = s.p[0] * s.gl[0] * x[0] + s.p[1] * s.gl[1] * x[1] + s.p[2] * s.gl[2] * x[2]
    s_xx = s.p[0] * x[0] * x[0] + s.p[1] * x[1] * x[1] + s.p[2] * x[2] * x[2]
    lin = (2.0 * al * s_gx * m1[..., 0] + 2.0 * s.gr * ar * s_x * m1[..., 1]
           - (ar * s_gx + s.gr * al * s_x) * m1[..., 2])
    quad = s_xx * (al * al * mm2[..., 0] + ar * ar * mm2[..., 1] - al * ar * mm2[..., 2])
    return 1.0 + (lin + quad) / s.sigma_sm


def delta_chi2(cp, data, **options) -> np.ndarray:
    """Δχ²_Borexino = ((R_Be − R_exp)/σ)² (Eq. B.3); equals 0.44 in the SM (2021 set)."""
    return gaussian_delta_chi2(r_be(cp, **options), *measurement(data, "borexino", "R_Be", "R_Be_unc"))


def prepare(data, **options):
    """:func:`delta_chi2` with the options resolved and the measurement looked up once; one point
    on floats (the same formula as :func:`r_be`)."""
    s = _get_setup(**options)
    central, sigma = measurement(data, "borexino", "R_Be", "R_Be_unc")
    two_me_t = 2.0 * M_E * s.t
    wmat = s.wmat
    p, gl, gr, sig = s.p.tolist(), s.gl.tolist(), float(s.gr), s.sigma_sm
    k = 2.0 * math.sqrt(2.0) * G_F

    def term(cp):
        if not one_point(cp):
            return gaussian_delta_chi2(r_be(cp, **options), central, sigma)
        m = float(cp.m)
        h = 1.0 / (two_me_t + m * m)
        m1 = wmat.dot(h).tolist()
        mm2 = wmat.dot(h * h).tolist()
        pref = float(cp.g) ** 2 / k
        qv, qa = float(cp.qV["e"]), float(cp.qA["e"])
        al, ar = pref * (qv + qa), pref * (qv - qa)
        x = [float(cp.q_nu[a]) for a in FLAVOURS]
        s_x = p[0] * x[0] + p[1] * x[1] + p[2] * x[2]
        s_gx = p[0] * gl[0] * x[0] + p[1] * gl[1] * x[1] + p[2] * gl[2] * x[2]
        s_xx = p[0] * x[0] * x[0] + p[1] * x[1] * x[1] + p[2] * x[2] * x[2]
        lin = (2.0 * al * s_gx * m1[0] + 2.0 * gr * ar * s_x * m1[1] - (ar * s_gx + gr * al * s_x) * m1[2])
        quad = s_xx * (al * al * mm2[0] + ar * ar * mm2[1] - al * ar * mm2[2])
        return np.float64((((1.0 + (lin + quad) / sig) - central) / sigma) ** 2)
    return term
