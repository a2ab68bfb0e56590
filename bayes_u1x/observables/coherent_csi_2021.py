"""COHERENT CsI[Na] full data set (2021): coherent elastic ν–nucleus scattering, Δχ²_CsI2021.

Measured: CEvNS of stopped-pion neutrinos (prompt ν_μ; delayed ν_e, ν̄_μ) on 14.6 kg of CsI[Na] at
19.3 m from the SNS target, 13.99 GWh (3.198·10²³ POT): COHERENT, arXiv:2110.07730, PRL 129 (2022)
081801, flux-averaged σ = (165 +30 −25)·10⁻⁴⁰ cm² against the SM (189 ± 6)·10⁻⁴⁰ cm².  Data: the
collaboration's release (supplemental material), package copy in ``bayes_u1x/data/coherent_csi_2021``.

Likelihood (:mod:`bayes_u1x.physics.coherent_csi_2021.likelihood`): binned Poisson χ² in the
collaboration's 9 PE × 11 time bins of 0 ≤ PE < 60, 0 ≤ t < 6 µs,

    μ_i = (1 + α) s_i(z; x, m_X) + (1 + β_BRN) BRN_i + (1 + β_NIN) NIN_i + (1 + β_SS) SS_i,
    χ² = 2 Σ_i [μ_i − n_i + n_i ln(n_i/μ_i)] + P(α; σ_α) + Σ_k z_k² + Σ_b P(β_b; σ_b),

with every nuisance profiled per point: α (flux and theory, σ_α = 10.5 %), z_k (efficiency and the
two quenching components: unit-Gaussian pulls that move the signal between the released ±1σ
response variants, s = s⁰ exp(Σ_k a_k z_k + b_k(√(1+3z_k²) − 1)), exact at z = 0, ±1, positive and
smooth everywhere), β_BRN (18.4 ± 4.6 events), β_NIN (5.6 ± 2.0), β_SS (anti-coincidence count,
±1/√N_AC).  P is the pull of the normalisations.  The response systematics are profiled rather than
fixed or marginalised: the term is a profile Δχ² like the 2017 one, and profiling lets the data
constrain them (the SM fit pulls all three by +0.2σ) at no cost in smoothness.

    Δχ²_CsI2021 = χ²_min(point) − χ²_min(SM),   exactly 0 when the X exchange vanishes.

New physics exactly as in the 2017 term (:mod:`bayes_u1x.observables.coherent`, Sec. 3.3 of
arXiv:2203.13731, X propagator kept): per flavour α and isotope (¹³³Cs, ¹²⁷I)

    Q_W(q²) → Q_W^SM − x_α/(q² + m_X²),   x_α = √2 g_X² q_να (Z q_p + N q_n)/G_F,

q² = 2MT, Q_W^SM = N − (1 − 4 sin²θ_W)Z with sin²θ_W = 0.23868 (``constants.SW2_LOW``); ν̄_μ carries
the ν_μ charge.  Bin counts are A + xB(m) + x²C(m) per variant, flavour and isotope, B and C
tabulated on a log m grid (:mod:`bayes_u1x.physics.coherent_csi_2021.tables`, cached);
:func:`delta_chi2_direct` recomputes the signal by direct recoil quadrature (validation).

Options (``delta_chi2(cp, data, **options)``): ``systematics`` ("profiled" | "nominal": efficiency
and quenching pulls profiled or held at the nominal response), ``pulls`` ("asymmetric":
2[x − ln(1+x)]/σ² for the normalisations, as the 2017 term, so no normalisation can reach zero |
"gaussian": (x/σ)²; with Gaussian pulls a strongly excluded signal is switched off by α → −1 at a
cost of only 1/σ_α² ≈ 91, so Δχ² saturates near 100), ``ss_prior`` ("ac-poisson": 1/√N_AC |
"newtrinos": 2.1 %), ``signal_sigma`` (α prior width, default 0.105), ``sw2``.
"""
from __future__ import annotations

import math

import numpy as np

from ..constants import G_F, SW2_LOW
from ..errors import LikelihoodError
from ..physics.coherent_csi_2017.inputs import isotopes
from ..physics.coherent_csi_2021 import likelihood as _lik
from ..physics.coherent_csi_2021 import response as _resp
from ..physics.coherent_csi_2021.tables import response_table

DESCRIPTION = "COHERENT CsI[Na] 2021 full data set, 9 PE x 11 time bins (arXiv:2110.07730)"
#: the tabulated mass range [GeV]; outside it the signal is computed directly (slow)
VALID_MASS_RANGE = (1e-4, 1e3)

_FLAVOUR_CHARGE = tuple(key for _, key, _ in _resp.FLAVOURS)        # ('mu', 'e', 'mu')
_CHUNK = 2048
_DEFAULTS = {"systematics": "profiled", "pulls": "asymmetric", "ss_prior": "ac-poisson",
             "signal_sigma": None, "sw2": SW2_LOW}
_SYSTEMATICS = ("profiled", "nominal")




def _options(options: dict) -> dict:
    unknown = set(options) - set(_DEFAULTS)
    if unknown:
        raise LikelihoodError(f"COHERENT CsI 2021 option(s) {sorted(unknown)} unknown; "
                                   f"known: {sorted(_DEFAULTS)}")
    o = {**_DEFAULTS, **options}
    if o["systematics"] not in _SYSTEMATICS:
        raise LikelihoodError(f"COHERENT CsI 2021 option systematics={o['systematics']!r} unknown; "
                                   f"use one of {_SYSTEMATICS}")
    if o["pulls"] not in _lik.PULLS:
        raise LikelihoodError(f"COHERENT CsI 2021 option pulls={o['pulls']!r} unknown; "
                                   f"use one of {_lik.PULLS}")
    if o["ss_prior"] not in _lik.SS_PRIORS:
        raise LikelihoodError(f"COHERENT CsI 2021 option ss_prior={o['ss_prior']!r} unknown; "
                                   f"use one of {_lik.SS_PRIORS}")
    if o["signal_sigma"] is not None:
        s = o["signal_sigma"]
        if not (isinstance(s, (int, float)) and math.isfinite(s) and s > 0):
            raise LikelihoodError(f"COHERENT CsI 2021 option signal_sigma={s!r} must be a "
                                       "positive finite number (fractional width of the α prior)")
    if not (isinstance(o["sw2"], (int, float)) and 0.0 < o["sw2"] < 1.0):
        raise LikelihoodError(f"COHERENT CsI 2021 option sw2={o['sw2']!r} must lie in (0, 1)")
    return o


# --- couplings -> strengths ---------------------------------------------------------------------
def nuclear_charges(cp) -> np.ndarray:
    """(…, isotopes): X charge Z q_p + N q_n of ¹³³Cs and ¹²⁷I."""
    return np.stack([iso.Z * np.asarray(cp.qV["p"]) + iso.N * np.asarray(cp.qV["n"])
                     for iso in isotopes()], axis=-1)


def strengths(cp) -> np.ndarray:
    """(…, flavours, isotopes): x = √2 g_X² q_να (Z q_p + N q_n)/G_F [GeV²] for ν_μ, ν_e, ν̄_μ."""
    g2 = np.asarray(cp.g, dtype=float) ** 2
    qnu = np.stack([np.broadcast_to(cp.q_nu[k], g2.shape) for k in _FLAVOUR_CHARGE], axis=-1)
    return (math.sqrt(2.0) / G_F) * (g2[..., None] * qnu)[..., :, None] * nuclear_charges(cp)[..., None, :]


# --- signal grids -------------------------------------------------------------------------------
def _to_grid(counts, tpl):
    """(N, variants, flavours, isotopes, n_pe) -> (N, variants, bins): Σ over isotopes, and over
    flavours with their observed-time fractions (prompt ν_μ, delayed ν_e and ν̄_μ), as one GEMM."""
    tf = np.stack([tpl.t_prompt if timing == "prompt" else tpl.t_delayed
                   for _, _, timing in _resp.FLAVOURS])                       # (flavours, n_t)
    tfi = np.broadcast_to(tf[:, None, :], (tf.shape[0], counts.shape[3], tf.shape[1]))
    grid = np.tensordot(counts, tfi, axes=([2, 3], [0, 1]))                  # (N, variants, n_pe, n_t)
    return grid.reshape(grid.shape[:2] + (-1,))


def window_signal(x, m, sw2=SW2_LOW, ss_prior="ac-poisson"):
    """(N, 7, bins) CEvNS grids of every response variant from strengths x (N, 3, 2), masses m (N,).

    Tabulated path; masses outside the table are computed directly.
    """
    tab = response_table(sw2)
    tpl = _lik.templates(ss_prior)
    x = np.asarray(x, dtype=float).reshape(-1, 3, 2)
    m = np.asarray(m, dtype=float).ravel()
    out = np.empty((m.size, tab.A.shape[0], tpl.n.size))
    inside = tab.in_range(m)
    if np.any(inside):
        xi = x[inside][:, None, :, :, None]                        # (n, 1, flavours, isotopes, 1)
        um, inv = np.unique(m[inside], return_inverse=True)       # scans often share the mass
        if um.size < 0.5 * inv.size:
            B, C = tab.moments(um)
            B, C = B[inv], C[inv]                                 # (np.unique sorts: map back)
        else:
            B, C = tab.moments(m[inside])
        counts = tab.A - 2.0 * tab.qw_sm[:, None] * xi * B + xi * xi * C
        out[inside] = _to_grid(counts, tpl)
    if not np.all(inside):
        out[~inside] = window_signal_direct(x[~inside], m[~inside], sw2=sw2, ss_prior=ss_prior)
    return out


def window_signal_direct(x, m, sw2=SW2_LOW, ss_prior="ac-poisson", n_nodes=256):
    """As :func:`window_signal`, by direct recoil quadrature at each point (no tables)."""
    quad = _resp.build_quadrature(n_nodes, sw2)
    x = np.asarray(x, dtype=float).reshape(-1, 3, 2)
    m = np.asarray(m, dtype=float).ravel()
    return _to_grid(_resp.counts_np(quad, x, m), _lik.templates(ss_prior))


# --- χ² -----------------------------------------------------------------------------------------
_SM_REF: dict = {}


def chi2_min(S, o, start=None) -> np.ndarray:
    """Profiled χ²_min for variant grids S (N, 7, bins) under resolved options ``o``."""
    return _lik.profile(S, _lik.templates(o["ss_prior"]), signal_sigma=o["signal_sigma"],
                        systematics=o["systematics"] == "profiled", pulls=o["pulls"],
                        start=start)[0]


def _sm_reference(o, direct_nodes=None):
    """(χ²_min, θ̂) of the SM for resolved options ``o`` (cached)."""
    key = (direct_nodes, tuple(sorted(o.items())))
    if key not in _SM_REF:
        zero = np.zeros((1, 3, 2))
        if direct_nodes is None:
            S = window_signal(zero, [1.0], o["sw2"], o["ss_prior"])
        else:
            S = window_signal_direct(zero, [1.0], o["sw2"], o["ss_prior"], direct_nodes)
        val, th = _lik.profile(S, _lik.templates(o["ss_prior"]), signal_sigma=o["signal_sigma"],
                               systematics=o["systematics"] == "profiled", pulls=o["pulls"])
        _SM_REF[key] = (float(val[0]), th[0].copy())
    return _SM_REF[key]


def sm_chi2(direct_nodes=None, **options) -> float:
    """χ²_min of the SM (the reference of Δχ²); ``direct_nodes=None`` means the tabulated path."""
    return _sm_reference(_options(options), direct_nodes)[0]


def _points(cp):
    shape = np.shape(cp.g)
    x = strengths(cp).reshape(-1, 3, 2)
    m = np.broadcast_to(np.asarray(cp.m, dtype=float), shape).ravel()
    if not np.all(np.isfinite(x)):
        raise LikelihoodError("COHERENT CsI 2021: couplings give non-finite X strengths")
    return shape, x, m


def delta_chi2(cp, data=None, **options):
    """Δχ²_CsI2021 = χ²_min(point) − χ²_min(SM) at every point of ``cp`` (tabulated, fast path).

    ``data`` (a MeasurementSet) is accepted for the term contract; the data are the package's copy
    of the 2021 release.  Options: see the module docstring; unknown or bad ones raise
    :class:`LikelihoodError`.
    """
    o = _options(options)
    shape, x, m = _points(cp)
    out = np.zeros(m.size)
    nz = ~np.all(x.reshape(x.shape[0], -1) == 0.0, axis=1)     # X exchange absent: the SM exactly
    ref, th_sm = _sm_reference(o)
    for lo in range(0, m.size, _CHUNK):
        sel = np.nonzero(nz[lo:lo + _CHUNK])[0] + lo
        if sel.size:
            S = window_signal(x[sel], m[sel], o["sw2"], o["ss_prior"])
            # start every point at the SM optimum: most scan points are near the SM
            out[sel] = chi2_min(S, o, start=th_sm) - ref
    return out.reshape(shape)


def delta_chi2_direct(cp, data=None, n_nodes: int = 256, **options):
    """Slow validation path: direct recoil quadrature (``n_nodes`` per segment), no tables."""
    o = _options(options)
    shape, x, m = _points(cp)
    out = np.zeros(m.size)
    nz = ~np.all(x.reshape(x.shape[0], -1) == 0.0, axis=1)
    if np.any(nz):
        S = window_signal_direct(x[nz], m[nz], o["sw2"], o["ss_prior"], n_nodes)
        out[nz] = chi2_min(S, o) - sm_chi2(direct_nodes=n_nodes, **options)   # default start
    return out.reshape(shape)
