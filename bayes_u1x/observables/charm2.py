"""CHARM-II ν_μ e⁻ and ν̄_μ e⁻ elastic scattering — LABELLED RATE-ONLY FALLBACK.

Measured: elastic ν_μ e and ν̄_μ e scattering in the CHARM-II calorimeter at the CERN SPS wide-band
beam, mean energies E_ν = 23.7 GeV (ν_μ) and 19.1 GeV (ν̄_μ) (Vilain et al., Phys. Lett. B 302
(1993) 351 and B 335 (1994) 246; arXiv:2203.13731 Sec. 5.3). The paper's strongest CHARM-II limit
(m_X ≲ 100 MeV) is a *shape* fit to the unfolded y distributions of Fig. 1 of PLB 302 (1993) 351,
with free normalisations. **Those distributions are not available in this repository** (checked
the project's curated data), so the shape analysis is not done here. This term implements the paper's second
variant only: the total rates with the two normalisation nuisance parameters constrained to
1.0 ± 0.3 (the red-hatched region of Fig. 6), assuming the measured rates equal the SM prediction.

Formula (Eqs. 5.8–5.10, electron mass neglected, y = T/E_ν):

    dσ/dy(ν_μ e)  ∝ g_L² + g_R² (1−y)²,        dσ/dy(ν̄_μ e) ∝ g_R² + g_L² (1−y)²,
    g_L = s_W² − ½ + g_X² q_νμ q_e^L / (2√2 G_F (2E_ν m_e y + m_X²)),
    g_R = s_W²     + g_X² q_νμ q_e^R / (2√2 G_F (2E_ν m_e y + m_X²)),

with q_e^{L,R} = q_V^e ± q_A^e (for L̃_{μ−τ}: q_νμ = x_L2, q_e^L = x_L1, q_e^R = x_E1 at ε = 0, as
printed in Eqs. 5.9–5.10; kinetic mixing enters through q_V^e). The X propagator is kept and the
rates are integrated over y ∈ [y_min, y_max] (default [0, 1]) at the mean beam energies; the ratios
r_i = σ_i(SM+X)/σ_i(SM) then enter

    Δχ² = Σ_{i=ν,ν̄} min_{n_i} [ (n_i r_i − 1)²/s_i² + (n_i − 1)²/0.3² ] = Σ_i (r_i − 1)² / (s_i² + 0.3² r_i²),

with s_i an optional statistical precision of the measured rate (default 0: the 30% normalisation
dominates). The SM value is 0. Note that with a Gaussian normalisation nuisance Δχ² saturates at
2/0.3² ≈ 22 for very large NP rates (the rate can always be absorbed by a small normalisation).

Options: ``sw2`` (default the low-energy MS-bar s_W²), ``y_min``/``y_max`` (the y window),
``stat_unc`` (s_ν, s_ν̄), ``norm_unc`` (default 0.3).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy.interpolate import CubicSpline

from ..constants import G_F, M_E, SW2_LOW
from ..errors import LikelihoodError
from ._chiral_inputs import term_inputs
from .base import one_point

DESCRIPTION = ("CHARM-II nu_mu e / anti-nu_mu e total rates with 1.0 +- 0.3 normalisation, "
               "FALLBACK (unfolded y spectra of PLB 302 (1993) 351 not available)")
FALLBACK = True

_T_NODES, _T_WEIGHTS = np.polynomial.legendre.leggauss(40)




def inputs(data=None) -> dict:
    """The CHARM-II inputs: the measurement set's ``charm2`` entry if present, else the package file."""
    return term_inputs("charm2", data)


def _moments(energy, m, y0, y1):
    """W[k, w] = ∫_{y0}^{y1} dy w(y) / (2 E m_e y + m²)^k for k = 1, 2 and w ∈ {1, (1−y)²}.

    Integrated in t = ln(2 E m_e y + m²), in which the integrands are smooth for every m_X.
    Returns four arrays of the shape of ``m``: (W1_one, W1_sq, W2_one, W2_sq).
    """
    a = 2.0 * energy * M_E
    b = np.asarray(m, dtype=float)[..., None] ** 2
    t0, t1 = np.log(a * y0 + b), np.log(a * y1 + b)
    half = 0.5 * (t1 - t0)
    t = t0 + half * (_T_NODES + 1.0)
    u = np.exp(t)
    y = (u - b) / a
    jac = half * _T_WEIGHTS * u / a          # dy = u dt / a
    sq = (1.0 - y) ** 2
    w1 = jac / u
    w2 = jac / u ** 2
    return (np.sum(w1, -1), np.sum(w1 * sq, -1), np.sum(w2, -1), np.sum(w2 * sq, -1))


#: the moments tabulated in ln m_X (cubic spline of ln W, 400 nodes per decade): range [GeV]. Above
#: 10 GeV the 40-node quadrature itself scatters at 1e-10 (ln(2Em_e y + m²) nearly constant in y)
_TABLE_M = (1e-4, 10.0)
_TABLE_PER_DECADE = 400


@lru_cache(maxsize=16)
def _moment_table(energy: float, y0: float, y1: float):
    lo, hi = math.log(_TABLE_M[0]), math.log(_TABLE_M[1])
    n = int(round(math.log10(_TABLE_M[1] / _TABLE_M[0]) * _TABLE_PER_DECADE)) + 1
    lm = np.linspace(lo, hi, n)
    W = np.column_stack(_moments(energy, np.exp(lm), y0, y1))
    coef = np.ascontiguousarray(np.moveaxis(CubicSpline(lm, np.log(W)).c, 1, 0))     # (intervals, 4, 4)
    coef.flags.writeable = False
    return lo, hi, (hi - lo) / (n - 1), lm, coef


def moments(energy, m, y0, y1, table=None):
    """:func:`_moments` from the table (relative difference < 1e-11 in its range; the quadrature
    outside it). ``table``: :func:`_moment_table` of (energy, y0, y1), if already at hand."""
    lo, hi, h, knots, coef = table or _moment_table(float(energy), float(y0), float(y1))
    if isinstance(m, float):
        lm = math.log(m) if m > 0 else -math.inf
        if not lo <= lm <= hi:
            return tuple(np.float64(v) for v in _moments(energy, m, y0, y1))
        i = min(int((lm - lo) / h), coef.shape[0] - 1)
        dx = lm - float(knots[i])
        c3, c2, c1, c0 = coef[i].tolist()
        return tuple(np.float64(math.exp(((a * dx + b) * dx + c) * dx + d)) for a, b, c, d in zip(c3, c2, c1, c0))
    m = np.asarray(m, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        lm = np.log(m)
    inside = (lm >= lo) & (lm <= hi)
    if not inside.all():
        out = tuple(np.array(v, dtype=float) for v in _moments(energy, m, y0, y1))
        if inside.any():
            for o, v in zip(out, moments(energy, m[inside], y0, y1)):
                o[inside] = v
        return out
    i = np.minimum(((lm - lo) / h).astype(np.intp), coef.shape[0] - 1)
    dx = (lm - knots[i])[..., None]
    c = coef[i]
    y = np.exp(((c[..., 0, :] * dx + c[..., 1, :]) * dx + c[..., 2, :]) * dx + c[..., 3, :])
    return y[..., 0], y[..., 1], y[..., 2], y[..., 3]


def _check_window(y_min, y_max):
    try:
        y0, y1 = float(y_min), float(y_max)
    except (TypeError, ValueError) as exc:
        raise LikelihoodError(f"y_min/y_max must be numbers, got {y_min!r}, {y_max!r}") from exc
    if not (0.0 <= y0 < y1 <= 1.0):
        raise LikelihoodError(f"the y window must satisfy 0 <= y_min < y_max <= 1, got [{y0}, {y1}]")
    return y0, y1


def _sw2(sw2):
    s = SW2_LOW if sw2 is None else float(sw2)
    if not 0.0 < s < 1.0:
        raise LikelihoodError(f"sw2 must lie in (0, 1), got {sw2!r}")
    return s


def rate_ratios(cp, data=None, sw2: float | None = None, y_min: float = 0.0, y_max: float = 1.0):
    """(r_ν, r_ν̄): CHARM-II ν_μ e and ν̄_μ e rates with X over the SM rates, y-integrated."""
    inp = inputs(data)
    s = _sw2(sw2)
    y0, y1 = _check_window(y_min, y_max)
    gl, gr = s - 0.5, s
    pref = cp.g ** 2 * cp.q_nu["mu"] / (2.0 * math.sqrt(2.0) * G_F)
    a_l = pref * (cp.qV["e"] + cp.qA["e"])   # δg_L × (2 E m_e y + m²)
    a_r = pref * (cp.qV["e"] - cp.qA["e"])   # δg_R × (2 E m_e y + m²)
    w0_one = y1 - y0
    w0_sq = ((1.0 - y0) ** 3 - (1.0 - y1) ** 3) / 3.0
    out = []
    for key, neutrino in (("E_nu_gev", True), ("E_nubar_gev", False)):
        w1_one, w1_sq, w2_one, w2_sq = moments(float(inp[key]), cp.m, y0, y1)
        # neutrino: g_L with weight 1, g_R with (1-y)^2; antineutrino: the reverse
        if neutrino:
            wl0, wl1, wl2, wr0, wr1, wr2 = w0_one, w1_one, w2_one, w0_sq, w1_sq, w2_sq
        else:
            wl0, wl1, wl2, wr0, wr1, wr2 = w0_sq, w1_sq, w2_sq, w0_one, w1_one, w2_one
        sm = gl ** 2 * wl0 + gr ** 2 * wr0
        full = (sm + 2.0 * gl * a_l * wl1 + a_l ** 2 * wl2 + 2.0 * gr * a_r * wr1 + a_r ** 2 * wr2)
        out.append(full / sm)
    return out[0], out[1]


def _uncertainties(data, stat_unc, norm_unc):
    sn = float(inputs(data)["norm_unc"] if norm_unc is None else norm_unc)
    try:
        s_nu, s_nubar = (float(v) for v in stat_unc)
    except (TypeError, ValueError) as exc:
        raise LikelihoodError(f"stat_unc must be two numbers (nu, anti-nu), got {stat_unc!r}") from exc
    if not (sn >= 0 and s_nu >= 0 and s_nubar >= 0) or sn + s_nu == 0 or sn + s_nubar == 0:
        raise LikelihoodError(f"uncertainties must be non-negative and not all zero "
                          f"(norm_unc={sn}, stat_unc={stat_unc!r})")
    return sn, s_nu, s_nubar


def delta_chi2(cp, data, sw2: float | None = None, y_min: float = 0.0, y_max: float = 1.0,
               stat_unc=(0.0, 0.0), norm_unc: float | None = None, **options) -> np.ndarray:
    """Δχ² = Σ_i (r_i − 1)²/(s_i² + σ_N² r_i²) of the rate-only fallback (0 in the SM)."""
    if options:
        raise LikelihoodError(f"unknown option(s) for the charm2 term: {sorted(options)}; options: "
                          f"sw2, y_min, y_max, stat_unc, norm_unc")
    sn, s_nu, s_nubar = _uncertainties(data, stat_unc, norm_unc)
    r_nu, r_nubar = rate_ratios(cp, data, sw2, y_min, y_max)
    return ((r_nu - 1.0) ** 2 / (s_nu ** 2 + (sn * r_nu) ** 2)
            + (r_nubar - 1.0) ** 2 / (s_nubar ** 2 + (sn * r_nubar) ** 2))


def prepare(data, sw2: float | None = None, y_min: float = 0.0, y_max: float = 1.0,
            stat_unc=(0.0, 0.0), norm_unc: float | None = None, **options):
    """:func:`delta_chi2` with the options checked and the inputs looked up once; one point on floats."""
    if options:
        raise LikelihoodError(f"unknown option(s) for the charm2 term: {sorted(options)}; options: "
                          f"sw2, y_min, y_max, stat_unc, norm_unc")
    sn, s_nu, s_nubar = _uncertainties(data, stat_unc, norm_unc)
    s = _sw2(sw2)
    y0, y1 = _check_window(y_min, y_max)
    inp = inputs(data)
    energies = (float(inp["E_nu_gev"]), float(inp["E_nubar_gev"]))
    tables = [_moment_table(e, y0, y1) for e in energies]
    gl, gr = s - 0.5, s
    w0_one, w0_sq = y1 - y0, ((1.0 - y0) ** 3 - (1.0 - y1) ** 3) / 3.0
    k = 2.0 * math.sqrt(2.0) * G_F
    a_nu, a_nubar = s_nu ** 2, s_nubar ** 2

    def term(cp):
        if not one_point(cp):
            r_nu, r_nubar = rate_ratios(cp, data, sw2, y_min, y_max)
        else:                                  # rate_ratios on floats, with everything bound
            pref = float(cp.g) ** 2 * float(cp.q_nu["mu"]) / k
            qv, qa = float(cp.qV["e"]), float(cp.qA["e"])
            a_l, a_r = pref * (qv + qa), pref * (qv - qa)
            r = []
            for energy, neutrino, tab in zip(energies, (True, False), tables):
                w1_one, w1_sq, w2_one, w2_sq = moments(energy, float(cp.m), y0, y1, tab)
                if neutrino:
                    wl0, wl1, wl2, wr0, wr1, wr2 = w0_one, w1_one, w2_one, w0_sq, w1_sq, w2_sq
                else:
                    wl0, wl1, wl2, wr0, wr1, wr2 = w0_sq, w1_sq, w2_sq, w0_one, w1_one, w2_one
                sm = gl ** 2 * wl0 + gr ** 2 * wr0
                r.append((sm + 2.0 * gl * a_l * wl1 + a_l ** 2 * wl2 + 2.0 * gr * a_r * wr1 + a_r ** 2 * wr2) / sm)
            r_nu, r_nubar = r
        return ((r_nu - 1.0) ** 2 / (a_nu + (sn * r_nu) ** 2) + (r_nubar - 1.0) ** 2 / (a_nubar + (sn * r_nubar) ** 2))
    return term
