"""Δχ² thresholds: the paper's viability rule and the usual confidence levels.

The reference paper (arXiv:2203.13731, Sec. 4.2) deems a model viable when its profile
minimum satisfies Δχ²_min < 4 ("within 2σ"), with Δχ² relative to the ideal model of App. B.
Intervals and contours use Wilks' theorem: Δχ² = F⁻¹_{χ²(k)}(CL) above the minimum for k
jointly-estimated parameters (1 for intervals, 2 for contours).
"""
from __future__ import annotations

import numpy as np
from scipy import stats

#: the paper's viability rule (Sec. 4.2): Δχ²_min < 4
VIABLE_DELTA_CHI2 = 4.0


def is_viable(delta_chi2_min) -> np.ndarray:
    """Δχ²_min < 4 (Sec. 4.2)."""
    return np.asarray(delta_chi2_min) < VIABLE_DELTA_CHI2


def cl_from_sigma(n_sigma) -> np.ndarray:
    """Two-sided Gaussian coverage of ±n σ (1σ = 0.6827, 2σ = 0.9545)."""
    return stats.chi2.cdf(np.asarray(n_sigma, dtype=float) ** 2, df=1)


def delta_chi2_for_cl(cl, ndof: int = 1) -> np.ndarray:
    """Δχ² above the minimum enclosing probability ``cl`` for ``ndof`` parameters
    (1D 68.27% -> 1.00, 1D 95.45% -> 4.00, 2D 68.27% -> 2.30, 2D 95% -> 5.99)."""
    cl = np.asarray(cl, dtype=float)
    if np.any((cl <= 0) | (cl >= 1)):
        from ..errors import BayesU1XError

        raise BayesU1XError(f"confidence level must lie in (0, 1), got {cl}")
    return stats.chi2.ppf(cl, df=ndof)


def cl_for_delta_chi2(delta_chi2, ndof: int = 1) -> np.ndarray:
    """Inverse of :func:`delta_chi2_for_cl`."""
    return stats.chi2.cdf(np.asarray(delta_chi2, dtype=float), df=ndof)


def delta_chi2_for_sigma(n_sigma, ndof: int = 1) -> np.ndarray:
    """Δχ² for an n-σ region with ``ndof`` parameters (n σ as in the Gaussian two-sided CL)."""
    return delta_chi2_for_cl(cl_from_sigma(n_sigma), ndof)
