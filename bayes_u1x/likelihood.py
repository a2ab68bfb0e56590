"""The composite likelihood: named Δχ² terms over θ = (log10 g_X, εe/g_X, log10 m_X/GeV).

Δχ² = Σ_terms Δχ²_term (arXiv:2203.13731, Eq. B.1), each term relative to its own reference
(App. B), so that ln L = −Δχ²/2 up to a constant. Which terms, and with which options, is a
:class:`Preset` (terms and options travel together, so an option can never be dropped on the way);
every evaluation returns each term's value as well as the total.

Which to use when:

* ``"default"`` — every term valid over the whole supported mass range (10 MeV – 4 GeV), the
  chiral terms added for chiral models: what ``sample``, ``compare``, ``scan`` and ``profile`` use;
* ``"table1"`` — the paper's App. B likelihood at m_X = 200 MeV (Table 1, Fig. 4): a_μ, Borexino,
  NSI, COHERENT and the resonance searches as App. B's 0/100 rule on NA64 + BaBar 2014;
* ``"no-ccfr"`` — the default before CCFR joined it (reproduces the older results in ``docs/``);
* ``"closed-form"`` — a_μ, Borexino, NSI and T only (cheap, for tests and quick looks);
* a list of term names — a custom likelihood with each term's default options (plus ``term_options``).

The likelihood never knows the sampler: it is a pure function of arrays of points.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from .couplings import effective_couplings
from .errors import LikelihoodError, ParameterError
from .measurements import DEFAULT_SET, load_measurements
from .models import Model, get_model
from .observables import CHIRAL_TERMS, TERMS, get_term
from .parameters import check_mass, theta_to_physical, validate_points

#: every term name the package knows, in summation order (chiral-only terms last)
ALL_TERMS = tuple(TERMS)


def _frozen_options(options) -> MappingProxyType:
    return MappingProxyType({k: MappingProxyType(dict(v)) for k, v in (options or {}).items()})


@dataclass(frozen=True)
class Preset:
    """A named likelihood: its terms and the options they take, kept together.

    ``add_chiral_terms``: chiral models get the chiral-only terms appended (Sec. 5).
    ``reference_mass``: the mass [GeV] the preset was defined at (``table1``: 200 MeV); evaluating it
    elsewhere is allowed but warned about by the command line.
    """

    name: str
    terms: tuple[str, ...]
    options: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    description: str = ""
    add_chiral_terms: bool = False
    reference_mass: float | None = None

    def __post_init__(self):
        object.__setattr__(self, "options", _frozen_options(self.options))
        for t in (*self.terms, *self.options):
            get_term(t)

    def terms_for(self, model: Model | None) -> tuple[str, ...]:
        """The terms of this preset for ``model`` (chiral terms added if the preset says so)."""
        if self.add_chiral_terms and model is not None and not model.is_vectorlike:
            return self.terms + tuple(t for t in CHIRAL_TERMS if t not in self.terms)
        return self.terms

    def options_dict(self) -> dict:
        return {k: dict(v) for k, v in self.options.items()}


_VECTOR_TERMS = ("amu", "borexino", "nsi", "coherent", "resonances", "ccfr", "ew_t")

PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("default", _VECTOR_TERMS, add_chiral_terms=True,
           description="every term valid over 10 MeV - 4 GeV (CCFR with the X propagator); chiral terms "
                       "for chiral models; resonance searches as a smooth one-sided Gaussian"),
    Preset("table1", ("amu", "borexino", "nsi", "coherent", "resonances"),
           options={"resonances": {"mode": "paper"}}, reference_mass=0.2,
           description="the paper's App. B likelihood at 200 MeV (Eq. B.1; NA64 + BaBar 2014 as 0/100)"),
    Preset("no-ccfr", tuple(t for t in _VECTOR_TERMS if t != "ccfr"),
           description="the default likelihood before CCFR joined it (older results in docs/)"),
    Preset("full", _VECTOR_TERMS, add_chiral_terms=True, description="alias of 'default' (older run files)"),
    Preset("closed-form", ("amu", "borexino", "nsi", "ew_t"),
           description="a_mu, Borexino, NSI and T only (no tables; tests and quick looks)"),
)}
#: the preset every entry point uses unless told otherwise
DEFAULT_PRESET = "default"


def get_preset(name: str) -> Preset:
    try:
        return PRESETS[name]
    except (KeyError, TypeError):
        raise LikelihoodError(f"unknown likelihood preset {name!r}; known: {', '.join(PRESETS)}") from None


def parse_terms(spec) -> Preset | tuple[str, ...]:
    """A :class:`Preset` (from a preset name or object) or a tuple of term names (comma string or
    sequence), validated. ``None`` means the default preset."""
    if spec is None:
        return PRESETS[DEFAULT_PRESET]
    if isinstance(spec, Preset):
        return spec
    if isinstance(spec, str):
        if spec in PRESETS:
            return PRESETS[spec]
        names = tuple(t.strip() for t in spec.split(",") if t.strip())
    else:
        try:
            names = tuple(str(t) for t in spec)
        except TypeError:
            raise LikelihoodError(f"likelihood terms must be a preset name or a list of terms, got {spec!r}") from None
    if len(names) == 1 and names[0] in PRESETS:
        return PRESETS[names[0]]
    if not names:
        raise LikelihoodError("no likelihood terms selected")
    for t in names:
        if t not in TERMS:
            raise LikelihoodError(f"unknown likelihood term {t!r}; known: {', '.join(TERMS)}; "
                                  f"presets: {', '.join(PRESETS)}")
    if len(set(names)) != len(names):
        raise LikelihoodError(f"likelihood term listed twice in {names}")
    return names


def resolve_terms(spec, model: Model | None = None) -> tuple[str, ...]:
    """The term names ``spec`` (preset, comma string or sequence) selects for ``model``."""
    parsed = parse_terms(spec)
    return parsed.terms_for(model) if isinstance(parsed, Preset) else parsed


def _plain_theta(theta):
    """(g_X, εe/g_X, m_X) as floats for one finite θ of shape (3,) (:func:`theta_to_physical` on
    floats), else None: everything else, bad values included, goes through theta_to_physical."""
    if type(theta) is not np.ndarray or theta.shape != (3,) or theta.dtype != np.float64:
        return None
    a, r, c = theta.tolist()
    if not (math.isfinite(a) and math.isfinite(r) and math.isfinite(c)) or a > 300.0 or c > 300.0:
        return None
    g, _, m = np.power(10.0, theta).tolist()         # numpy's power, as theta_to_physical (to the bit)
    return g, r, m


def _total(terms: dict):
    """Σ of the term values in order (0 + t₁ + t₂ + …); one point summed as floats (the same
    additions, without numpy's per-call cost on 0-d arrays)."""
    vals = terms.values()
    if next(iter(vals)).ndim == 0:              # terms_physical gives every term the same shape
        tot = 0.0
        for v in vals:
            tot = tot + float(v)
        return np.float64(tot)
    return sum(vals)


def _not_a_number(term: str, g: float, r_eps: float, m: float) -> LikelihoodError:
    """The error for a term that returned NaN at the point (g_X, εe/g_X, m_X)."""
    return LikelihoodError(f"likelihood term {term!r} is not a number at g_X = {g:.4g}, "
                           f"eps e/g_X = {r_eps:.4g}, m_X = {m:.4g} GeV (a bug: please report it)")


class CompositeLikelihood:
    """Sum of named Δχ² terms for one model.

    Parameters
    ----------
    model : a :class:`Model` or anything :func:`get_model` accepts (name, "cB,ce,cmu,ctau").
    terms : a preset name or :class:`Preset` (default ``"default"``), "a,b,c", or a sequence of names.
    data : measurement-set name ("2021", "2025") or a :class:`MeasurementSet`.
    term_options : per-term keyword options merged over the preset's, e.g.
        ``{"resonances": {"mode": "full"}}``; unknown terms or options are refused.

    Notes
    -----
    Attributes: ``model``, ``terms`` (tuple of names), ``preset`` (the :class:`Preset` or None for a
    custom list), ``data`` (:class:`MeasurementSet`), ``term_options`` (effective options per term),
    ``valid_mass_range`` (the range [GeV] in which every selected term holds).
    """

    def __init__(self, model, terms=None, data=DEFAULT_SET, term_options=None):
        self.model = get_model(model)
        parsed = parse_terms(terms)
        self.preset = parsed if isinstance(parsed, Preset) else None
        self.data = load_measurements(data)
        self.terms = self.data.preset_terms(parsed.terms_for(self.model)) if self.preset else parsed
        opts = self.preset.options_dict() if self.preset else {}
        opts = {k: v for k, v in opts.items() if k in self.terms}
        for k, v in (term_options or {}).items():
            if k not in TERMS:
                raise LikelihoodError(f"options given for unknown term {k!r}; known: {', '.join(TERMS)}")
            if k not in self.terms:
                raise LikelihoodError(f"options given for term {k!r}, which is not in the likelihood "
                                      f"({', '.join(self.terms)})")
            if not isinstance(v, dict):
                raise LikelihoodError(f"options of term {k!r} must be a table of name = value, got {v!r}")
            opts.setdefault(k, {}).update(v)
        for k, v in opts.items():
            get_term(k).check_options(v)
        self.term_options = opts
        self._terms = tuple((t, TERMS[t], opts.get(t, {})) for t in self.terms)
        # each term with its data and options bound once (its set-up is not repeated per call)
        self._bound = tuple((t, term.bind(self.data, o)) for t, term, o in self._terms)
        lo = max(TERMS[t].valid_mass_range[0] for t in self.terms)
        hi = min(TERMS[t].valid_mass_range[1] for t in self.terms)
        self.valid_mass_range = (lo, hi)
        self._warned_reference = False

    def __repr__(self) -> str:
        what = self.preset.name if self.preset else ",".join(self.terms)
        return f"CompositeLikelihood({self.model.name!r}, terms={what!r}, data={self.data.name!r})"

    @property
    def label(self) -> str:
        """The preset name, or the comma-joined term list of a custom likelihood."""
        return self.preset.name if self.preset else ",".join(self.terms)

    def describe(self) -> dict:
        """What this likelihood is, as plain data (provenance of every product built on it)."""
        return {"model": self.model.name, "charges": self.model.charges_dict(), "preset": self.label,
                "terms": list(self.terms), "term_options": self.term_options, "data": self.data.name}

    # --- evaluation -------------------------------------------------------------------------
    def _check_validity(self, m) -> None:
        lo, hi = self.valid_mass_range
        if lo > 0 or math.isfinite(hi):
            if np.ndim(m) == 0:
                if lo <= float(m) <= hi:
                    return
            elif m.size and lo <= m.min() and m.max() <= hi:
                return
            try:
                check_mass(m, lo, hi, what="the range where every selected term holds")
            except ParameterError as exc:
                bad = [t for t in self.terms if not (TERMS[t].valid_mass_range[0] <= float(np.min(m))
                                                     and float(np.max(m)) <= TERMS[t].valid_mass_range[1])]
                raise ParameterError(f"{exc}; terms: {', '.join(bad)}") from None

    def _warn_reference_mass(self, m) -> None:
        ref = self.preset.reference_mass if self.preset else None
        if ref is None or self._warned_reference:
            return
        away = np.abs(np.asarray(m, dtype=float) / ref - 1.0) > 0.01
        if np.any(away):
            self._warned_reference = True
            far = float(np.ravel(np.asarray(m, dtype=float))[np.flatnonzero(np.ravel(away))[0]])
            warnings.warn(f"likelihood '{self.preset.name}' is defined at m_X = {ref * 1e3:g} MeV "
                          f"(evaluated at {far:.4g} GeV): away from it use 'default'", UserWarning, stacklevel=3)

    def terms_physical(self, g, r_eps, m, check_mass_range: bool = True) -> dict[str, np.ndarray]:
        """Δχ² of every selected term at physical (g_X, εe/g_X, m_X [GeV]) arrays.

        ``check_mass_range`` (default True) refuses masses outside the supported range and outside
        any selected term's validity; False evaluates the formulae anyway (plots beyond the range).
        """
        cp = effective_couplings(self.model, g, r_eps, m, check_mass_range=check_mass_range)
        if check_mass_range:
            self._check_validity(cp.m)
        self._warn_reference_mass(cp.m)
        shape = cp.shape
        if shape == ():
            return self._terms_one_point(cp)
        out = {}
        for name, fn in self._bound:
            val = np.array(fn(cp), dtype=float)              # a fresh array the caller may keep
            if np.isnan(val).any():
                k = np.flatnonzero(np.isnan(np.broadcast_to(val, shape)))[0]
                raise _not_a_number(name, *(float(np.ravel(np.broadcast_to(a, shape))[k])
                                            for a in (cp.g, cp.r_eps, cp.m)))
            out[name] = val if val.shape == shape else np.broadcast_to(val, shape).copy()
        return out

    def _terms_one_point(self, cp) -> dict[str, np.ndarray]:
        """:meth:`terms_physical` at one point (cp.shape == ()): the same values as 0-d arrays; a
        term's float result is checked with float arithmetic instead of np.isnan(...).any() on a 0-d
        array (≈ 5 % of a one-point call)."""
        out = {}
        for name, fn in self._bound:
            v = fn(cp)
            x = v if type(v) is float or type(v) is np.float64 else np.asarray(v, dtype=float).reshape(())
            if x != x:
                raise _not_a_number(name, float(cp.g), float(cp.r_eps), float(cp.m))
            out[name] = np.array(x, dtype=float)
        return out

    def terms_theta(self, theta) -> dict[str, np.ndarray]:
        """Δχ² of every selected term at θ = (log10 g_X, εe/g_X, log10 m_X), shape (..., 3)."""
        point = _plain_theta(theta)
        if point is not None:
            return self.terms_physical(*point)
        return self.terms_physical(*theta_to_physical(theta))

    def delta_chi2(self, theta) -> np.ndarray:
        """Total Δχ² at θ (shape (..., 3) -> (...))."""
        return _total(self.terms_theta(theta))

    def evaluate(self, theta):
        """(total Δχ², {term: Δχ²}) at θ."""
        t = self.terms_theta(theta)
        return _total(t), t

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


def delta_chi2_point(model, g: float, r_eps: float, m: float, terms=DEFAULT_PRESET, data=DEFAULT_SET,
                     term_options=None) -> tuple[float, dict[str, float]]:
    """Convenience: (total, per-term) Δχ² at a single physical point."""
    lk = CompositeLikelihood(model, terms=terms, data=data, term_options=term_options or {})
    g, r_eps, m = validate_points(g, r_eps, m)
    vals = lk.terms_physical(np.atleast_1d(g), np.atleast_1d(r_eps), np.atleast_1d(m))
    per = {k: float(v.ravel()[0]) for k, v in vals.items()}
    return float(sum(per.values())), per


__all__ = ["ALL_TERMS", "CompositeLikelihood", "DEFAULT_PRESET", "PRESETS", "Preset", "delta_chi2_point",
           "get_preset", "parse_terms", "resolve_terms"]
