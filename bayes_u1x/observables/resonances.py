"""Direct searches for a light vector resonance, Δχ²_reson (arXiv:2203.13731, Sec. 3.5, App. B).

Measured: upper limits on the production rate × branching ratio of a light vector in e⁻
bremsstrahlung, e⁺e⁻ → γX / μμX, π⁰/η/φ decays and pp collisions, published for a reference
model (dark photon, or the L_μ−L_τ boson for BaBar 2016) and recast to the model at each point
by :mod:`bayes_u1x.physics.resonances` (production × BR × lifetime acceptance). For each search the
recast gives R = rate_X / rate_excluded, so R ≥ 1 means excluded at the search's CL.

Modes
-----
``"paper"``  App. B of the paper: Δχ² = 0 if allowed by NA64 (2019, arXiv:1906.00176) and
             BaBar 2014 (arXiv:1406.2980), ``excluded_value`` (100) if either excludes the point.
``"full"``   the same hard cut over every search that applies at the mass (the registry's
             non-superseded searches with data; combined KLOE 2018 μμ+ππ instead of its parts).
``"smooth"`` (default, for samplers) a one-sided Gaussian in the signal strength, calibrated to
             each search's CL:  Δχ² = Σ_searches (z_CL · R)²,  z_CL = Φ⁻¹(CL) (1.2816 at 90 % CL).
             A published limit at CL corresponds to a background-dominated measurement of the
             signal strength μ = R with σ_μ = 1/z_CL and μ̂ = 0 (one-sided: only μ ≥ 0 is
             physical), so Δχ² equals the one-sided CL quantile z_CL² exactly on the published
             limit, is negligible well below it (Δχ² ∝ g_X⁴) and large above it.

Options: ``searches`` (override the list; names of ``searches.toml``), ``invisible`` =
"physical" (default: the target's own BR(invisible) from its neutrino couplings, plus
``br_dark``) or "darkcast" (BR = 0.99 as DarkCast and the paper), ``br_dark`` (dark-sector
branching fraction of X, default 0), ``excluded_value`` (hard modes, default 100).

Data: ``bayes_u1x/data/resonance_limits`` (each search's paper in ``searches.toml``; digitisation
P. Ilten et al., arXiv:1801.04847). At g_X = 0 every rate vanishes and Δχ² = 0, the SM value.
"""
from __future__ import annotations

import numpy as np

from ..errors import LikelihoodError
from ..physics.resonances.point_ratios import PointRatios
from ..physics.resonances.rate_tables import fast_ratios, search_set
from ..physics.resonances.recast import INVISIBLE_CONVENTIONS
from ..physics.resonances.registry import PAPER_SEARCHES, default_searches, get_search, resolve_searches
from .base import one_point

DESCRIPTION = "resonance searches (Sec. 3.5, App. B): NA64, BaBar, LHCb, KLOE, ... recast"
#: the registry's limits span 1 MeV - 10 GeV (CMS above is kept but irrelevant)
VALID_MASS_RANGE = (1e-3, 10.0)
MODES = ("paper", "full", "smooth")
DEFAULT_MODE = "smooth"




def _search_list(mode, searches):
    key = (mode, searches if isinstance(searches, (str, type(None))) else tuple(searches))
    hit = _SEARCH_LISTS.get(key)
    if hit is None:
        hit = _SEARCH_LISTS[key] = tuple(_build_search_list(mode, searches))
    return hit


def _search_keys(mode, searches):
    return tuple(s.key for s in _search_list(mode, searches))


#: (mode, searches) -> tuple of Search objects; the registry is immutable once loaded
_SEARCH_LISTS: dict = {}


def _build_search_list(mode, searches):
    if searches is not None:
        names = resolve_searches(searches)
    elif mode == "paper":
        names = PAPER_SEARCHES
    else:
        names = default_searches()
    out = [get_search(n) for n in names]
    explicit = searches is not None and searches not in ("all", "default", "paper")
    missing = [s.key for s in out if not s.available]
    if explicit and missing:
        raise LikelihoodError(f"search(es) {', '.join(missing)} are registered without data "
                                   "(unavailable) and cannot enter the likelihood")
    return [s for s in out if s.available]  # 'all' lists CMS Z->4mu, which cannot constrain


def exclusion_ratios(cp, mode: str = DEFAULT_MODE, searches=None, invisible: str = "physical",
                     br_dark: float = 0.0) -> dict[str, np.ndarray]:
    """R per search used by the term in ``mode`` (R >= 1: excluded)."""
    if mode not in MODES:
        raise LikelihoodError(f"resonance mode must be one of {MODES}, got {mode!r}")
    keys = _search_keys(mode, searches)
    return dict(zip(keys, fast_ratios(cp, keys, invisible=invisible, br_dark=br_dark)))


def delta_chi2(cp, data=None, mode: str = DEFAULT_MODE, searches=None, invisible: str = "physical",
               br_dark: float = 0.0, excluded_value: float = 100.0) -> np.ndarray:
    """Δχ²_reson at the points of ``cp`` (see the module docstring for the modes)."""
    if mode not in MODES:
        raise LikelihoodError(f"resonance mode must be one of {MODES}, got {mode!r}")
    try:
        excluded_value = float(excluded_value)
    except (TypeError, ValueError) as exc:
        raise LikelihoodError(f"excluded_value must be a number, got {excluded_value!r}") from exc
    keys = _search_keys(mode, searches)
    R = fast_ratios(cp, keys, invisible=invisible, br_dark=br_dark)
    if mode == "smooth":
        z = search_set(keys).z.reshape((-1,) + (1,) * len(cp.shape))
        return np.sum((z * R) ** 2, axis=0) if len(keys) else np.zeros(cp.shape)
    excluded = np.any(R >= 1.0, axis=0) if len(keys) else np.zeros(cp.shape, dtype=bool)
    return np.where(excluded, excluded_value, 0.0)


def prepare(data=None, mode: str = DEFAULT_MODE, searches=None, invisible: str = "physical",
            br_dark: float = 0.0, excluded_value: float = 100.0):
    """:func:`delta_chi2` with the options checked and the search set resolved once; a single point
    goes through :class:`~bayes_u1x.physics.resonances.point_ratios.PointRatios` (floats)."""
    if mode not in MODES:
        raise LikelihoodError(f"resonance mode must be one of {MODES}, got {mode!r}")
    try:
        excluded_value = float(excluded_value)
    except (TypeError, ValueError) as exc:
        raise LikelihoodError(f"excluded_value must be a number, got {excluded_value!r}") from exc
    if invisible not in INVISIBLE_CONVENTIONS:
        raise LikelihoodError(f"invisible convention must be one of {INVISIBLE_CONVENTIONS}, got {invisible!r}")
    try:
        br_dark = float(br_dark)
    except (TypeError, ValueError) as exc:
        raise LikelihoodError(f"br_dark must be a number, got {br_dark!r}") from exc
    if not 0.0 <= br_dark < 1.0:
        raise LikelihoodError(f"br_dark (dark-sector branching fraction) must be in [0, 1), got {br_dark}")
    keys = _search_keys(mode, searches)
    kw = dict(mode=mode, searches=searches, invisible=invisible, br_dark=br_dark, excluded_value=excluded_value)
    if not keys:
        return lambda cp: delta_chi2(cp, data, **kw)
    z = search_set(keys).z.tolist()
    point: list = []                   # the PointRatios, built on the first one-point call

    def term(cp):
        if not one_point(cp):
            return delta_chi2(cp, data, **kw)
        if not point:
            point.append(PointRatios(keys, invisible, br_dark))
        R = point[0].ratios(cp)
        if mode == "smooth":
            tot = 0.0
            for zj, r in zip(z, R):
                tot = tot + (zj * r) ** 2
            return np.float64(tot)
        return np.float64(excluded_value if any(r >= 1.0 for r in R) else 0.0)
    return term
