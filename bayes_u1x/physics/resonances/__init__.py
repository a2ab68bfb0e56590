"""Resonance searches for a light vector X: the registry of published limits and their recast to any
U(1)_X model (production x branching ratio x lifetime acceptance).

Modules: :mod:`.registry` (searches and limit curves), :mod:`.production` (production factors),
:mod:`.recast` (rates, exclusion ratios, g_X limits), :mod:`.rate_tables` (the tabulated fast path),
:mod:`.point_ratios` (the same for one point, on floats). The likelihood term is
:mod:`bayes_u1x.observables.resonances`.
"""
from .rate_tables import fast_ratios
from .recast import (INVISIBLE_CONVENTIONS, Recaster, exclusion_ratios, g_limits,
                     limit_curves, window_t1)
from .registry import (PAPER_SEARCHES, Search, default_searches, get_search,
                       load_registry, resolve_searches)

__all__ = ["INVISIBLE_CONVENTIONS", "PAPER_SEARCHES", "Recaster", "Search",
           "default_searches", "exclusion_ratios", "fast_ratios", "g_limits", "get_search", "limit_curves",
           "load_registry", "resolve_searches", "window_t1"]
