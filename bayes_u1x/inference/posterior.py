"""The log posterior ln p(θ) = ln π(θ) − Δχ²(θ)/2, vectorised, with every term's Δχ² alongside.

p(θ | data) ∝ π(θ) exp(−Δχ²(θ)/2) over θ = (log10 g_X, εe/g_X, log10 m_X/GeV), with Δχ² the composite
likelihood of arXiv:2203.13731, Eq. B.1. :class:`LogPosterior` returns rows ``[ln p, Δχ²_1, …, Δχ²_T]``
so that emcee (``vectorize=True``) stores each term's Δχ² as a blob. The likelihood is any object with
a ``terms`` tuple and ``terms_theta(theta (n, 3)) -> {term: (n,)}`` (the sampler never looks inside).
"""
from __future__ import annotations

import math

import numpy as np

from ..constants import M_X_MAX, M_X_MIN
from ..errors import SamplingError

_CHUNK = 4096  # points per likelihood call when scoring many points


class LogPosterior:
    """Vectorised ln p(θ) = ln π(θ) − Σ_t Δχ²_t(θ)/2, returning rows ``[ln p, Δχ²_1, …, Δχ²_T]``.

    Points outside the prior support get ln p = −inf and Δχ² = +inf without calling the likelihood.
    """

    def __init__(self, likelihood, prior):
        self.likelihood = likelihood
        self.prior = prior
        self.terms = tuple(likelihood.terms)
        self.n_calls = 0
        self.n_points = 0

    def __call__(self, theta) -> np.ndarray:
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        n = theta.shape[0]
        out = np.full((n, 1 + len(self.terms)), np.inf)
        out[:, 0] = -np.inf
        lp = self.prior.log_prob(theta)
        ok = np.isfinite(lp)
        if np.any(ok):
            self.n_calls += 1
            self.n_points += int(ok.sum())
            vals = self.likelihood.terms_theta(theta[ok])
            chi = np.stack([np.asarray(vals[t], dtype=float).reshape(-1) for t in self.terms], axis=-1)
            total = chi.sum(axis=-1)
            good = np.isfinite(total)
            logp = np.where(good, lp[ok] - 0.5 * np.where(good, total, 0.0), -np.inf)
            out[ok, 0] = logp
            out[ok, 1:] = chi
        return out

    def delta_chi2(self, theta) -> np.ndarray:
        """Total Δχ² (inf outside the prior), evaluated in chunks."""
        theta = np.asarray(theta, dtype=float)
        res = [self(theta[i:i + _CHUNK])[:, 1:].sum(axis=-1) for i in range(0, len(theta), _CHUNK)]
        return np.concatenate(res) if res else np.zeros(0)


def check_prior_against_likelihood(prior, likelihood) -> None:
    """Refuse a prior whose support leaves the likelihood's validity (supported masses, each term's)."""
    terms = getattr(likelihood, "terms", None)
    if terms is None or not hasattr(likelihood, "terms_theta"):
        raise SamplingError("the likelihood must provide 'terms' and 'terms_theta(theta)'")
    if not hasattr(likelihood, "model"):
        return  # a toy likelihood: no physical range to check
    lo, hi = prior.bounds[2]
    m_lo, m_hi = math.log10(M_X_MIN), math.log10(M_X_MAX)
    tol = 1e-9
    if lo < m_lo - tol or hi > m_hi + tol:
        raise SamplingError(f"prior support of log10_m [{lo:g}, {hi:g}] leaves the supported mass range "
                            f"[{m_lo:.4g}, {m_hi:.4g}] (10 MeV - 4 GeV); bound the prior "
                            "(e.g. truncated-normal)")
    if not np.all(np.isfinite(prior.bounds[0])):
        raise SamplingError("prior on log10_g must be bounded (the likelihood is flat as g_X -> 0)")
    if prior.bounds[0][1] > 0.0:
        raise SamplingError(f"prior on log10_g reaches {prior.bounds[0][1]:g}: couplings g_X > 1 are not "
                            "perturbative here (and make every term huge); bound log10_g <= 0")
    vlo, vhi = getattr(likelihood, "valid_mass_range", (0.0, math.inf))
    if (vlo > 0 and lo < math.log10(vlo) - tol) or (math.isfinite(vhi) and hi > math.log10(vhi) + tol):
        raise SamplingError(
            f"the selected likelihood terms hold only for {vlo:g} <= m_X <= {vhi:g} GeV, but the prior "
            f"reaches m_X = {10**lo:.4g} - {10**hi:.4g} GeV: narrow the prior on log10_m or drop the term")
