"""The composite likelihood: named Δχ² terms over θ = (log10 g_X, εe/g_X, log10 m_X/GeV).

Δχ² = Σ_terms Δχ²_term (arXiv:2203.13731, Eq. B.1), each term relative to its own reference
(App. B), so that ln L = −Δχ²/2 up to a constant. Terms are looked up lazily by name in
``bayes_u1x.observables.<name>`` (module contract in :mod:`bayes_u1x.observables`), switchable,
and every evaluation returns the value of each term as well as the total.

The likelihood never knows the sampler: it is a pure function of arrays of points.
"""
from __future__ import annotations

from .errors import BayesU1XError

import importlib
from dataclasses import dataclass, field

import numpy as np

from .couplings import ParameterError, effective_couplings, theta_to_physical, validate_points
from .measurements import DEFAULT_SET, MeasurementSet, load_measurements
from .models import Model, get_model

#: every term name the package knows (chiral-only terms last)
ALL_TERMS = ("amu", "borexino", "nsi", "coherent", "resonances", "ccfr", "ew_t",
             "apv", "ae", "texono", "charm2")
CHIRAL_TERMS = ("apv", "ae", "texono", "charm2")

PRESETS = {
    # the paper's Table-1 likelihood (Eq. B.1)
    "table1": ("amu", "borexino", "nsi", "coherent", "resonances"),
    # every term valid over the whole default mass range 10 MeV - 4 GeV (CCFR with the X propagator
    # kept, bayes_u1x.trident); chiral-only terms are added for chiral models
    "default": ("amu", "borexino", "nsi", "coherent", "resonances", "ccfr", "ew_t"),
    # the default without CCFR: the 6-term likelihood of the results in docs/ dated before CCFR's
    # full calculation joined the default (kept to reproduce them)
    "no-ccfr": ("amu", "borexino", "nsi", "coherent", "resonances", "ew_t"),
    # alias of "default" (kept for run files that name it)
    "full": ("amu", "borexino", "nsi", "coherent", "resonances", "ccfr", "ew_t"),
    "closed-form": ("amu", "borexino", "nsi", "ew_t"),
}


#: options a preset implies unless the user overrides them (the paper's App. B resonance rule)
PRESET_OPTIONS = {"table1": {"resonances": {"mode": "paper"}}}


class LikelihoodError(BayesU1XError):
    """Unknown term, bad option, or a term asked for outside its validity."""


def _load_term(name: str):
    if name not in ALL_TERMS:
        raise LikelihoodError(f"unknown likelihood term {name!r}; known: {', '.join(ALL_TERMS)}")
    try:
        return importlib.import_module(f"bayes_u1x.observables.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"bayes_u1x.observables.{name}":
            raise LikelihoodError(f"likelihood term {name!r} is not implemented in this version") from exc
        raise


def resolve_terms(terms, model: Model | None = None) -> tuple[str, ...]:
    """Turn a preset name, a comma-separated string or a sequence into a tuple of term names."""
    if terms is None:
        terms = "default"
    if isinstance(terms, str):
        if terms in PRESETS:
            out = list(PRESETS[terms])
            if terms in ("default", "full") and model is not None and not model.is_vectorlike:
                out += list(CHIRAL_TERMS)
            return tuple(out)
        terms = [t.strip() for t in terms.split(",") if t.strip()]
    out = tuple(terms)
    for t in out:
        if t not in ALL_TERMS:
            raise LikelihoodError(f"unknown likelihood term {t!r}; known: {', '.join(ALL_TERMS)}; "
                                  f"presets: {', '.join(PRESETS)}")
    if len(set(out)) != len(out):
        raise LikelihoodError(f"likelihood term listed twice in {out}")
    if not out:
        raise LikelihoodError("no likelihood terms selected")
    return out


@dataclass
class CompositeLikelihood:
    """Sum of named Δχ² terms for one model.

    Parameters
    ----------
    model : a :class:`Model` or anything :func:`get_model` accepts (name, "cB,ce,cmu,ctau").
    terms : preset name ("table1", "default", "full", "closed-form"), "a,b,c", or a sequence.
    data : measurement-set name ("2021", "2025") or a :class:`MeasurementSet`.
    term_options : per-term keyword options, e.g. ``{"resonances": {"mode": "paper"}}``.
    """

    model: Model
    terms: tuple[str, ...] = ()
    data: MeasurementSet | str = DEFAULT_SET
    term_options: dict = field(default_factory=dict)

    def __post_init__(self):
        self.model = get_model(self.model)
        preset = self.terms if isinstance(self.terms, str) else None
        self.terms = resolve_terms(self.terms or None, self.model)
        opts = {k: dict(v) for k, v in PRESET_OPTIONS.get(preset, {}).items() if k in self.terms}
        for k, v in (self.term_options or {}).items():
            opts.setdefault(k, {}).update(v)
        self.term_options = opts
        self.data = load_measurements(self.data)
        unknown = set(self.term_options) - set(ALL_TERMS)
        if unknown:
            raise LikelihoodError(f"options given for unknown terms: {sorted(unknown)}")
        self._modules = {t: _load_term(t) for t in self.terms}

    # --- evaluation -------------------------------------------------------------------------
    def terms_physical(self, g, r_eps, m, check_mass_range: bool = True) -> dict[str, np.ndarray]:
        """Δχ² of every selected term at physical (g_X, εe/g_X, m_X [GeV]) arrays."""
        cp = effective_couplings(self.model, g, r_eps, m, check_mass_range=check_mass_range)
        out = {}
        for t, mod in self._modules.items():
            val = np.asarray(mod.delta_chi2(cp, self.data, **self.term_options.get(t, {})), dtype=float)
            out[t] = np.broadcast_to(val, cp.shape).copy()
        return out

    def terms_theta(self, theta) -> dict[str, np.ndarray]:
        """Δχ² of every selected term at θ = (log10 g_X, εe/g_X, log10 m_X), shape (..., 3)."""
        theta = np.asarray(theta, dtype=float)
        if not np.all(np.isfinite(theta)):
            raise ParameterError("theta contains NaN or infinite values")
        return self.terms_physical(*theta_to_physical(theta))

    def delta_chi2(self, theta) -> np.ndarray:
        """Total Δχ² at θ (shape (..., 3) -> (...))."""
        return sum(self.terms_theta(theta).values())

    def evaluate(self, theta):
        """(total Δχ², {term: Δχ²}) at θ."""
        t = self.terms_theta(theta)
        return sum(t.values()), t

    def log_likelihood(self, theta) -> np.ndarray:
        """ln L(θ) = −Δχ²(θ)/2 (up to the θ-independent normalisation)."""
        return -0.5 * self.delta_chi2(theta)

    def __call__(self, theta) -> np.ndarray:
        return self.log_likelihood(theta)

    # --- references ----------------------------------------------------------------------------
    def sm_terms(self, m: float = 0.2) -> dict[str, float]:
        """Every term at g_X = 0 (the SM), where it must not depend on r_eps or m_X."""
        vals = self.terms_physical(np.array([0.0]), np.array([0.0]), np.array([m]))
        return {k: float(v[0]) for k, v in vals.items()}

    def sm_delta_chi2(self) -> float:
        return float(sum(self.sm_terms().values()))


def delta_chi2_point(model, g: float, r_eps: float, m: float, terms="table1", data=DEFAULT_SET,
                     term_options=None) -> tuple[float, dict[str, float]]:
    """Convenience: (total, per-term) Δχ² at a single physical point."""
    lk = CompositeLikelihood(model, terms=terms, data=data, term_options=term_options or {})
    g, r_eps, m = validate_points(g, r_eps, m)
    vals = lk.terms_physical(np.atleast_1d(g), np.atleast_1d(r_eps), np.atleast_1d(m))
    per = {k: float(v.ravel()[0]) for k, v in vals.items()}
    return float(sum(per.values())), per
