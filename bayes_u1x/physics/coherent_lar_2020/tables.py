"""X/SM re-weighting of the CEvNS PDF, and its precomputed A + x B(m) + x² C(m) tables.

For flavour f, isotope i and reconstructed-energy bin j (all arrival times)

    N_fij(x, m) = Σ_nodes w (Q_W,i^SM − x/(q² + m²))² = A_fij − 2 Q_W,i^SM x B̃_fij(m) + x² C̃_fij(m),

B̃ = Σ w/(q²+m²), C̃ = Σ w/(q²+m²)².  ln B̃, ln C̃ are tabulated against ln m (0.1 MeV – 1 TeV, 40 points
per decade, cubic spline; cached with :func:`bayes_u1x.cache.cached_arrays`) in the energy bins
where the release's CEvNS PDF is non-zero (0–50 keVee).  The re-weighting of the PDF bin
(energy j, F90, time k) is

    R_jk = Σ_f N_fj^X τ_fk / Σ_f N_fj^SM τ_fk,     N_fj = Σ_i N_fij,

with τ_fk the fraction of flavour f's neutrinos arriving in time bin k
(:func:`~bayes_u1x.physics.coherent_lar_2020.response.flavour_time_fractions`): prompt ν_μ and
delayed ν_e, ν̄_μ carry different X charges and arrive at different times, so R depends on time
as well as on energy.  R is the same for every F90 bin (F90 depends on the recoil energy, not on
the flavour).  In the SM R ≡ 1 and the PDF is the release's.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.interpolate import CubicSpline

from ...cache import cached_arrays
from ...constants import SW2_LOW
from ...errors import DataError, LikelihoodError
from .inputs import SHAPE, detector, pdf
from .response import (
    EFFICIENCY_AT,
    build_quadrature,
    counts_np,
    counts_sm,
    flavour_time_fractions,
    propagator_moments,
)

TABLE_VERSION = "coherent-lar-2020/v1"
LOG10_M_RANGE = (-4.0, 3.0)
POINTS_PER_DECADE = 40
N_NODES = 128


def active_energy_bins() -> np.ndarray:
    """Indices of the energy bins where the release's CEvNS PDF is non-zero (0-50 keVee)."""
    return np.nonzero(pdf("cevns").sum(axis=(1, 2)) > 0)[0]


def reweighting(per_flavour, per_flavour_sm, tau=None) -> np.ndarray:
    """(N, 960) factor R on the flattened PDF from counts (N, flavours, active E bins) with X and
    (flavours, active E bins) in the SM; bins outside the active energy range keep R = 1."""
    tau = flavour_time_fractions() if tau is None else tau          # (flavours, 10)
    num = np.einsum("nfj,fk->njk", np.asarray(per_flavour, dtype=float), tau)
    den = np.einsum("fj,fk->jk", np.asarray(per_flavour_sm, dtype=float), tau)
    R = np.ones((num.shape[0], SHAPE[0], SHAPE[2]))
    R[:, active_energy_bins(), :] = num / den
    return np.broadcast_to(R[:, :, None, :], (R.shape[0],) + SHAPE).reshape(R.shape[0], -1)


@dataclass(frozen=True)
class ResponseTable:
    A: np.ndarray              #: (flavours, isotopes, active E) SM counts, all times
    live: np.ndarray           #: (flavours, isotopes, active E) 1 where the moments are non-zero
    qw_sm: np.ndarray          #: (isotopes,)
    spline: CubicSpline        #: ln m -> (…, 2·flavours·isotopes·E): ln B̃ then ln C̃
    log_m_lo: float
    log_m_hi: float

    def moments(self, m):
        """(B̃, C̃) at masses m (N,), each (N, flavours, isotopes, active E)."""
        y = np.exp(self.spline(np.log(m)))
        half = y.shape[-1] // 2
        shape = (m.shape[0],) + self.A.shape
        return y[:, :half].reshape(shape) * self.live, y[:, half:].reshape(shape) * self.live

    def in_range(self, m):
        lm = np.log(m)
        return (lm >= self.log_m_lo) & (lm <= self.log_m_hi)

    def counts(self, x, m):
        """(N, flavours, isotopes, active E) counts from strengths x (N, flavours, isotopes)."""
        B, C = self.moments(m)
        xi = x[..., None]
        return self.A - 2.0 * self.qw_sm[:, None] * xi * B + xi * xi * C


def _inputs(efficiency_at, sw2):
    return {"detector": detector(), "efficiency_at": efficiency_at, "sw2": sw2, "nodes": N_NODES,
            "grid": [LOG10_M_RANGE[0], LOG10_M_RANGE[1], POINTS_PER_DECADE],
            "active": active_energy_bins()}


def _build(efficiency_at, sw2):
    quad = build_quadrature(N_NODES, efficiency_at, sw2)
    act = active_energy_bins()
    n = int(round((LOG10_M_RANGE[1] - LOG10_M_RANGE[0]) * POINTS_PER_DECADE)) + 1
    m = np.logspace(*LOG10_M_RANGE, n)
    Bt = propagator_moments(quad, m, 1)[..., act]
    Ct = propagator_moments(quad, m, 2)[..., act]
    # a (flavour, isotope, bin) whose weights all vanish (prompt ν_μ recoils cannot reach 30 keVee)
    # has B̃ = C̃ = 0 at every mass: it is masked instead of taking its logarithm
    live = np.all(Bt > 0, axis=0) & np.all(Ct > 0, axis=0)
    if np.any(~live & (np.any(Bt != 0, axis=0) | np.any(Ct != 0, axis=0))):
        raise DataError("COHERENT-LAr table: a propagator moment vanishes at some masses only")
    return {"log_m": np.log(m), "log_B": np.log(np.where(live, Bt, 1.0)),
            "log_C": np.log(np.where(live, Ct, 1.0)), "live": live.astype(float),
            "A": counts_sm(quad)[..., act], "qw_sm": quad.qw_sm}


@lru_cache(maxsize=8)
def response_table(efficiency_at: str = "reco", sw2: float = SW2_LOW,
                   use_cache: bool = True) -> ResponseTable:
    if efficiency_at not in EFFICIENCY_AT:
        raise LikelihoodError(f"efficiency_at={efficiency_at!r} unknown; use one of {EFFICIENCY_AT}")
    arr = cached_arrays("coherent_lar_response", TABLE_VERSION, _inputs(efficiency_at, sw2),
                        lambda: _build(efficiency_at, sw2), use_cache=use_cache)
    nm = arr["log_m"].size
    y = np.concatenate([arr["log_B"].reshape(nm, -1), arr["log_C"].reshape(nm, -1)], axis=1)
    return ResponseTable(A=arr["A"], live=arr["live"], qw_sm=arr["qw_sm"], spline=CubicSpline(arr["log_m"], y, axis=0),
                         log_m_lo=float(arr["log_m"][0]), log_m_hi=float(arr["log_m"][-1]))


_QUAD: dict = {}


def quadrature(n_nodes: int, efficiency_at: str, sw2: float):
    key = (n_nodes, efficiency_at, sw2)
    if key not in _QUAD:
        _QUAD[key] = build_quadrature(n_nodes, efficiency_at, sw2)
    return _QUAD[key]


def counts_direct(x, m, efficiency_at: str = "reco", sw2: float = SW2_LOW, n_nodes: int = 256):
    """As :meth:`ResponseTable.counts`, by direct recoil quadrature at every point (no tables)."""
    quad = quadrature(n_nodes, efficiency_at, sw2)
    return counts_np(quad, x, np.asarray(m, dtype=float))[..., active_energy_bins()]


def counts_sm_direct(efficiency_at: str = "reco", sw2: float = SW2_LOW, n_nodes: int = 256):
    return counts_sm(quadrature(n_nodes, efficiency_at, sw2))[..., active_energy_bins()]
