"""Arrival-time model of the COHERENT CsI 2021 analysis (reconstructed time t in µs).

The 2-D SNS flux histogram of the release (energy × time) is not shipped, so the time structure is
modelled analytically (stopped π⁺ decay at rest, PDG lifetimes τ_π = 26.03 ns, τ_μ = 2.197 µs):

* proton-on-target profile P(t): a Gaussian (mean t₀, width σ_p) in the reconstructed-time
  coordinate of the release;
* prompt ν_μ (π⁺ → μ⁺ ν_μ):        p(t) = P ⊗ e^{−t/τ_π}/τ_π, an exponentially modified Gaussian;
* delayed ν_e, ν̄_μ (μ⁺ decay):     d(t) = P ⊗ e^{−t/τ_π}/τ_π ⊗ e^{−t/τ_μ}/τ_μ
                                        = [τ_μ EMG_τμ(t) − τ_π EMG_τπ(t)] / (τ_μ − τ_π);
* time efficiency (2110.07730 SM):  ε_T(t) = 1 for t < 0.52 µs, exp(−0.0494/µs (t − 0.52)) after.

t₀ and σ_p are not published; :func:`fit_pulse_to_nin` determines them from the released timing of
the neutrino-induced neutrons (NIN), which are made by the same (mostly delayed ν_e) neutrinos in the
lead shield (their tail gives τ = 2.197 µs).  The values are stored in ``detector.toml`` [timing]
(a test refits them).  Beam-related neutrons use their released time shape × ε_T; the steady-state
background has a flat true rate, so its observed time shape is ε_T itself.

Bin fractions returned here are fractions of *all* neutrinos of a timing class: they include ε_T and
the loss beyond 6 µs, so they sum to less than 1.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.optimize import least_squares
from scipy.special import erfc, erfcx

from .inputs import binning, facts, nin_shape, brn_shape

_FINE_NS = 1e-3          # integration step [µs] for bin fractions (1 ns)


def lifetimes() -> tuple[float, float]:
    """(τ_π, τ_μ) in µs."""
    s = facts()["neutrino_source"]
    return s["pion_lifetime_ns"] * 1e-3, s["muon_lifetime_us"]


def time_efficiency(t_us, plateau_us=None, slope_per_us=None) -> np.ndarray:
    """ε_T(t): 1 before the plateau end, exponential decrease after (2110.07730 SM)."""
    te = facts()["time_efficiency"]
    a = te["plateau_us"] if plateau_us is None else plateau_us
    b = te["slope_per_us"] if slope_per_us is None else slope_per_us
    t = np.asarray(t_us, dtype=float)
    return np.where(t < a, 1.0, np.exp(-b * (t - a)))


def emg(t, mu, sigma, tau) -> np.ndarray:
    """Gaussian(mu, sigma) ⊗ exponential of mean tau, normalised to 1 (overflow-free form)."""
    t = np.asarray(t, dtype=float)
    z = (mu + sigma * sigma / tau - t) / (np.sqrt(2.0) * sigma)
    gauss = np.exp(-0.5 * ((t - mu) / sigma) ** 2)
    zpos = np.maximum(z, 0.0)
    big = gauss * erfcx(zpos) / (2.0 * tau)                      # used where z >= 0
    expo = np.minimum((mu - t) / tau + 0.5 * (sigma / tau) ** 2, 0.0)
    small = np.exp(expo) * erfc(np.minimum(z, 0.0)) / (2.0 * tau)  # used where z < 0 (expo < 0 there)
    return np.where(z >= 0.0, big, small)


def pulse() -> tuple[float, float]:
    """(t₀, σ_p) of the Gaussian proton pulse [µs] (``detector.toml`` [timing])."""
    t = facts()["timing"]
    return float(t["pulse_mean_us"]), float(t["pulse_sigma_us"])


def prompt_pdf(t, t0=None, sigma=None) -> np.ndarray:
    """Arrival-time density of prompt ν_μ [1/µs]."""
    p0, s0 = pulse()
    tau_pi, _ = lifetimes()
    return emg(t, p0 if t0 is None else t0, s0 if sigma is None else sigma, tau_pi)


def delayed_pdf(t, t0=None, sigma=None) -> np.ndarray:
    """Arrival-time density of delayed ν_e and ν̄_μ [1/µs]."""
    p0, s0 = pulse()
    t0 = p0 if t0 is None else t0
    sigma = s0 if sigma is None else sigma
    tau_pi, tau_mu = lifetimes()
    return (tau_mu * emg(t, t0, sigma, tau_mu) - tau_pi * emg(t, t0, sigma, tau_pi)) / (tau_mu - tau_pi)


def _fine_grid(t_edges):
    n = int(round((t_edges[-1] - t_edges[0]) / _FINE_NS))
    mid = t_edges[0] + (np.arange(n) + 0.5) * _FINE_NS
    return mid, np.searchsorted(t_edges, mid, side="right") - 1


def _binned(density, t_edges, with_eff=True):
    mid, idx = _fine_grid(t_edges)
    w = density(mid) * _FINE_NS
    if with_eff:
        w = w * time_efficiency(mid)
    return np.bincount(idx, weights=w, minlength=t_edges.size - 1)[: t_edges.size - 1]


def neutrino_time_fractions(t0=None, sigma=None, t_edges=None) -> dict:
    """{"prompt": (n_t,), "delayed": (n_t,)}: fraction of all neutrinos of that class observed in
    each analysis time bin (ε_T included)."""
    t_edges = binning().t_edges if t_edges is None else np.asarray(t_edges, float)
    return {"prompt": _binned(lambda t: prompt_pdf(t, t0, sigma), t_edges),
            "delayed": _binned(lambda t: delayed_pdf(t, t0, sigma), t_edges)}


def steady_state_time_pdf(t_edges=None) -> np.ndarray:
    """(n_t,) steady-state time shape: flat true rate × ε_T, normalised to 1 over the region."""
    t_edges = binning().t_edges if t_edges is None else np.asarray(t_edges, float)
    f = _binned(lambda t: np.ones_like(t), t_edges)
    return f / f.sum()


def rebin_fine(centers, weights, width, t_edges) -> np.ndarray:
    """Rebin a histogram with uniform bins (centres, width) into t_edges, splitting straddling bins
    in proportion to the overlap (flat density inside a fine bin)."""
    lo, hi = centers - 0.5 * width, centers + 0.5 * width
    out = np.empty(t_edges.size - 1)
    for k in range(out.size):
        ov = np.clip(np.minimum(hi, t_edges[k + 1]) - np.maximum(lo, t_edges[k]), 0.0, None) / width
        out[k] = np.sum(weights * ov)
    return out


def neutron_time_pdf(kind: str, t_edges=None) -> np.ndarray:
    """(n_t,) time shape of BRN ("brn") or NIN ("nin"): released shape × ε_T, normalised to 1."""
    t_edges = binning().t_edges if t_edges is None else np.asarray(t_edges, float)
    sh = {"brn": brn_shape, "nin": nin_shape}[kind]()
    w = sh.t_weights * time_efficiency(sh.t_centers)
    f = rebin_fine(sh.t_centers, w, 0.01, t_edges)
    return f / f.sum()


@lru_cache(maxsize=None)
def fit_pulse_to_nin() -> dict:
    """Fit (t₀, σ_p) of the Gaussian pulse to the released NIN timing (delayed neutrino shape).

    Model per 0.01-µs bin: A · d(t) · 0.01 (A free: the released shape stops at 6.245 µs); the
    NIN shape is normalised to 1 and fitted by least squares with variance ∝ content (+1e-6 so
    empty bins keep a finite weight).  A prompt admixture is not fitted: left free it goes
    negative (unphysical), so it is held at 0.
    """
    sh = nin_shape()
    y = sh.t_weights / sh.t_weights.sum()
    err = np.sqrt(y + 1e-6)

    def resid(p):
        return (p[2] * delayed_pdf(sh.t_centers, p[0], p[1]) * 0.01 - y) / err

    r = least_squares(resid, [0.6, 0.15, 1.0], bounds=([0.0, 0.02, 0.5], [2.0, 1.0, 2.0]))
    # tail slope of the released shape (1.5-6 µs): a check of τ_μ
    m = (sh.t_centers > 1.5) & (sh.t_centers < 6.0) & (sh.t_weights > 0)
    slope = np.polyfit(sh.t_centers[m], np.log(sh.t_weights[m]), 1)[0]
    return {"t0_us": float(r.x[0]), "sigma_us": float(r.x[1]), "norm": float(r.x[2]),
            "tail_tau_us": float(-1.0 / slope), "cost": float(2.0 * r.cost)}
