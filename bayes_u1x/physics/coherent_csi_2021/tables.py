"""Precomputed A + x B(m) + x² C(m) response tables of the COHERENT CsI 2021 analysis.

For response variant v, flavour f, isotope i and PE bin j (all arrival times; the time fractions are
applied afterwards, they do not depend on the recoil):

    N_vfij(x, m) = Σ_nodes w (Q_W^SM,i − x/(q² + m²))² = A_vfij − 2 Q_W^SM,i x B̃_vfij(m) + x² C̃_vfij(m),
    B̃ = Σ w/(q² + m²),   C̃ = Σ w/(q² + m²)².

B̃, C̃ are positive and smooth in m: ln B̃ and ln C̃ are tabulated against ln m on a uniform grid
(40 points per decade, 10⁻⁴–10³ GeV) and interpolated by a cubic spline; the tables are stored in the
versioned cache (:func:`bayes_u1x.cache.cached_arrays`) keyed by every input they depend on.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.interpolate import CubicSpline

from ...cache import cached_arrays
from ...constants import SW2_LOW
from .inputs import VARIANTS, binning, facts
from .response import SUB_PE, build_quadrature, counts_sm, propagator_moments

TABLE_VERSION = "coherent-csi-2021/v1"
LOG10_M_RANGE = (-4.0, 3.0)      # 0.1 MeV – 1 TeV
POINTS_PER_DECADE = 40
N_NODES = 128
_TINY = 1e-300                   # floor before the logarithm (far Gamma tails can underflow)


@dataclass(frozen=True)
class ResponseTable:
    A: np.ndarray              #: (variants, flavours, isotopes, n_pe) SM counts
    qw_sm: np.ndarray          #: (isotopes,)
    spline: CubicSpline        #: ln m -> (2 · A.size,): ln B̃ then ln C̃
    log_m_lo: float
    log_m_hi: float

    def moments(self, m):
        """(B̃, C̃) at masses m (N,), each (N,) + A.shape."""
        y = np.exp(self.spline(np.log(m)))
        half = y.shape[-1] // 2
        shape = (np.shape(m)[0],) + self.A.shape
        return y[:, :half].reshape(shape), y[:, half:].reshape(shape)

    def in_range(self, m):
        lm = np.log(m)
        return (lm >= self.log_m_lo) & (lm <= self.log_m_hi)


def _inputs(sw2):
    b = binning()
    return {"facts": facts(), "sw2": sw2, "nodes": N_NODES, "sub_pe": SUB_PE, "variants": VARIANTS,
            "pe_edges": b.pe_edges, "grid": [LOG10_M_RANGE[0], LOG10_M_RANGE[1], POINTS_PER_DECADE]}


def _build(sw2):
    quad = build_quadrature(N_NODES, sw2)
    n = int(round((LOG10_M_RANGE[1] - LOG10_M_RANGE[0]) * POINTS_PER_DECADE)) + 1
    m = np.logspace(*LOG10_M_RANGE, n)
    Bt = propagator_moments(quad, m, 1)
    Ct = propagator_moments(quad, m, 2)
    return {"log_m": np.log(m), "log_B": np.log(np.maximum(Bt, _TINY)),
            "log_C": np.log(np.maximum(Ct, _TINY)), "A": counts_sm(quad), "qw_sm": quad.qw_sm}


@lru_cache(maxsize=4)
def response_table(sw2: float = SW2_LOW, use_cache: bool = True) -> ResponseTable:
    arr = cached_arrays("coherent_csi2021_response", TABLE_VERSION, _inputs(sw2),
                        lambda: _build(sw2), use_cache=use_cache)
    nm = arr["log_m"].size
    y = np.concatenate([arr["log_B"].reshape(nm, -1), arr["log_C"].reshape(nm, -1)], axis=1)
    spline = CubicSpline(arr["log_m"], y, axis=0)
    return ResponseTable(A=arr["A"], qw_sm=arr["qw_sm"], spline=spline,
                         log_m_lo=float(arr["log_m"][0]), log_m_hi=float(arr["log_m"][-1]))
