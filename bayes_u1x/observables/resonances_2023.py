"""Δχ² of the DarkCast-2023 dark-photon limits (beam dumps, FASER, NA62 dump, NA64 visible, LHCb
displaced), recast to the model at each point by :mod:`bayes_u1x.resonances.recast_2023`.

Follows the term contract of :mod:`bayes_u1x.observables` (``delta_chi2(cp, data, **options)``), so
it can be listed as a likelihood term ("resonances_2023") next to the 2020 term
:mod:`bayes_u1x.observables.resonances`; the two use disjoint data sets.

Limits that analyse the same data (E137 Bjorken/Andreas, the two nu-Cal production mechanisms, CHARM
Bergsma/Tsai) are merged first (:func:`~bayes_u1x.resonances.recast_2023.combine_by_dataset`: the
larger R), so no data set enters twice. Modes as in the 2020 term:

``"smooth"`` (default)  Δχ² = Σ_datasets (z_CL R)², z_CL = Φ⁻¹(CL): z² on the published limit,
                        ∝ g⁴ well inside the allowed region, large in the excluded band.
``"full"``              ``excluded_value`` (100) where any data set has R ≥ 1, else 0.

Options: ``limits`` (names of ``limits_2023.toml``, default: the default set), ``invisible``,
``br_dark``, ``excluded_value``. At g_X = 0 every R vanishes and Δχ² = 0 (the SM value).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from ..errors import LikelihoodError
from ..physics.resonances.recast_2023 import combine_by_dataset, exclusion_ratios_2023
from ..physics.resonances.registry_2023 import get_limit_2023, resolve_limits_2023

DESCRIPTION = "DarkCast-2023 limits: e/p beam dumps, FASER, NA62 dump, NA64 visible, LHCb displaced"
#: the limits start at 1 MeV; above ~1 GeV none of them reaches (the term is 0 there, not invalid)
VALID_MASS_RANGE = (1e-3, 10.0)
MODES = ("full", "smooth")
DEFAULT_MODE = "smooth"




@lru_cache(maxsize=32)
def _dataset_z(keys: tuple[str, ...]) -> dict[str, float]:
    z = {}
    for k in keys:
        s = get_limit_2023(k)
        if s.dataset in z and abs(z[s.dataset] - s.cl_z) > 1e-12:
            raise LikelihoodError(f"limits of data set {s.dataset} state different CLs")
        z[s.dataset] = s.cl_z
    return z


def delta_chi2(cp, data=None, mode: str = DEFAULT_MODE, limits=None, invisible: str = "physical",
               br_dark: float = 0.0, excluded_value: float = 100.0) -> np.ndarray:
    """Δχ² of the 2023 limits at the points of ``cp`` (see the module docstring)."""
    if mode not in MODES:
        raise LikelihoodError(f"2023 resonance mode must be one of {MODES}, got {mode!r}")
    try:
        excluded_value = float(excluded_value)
    except (TypeError, ValueError) as exc:
        raise LikelihoodError(f"excluded_value must be a number, got {excluded_value!r}") from exc
    keys = resolve_limits_2023(limits)
    per_set = combine_by_dataset(exclusion_ratios_2023(cp, keys, invisible=invisible, br_dark=br_dark))
    if not per_set:
        return np.zeros(cp.shape)
    if mode == "smooth":
        z = _dataset_z(tuple(keys))
        return sum((z[d] * r) ** 2 for d, r in per_set.items())
    excluded = np.any(np.stack(list(per_set.values())) >= 1.0, axis=0)
    return np.where(excluded, excluded_value, 0.0)
