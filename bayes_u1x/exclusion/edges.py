"""Boundaries read off an exclusion plane's continuous fields (no boolean masks).

A plane (:func:`~bayes_u1x.exclusion.planes.exclusion_plane`) keeps, per constraint, a continuous
``field`` (a term's Δχ², a search's recast signal ratio R) and the ``level`` above which it excludes.
Everything here works with the *log excess* s = ln(field/level): s > 0 is excluded, and s is close
to linear in ln g_X (Δχ² ∝ g⁴ and R ∝ g² far from interference), so linear interpolation of s
between grid points places a boundary well inside one grid cell. ``matplotlib.contour`` interpolates
the same s linearly, so the lines drawn by :mod:`bayes_u1x.plotting.exclusion_plot` and the numbers
here come from one function.

Band edges: at each mass column the Δa_μ 2σ band [g_low, g_high] is compared with s interpolated in
ln g (at the band ends and at every grid row inside); ``h_whole(m) = min_band s`` (> 0: the whole
band is excluded), ``h_any(m) = max_band s`` (> 0: part of it). The edge mass is the zero crossing
of h between two columns, interpolated linearly in ln m.
"""
from __future__ import annotations

import numpy as np

from ..errors import ParameterError

#: floor of field/level before the logarithm (an exactly vanishing Δχ² or R is "very allowed")
_TINY = 1e-300


def matching_keys(res: dict, key: str) -> list[str]:
    """Constraint keys of ``res`` equal to ``key`` or, for a prefix such as ``resonances:babar``,
    every search key starting with it (the BaBar searches are one statement in the paper)."""
    keys = [k for k in res["fields"] if k == key or (":" in key and k.startswith(key))]
    return keys


def log_excess(res: dict, key: str) -> np.ndarray:
    """s = ln(field/level) of constraint ``key`` on the plane (n_g, n_m); for a prefix key the
    maximum over the matching searches (their union). Raises if nothing matches."""
    keys = matching_keys(res, key)
    if not keys:
        raise ParameterError(f"no constraint {key!r} in this plane; it has {', '.join(res['fields'])}")
    out = None
    for k in keys:
        s = np.log(np.maximum(np.asarray(res["fields"][k], dtype=float), _TINY) / res["levels"][k])
        out = s if out is None else np.maximum(out, s)
    return out


def union_excess(res: dict, keys=None) -> np.ndarray:
    """max_k s_k: > 0 where at least one of the constraints ``keys`` (default all) excludes."""
    keys = list(res["fields"]) if keys is None else list(keys)
    if not keys:
        raise ParameterError("no constraint selected for the union")
    return np.max(np.stack([log_excess(res, k) for k in keys]), axis=0)


def _column_interp(lng, s_col, x):
    """s of one column at ln g = x (linear in ln g; NaN outside the grid)."""
    return np.interp(x, lng, s_col, left=np.nan, right=np.nan)


def band_excess(res: dict, key: str, which: str = "whole") -> np.ndarray:
    """h(m) per mass column: min (``which="whole"``) or max (``"any"``) of s over the 2σ band.

    NaN where the band is absent (no solution of Δa_μ) or reaches outside the plane's g grid."""
    if which not in ("whole", "any"):
        raise ParameterError(f"which must be 'whole' or 'any', got {which!r}")
    s = log_excess(res, key)
    lng = np.log(res["g_grid"])
    b = res["amu_band"]
    out = np.full(res["m_grid"].shape, np.nan)
    for j in range(res["m_grid"].size):
        lo, hi = b["g_low"][j], b["g_high"][j]
        if not (np.isfinite(lo) and np.isfinite(hi) and lo > 0):
            continue
        a, z = np.log(lo), np.log(hi)
        if a < lng[0] or z > lng[-1]:
            continue
        inside = (lng > a) & (lng < z)
        vals = np.concatenate([[_column_interp(lng, s[:, j], a), _column_interp(lng, s[:, j], z)],
                               s[inside, j]])
        out[j] = vals.min() if which == "whole" else vals.max()
    return out


def _crossing(m, h, i):
    """ln-m interpolated zero of h between columns i and i+1."""
    x0, x1 = np.log(m[i]), np.log(m[i + 1])
    f = h[i] / (h[i] - h[i + 1])
    return float(np.exp(x0 + f * (x1 - x0)))


def band_edge(res: dict, key: str, kind: str, which: str = "whole", close_gaps: int = 1) -> float:
    """Edge of the band exclusion of ``key`` read off the plane (NaN if there is none).

    ``kind="upper"``: where the excluded run that starts at the lowest band mass ends;
    ``kind="lower"``: where the last excluded run (up to the end of the plane) starts, after closing
    gaps of at most ``close_gaps`` columns (vetoed resonance windows). Same definitions as
    :func:`bayes_u1x.paper.exclusion_figures.edge_mass`, with the edge interpolated between columns.
    """
    if kind not in ("upper", "lower"):
        raise ParameterError(f"kind must be 'upper' or 'lower', got {kind!r}")
    m = np.asarray(res["m_grid"], dtype=float)
    h = band_excess(res, key, which)
    ok = np.isfinite(h)
    if not ok.any():
        return float("nan")
    exc = ok & (h > 0)
    if kind == "upper":
        first = int(np.argmax(ok))
        if not exc[first]:
            return float("nan")
        i = first
        while i + 1 < m.size and exc[i + 1]:
            i += 1
        if i + 1 >= m.size or not ok[i + 1]:
            return float(m[i])
        return _crossing(m, h, i)
    f = exc.copy()
    idx = np.flatnonzero(f)
    for a, b in zip(idx[:-1], idx[1:]):
        if 1 < b - a <= close_gaps + 1:
            f[a:b] = True
    if not f.any():
        return float("nan")
    last = np.flatnonzero(~f[: np.flatnonzero(f)[-1] + 1])
    start = int(last[-1]) + 1 if last.size else int(np.flatnonzero(f)[0])
    if start == 0 or not ok[start - 1]:
        return float(m[start])
    return _crossing(m, h, start - 1)


def grid_step(res: dict) -> float:
    """The largest ratio of neighbouring masses of the plane (its mass resolution)."""
    m = np.asarray(res["m_grid"], dtype=float)
    return float(np.max(m[1:] / m[:-1]))
