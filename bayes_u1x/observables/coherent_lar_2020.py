"""COHERENT CENNS-10 liquid argon (Analysis A, 2020): CEvNS on argon, Δχ²_COHERENT-LAr.

Measured: the first CEvNS signal on argon, stopped-pion neutrinos (prompt ν_μ; delayed ν_e, ν̄_μ)
on the 24.4-kg CENNS-10 detector 27.5 m from the SNS target, 13.8×10²² POT (COHERENT,
arXiv:2003.10630, PRL 126 (2021) 012002: 159 ± 43 CEvNS events in Analysis A, flux-averaged cross
section (2.2 ± 0.7)×10⁻³⁹ cm²).  Data: the Analysis-A release arXiv:2006.12659 (zenodo 3903810),
package copy in ``bayes_u1x/data/coherent_lar_2020`` (see its README).

Likelihood (:mod:`bayes_u1x.physics.coherent_lar_2020.likelihood`): Poisson χ² over the
12 energy × 8 F90 × 10 time bins of the release,

    μ_b = a_c R_b(g_X, m_X, charges) S_b + a_p B_b + a_d D_b + a_s SS_b,

CEvNS, prompt-BRN, delayed-BRN and steady-state normalisations with the release's priors (13.3 %,
32.2 %, 100 %, 0.79 %) and, by default, the five PDF excursions of the release as unit-Gaussian
shape nuisances (``shapes="all"``; ``"none"`` is the collaboration's central-PDF fit), all profiled;

    Δχ²_COHERENT-LAr = χ²_min(point) − χ²_min(SM),     exactly 0 when the X exchange vanishes.

With the release's Gaussian priors (``pulls="gaussian"``, default) the fit can switch CEvNS off
(a_c → 0) for ≈ 57 units of prior, so Δχ² saturates at ≈ 60–70 for couplings that multiply the
CEvNS rate; ``pulls="asymmetric"`` (the CsI term's form) does not saturate.  The release's best fit
is reproduced by :func:`fit_cross_section` (159 ± 43 CEvNS events, (2.2 ± 0.7)×10⁻³⁹ cm²).

New physics: the release's CEvNS PDF is the SM expectation; it is re-weighted bin by bin by
R = σ_X/σ_SM computed per reconstructed-energy bin and arrival-time bin (prompt ν_μ and delayed
ν_e, ν̄_μ have different X charges and timing; :mod:`bayes_u1x.physics.coherent_lar_2020.tables`),
with the detector response (quenching, resolution, acceptance) of
:mod:`bayes_u1x.physics.coherent_lar_2020.response`.  As for CsI
(:mod:`bayes_u1x.observables.coherent`; q² = 2MT up to ~(100 MeV)², X propagator kept):

    Q_W → Q_W^SM − x_α/(q² + m_X²),   x_α = √2 g_X² q_να (Z q_p + N q_n)/G_F,

per flavour α and argon isotope (⁴⁰Ar, ³⁸Ar, ³⁶Ar), q_p = 2q_u + q_d, q_n = q_u + 2q_d; ν̄_μ carries
the ν_μ charge; sin²θ_W = 0.23868 (``constants.SW2_LOW``).  The energy response, flux and
quenching uncertainties are not propagated into R: in the SM they sit in the 13.3 % CEvNS prior.

Computation: the counts per flavour, isotope and energy bin are A + x B(m) + x² C(m) with B, C
tabulated on a log m grid (cached); the 9 nuisances are profiled by a vectorised Newton solver.
:func:`delta_chi2_direct` recomputes the rates by direct quadrature (validation).
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from ..constants import G_F, SW2_LOW
from ..errors import LikelihoodError
from ..physics.coherent_csi_2017.response import FLAVOURS
from ..physics.coherent_lar_2020 import likelihood as _lik
from ..physics.coherent_lar_2020 import response as _resp
from ..physics.coherent_lar_2020 import solver as _solver
from ..physics.coherent_lar_2020 import tables as _tab
from ..physics.coherent_lar_2020.inputs import SHAPE, detector, isotopes

DESCRIPTION = ("COHERENT CENNS-10 LAr 2020 (Analysis A), 960-bin energy x F90 x time likelihood, "
               "X/SM re-weighted CEvNS PDF")
#: the tabulated mass range (0.1 MeV - 1 TeV); the rates are valid at any m_X << m_Z
VALID_MASS_RANGE = (1e-4, 1e3)

OPTIONS = {"shapes": _lik.SHAPE_OPTIONS, "pulls": _lik.PULLS, "efficiency_at": _resp.EFFICIENCY_AT}
_FLAVOUR_CHARGE = tuple(key for _, key, _ in FLAVOURS)        # ('mu', 'e', 'mu')
_CHUNK = 2048
N_BINS = int(np.prod(SHAPE))          # 960




def _options(options) -> dict:
    opts = {"shapes": "all", "pulls": "gaussian", "efficiency_at": "reco", "sw2": SW2_LOW}
    for key, val in options.items():
        if key not in opts:
            raise LikelihoodError(f"COHERENT-LAr option {key!r} unknown; options are {tuple(opts)}")
        opts[key] = val
    for key, allowed in OPTIONS.items():
        if opts[key] not in allowed:
            raise LikelihoodError(f"COHERENT-LAr option {key}={opts[key]!r} unknown; use one of {allowed}")
    sw2 = opts["sw2"]
    if not (isinstance(sw2, (int, float)) and 0.0 < float(sw2) < 1.0):
        raise LikelihoodError(f"COHERENT-LAr option sw2={sw2!r} must be a number in (0, 1)")
    opts["sw2"] = float(sw2)
    return opts


# --- couplings -> strengths ---------------------------------------------------------------------
def nuclear_charges(cp) -> np.ndarray:
    """(…, isotopes): X charge Z q_p + N q_n of ⁴⁰Ar, ³⁸Ar, ³⁶Ar."""
    try:
        qp, qn = np.asarray(cp.qV["p"], dtype=float), np.asarray(cp.qV["n"], dtype=float)
    except (AttributeError, KeyError, TypeError) as exc:
        raise LikelihoodError("COHERENT-LAr needs Couplings with nucleon charges cp.qV['p'], "
                               "cp.qV['n']") from exc
    return np.stack([iso.Z * qp + iso.N * qn for iso in isotopes()], axis=-1)


def strengths(cp) -> np.ndarray:
    """(…, flavours, isotopes): x = √2 g_X² q_να (Z q_p + N q_n)/G_F [GeV²], flavours ν_μ, ν_e, ν̄_μ."""
    g2 = np.asarray(cp.g, dtype=float) ** 2
    try:
        qnu = np.stack([np.broadcast_to(cp.q_nu[k], g2.shape) for k in _FLAVOUR_CHARGE], axis=-1)
    except (AttributeError, KeyError, TypeError) as exc:
        raise LikelihoodError("COHERENT-LAr needs Couplings with neutrino charges cp.q_nu['e'], "
                               "cp.q_nu['mu']") from exc
    nuc = np.broadcast_to(nuclear_charges(cp), g2.shape + (len(isotopes()),))
    return (math.sqrt(2.0) / G_F) * (g2[..., None] * qnu)[..., :, None] * nuc[..., None, :]


# --- re-weighting ---------------------------------------------------------------------------------
def reweighting(x, m, efficiency_at="reco", sw2=SW2_LOW) -> np.ndarray:
    """(N, 960) X/SM factor on the CEvNS PDF from strengths x (N, 3, 3) and masses m (N,).

    Tabulated; masses outside the table fall back to direct quadrature."""
    tab = _tab.response_table(efficiency_at, sw2)
    x = np.asarray(x, dtype=float).reshape(-1, len(FLAVOURS), tab.qw_sm.size)
    m = np.asarray(m, dtype=float).ravel()
    sm = tab.A.sum(axis=1)
    out = np.empty((m.size, N_BINS))
    inside = tab.in_range(m)
    if np.any(inside):
        out[inside] = _tab.reweighting(tab.counts(x[inside], m[inside]).sum(axis=2), sm)
    if not np.all(inside):
        out[~inside] = reweighting_direct(x[~inside], m[~inside], efficiency_at, sw2)
    return out


def reweighting_direct(x, m, efficiency_at="reco", sw2=SW2_LOW, n_nodes=256) -> np.ndarray:
    """As :func:`reweighting`, by direct recoil quadrature at every point (no tables)."""
    x = np.asarray(x, dtype=float).reshape(-1, len(FLAVOURS), len(isotopes()))
    c = _tab.counts_direct(x, np.asarray(m, dtype=float).ravel(), efficiency_at, sw2, n_nodes)
    return _tab.reweighting(c.sum(axis=2), _tab.counts_sm_direct(efficiency_at, sw2, n_nodes).sum(axis=1))


# --- χ² -----------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _sm_fit(shapes: str, pulls: str) -> tuple[float, tuple]:
    """χ²_min and best-fit nuisances of the SM (R = 1): the reference of Δχ², and the solver start."""
    val, par = _solver.profile(np.ones((1, N_BINS)), shapes=shapes, pulls=pulls)
    return float(val[0]), tuple(par[0])


def sm_chi2(shapes: str = "all", pulls: str = "gaussian") -> float:
    """χ²_min of the SM (the reference of Δχ²)."""
    opts = _options({"shapes": shapes, "pulls": pulls})
    return _sm_fit(opts["shapes"], opts["pulls"])[0]


def chi2_min(R, shapes: str = "all", pulls: str = "gaussian") -> np.ndarray:
    """Profiled χ²_min for re-weightings R (N, 960), started at the SM best fit."""
    return _solver.profile(R, shapes=shapes, pulls=pulls, start=np.array(_sm_fit(shapes, pulls)[1]))[0]


def _evaluate(cp, opts, rew):
    shape = np.shape(cp.g)
    x = strengths(cp).reshape(-1, len(FLAVOURS), len(isotopes()))
    m = np.broadcast_to(np.asarray(cp.m, dtype=float), shape).ravel()
    out = np.zeros(m.size)
    nz = ~np.all(x.reshape(x.shape[0], -1) == 0.0, axis=1)    # X exchange absent: the SM, Δχ² = 0
    ref = _sm_fit(opts["shapes"], opts["pulls"])[0]
    for lo in range(0, m.size, _CHUNK):
        sel = np.nonzero(nz[lo:lo + _CHUNK])[0] + lo
        if sel.size:
            R = rew(x[sel], m[sel], opts["efficiency_at"], opts["sw2"])
            out[sel] = chi2_min(R, opts["shapes"], opts["pulls"]) - ref
    return out.reshape(shape)


def delta_chi2(cp, data=None, **options) -> np.ndarray:
    """Δχ²_COHERENT-LAr = χ²_min(point) − χ²_min(SM) at every point of ``cp`` (tabulated path).

    ``data`` (a MeasurementSet) is accepted for the term contract; the data are the package's
    copy of the release.  Options: ``shapes`` ("all": the five PDF excursions profiled | "none"),
    ``pulls`` ("gaussian": the release's priors | "asymmetric": 2[(a−1) − ln a]/σ², the CsI
    term's form), ``efficiency_at`` ("reco" | "true": where the acceptance is applied), ``sw2`` (sin²θ_W).
    """
    return _evaluate(cp, _options(options), reweighting)


def delta_chi2_direct(cp, data=None, n_nodes: int = 256, **options) -> np.ndarray:
    """Slow validation path of :func:`delta_chi2`: rates by direct quadrature, no tables."""
    opts = _options(options)
    return _evaluate(cp, opts, lambda x, m, e, s: reweighting_direct(x, m, e, s, n_nodes))


# --- SM reference numbers and the cross-section fit -----------------------------------------------
def sm_prediction(efficiency_at: str = "reco", sw2: float = SW2_LOW) -> dict:
    """This package's SM CEvNS count in the analysis window (−0.1 to 4.9 µs, all energies), total,
    by flavour, and the all-time total, to compare with the release's 128 ± 17."""
    opts = _options({"efficiency_at": efficiency_at, "sw2": sw2})
    A = _resp.counts_sm(_tab.quadrature(256, opts["efficiency_at"], opts["sw2"])).sum(axis=(1, 2))
    win = A * _resp.flavour_time_fractions().sum(axis=1)
    return {"window": float(win.sum()), "all_times": float(A.sum()),
            "by_flavour_window": {f[0]: float(v) for f, v in zip(FLAVOURS, win)},
            "release_pdf": float(_lik.templates("none").phi_s[0].sum())}


def fit_cross_section(shapes: str = "none") -> dict:
    """Fit a free CEvNS normalisation to the data and convert it into a flux-averaged cross section.

    The release's CEvNS PDF (128 events) is the SM prediction, so σ = a_c ⟨σ⟩_SM with ⟨σ⟩_SM of
    :func:`~bayes_u1x.physics.coherent_lar_2020.response.flux_averaged_cross_section`.  The fit
    interval (Δχ² = 1, backgrounds and shapes profiled) is the counting uncertainty; the total
    adds the 13.3 % prediction uncertainty of the signal normalisation (17/128: neutrino flux,
    quenching, mass, ...) in quadrature, which the free fit cannot constrain.  Background priors
    are the release's Gaussians; ``shapes="none"`` (default) is the collaboration's central-PDF fit.
    """
    from scipy.optimize import brentq

    shapes = _options({"shapes": shapes})["shapes"]
    R = np.ones((1, N_BINS))
    best, par = _solver.profile(R, shapes=shapes, free_signal=True)
    a_hat = float(par[0, 0])

    def prof(a):
        start = par[0].copy()
        start[0] = a
        return _solver.profile(R, shapes=shapes, free_signal=True, start=start, fix_signal=True)[0][0]

    target = best[0] + 1.0
    lo = brentq(lambda a: prof(a) - target, 1e-6, a_hat, xtol=1e-8)
    hi = brentq(lambda a: prof(a) - target, a_hat, 5.0 * a_hat, xtol=1e-8)
    n_pred = float(_lik.templates(shapes).phi_s[0].sum())
    nrm = detector()["normalisations"]
    norm_frac = nrm["cevns_predicted_unc"] / nrm["cevns_predicted"]
    sig_sm = _resp.flux_averaged_cross_section()["total"]
    rel_fit = 0.5 * (hi - lo) / a_hat
    return {"norm": a_hat, "norm_lo": lo, "norm_hi": hi, "n_pred": n_pred,
            "n_fit": a_hat * n_pred, "n_fit_err_lo": (a_hat - lo) * n_pred,
            "n_fit_err_hi": (hi - a_hat) * n_pred, "nuisances": dict(zip(
                _lik.NORMS + _lik.templates(shapes).shapes, par[0])),
            "sigma_sm_cm2": sig_sm, "sigma_cm2": a_hat * sig_sm,
            "sigma_err_fit_cm2": rel_fit * a_hat * sig_sm,
            "sigma_err_cm2": math.hypot(rel_fit, norm_frac) * a_hat * sig_sm,
            "chi2_min": float(best[0]), "delta_chi2_no_cevns": float(prof(0.0) - best[0]),
            "delta_chi2_sm": float(prof(1.0) - best[0]), "n_bins": R.shape[1]}
