"""COHERENT CsI[Na] 2017: coherent elastic ν–nucleus scattering, Δχ²_COHERENT.

Measured: the CEvNS event excess of the first COHERENT observation, stopped-pion neutrinos
(prompt ν_μ; delayed ν_e, ν̄_μ) on 14.6 kg of CsI[Na] at 19.3 m (COHERENT, arXiv:1708.01294;
data release arXiv:1804.09459). Likelihood: the 144-bin "12T,12E" Poisson χ² of Denton &
Gehrlein (arXiv:2008.06062), 6–30 PE × 0–6 µs, with the signal / beam-neutron / steady-state
normalisations (σ = 0.28 / 0.25 / 0.171) profiled, as used in arXiv:2203.13731 (Sec. 3.3, App. B):
Δχ²_COHERENT = χ²_min(point) − χ²_min(SM), so the SM gives exactly 0.

New physics (Sec. 3.3: the X propagator is kept, q² = 2 M T reaches ~(100 MeV)²). Convention of
Eq. 5.9: X exchange adds g_X² q_ν x_f / (2√2 G_F (q² + m_X²)) to the SM couplings g_{L,R} of the
neutral current normalised as L = −2√2 G_F [ν̄γP_Lν][f̄γ(g_L P_L + g_R P_R)f]; for the nucleon vector
couplings g_V = g_L + g_R this is δg_V^{p,n} = g_X² q_να q_{p,n} / (√2 G_F (q² + m_X²)). With
Q_W = −2 (Z g_V^p + N g_V^n) = N − (1 − 4 sin²θ_W) Z,

    Q_W → Q_W^SM − x_α / (q² + m_X²),   x_α = √2 g_X² q_να (Z q_p + N q_n) / G_F,

per flavour α and isotope (¹³³Cs, ¹²⁷I); q_p = 2q_u + q_d, q_n = q_u + 2q_d (= c_B + εe/g_X and
c_B for the vector-like models of Eq. 4.3). Like-sign ν and nucleon charges interfere
destructively with the (neutron-dominated, positive) SM charge. ν̄_μ carries the ν_μ charge (the
vector-current cross section on a spin-0 nucleus is the same for ν and ν̄). sin²θ_W = 0.23868
(``constants.SW2_LOW``, arXiv:1712.09146).

Computation: the bin counts are A + x B(m) + x² C(m) per flavour and isotope (see
:mod:`bayes_u1x.physics.coherent_csi_2017.response_tables`); B, C are tabulated on a log m grid (cached).
:func:`delta_chi2` reads them from the spline coefficients and profiles the three nuisances by the
Newton iteration of :mod:`bayes_u1x.physics.coherent_csi_2017.fast_fit` (batched, or on floats for
one point); :func:`delta_chi2_reference` is the same tabulated likelihood through scipy's spline and
:func:`bayes_u1x.physics.coherent_csi_2017.binned_likelihood.profile` (the path before the fast
solver; Gaussian pulls use it). :func:`delta_chi2_direct` recomputes everything by direct quadrature
without tables (validation).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ..constants import G_F, SW2_LOW
from ..errors import LikelihoodError
from ..physics.coherent_csi_2017 import binned_likelihood as _fit
from ..physics.coherent_csi_2017 import response as _resp
from ..physics.coherent_csi_2017.fast_fit import FastFit
from ..physics.coherent_csi_2017.inputs import isotopes, raw_data
from ..physics.coherent_csi_2017.response_tables import response_table
from .base import one_point

DESCRIPTION = "COHERENT CsI[Na] 2017, 144-bin 12T,12E likelihood (Sec. 3.3, App. B)"

_FLAVOUR_CHARGE = tuple(key for _, key, _ in _resp.FLAVOURS)       # ('mu', 'e', 'mu')
_PROMPT = np.array([timing == "prompt" for _, _, timing in _resp.FLAVOURS])
_CHUNK = 2048          # points per batch (keeps work arrays small; see fit.CHUNK)
_FAST_CHUNK = 512      # points per batch of the fast path (see fast_fit.CHUNK)




def _check_options(pulls, pe_convention):
    if pulls not in _fit.PULLS:
        raise LikelihoodError(f"COHERENT option pulls={pulls!r} unknown; use one of {_fit.PULLS}")
    if pe_convention not in _resp.PE_CONVENTIONS:
        raise LikelihoodError(f"COHERENT option pe_convention={pe_convention!r} unknown; "
                            f"use one of {_resp.PE_CONVENTIONS}")


# --- couplings -> strengths ---------------------------------------------------------------------
def nuclear_charges(cp) -> np.ndarray:
    """(…, isotopes): X charge Z q_p + N q_n of ¹³³Cs and ¹²⁷I."""
    return np.stack([iso.Z * np.asarray(cp.qV["p"]) + iso.N * np.asarray(cp.qV["n"])
                     for iso in isotopes()], axis=-1)


def strengths(cp) -> np.ndarray:
    """(…, flavours, isotopes): x = √2 g_X² q_να (Z q_p + N q_n)/G_F [GeV²], flavours ν_μ, ν_e, ν̄_μ."""
    g2 = np.asarray(cp.g, dtype=float) ** 2
    qnu = np.stack([np.broadcast_to(cp.q_nu[k], g2.shape) for k in _FLAVOUR_CHARGE], axis=-1)
    return (math.sqrt(2.0) / G_F) * (g2[..., None] * qnu)[..., :, None] * nuclear_charges(cp)[..., None, :]


# --- signal in the analysis window ----------------------------------------------------------------
def _to_grid(counts):
    """(N, flavours, isotopes, 12) -> (N, 144) signal with arrival-time PDFs."""
    per_flavour = counts.sum(axis=2)
    return _fit.signal_grid(per_flavour[:, _PROMPT].sum(axis=1), per_flavour[:, ~_PROMPT].sum(axis=1))


def window_signal(x, m, pe_convention="floor", sw2=SW2_LOW):
    """(N, 144) CEvNS counts in the 12T,12E window from strengths x (N, 3, 2) and masses m (N,).

    Uses the cached response tables; masses outside the table fall back to direct quadrature.
    """
    tab = response_table(pe_convention, sw2)
    x = np.asarray(x, dtype=float).reshape(-1, len(_resp.FLAVOURS), tab.qw_sm.size)
    m = np.asarray(m, dtype=float).ravel()
    out = np.empty((m.size, 144))
    inside = tab.in_range(m)
    if np.any(inside):
        xi = x[inside][..., None]
        B, C = tab.moments(m[inside])
        counts = tab.A - 2.0 * tab.qw_sm[:, None] * xi * B + xi * xi * C
        out[inside] = _to_grid(counts)
    if not np.all(inside):
        out[~inside] = window_signal_direct(x[~inside], m[~inside], pe_convention=pe_convention, sw2=sw2)
    return out


def window_signal_direct(x, m, pe_convention="floor", sw2=SW2_LOW, n_nodes=256):
    """As :func:`window_signal`, by direct recoil quadrature at each point (no tables)."""
    quad = _quadrature(n_nodes, pe_convention, sw2)
    x = np.asarray(x, dtype=float).reshape(-1, len(_resp.FLAVOURS), quad.qw_sm.size)
    m = np.asarray(m, dtype=float).ravel()
    counts = _fit.pe1_to_pe2(_resp.pe1_counts_np(quad, x, m)[..., _fit.PE1_WINDOW])
    return _to_grid(counts)


_QUAD_CACHE: dict = {}


def _quadrature(n_nodes, pe_convention, sw2):
    key = (n_nodes, pe_convention, sw2)
    if key not in _QUAD_CACHE:
        _QUAD_CACHE[key] = _resp.build_quadrature(n_nodes, pe_convention, sw2)
    return _QUAD_CACHE[key]


# --- χ² -----------------------------------------------------------------------------------------
_SM_CHI2: dict = {}


def chi2_min(S, pulls="asymmetric", free_signal=False):
    """Profiled χ²_min for signal grids S (N, 144)."""
    S = np.atleast_2d(S)
    out = np.empty(S.shape[0])
    for lo in range(0, S.shape[0], _CHUNK):
        out[lo:lo + _CHUNK] = _fit.profile(S[lo:lo + _CHUNK], pulls=pulls, free_signal=free_signal)[0]
    return out


def sm_chi2(pulls="asymmetric", pe_convention="floor", sw2=SW2_LOW, direct_nodes=None) -> float:
    """χ²_min of the SM (the reference of Δχ²); direct_nodes=None means the tabulated path."""
    key = (pulls, pe_convention, sw2, direct_nodes)
    if key not in _SM_CHI2:
        zero = np.zeros((1, len(_resp.FLAVOURS), 2))
        if direct_nodes is None:
            S = window_signal(zero, [1.0], pe_convention, sw2)
        else:
            S = window_signal_direct(zero, [1.0], pe_convention, sw2, direct_nodes)
        _SM_CHI2[key] = float(chi2_min(S, pulls)[0])
    return _SM_CHI2[key]


def _finish(x, dchi):
    # a point whose X exchange vanishes for every flavour and isotope is the SM exactly
    dchi = np.where(np.all(x.reshape(x.shape[0], -1) == 0.0, axis=1), 0.0, dchi)
    return dchi


@lru_cache(maxsize=8)
def fast_fit(pe_convention: str = "floor", sw2: float = SW2_LOW) -> FastFit:
    """The fast signal + profile machinery for one response table (built once per process)."""
    return FastFit(response_table(pe_convention, sw2))


def _strengths_flat(cp, shape, size):
    """Strengths x (size, 3, 2) as :func:`strengths`, from flat views of the couplings."""
    def flat(v):
        return np.broadcast_to(np.asarray(v, dtype=float), shape).reshape(size)

    pre = (math.sqrt(2.0) / G_F) * flat(cp.g) ** 2
    qp, qn = flat(cp.qV["p"]), flat(cp.qV["n"])
    nuc = np.stack([iso.Z * qp + iso.N * qn for iso in isotopes()], axis=-1)            # (size, 2)
    qnu = np.stack([flat(cp.q_nu[k]) for k in _FLAVOUR_CHARGE], axis=-1)                 # (size, 3)
    return (pre[:, None] * qnu)[:, :, None] * nuc[:, None, :]


def _item(v) -> float:
    if isinstance(v, float):
        return float(v)
    return float(np.asarray(v, dtype=float).reshape(-1)[0])


@lru_cache(maxsize=1)
def _nuclei():
    return tuple((float(iso.Z), float(iso.N)) for iso in isotopes())


def _delta_one(cp, ff: FastFit, pe_convention, sw2) -> float:
    """Δχ² of a single point on floats (:meth:`FastFit.signal_one`, :meth:`FastFit.chi2_min_one`)."""
    pre = (math.sqrt(2.0) / G_F) * _item(cp.g) ** 2
    qp, qn = _item(cp.qV["p"]), _item(cp.qV["n"])
    nuc = [z * qp + nn * qn for z, nn in _nuclei()]
    xf = [pre * _item(cp.q_nu[k]) for k in _FLAVOUR_CHARGE]
    x = [[f * q for q in nuc] for f in xf]
    if not any(v != 0.0 for row in x for v in row):
        return 0.0                                       # no X exchange at all: the SM exactly
    m = _item(cp.m)
    lm = math.log(m)
    if ff.log_m_lo <= lm <= ff.log_m_hi:
        w = [-2.0 * ff.qw_list[i] * v for row in x for i, v in enumerate(row)] + [v * v for row in x for v in row]
        S, Ssum = ff.signal_one(w, lm)
    else:
        S = window_signal_direct(np.array(x)[None], np.array([m]), pe_convention, sw2)[0]
        Ssum = float(S.sum())
    return ff.chi2_min_one(S, Ssum) - ff.chi2_sm


def delta_chi2(cp, data=None, pulls: str = "asymmetric", pe_convention: str = "floor",
               sw2: float = SW2_LOW):
    """Δχ²_COHERENT = χ²_min(point) − χ²_min(SM) at every point of ``cp`` (tabulated, fast path).

    ``data`` (a MeasurementSet) is accepted for the term contract; the COHERENT data are the
    package's own copy of the 2017 release. Options: ``pulls`` ("asymmetric" | "gaussian"),
    ``pe_convention`` ("floor": integer PE n in [n, n+1), the Denton–Gehrlein choice | "ceil").

    The default pulls go through :class:`~bayes_u1x.physics.coherent_csi_2017.fast_fit.FastFit`
    (signal from the spline coefficients, Newton profile in 1+α, 1+β, 1+γ; SM reference from the same
    solver); Gaussian pulls through :func:`delta_chi2_reference`.
    """
    _check_options(pulls, pe_convention)
    if pulls != "asymmetric":
        return delta_chi2_reference(cp, data, pulls, pe_convention, sw2)
    ff = fast_fit(pe_convention, sw2)
    shape = np.shape(cp.g)
    size = math.prod(shape)
    if size == 1:
        return np.full(shape, _delta_one(cp, ff, pe_convention, sw2))
    x = _strengths_flat(cp, shape, size)
    m = np.broadcast_to(np.asarray(cp.m, dtype=float), shape).reshape(size)
    lm = np.log(m)
    out = np.zeros(size)
    nz = np.any(x.reshape(size, -1) != 0.0, axis=1)     # no X exchange at all: the SM exactly
    inside = ff.in_range(lm)
    for lo in range(0, size, _FAST_CHUNK):
        sel = np.nonzero(nz[lo:lo + _FAST_CHUNK])[0] + lo
        if not sel.size:
            continue
        ins = inside[sel]
        if ins.all():
            S, Ssum = ff.signal(x[sel], lm[sel])
        else:
            S = np.empty((sel.size, 144))
            if ins.any():
                S[ins] = ff.signal(x[sel[ins]], lm[sel[ins]])[0]
            S[~ins] = window_signal_direct(x[sel[~ins]], m[sel[~ins]], pe_convention, sw2)
            Ssum = S.sum(axis=1)
        out[sel] = ff.chi2_min(S, Ssum) - ff.chi2_sm
    return out.reshape(shape)


def prepare(data=None, pulls: str = "asymmetric", pe_convention: str = "floor", sw2: float = SW2_LOW):
    """:func:`delta_chi2` with the options checked and the fast machinery looked up once."""
    _check_options(pulls, pe_convention)
    if pulls != "asymmetric":
        return lambda cp: delta_chi2_reference(cp, data, pulls, pe_convention, sw2)
    ff = fast_fit(pe_convention, sw2)

    def term(cp):
        if one_point(cp):
            return np.float64(_delta_one(cp, ff, pe_convention, sw2))
        return delta_chi2(cp, data, pulls, pe_convention, sw2)
    return term


def delta_chi2_reference(cp, data=None, pulls: str = "asymmetric", pe_convention: str = "floor",
                         sw2: float = SW2_LOW):
    """Δχ²_COHERENT by the tabulated path as it was before :class:`FastFit` (validation and Gaussian
    pulls): :func:`window_signal` (scipy spline) and :func:`bayes_u1x.physics.coherent_csi_2017.binned_likelihood.profile`."""
    _check_options(pulls, pe_convention)
    shape = np.shape(cp.g)
    x = strengths(cp).reshape(-1, len(_resp.FLAVOURS), 2)
    m = np.broadcast_to(np.asarray(cp.m, dtype=float), shape).ravel()
    out = np.zeros(m.size)
    nz = ~np.all(x.reshape(x.shape[0], -1) == 0.0, axis=1)
    for lo in range(0, m.size, _CHUNK):
        sel = np.nonzero(nz[lo:lo + _CHUNK])[0] + lo
        if sel.size:
            S = window_signal(x[sel], m[sel], pe_convention, sw2)
            out[sel] = chi2_min(S, pulls) - sm_chi2(pulls, pe_convention, sw2)
    return _finish(x, out).reshape(shape)


def delta_chi2_direct(cp, data=None, pulls: str = "asymmetric", pe_convention: str = "floor",
                      sw2: float = SW2_LOW, n_nodes: int = 256, solver: str = "newton"):
    """Slow validation path: direct quadrature (no tables, ``n_nodes`` per recoil segment) and a
    nuisance profile by the Newton solver or, with ``solver="iminuit"``, point by point by MIGRAD."""
    _check_options(pulls, pe_convention)
    shape = np.shape(cp.g)
    x = strengths(cp).reshape(-1, len(_resp.FLAVOURS), 2)
    m = np.broadcast_to(np.asarray(cp.m, dtype=float), shape).ravel()
    S = window_signal_direct(x, m, pe_convention, sw2, n_nodes)
    zero = window_signal_direct(np.zeros((1, 3, 2)), [1.0], pe_convention, sw2, n_nodes)
    if solver == "newton":
        c = chi2_min(S, pulls)
        ref = chi2_min(zero, pulls)[0]
    elif solver == "iminuit":
        c = np.array([profile_iminuit(s, pulls)[0] for s in S])
        ref = profile_iminuit(zero[0], pulls)[0]
    else:
        raise LikelihoodError(f"solver={solver!r} unknown; use 'newton' or 'iminuit'")
    return _finish(x, c - ref).reshape(shape)


def profile_iminuit(S, pulls="asymmetric", free_signal=False):
    """Reference profile of one signal grid S (144,) with iminuit MIGRAD: (χ²_min, (α, β, γ))."""
    from iminuit import Minuit

    from .._minuit import quiet_minuit

    S = np.asarray(S, dtype=float)[None, :]

    def f(a, b, c):
        return float(_fit.chi2_at(S, np.array([[a, b, c]]), pulls, free_signal)[0])

    mi = Minuit(f, a=0.0, b=0.0, c=0.0)
    mi.errordef = Minuit.LEAST_SQUARES
    # the asymmetric pull is defined for x > -1 only
    lo = -1.0 + 1e-12 if pulls == "asymmetric" else None
    mi.limits["a"] = (None if free_signal else lo, None)
    mi.limits["b"] = (lo, None)
    mi.limits["c"] = (lo, None)
    mi.tol = 1e-8
    with quiet_minuit():
        mi.migrad(ncall=50000)
    return float(mi.fval), np.array(mi.values)


# --- SM reference numbers and fits ----------------------------------------------------------------
def sm_prediction(pe_range=(0.0, 50.0), t_range_us=(0.0, 12.0), pe_convention: str = "floor",
                  sw2: float = SW2_LOW, n_nodes: int = 128) -> dict:
    """SM CEvNS counts after acceptance in a PE × time window (PE edges even, times multiples of 0.5).

    Returns {"total", "by_flavour": {name: n}, "by_isotope": {name: n}}.
    """
    _check_options("asymmetric", pe_convention)
    lo, hi = (int(round(v)) for v in pe_range)
    t0, t1 = (int(round(v / 0.5)) for v in t_range_us)
    if not (0 <= lo < hi <= _resp.N_PE1 and 0 <= t0 < t1 <= 24):
        raise LikelihoodError(f"window {pe_range} PE × {t_range_us} µs outside the data range "
                            "0-50 PE × 0-12 µs")
    quad = _quadrature(n_nodes, pe_convention, sw2)
    counts = _resp.pe1_counts_sm(quad)[..., lo:hi].sum(axis=-1)        # (flavours, isotopes)
    rd = raw_data()
    tfrac = np.array([(rd.t_prompt if timing == "prompt" else rd.t_delayed)[t0:t1].sum()
                      for _, _, timing in _resp.FLAVOURS])
    counts = counts * tfrac[:, None]
    return {"total": float(counts.sum()),
            "by_flavour": {f[0]: float(c) for f, c in zip(_resp.FLAVOURS, counts.sum(axis=1))},
            "by_isotope": {iso.name: float(c) for iso, c in zip(isotopes(), counts.sum(axis=0))}}


def fit_signal_normalisation(pulls: str = "asymmetric", free: bool = True,
                             pe_convention: str = "floor", sw2: float = SW2_LOW) -> dict:
    """Fit the SM-shaped signal normalisation (1+α) to the data, β and γ profiled.

    ``free=True`` drops the 28 % prior on α (a free normalisation); ``free=False`` keeps it (the
    best fit of the term's own likelihood). The 1σ interval is where the profile rises by 1.
    Also returns χ²_min of the SM (α = 0) and of no CEvNS (S = 0) for the same pull choice.
    """
    _check_options(pulls, pe_convention)
    S = window_signal(np.zeros((1, 3, 2)), [1.0], pe_convention, sw2)[0]
    s_win = float(S.sum())
    best, nuis = _fit.profile(S[None], pulls, free_signal=free)

    def prof(norm):
        """χ² profiled over β, γ at signal normalisation 1+α = norm."""
        c = _fit.profile(norm * S[None], pulls, fit_signal=False)[0][0]
        if not free:
            c += _fit._pull(np.array(norm - 1.0), _fit.templates().sigmas[0], pulls)[0]
        return c

    from scipy.optimize import brentq
    a_hat = 1.0 + nuis[0, 0]
    target = best[0] + 1.0
    lo = brentq(lambda v: prof(v) - target, 1e-6, a_hat)
    hi = brentq(lambda v: prof(v) - target, a_hat, 5.0 * a_hat)
    chi_sm = float(_fit.profile(S[None], pulls)[0][0])
    chi_none = float(_fit.profile(np.zeros((1, 144)), pulls)[0][0])
    return {"signal_sm_window": s_win, "norm": a_hat, "norm_lo": lo, "norm_hi": hi,
            "signal_fit_window": a_hat * s_win, "signal_fit_err_lo": (a_hat - lo) * s_win,
            "signal_fit_err_hi": (hi - a_hat) * s_win, "beta": float(nuis[0, 1]),
            "gamma": float(nuis[0, 2]), "chi2_min": float(best[0]), "chi2_sm": chi_sm,
            "chi2_no_cevns": chi_none, "delta_chi2_no_cevns_vs_sm": chi_none - chi_sm,
            "n_bins": 144}
