"""Where each measurement excludes a model: exclusion planes in (m_X, g_X), the Δa_μ band, combined limits.

:func:`exclusion_plane` evaluates every constraint of the likelihood registry on a (g_X, m_X) grid at
fixed εe/g_X (the planes of Figs. 3, 5, 6 of arXiv:2203.13731), keeping each constraint's continuous
Δχ² (or recast signal ratio) so that boundaries are contours (:mod:`.edges`); :func:`band_exclusion`
gives, per constraint, the masses where it removes the whole (or part of the) Δa_μ 2σ band;
:func:`combined_limits` the upper limit on g_X(m_X) of all constraints together (:mod:`.combined`).
"""
from .combined import THRESHOLDS, combined_limits
from .edges import band_edge, band_excess, log_excess, union_excess
from .planes import (DEFAULT_TERM_OPTIONS, EXCLUSION_DELTA_CHI2, amu_band, band_exclusion, default_g_grid,
                     default_m_grid, default_terms, evaluate_constraints, exclusion_plane, mass_intervals,
                     union_mask)

__all__ = ["DEFAULT_TERM_OPTIONS", "EXCLUSION_DELTA_CHI2", "THRESHOLDS", "amu_band", "band_edge", "band_excess",
           "band_exclusion", "combined_limits", "default_g_grid", "default_m_grid", "default_terms",
           "evaluate_constraints", "exclusion_plane", "log_excess", "mass_intervals", "union_excess",
           "union_mask"]
