"""Beam-dump acceptance and the two-sided recast (shield length L_sh, decay volume L_dec).

An X produced in the dump with decay length l = gamma beta c tau reaches the decay volume and decays
inside it with probability

    E = exp(-L_sh/l) - exp(-(L_sh + L_dec)/l) = exp(-x) (1 - exp(-lratio x)),   x = L_sh/l,

lratio = L_dec/L_sh (the number each DarkCast limit states). With tau = hbar/Gamma and Gamma = g^2
Gamma_1 (Gamma_1: the width per unit coupling^2), x = T Gamma_1 g^2 with T = t0/hbar and
t0 = L_sh/(gamma beta c) the proper time needed to cross the shield.

**Where the boost comes from.** The published curve does not state gamma beta (it is a spectrum).
The recast takes the one-number-per-mass effective boost that the published curve itself implies:
the dark photon gives the *same* signal at the lower and at the upper edge of the excluded band
(both are the 90 % CL contour), g_lo^2 E(x_lo) = g_up^2 E(x_up) with x_up/x_lo = (g_up/g_lo)^2 =: rho.
In terms of x = x_lo this is h(x) = 0 with

    h(x) = (rho - 1) x - log rho + log(1 - e^{-lratio x}) - log(1 - e^{-lratio rho x}),

which is strictly increasing (h' = rho - 1 + [k(lratio x) - k(lratio rho x)]/x > 0, k(z) = z/(e^z - 1)
decreasing), negative at 0+ (-2 log rho) and bracketed by log(rho)/(rho - 1) <= x <= 2 log(rho)/(rho - 1):
one root, found by bisection. (DarkCast's ``Efficiency(lratio=...)`` solves the same condition for t0.)
At a closing tip (rho -> 1) the condition becomes stationarity of g^2 E, 1 - x + k(lratio x) = 0.
The implied boost is gamma beta = L_sh / (c t0).

**The recast.** The signal of any model is g^2 Pi BR(F) E(T Gamma_1,X g^2) with the *same* T (same
geometry and kinematics), so R(g) = g^2 Pi BR_X E(T Gamma_1,X g^2) / (g_lo^2 BR_ref E(x_lo)); R >= 1 is
excluded. R rises ~ g^4 at small g (decays far behind the detector), peaks, and falls exponentially
(decays inside the shield): the excluded set is one interval [g_-, g_+], found from y E(y) = 1/K with
y = T Gamma_1,X g^2 and K = Pi BR_X / (S T Gamma_1,X) (:func:`band`).
"""
from __future__ import annotations

import numpy as np

from ...constants import HBAR_GEV_S

C_M_PER_S = 2.99792458e8
_BISECTIONS = 200


def acceptance(x, lratio):
    """E(x) = exp(-x) - exp(-(1 + lratio) x) for x = L_sh/l >= 0 (0 at x = 0 and x = inf)."""
    x = np.asarray(x, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.where(np.isfinite(x), np.exp(-x) * -np.expm1(-lratio * x), 0.0)


def _log1mexp(z):
    """log(1 - exp(-z)) for z > 0."""
    return np.log(-np.expm1(-z))


def _k(z):
    """z / (e^z - 1), = 1 at z = 0."""
    z = np.asarray(z, dtype=float)
    small = z < 1e-8
    zs = np.where(small, 1.0, np.minimum(z, 700.0))
    return np.where(small, 1.0 - 0.5 * z, zs / np.expm1(zs))


def _bisect(f, lo, hi, iterations=_BISECTIONS):
    """Vectorised bisection for an increasing f with f(lo) <= 0 <= f(hi) (in place on copies)."""
    lo, hi = np.array(lo, dtype=float), np.array(hi, dtype=float)
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        neg = f(mid) < 0
        lo = np.where(neg, mid, lo)
        hi = np.where(neg, hi, mid)
        if np.all(hi - lo <= 4e-16 * np.abs(hi)):
            break
    return 0.5 * (lo + hi)


def peak_exponent(lratio) -> float:
    """y* maximising y E(y) (the tip condition): root of 1 - y + k(lratio y) = 0, in [1, 2]."""
    lratio = float(lratio)
    return float(_bisect(lambda y: y - 1.0 - _k(lratio * y), np.array(1.0), np.array(2.0)))


def shield_exponent(rho, lratio) -> np.ndarray:
    """x_lo = L_sh/l of the reference at the lower edge, from the equal-signal condition (module
    docstring); rho = (g_up/g_lo)^2 >= 1 (array), lratio > 0. NaN where rho is NaN."""
    rho = np.asarray(rho, dtype=float)
    out = np.full(rho.shape, np.nan)
    ok = np.isfinite(rho) & (rho >= 1.0)
    if not np.any(ok):
        return out
    r = rho[ok]
    tip = r - 1.0 < 1e-9
    res = np.empty(r.shape)
    if np.any(tip):
        res[tip] = peak_exponent(lratio)
    if np.any(~tip):
        q = r[~tip]
        lq = np.log(q)

        def h(x):
            return (q - 1.0) * x - lq + _log1mexp(lratio * x) - _log1mexp(lratio * q * x)

        lo, hi = lq / (q - 1.0), 2.0 * lq / (q - 1.0)
        res[~tip] = _bisect(h, lo * (1 - 1e-12), hi * (1 + 1e-12))
    out[ok] = res
    return out


def reference_tables(g_lo, g_up, width1_ref, br_ref, lratio):
    """(S, T) of a two-sided limit at masses where the published edges are g_lo < g_up (physical
    couplings) and the reference has total width width1_ref [GeV] per unit g^2 and BR_ref(F):
    S = g_lo^2 BR_ref E(x_lo) (the excluded signal per unit production), T = t0/hbar [1/GeV]
    (NaN where there is no limit)."""
    g_lo, g_up = np.asarray(g_lo, dtype=float), np.asarray(g_up, dtype=float)
    x = shield_exponent((g_up / g_lo) ** 2, lratio)
    with np.errstate(invalid="ignore", divide="ignore"):
        T = x / (width1_ref * g_lo ** 2)
        S = g_lo ** 2 * br_ref * acceptance(x, lratio)
    return S, T


def implied_boost(T, l_shield_m) -> np.ndarray:
    """gamma beta = L_sh/(c t0) implied by the published curve (t0 = hbar T)."""
    return l_shield_m / (C_M_PER_S * HBAR_GEV_S * np.asarray(T, dtype=float))


def ratio(u, A, width1_x, S, T, lratio) -> np.ndarray:
    """R = u A E(T width1_x u) / S at coupling^2 u (A = Pi BR_X); 0 where S is not a limit."""
    ok = np.isfinite(S) & (S > 0) & np.isfinite(T)
    x = np.where(ok, T, 0.0) * width1_x * u
    return np.where(ok, u * A * acceptance(x, lratio) / np.where(ok, S, 1.0), 0.0)


def band(A, width1_x, S, T, lratio):
    """Excluded coupling interval (g_minus, g_plus) of a model with A = Pi BR_X and width width1_x per
    unit g^2 (arrays over masses; NaN where nothing is excluded)."""
    A, w, S, T = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (A, width1_x, S, T)))
    g_minus, g_plus = np.full(A.shape, np.nan), np.full(A.shape, np.nan)
    ok = np.isfinite(S) & (S > 0) & np.isfinite(T) & (T > 0) & (A > 0) & (w > 0)
    if not np.any(ok):
        return g_minus, g_plus
    K = A[ok] / (S[ok] * T[ok] * w[ok])
    y_star = peak_exponent(lratio)
    lK = np.log(K)
    lpeak = np.log(y_star * acceptance(y_star, lratio))
    hit = lK + lpeak >= 0
    if not np.any(hit):
        return g_minus, g_plus
    lK = lK[hit]

    def f(ly):  # log(y E(y)) + log K, in log y
        y = np.exp(ly)
        return ly - y + _log1mexp(lratio * y) + lK

    ls = np.full(lK.shape, np.log(y_star))
    # lower root: y E(y) ~ lratio y^2 at small y, so y_- >= sqrt(1/(lratio K)) / 10 is a safe floor
    lo = np.minimum(ls, 0.5 * (-lK - np.log(lratio))) - np.log(10.0) - 1.0
    lo = np.minimum(lo, ls - 1e-12)
    y_lo = np.exp(_bisect(f, lo, ls))
    # upper root: y E(y) <= y e^{-y}, below 1/K once y >= 2 (log K + 2) + 2
    hi = np.log(np.maximum(2.0 * y_star, 2.0 * (np.abs(lK) + 2.0) + 2.0))
    y_hi = np.exp(_bisect(lambda ly: -f(ly), ls, hi))
    idx = np.flatnonzero(ok)[hit]
    scale = T[idx] * w[idx]
    g_minus[idx] = np.sqrt(y_lo / scale)
    g_plus[idx] = np.sqrt(y_hi / scale)
    return g_minus, g_plus
