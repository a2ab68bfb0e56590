"""Pick an evidence estimator by name: "ti", "ss", "is", "nested", "grid" or "mc" (see the package docstring)."""
from __future__ import annotations

from ._base import EvidenceError, EvidenceResult
from .grid import grid_evidence
from .importance import importance_evidence
from .montecarlo import prior_monte_carlo
from .nested import nested_evidence
from .thermodynamic import stepping_stone, thermodynamic_integration

METHODS = ("ti", "ss", "is", "nested", "grid", "mc")


def estimate_evidence(log_like, prior, method: str = "ti", **kwargs) -> EvidenceResult:
    """Dispatch to the estimator named ``method`` (one of :data:`METHODS`)."""
    if method == "ti":
        return thermodynamic_integration(log_like, prior, **kwargs)
    if method == "ss":
        return stepping_stone(log_like, prior, **kwargs)
    if method == "is":
        return importance_evidence(log_like, prior, **kwargs)
    if method == "nested":
        return nested_evidence(log_like, prior, **kwargs)
    if method == "grid":
        return grid_evidence(log_like, prior, **kwargs)
    if method == "mc":
        return prior_monte_carlo(log_like, prior, **kwargs)
    raise EvidenceError(f"unknown evidence method {method!r}; choose one of {', '.join(METHODS)}")
