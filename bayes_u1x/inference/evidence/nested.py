"""Nested-sampling evidence with dynesty (Skilling 2006; Speagle, arXiv:1904.02180) as a cross-check.

Nested sampling integrates Z = ∫ L dX over the prior mass X: live points drawn from the prior through
the unit-cube transform ``prior.ppf`` are replaced one at a time by points of higher likelihood,
and X shrinks geometrically. dynesty's ``logzerr`` (from the information H, ≈ sqrt(H/n_live)) is the
statistical error of one run; with ``n_runs > 1`` independent runs are combined and the quoted error
is the larger of the propagated per-run error and the between-run standard error of the mean.

The likelihood is called point by point by dynesty; a vectorised ``log_like`` is wrapped.
"""
from __future__ import annotations

import numpy as np

from ._base import CountingLogLike, EvidenceError, EvidenceResult, Timer, check_prior

try:  # dynesty is an optional dependency of the evidence layer
    import dynesty
except ImportError:  # pragma: no cover - exercised only without dynesty
    dynesty = None


def nested_evidence(log_like, prior, *, n_live: int = 500, dlogz: float = 0.05, sample: str = "rwalk",
                    bound: str = "multi", n_runs: int = 1, seed=None, maxcall: int | None = None,
                    dynamic: bool = False) -> EvidenceResult:
    """ln Z with dynesty's static (or, with ``dynamic=True``, dynamic) nested sampler.

    Parameters
    ----------
    log_like : vectorised ln L, (n, d) -> (n,).
    prior : duck-typed prior with ``ppf`` (unit cube -> θ), ``bounds``, ``log_prob``, ``sample``.
    n_live : live points (the error scales as 1/sqrt(n_live)).
    dlogz : stopping criterion on the remaining evidence.
    sample, bound : dynesty sampling/bounding method.
    n_runs : independent runs (different seeds) averaged.
    """
    if dynesty is None:
        raise EvidenceError("nested sampling needs dynesty: pip install dynesty")
    d = check_prior(prior, need_ppf=True)
    if n_live < d + 1 or n_runs < 1:
        raise EvidenceError(f"need n_live > {d} and n_runs >= 1")
    counted = CountingLogLike(log_like, d)

    def loglike(x):
        return float(counted(np.asarray(x)[None, :])[0])

    def transform(u):
        return np.asarray(prior.ppf(np.asarray(u)[None, :]), dtype=float).reshape(-1)

    rng = np.random.default_rng(seed)
    logz, logzerr, ncall, niter, info = [], [], [], [], []
    with Timer() as timer:
        for _ in range(n_runs):
            rstate = np.random.default_rng(int(rng.integers(2 ** 63)))
            if dynamic:
                sampler = dynesty.DynamicNestedSampler(loglike, transform, d, bound=bound, sample=sample,
                                                       rstate=rstate)
                sampler.run_nested(nlive_init=n_live, dlogz_init=dlogz, maxcall=maxcall, print_progress=False)
            else:
                sampler = dynesty.NestedSampler(loglike, transform, d, nlive=n_live, bound=bound,
                                                sample=sample, rstate=rstate)
                sampler.run_nested(dlogz=dlogz, maxcall=maxcall, print_progress=False)
            res = sampler.results
            logz.append(float(res["logz"][-1]))
            logzerr.append(float(res["logzerr"][-1]))
            ncall.append(int(np.sum(res["ncall"])))
            niter.append(int(res["niter"]))
            info.append(float(res["information"][-1]))
    logz = np.array(logz)
    prop = float(np.sqrt(np.sum(np.square(logzerr))) / n_runs)
    between = float(np.std(logz, ddof=1) / np.sqrt(n_runs)) if n_runs > 1 else 0.0
    extra = {"per_run": logz.tolist(), "per_run_err": logzerr, "propagated_se": prop,
             "between_run_se": between, "ncall": ncall, "niter": niter, "information_nats": info,
             "dynesty_version": dynesty.__version__,
             "settings": {"n_live": n_live, "dlogz": dlogz, "sample": sample, "bound": bound,
                          "n_runs": n_runs, "seed": seed, "dynamic": dynamic}}
    return EvidenceResult(float(np.mean(logz)), max(prop, between), "nested", counted.n_evals,
                          timer.elapsed, extra)
