"""Plain prior Monte Carlo: Z = E_π[L] from independent prior draws (unbiased ground truth).

With N independent draws θ_i ~ π, Ẑ = (1/N) Σ L(θ_i) is unbiased; its error is taken from the
scatter of ``n_chunks`` chunk means (valid whenever Var_π[L] is finite, true for a bounded L). It
needs no mixing and no resolution, so it cannot miss a thin good-fit sheet *in expectation*; its
cost is ~ 1/(prior mass of the posterior) draws, affordable only for cheap likelihoods (5 µs per
point: 4e7 draws in ~4 min resolved the L_μ−L_τ discrepancy, see docs/model_comparison.md).
"""
from __future__ import annotations

import numpy as np

from ._base import CountingLogLike, EvidenceError, EvidenceResult, Timer, check_prior


def prior_monte_carlo(log_like, prior, *, n: int = 1_000_000, n_chunks: int = 50, seed=None) -> EvidenceResult:
    """ln Z = ln mean L over ``n`` prior draws; error = chunk-scatter standard error of ln Z."""
    d = check_prior(prior)
    if n_chunks < 2 or n < n_chunks:
        raise EvidenceError("need n_chunks >= 2 and n >= n_chunks")
    ll = CountingLogLike(log_like, d)
    rng = np.random.default_rng(seed)
    size = n // n_chunks
    logs = []
    with Timer() as timer:
        for _ in range(n_chunks):
            v = ll(prior.sample(size, rng))
            m = v.max()
            logs.append(m + np.log(np.mean(np.exp(v - m))))
    logs = np.array(logs)
    top = logs.max()
    means = np.exp(logs - top)
    z = means.mean()
    se = means.std(ddof=1) / np.sqrt(n_chunks)
    return EvidenceResult(float(top + np.log(z)), float(se / z), "mc", ll.n_evals, timer.elapsed,
                          {"n": size * n_chunks, "n_chunks": n_chunks, "seed": seed, "best_point": ll.best_point()})
