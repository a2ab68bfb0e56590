"""Vectorised minimisation over one parameter at many points at once (grid, basins, zoom).

Used by :mod:`.combined` to profile εe/g_X at every (g_X, m_X) of a limit scan and to minimise
Δχ² over ln g_X at every mass: each round is one batched likelihood call over all points.
"""
from __future__ import annotations

import numpy as np


def _basins(vals: np.ndarray, k: int) -> np.ndarray:
    """Indices (P, k) of the k lowest local minima along axis 1 (repeating the best if fewer)."""
    v = np.where(np.isfinite(vals), vals, np.inf)
    left = np.concatenate([np.full((v.shape[0], 1), np.inf), v[:, :-1]], axis=1)
    right = np.concatenate([v[:, 1:], np.full((v.shape[0], 1), np.inf)], axis=1)
    is_min = (v <= left) & (v <= right)
    cand = np.where(is_min, v, np.inf)
    k = min(k, v.shape[1])
    idx = np.argsort(cand, axis=1)[:, :k]
    best = idx[:, :1]
    return np.where(np.isfinite(np.take_along_axis(cand, idx, axis=1)), idx, best)


def minimise(fun, lo: float, hi: float, n_points: int, n_grid: int = 241, n_basins: int = 4,
             rounds: int = 5, k: int = 9, shrink: float = 4.0):
    """min_x fun over [lo, hi] at each of ``n_points`` points.

    ``fun(X)`` takes X of shape (n_points, n) and returns values of the same shape. A grid of
    ``n_grid`` values seeds ``n_basins`` basins per point; each is zoomed ``rounds`` times with ``k``
    values over ±1 grid step, the step shrinking by ``shrink`` per round (final resolution
    (hi−lo)/(n_grid−1)/shrink^rounds). Returns (f_min (P,), x_min (P,)).
    """
    grid = np.linspace(lo, hi, int(n_grid))
    X = np.broadcast_to(grid, (n_points, grid.size))
    V = np.asarray(fun(X), dtype=float)
    seeds = _basins(V, n_basins)                       # (P, B)
    best_v = np.take_along_axis(V, seeds, axis=1)
    best_x = grid[seeds]
    step = grid[1] - grid[0] if grid.size > 1 else 0.0
    offsets = np.linspace(-1.0, 1.0, int(k))
    for _ in range(int(rounds)):
        if step == 0.0:
            break
        Xz = np.clip(best_x[..., None] + step * offsets, lo, hi)          # (P, B, k)
        Vz = np.asarray(fun(Xz.reshape(n_points, -1)), dtype=float).reshape(Xz.shape)
        Vz = np.where(np.isfinite(Vz), Vz, np.inf)
        j = np.argmin(Vz, axis=2)
        v_new = np.take_along_axis(Vz, j[..., None], axis=2)[..., 0]
        x_new = np.take_along_axis(Xz, j[..., None], axis=2)[..., 0]
        better = v_new < best_v
        best_v = np.where(better, v_new, best_v)
        best_x = np.where(better, x_new, best_x)
        step /= shrink
    b = np.argmin(best_v, axis=1)
    return best_v[np.arange(n_points), b], best_x[np.arange(n_points), b]
