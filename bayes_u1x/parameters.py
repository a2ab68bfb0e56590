"""The parameter point θ = (log10 g_X, εe/g_X, log10 m_X/GeV): names, labels, units, ranges, validation.

* ``log10_g`` — log10 of the physical U(1)_X gauge coupling g_X (after removing kinetic mixing, Eq. 2.2
  of arXiv:2203.13731);
* ``eps_ratio`` — r_ε = εe/g_X, the kinetic-mixing charge shift q_f → x_f + r_ε Q_f (Eq. 2.2 in the
  small-ε form; Table 1, column "εe/g_X");
* ``log10_m`` — log10 of the X mass in GeV.

The supported mass range is 10 MeV ≤ m_X ≤ 4 GeV: below, BBN excludes a thermalised X (Sec. 2.5);
above, trident and the T parameter leave no (g−2)_μ solution (Sec. 4.1, Eq. 4.2) and the low-energy
likelihood is not meant to be used. Arrays of points have the parameters on their last axis.
"""
from __future__ import annotations

import math

import numpy as np

from .constants import M_X_MAX, M_X_MIN
from .errors import ParameterError

#: parameter names, in the order of the last axis of θ
NAMES = ("log10_g", "eps_ratio", "log10_m")
#: axis labels (matplotlib mathtext)
LABELS = {
    "log10_g": r"$\log_{10} g_X$",
    "eps_ratio": r"$\varepsilon e / g_X$",
    "log10_m": r"$\log_{10}(m_X/\mathrm{GeV})$",
}
#: plain-text labels (terminal output)
TEXT_LABELS = {"log10_g": "log10 g_X", "eps_ratio": "eps e/g_X", "log10_m": "log10 m_X/GeV"}
#: units of each parameter (dimensionless couplings; the mass in log10 GeV)
UNITS = {"log10_g": "", "eps_ratio": "", "log10_m": "log10(GeV)"}
#: the supported range of log10 m_X [log10 GeV]
LOG10_M_RANGE = (math.log10(M_X_MIN), math.log10(M_X_MAX))
#: default search box of the profile layer: the default prior's support (priors/default.toml)
DEFAULT_BOUNDS = {"log10_g": (-6.0, -1.0), "eps_ratio": (-15.0, 15.0), "log10_m": LOG10_M_RANGE}
#: largest |εe/g_X| accepted: far beyond any physical point (|ε| = |r| g_X/e < 1 bounds it for g_X > 3e-7;
#: points with |ε| ≥ 1 are excluded by the T-parameter term, not refused), it keeps every q_f² finite
MAX_ABS_EPS_RATIO = 1e6
#: relative slack of the mass-range check (so that 10**log10(4) counts as inside)
_MASS_SLACK = 1e-9


def mass_in_range(m) -> np.ndarray:
    """True where M_X_MIN ≤ m_X ≤ M_X_MAX (up to rounding)."""
    m = np.asarray(m, dtype=float)
    return (m >= M_X_MIN * (1 - _MASS_SLACK)) & (m <= M_X_MAX * (1 + _MASS_SLACK))


def check_mass(m, lo: float = M_X_MIN, hi: float = M_X_MAX, what: str = "the supported range") -> None:
    """Raise :class:`ParameterError` naming the first mass outside [lo, hi] GeV."""
    m = np.asarray(m, dtype=float)
    bad = (m < lo * (1 - _MASS_SLACK)) | (m > hi * (1 + _MASS_SLACK))
    if np.any(bad):
        raise ParameterError(f"m_X = {m[bad].ravel()[0]:.4g} GeV is outside {what} [{lo:g}, {hi:g}] GeV"
                             + (" (BBN, Sec. 2.5; trident+T, Eq. 4.2)" if (lo, hi) == (M_X_MIN, M_X_MAX) else ""))


def check_eps_ratio(value) -> float:
    """εe/g_X as a finite float (a clear error otherwise)."""
    try:
        r = float(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"eps e/g_X must be a number, got {value!r}") from exc
    if not math.isfinite(r):
        raise ParameterError("eps e/g_X must be finite")
    return r


def validate_points(g, r_eps, m, check_mass_range: bool = True):
    """Broadcast and validate physical points (g_X, εe/g_X, m_X [GeV]); returns the three arrays."""
    try:
        g, r_eps, m = np.broadcast_arrays(np.asarray(g, dtype=float), np.asarray(r_eps, dtype=float),
                                          np.asarray(m, dtype=float))
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"g_X, eps e/g_X and m_X must be numbers with compatible shapes: {exc}") from exc
    for name, arr in (("g_X", g), ("eps e/g_X", r_eps), ("m_X", m)):
        if not np.all(np.isfinite(arr)):
            raise ParameterError(f"{name} contains NaN or infinite values")
    if np.any(g < 0):
        raise ParameterError("g_X must be non-negative (the sign is unphysical: use g_X >= 0)")
    if np.any(np.abs(r_eps) > MAX_ABS_EPS_RATIO):
        raise ParameterError(f"|eps e/g_X| = {float(np.max(np.abs(r_eps))):.3g} exceeds {MAX_ABS_EPS_RATIO:g}: "
                             "no physical point needs it (the kinetic mixing |eps| = |r| g_X/e stays below 1)")

    if np.any(m <= 0):
        raise ParameterError("m_X must be positive")
    if check_mass_range:
        check_mass(m)
    return g, r_eps, m


def validate_theta(theta) -> np.ndarray:
    """θ as a float array with last dimension 3 and finite values."""
    try:
        theta = np.asarray(theta, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"theta must be numbers (log10 g_X, eps e/g_X, log10 m_X): {exc}") from exc
    if theta.shape[-1:] != (3,):
        raise ParameterError(f"theta must have last dimension 3 ({', '.join(NAMES)}), got shape {theta.shape}")
    if not np.all(np.isfinite(theta)):
        raise ParameterError("theta contains NaN or infinite values")
    return theta


def theta_to_physical(theta):
    """Map θ of shape (..., 3) to the physical arrays (g_X, εe/g_X, m_X [GeV])."""
    theta = validate_theta(theta)
    return 10.0 ** theta[..., 0], theta[..., 1], 10.0 ** theta[..., 2]


def physical_to_theta(g, r_eps, m) -> np.ndarray:
    """Inverse of :func:`theta_to_physical` (g_X > 0 and m_X > 0)."""
    g, r_eps, m = np.broadcast_arrays(np.asarray(g, dtype=float), np.asarray(r_eps, dtype=float),
                                      np.asarray(m, dtype=float))
    if np.any(g <= 0) or np.any(m <= 0):
        raise ParameterError("g_X and m_X must be positive to be written as log10")
    return np.stack([np.log10(g), r_eps, np.log10(m)], axis=-1)
