"""Bayesian evidence ln Z = ln ∫ L(θ) π(θ) dθ by three independent estimators.

* :func:`thermodynamic_integration` / :func:`stepping_stone` — adaptive power-posterior ladder with
  emcee (:mod:`.thermodynamic`);
* :func:`nested_evidence` — dynesty nested sampling (:mod:`.nested`);
* :func:`prior_monte_carlo` — plain Monte Carlo over prior draws (unbiased, for cheap likelihoods);
* :func:`importance_evidence` — importance sampling from the defensive reference mixture (bounded
  weights; the model-space estimator, with TI as its fallback) (:mod:`.importance`);
* :func:`grid_evidence` — deterministic adaptive Genz–Malik cubature, with
  :func:`grid_convergence` to show resolution convergence (:mod:`.grid`).

All take a vectorised ``log_like(theta (n, d)) -> (n,)`` and a duck-typed prior (``names``,
``bounds`` (d, 2), ``sample(n, rng)``, normalised ``log_prob(theta)``, ``ppf(u)``) and return an
:class:`EvidenceResult`. The harmonic-mean estimator is deliberately absent.

**Prior-volume dependence.** Z is the prior-weighted *average* of the likelihood, so it depends on
the prior: widening a uniform prior on a parameter the data constrain by a factor k lowers ln Z by
ln k (the "Occam factor"), while the best fit does not change. Bayes factors between models are
therefore statements about the models *and* their priors; quote the priors with every ln B, and
show how ln B moves when the prior box changes. See ``docs/evidence.md``.

Use :func:`estimate_evidence` to pick an estimator by name ("ti", "ss", "nested", "grid", "mc"), and
:func:`evidence` (:mod:`.model_evidence`) for a physics likelihood: it builds the profile + pilot
reference that TI and SS need and applies the package defaults, exactly as the command line does.
"""
from __future__ import annotations

from ._base import EvidenceError, EvidenceResult, sm_log_likelihood
from .estimators import METHODS, estimate_evidence
from .grid import genz_malik_rule, grid_convergence, grid_evidence
from .importance import importance_evidence
from .montecarlo import prior_monte_carlo
from .nested import nested_evidence
from .reference import MixtureReference, minima_reference, profile_reference
from .thermodynamic import stepping_stone, tempered_evidence, thermodynamic_integration
from .model_evidence import DEFAULT_SETTINGS, evidence, evidence_scan, model_evidence

__all__ = ["DEFAULT_SETTINGS", "EvidenceError", "EvidenceResult", "METHODS", "MixtureReference", "minima_reference",
           "prior_monte_carlo", "profile_reference", "estimate_evidence", "evidence", "evidence_scan", "genz_malik_rule",
           "grid_convergence", "grid_evidence", "importance_evidence", "model_evidence", "nested_evidence", "sm_log_likelihood", "stepping_stone",
           "tempered_evidence", "thermodynamic_integration"]
