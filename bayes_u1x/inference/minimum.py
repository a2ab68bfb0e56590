"""The global minimum Δχ²_min of a model, the same from every entry point.

:func:`global_minimum` is :func:`~.profile.find_minima` over a prior's box, started in addition from
the best of a vectorised prior draw (and any caller points): the profile, the scans, ``compare``,
the sampler's start and the evidence reference all call it, so they report one Δχ²_min.
:func:`lower_point` is the check every later layer makes: if any point it evaluated (posterior
samples, evidence draws) lies below the reported minimum, it polishes from there and says so.
"""
from __future__ import annotations

import numpy as np

from ..parameters import NAMES as PARAM_NAMES

#: a sampled point this much below the reported Δχ²_min means the minimum was not global
LOWER_TOLERANCE = 0.05


def prior_bounds(prior) -> dict:
    """{parameter: (lo, hi)} of a prior's support (the profile's search box)."""
    return {n: (float(lo), float(hi)) for n, (lo, hi) in zip(PARAM_NAMES, np.asarray(prior.bounds, dtype=float))}


def global_minimum(lk, prior=None, *, fixed_mass: float | None = None, points=None, n_draws: int = 20_000,
                   seed: int = 0, **kw):
    """Distinct minima (best first, :class:`~.profile.ProfileResult`) of ``lk`` over ``prior``'s box.

    Seeds: the profile's grid and g−2-sheet seeds, the best of ``n_draws`` prior draws, and
    ``points`` (e.g. posterior samples). Without a prior the default box is used and the draws are
    uniform in it. ``kw`` go to :func:`~.profile.find_minima`.
    """
    from .basins import uniform_points
    from .profile import _bounds, find_minima

    rng = np.random.default_rng(seed)
    if prior is not None:
        bounds = prior_bounds(prior)
        draws = prior.sample(n_draws, rng) if n_draws else np.zeros((0, 3))
    else:
        bounds = kw.pop("bounds", None)
        draws = uniform_points(_bounds(bounds), n_draws, rng, fixed_mass) if n_draws else np.zeros((0, 3))
    seeds = draws if points is None else np.concatenate([draws, np.atleast_2d(np.asarray(points, dtype=float))])
    return find_minima(lk, bounds=bounds, fixed_mass=fixed_mass, seeds=seeds if len(seeds) else None, **kw)


def lower_point(lk, reported: float, points, values=None, prior=None, tol: float = LOWER_TOLERANCE):
    """A better minimum than ``reported`` found from ``points`` (n, 3), or None.

    ``values``: Δχ² at the points if already known. When the best point is more than ``tol`` below
    ``reported``, the profile is polished from it; the returned dict has ``delta_chi2``, ``theta``,
    ``reported`` and ``found_by`` (filled in by the caller).
    """
    from .profile import find_minima

    points = np.atleast_2d(np.asarray(points, dtype=float))
    if not len(points):
        return None
    values = lk.delta_chi2(points) if values is None else np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    if not np.any(finite):
        return None
    i = int(np.argmin(np.where(finite, values, np.inf)))
    if not values[i] < reported - tol:
        return None
    bounds = prior_bounds(prior) if prior is not None else None
    best = find_minima(lk, bounds=bounds, seeds=points[i:i + 1], physics_seeds=False, max_seeds=1,
                       grid_shape=(3, 3, 3))[0]
    if best.delta_chi2 > values[i]:  # the polish could not improve on the point itself
        theta, dchi = points[i], float(values[i])
    else:
        theta, dchi = best.theta, best.delta_chi2
    return {"delta_chi2": float(dchi), "theta": [float(x) for x in theta], "reported": float(reported)}


def describe_lower(found: dict, by: str) -> str:
    """One line: the layer ``by`` found a lower Δχ² than the reported minimum."""
    th = found["theta"]
    return (f"{by} found Δχ² = {found['delta_chi2']:.4g} below the reported minimum {found['reported']:.4g} "
            f"(at log10 g_X = {th[0]:.4g}, eps e/g_X = {th[1]:.4g}, log10 m_X = {th[2]:.4g}): "
            "the lower value is used")
