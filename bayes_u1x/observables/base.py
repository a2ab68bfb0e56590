"""What every likelihood term shares: the Gaussian Δχ², the measurement look-up, the :class:`Term` record.

A term module ``bayes_u1x.observables.<name>`` provides

``delta_chi2(cp: Couplings, data: MeasurementSet, **options) -> ndarray``
    Δχ² of the term at every point of ``cp`` (shape ``cp.shape``), relative to the term's own
    reference (App. B of arXiv:2203.13731). At g_X = 0 it returns the term's SM value exactly.

and optionally

``prepare(data, **options) -> callable(cp) -> ndarray``
    the same Δχ² with the data and options bound, its set-up (option checks, table look-ups) done
    once; :class:`~bayes_u1x.likelihood.CompositeLikelihood` uses it where a module provides it,

and is listed once in :data:`bayes_u1x.observables.TERMS` (a :class:`Term`: label, validity range,
options, whether it is chiral-only and whether plots draw it as a constraint). A term measured as a
number with a Gaussian error (Δa_μ, R_Be, σ/σ_SM of CCFR, T, ΔQ_W, Δa_e) only computes its prediction
and hands it to :func:`gaussian_delta_chi2` with the numbers of :func:`measurement`.
"""
from __future__ import annotations

import inspect
import math
from dataclasses import dataclass, field
from types import ModuleType

import numpy as np

from ..errors import DataError, LikelihoodError


def gaussian_delta_chi2(prediction, central, sigma):
    """((prediction − central)/sigma)², the Δχ² of one Gaussian measurement (Eq. B.2, B.3)."""
    return ((np.asarray(prediction, dtype=float) - central) / sigma) ** 2


def one_point(cp) -> bool:
    """True when ``cp`` is a single point held as float scalars (what
    :func:`~bayes_u1x.couplings.effective_couplings` builds for one point given as numbers): the
    terms then take their float paths. 0-d arrays and (1,)-arrays go through the array paths."""
    return isinstance(cp.g, float) and isinstance(cp.m, float) and isinstance(cp.r_eps, float)


def measurement(data, entry: str, value: str, uncertainty: str) -> tuple[float, float]:
    """(central, sigma) of ``data[entry][value]``, ``data[entry][uncertainty]`` of a measurement set."""
    try:
        d = data[entry]
        central, sigma = float(d[value]), float(d[uncertainty])
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"measurement set {getattr(data, 'name', data)!r}: entry [{entry}] needs numbers "
                        f"{value!r} and {uncertainty!r} ({exc})") from exc
    if not (math.isfinite(central) and math.isfinite(sigma) and sigma > 0):
        raise DataError(f"measurement set {getattr(data, 'name', data)!r}: [{entry}] {value} = {central}, "
                        f"{uncertainty} = {sigma}: need finite numbers and a positive uncertainty")
    return central, sigma


def _option_names(fn) -> tuple[str, ...] | None:
    """Keyword options of a term's ``delta_chi2`` (None if it forwards arbitrary ``**options``)."""
    params = list(inspect.signature(fn).parameters.values())[2:]
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return None
    return tuple(p.name for p in params)


@dataclass(frozen=True)
class Term:
    """One likelihood term of the registry.

    Attributes
    ----------
    name : key used in presets, run files and result files.
    module : the term module (its ``delta_chi2`` is the term).
    label : plot label (matplotlib mathtext); ``text``: the same without LaTeX, for terminals.
    valid_mass_range : (lo, hi) in GeV where the term's physics holds (the likelihood refuses points
        outside it unless asked not to check).
    chiral_only : only meaningful for chiral models (added to the default likelihood of those).
    constraint : drawn as an excluding constraint in exclusion planes (Δa_μ is the signal instead).
    fallback : a labelled approximation of a measurement whose data are not available here.
    search : a direct search for the X resonance (its coverage in m_X is what
        :mod:`bayes_u1x.inference.coverage` reports on).
    options : accepted keyword options (None: the module checks its own options).
    """

    name: str
    module: ModuleType
    label: str
    text: str
    valid_mass_range: tuple[float, float] = (0.0, math.inf)
    chiral_only: bool = False
    constraint: bool = True
    fallback: bool = False
    search: bool = False
    options: tuple[str, ...] | None = field(default=None)

    def __post_init__(self):
        if self.options is None:
            object.__setattr__(self, "options", _option_names(self.module.delta_chi2))

    @property
    def description(self) -> str:
        return getattr(self.module, "DESCRIPTION", self.text)

    def check_options(self, options: dict) -> None:
        """Refuse options the term does not take, naming them and the ones it does."""
        if self.options is None:
            return
        unknown = sorted(set(options) - set(self.options))
        if unknown:
            known = ", ".join(self.options) or "none"
            raise LikelihoodError(f"unknown option(s) {unknown} for likelihood term {self.name!r} (its options: {known})")

    def delta_chi2(self, cp, data, **options):
        """Δχ² of this term at the points of ``cp``."""
        return self.module.delta_chi2(cp, data, **options)

    def bind(self, data, options: dict | None = None):
        """``cp -> Δχ²`` with ``data`` and ``options`` fixed: the module's ``prepare(data, **options)``
        where it has one (options checked and tables looked up once), else :meth:`delta_chi2`."""
        options = dict(options or {})
        prepare = getattr(self.module, "prepare", None)
        if prepare is not None:
            return prepare(data, **options)
        fn = self.module.delta_chi2
        if options:
            return lambda cp: fn(cp, data, **options)
        return lambda cp: fn(cp, data)
