"""Shared pieces of the evidence estimators: the result type, input checks, evaluation counting.

The evidence (marginal likelihood) of a model is

    Z = ∫ L(θ) π(θ) dθ ,

with π the *normalised* prior density on its support (the prior box ``prior.bounds``). Every
estimator in this package returns ln Z in the units of the ``log_like`` it was given: for the
physics likelihood ln L = −Δχ²/2 (each term relative to its own reference), so a Bayes factor
against the Standard Model is ln Z − ln L_SM with ln L_SM = −Δχ²_SM/2 (see :func:`sm_log_likelihood`).

The estimators only rely on a duck-typed prior with

* ``names`` (tuple of str), ``bounds`` (ndarray (d, 2)),
* ``sample(n, rng) -> (n, d)``,
* ``log_prob(theta (n, d)) -> (n,)`` — normalised, −inf outside the support,
* ``ppf(u (n, d)) -> (n, d)`` — the unit-cube transform (needed by nested sampling only),

and a vectorised ``log_like(theta (n, d)) -> (n,)``.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ...errors import EvidenceError
from ...serialization import to_jsonable


@dataclass
class EvidenceResult:
    """ln Z of one model by one estimator.

    Attributes
    ----------
    log_z, log_z_err : the estimate of ln Z and its one-sigma uncertainty (natural log).
    method : "ti" (thermodynamic integration), "ss" (stepping stone), "nested" (dynesty) or "grid".
    n_like_evals : number of points at which the likelihood was evaluated.
    wall_time : seconds.
    extra : estimator-specific diagnostics (ladder, per-run values, convergence table, ...).
    """

    log_z: float
    log_z_err: float
    method: str
    n_like_evals: int
    wall_time: float
    extra: dict = field(default_factory=dict)

    def to_dict(self, with_extra: bool = False) -> dict:
        out = {"log_z": float(self.log_z), "log_z_err": float(self.log_z_err), "method": self.method,
               "n_like_evals": int(self.n_like_evals), "wall_time": float(self.wall_time)}
        if with_extra:
            out["extra"] = to_jsonable(self.extra)
        return out

    def __repr__(self) -> str:
        return (f"EvidenceResult(method={self.method!r}, log_z={self.log_z:.4f} ± {self.log_z_err:.4f}, "
                f"n_like_evals={self.n_like_evals}, wall_time={self.wall_time:.2f}s)")


def sm_log_likelihood(likelihood) -> float:
    """ln L_SM = −Δχ²_SM/2 for a likelihood with ``sm_delta_chi2()`` and ln L = −Δχ²/2.

    With it, ln B(model : SM) = ln Z(model) − ln L_SM: the SM is the point g_X = 0, a model without
    free parameters, so its evidence is its likelihood.
    """
    return -0.5 * float(likelihood.sm_delta_chi2())


def check_prior(prior, need_ppf: bool = False) -> int:
    """Validate the duck-typed prior; return its dimension."""
    for attr in ("bounds", "sample", "log_prob") + (("ppf",) if need_ppf else ()):
        if not hasattr(prior, attr):
            raise EvidenceError(f"prior object {type(prior).__name__} has no {attr!r}")
    bounds = np.asarray(prior.bounds, dtype=float)
    if bounds.ndim != 2 or bounds.shape[1] != 2 or bounds.shape[0] < 1:
        raise EvidenceError(f"prior.bounds must have shape (d, 2), got {bounds.shape}")
    if not np.all(np.isfinite(bounds)) or np.any(bounds[:, 1] <= bounds[:, 0]):
        raise EvidenceError(f"prior.bounds must be finite with lower < upper, got {bounds.tolist()}")
    return bounds.shape[0]


class CountingLogLike:
    """Wrap ``log_like``: check shapes, map NaN to an error, count evaluated points and time."""

    def __init__(self, log_like, ndim: int):
        if not callable(log_like):
            raise EvidenceError("log_like must be callable: log_like(theta (n, d)) -> (n,)")
        self.log_like = log_like
        self.ndim = ndim
        self.n_evals = 0
        self.best_theta, self.best_log_like = None, -np.inf  # the best point seen (for Δχ²_min checks)

    def __call__(self, theta) -> np.ndarray:
        theta = np.atleast_2d(np.asarray(theta, dtype=float))
        if theta.shape[-1] != self.ndim:
            raise EvidenceError(f"theta has {theta.shape[-1]} columns, the prior has {self.ndim}")
        if theta.shape[0] == 0:
            return np.zeros(0)
        out = np.asarray(self.log_like(theta), dtype=float).reshape(-1)
        if out.shape[0] != theta.shape[0]:
            raise EvidenceError(f"log_like returned {out.shape[0]} values for {theta.shape[0]} points; "
                                "it must be vectorised: (n, d) -> (n,)")
        if np.any(np.isnan(out)) or np.any(out == np.inf):
            raise EvidenceError("log_like returned NaN or +inf")
        self.n_evals += theta.shape[0]
        i = int(np.argmax(out))
        if out[i] > self.best_log_like:
            self.best_theta, self.best_log_like = theta[i].copy(), float(out[i])
        return out

    def best_point(self) -> dict | None:
        """{"theta", "log_like"} of the best point evaluated, or None."""
        if self.best_theta is None:
            return None
        return {"theta": [float(x) for x in self.best_theta], "log_like": self.best_log_like}


class Timer:
    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.elapsed = time.perf_counter() - self.t0

    @property
    def now(self) -> float:
        return time.perf_counter() - self.t0


def log_mean_exp(x, axis=None):
    x = np.asarray(x, dtype=float)
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    out = np.log(np.mean(np.exp(x - m), axis=axis, keepdims=True)) + m
    return np.squeeze(out, axis=axis) if axis is not None else float(out.ravel()[0])
