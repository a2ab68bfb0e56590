"""Profile-likelihood minimisation with iminuit (the paper's frequentist layer, Sec. 4.2, App. B).

Minimise Δχ²(θ) over θ = (log10 g_X, εe/g_X[, log10 m_X]) at fixed or free m_X. The
likelihood is multimodal in εe/g_X (e.g. the Borexino zero at q_e = 0 against the COHERENT zero
for CsI, Eqs. 4.5–4.6) and the resonance term of App. B is a 0/100 step, so:

1. seed from a coarse vectorised grid (one batched likelihood call), the g−2 sheet refined in the
   mass windows the searches leave open, and any points the caller has (prior draws, posterior
   samples) — :mod:`.basins`,
2. keep the lowest point of every separate basin,
3. refine each with Minuit (simplex, then MIGRAD, then HESSE) inside the parameter bounds,
4. report every distinct local minimum within ``within`` of the best, each with its validity
   flags (``is_valid``, parameters at limit) — a minimum is never trusted silently.

MINOS (:func:`minos_intervals`) and ``mnprofile`` (:func:`profile_curve`) give intervals.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from iminuit import Minuit

from .._minuit import quiet_minuit
from ..constants import M_X_MAX, M_X_MIN
from ..errors import ParameterError
from ..parameters import DEFAULT_BOUNDS, NAMES as PARAM_NAMES


@dataclass
class ProfileResult:
    """One local minimum of Δχ²."""

    theta: np.ndarray                  # (log10 g_X, eps e/g_X, log10 m_X)
    delta_chi2: float
    terms: dict
    is_valid: bool
    at_limit: tuple[str, ...]
    edm: float
    nfcn: int
    errors: dict = field(default_factory=dict)
    fixed_mass: bool = True
    method: str = "migrad"             # "migrad", or "grid-zoom" where Minuit was skipped/failed

    @property
    def g_x(self) -> float:
        return float(10 ** self.theta[0])

    @property
    def eps_ratio(self) -> float:
        return float(self.theta[1])

    @property
    def m_x(self) -> float:
        return float(10 ** self.theta[2])

    @property
    def epsilon(self) -> float:
        """The kinetic mixing ε = (εe/g_X) g_X / e (the dark photon's natural coupling)."""
        from ..constants import E_CHARGE

        return float(self.theta[1] * 10 ** self.theta[0] / E_CHARGE)

    def to_dict(self) -> dict:
        return {"delta_chi2": self.delta_chi2, "g_x": self.g_x, "eps_ratio": self.eps_ratio,
                "m_x_gev": self.m_x, "epsilon": self.epsilon, "theta": [float(x) for x in self.theta],
                "terms": {k: float(v) for k, v in self.terms.items()}, "is_valid": self.is_valid,
                "at_limit": list(self.at_limit), "edm": self.edm, "nfcn": self.nfcn,
                "errors": self.errors, "fixed_mass": self.fixed_mass, "method": self.method}


def _bounds(bounds) -> dict:
    b = dict(DEFAULT_BOUNDS)
    if bounds is not None:
        if not isinstance(bounds, dict):
            bounds = dict(zip(PARAM_NAMES, np.asarray(bounds, dtype=float)))
        for k, v in bounds.items():
            if k not in b:
                raise ParameterError(f"unknown parameter {k!r} in bounds; use {PARAM_NAMES}")
            lo, hi = float(v[0]), float(v[1])
            if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
                raise ParameterError(f"bounds for {k} must be finite with lo < hi, got {v}")
            b[k] = (lo, hi)
    lo_m, hi_m = b["log10_m"]
    if lo_m < math.log10(M_X_MIN) - 1e-12 or hi_m > math.log10(M_X_MAX) + 1e-12:
        raise ParameterError(f"mass bounds 10^[{lo_m:.3f}, {hi_m:.3f}] GeV exceed the supported "
                           f"range [{M_X_MIN}, {M_X_MAX}] GeV")
    return b


def _grid_local_minima(values: np.ndarray, max_seeds: int) -> list[tuple[int, ...]]:
    """Indices of grid points not larger than any of their (face+diagonal) neighbours, best first."""
    v = np.where(np.isfinite(values), values, np.inf)
    padded = np.pad(v, 1, mode="constant", constant_values=np.inf)
    is_min = np.ones(v.shape, dtype=bool)
    nd = v.ndim
    core = tuple(slice(1, -1) for _ in range(nd))
    for offs in np.ndindex(*(3,) * nd):
        if all(o == 1 for o in offs):
            continue
        sl = tuple(slice(o, o + s) for o, s in zip(offs, v.shape))
        is_min &= v <= padded[sl]
    del core
    idx = np.argwhere(is_min)
    order = np.argsort(v[tuple(idx.T)])
    return [tuple(i) for i in idx[order][:max_seeds]]


def _one_point(lk, x) -> float:
    """Δχ² at one θ of shape (3,): the package likelihood's one-point float path (8× cheaper than a
    batch of one); any likelihood returning an array for it gives its single element."""
    return float(np.ravel(lk.delta_chi2(np.asarray(x, dtype=float)))[0])


#: points per free axis of each zoom step (9: the grid spacing hw/4 is below the next half-width hw/3,
#: so the box always contains the true basin minimum; 15 points cost 4.6× more with 3 free axes)
ZOOM_POINTS = 9


def _zoom(lk, start, b, free: list[int], half_width: np.ndarray, n: int | None = None, steps: int = 7,
          shrink: float = 3.0):
    """Vectorised local refinement: evaluate an n^k grid around the current best point, move to its
    minimum, shrink the box, repeat. One batched likelihood call per step; robust to the
    discontinuous resonance step and cheap compared with single-point Minuit calls."""
    best = np.asarray(start, dtype=float).copy()
    lo = np.array([b[k][0] for k in PARAM_NAMES])
    hi = np.array([b[k][1] for k in PARAM_NAMES])
    hw = np.asarray(half_width, dtype=float).copy()
    best_val = _one_point(lk, best)
    u = np.linspace(-1.0, 1.0, ZOOM_POINTS if n is None else n)
    for _ in range(steps):
        axes = [best[i] + hw[i] * u if i in free else np.array([best[i]]) for i in range(3)]
        pts = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 3)
        pts = np.clip(pts, lo, hi)
        vals = lk.delta_chi2(pts)
        vals = np.where(np.isfinite(vals), vals, np.inf)
        j = int(np.argmin(vals))
        if vals[j] <= best_val:
            best, best_val = pts[j].copy(), float(vals[j])
        hw = hw / shrink
    return best, best_val


def _minimise_from(lk, start, b, fixed_mass, tol, step=(0.05, 0.1, 0.05), simplex=True, fix_eps=False):
    names = PARAM_NAMES

    def fcn(x):
        x = np.asarray(x, dtype=float)
        if not np.all(np.isfinite(x)):
            return 1e30
        val = _one_point(lk, x)
        return float(val) if np.isfinite(val) else 1e30

    fcn.errordef = Minuit.LEAST_SQUARES
    m = Minuit(fcn, np.asarray(start, dtype=float), name=names)
    for k, e in zip(names, step):
        m.limits[k] = b[k]
        m.errors[k] = e
    if fixed_mass:
        m.fixed["log10_m"] = True
    if fix_eps:  # a degenerate direction (dark photon): log10 g_X is log10 ε up to a constant
        m.fixed["eps_ratio"] = True
    m.tol = tol
    m.strategy = 1
    with quiet_minuit():
        if simplex:
            m.simplex()
        m.migrad()
        for strategy in (1, 2):
            # an invalid first MIGRAD (EDM above goal from numerical noise or a kink such as the
            # NSI floor) is restarted from where it stopped, as the MINUIT manual recommends
            if m.valid:
                break
            m.strategy = strategy
            m.migrad()
        if m.valid:
            try:
                m.hesse()
            except Exception:  # pragma: no cover - hesse failure leaves migrad's errors
                pass
    return m


def _result(lk, m, fixed_mass) -> ProfileResult:
    theta = np.array(m.values, dtype=float)
    per = {k: float(v[0]) for k, v in lk.terms_theta(theta[None, :]).items()}
    b = {k: m.limits[k] for k in PARAM_NAMES}
    at_limit = tuple(k for k in PARAM_NAMES if not (fixed_mass and k == "log10_m")
                     and (np.isclose(theta[PARAM_NAMES.index(k)], b[k][0], atol=1e-6)
                          or np.isclose(theta[PARAM_NAMES.index(k)], b[k][1], atol=1e-6)))
    errors = {k: float(m.errors[k]) for k in PARAM_NAMES if not m.fixed[k]}
    return ProfileResult(theta=theta, delta_chi2=float(sum(per.values())), terms=per,
                         is_valid=bool(m.valid), at_limit=at_limit, edm=float(m.fmin.edm),
                         nfcn=int(m.nfcn), errors=errors, fixed_mass=fixed_mass)


def find_minima(lk, bounds=None, fixed_mass: float | None = None, grid_shape=(61, 121, 25),
                max_seeds: int = 6, within: float = 1.0, tol: float = 0.01,
                polish_above: float | None = None, seeds=None, physics_seeds: bool = True) -> list[ProfileResult]:
    """All distinct local minima of Δχ² within ``within`` of the best, best first: the global minimum
    finder every layer shares (profile, scans, Table 1, compare, the sampler's start, the evidence
    reference).

    Parameters
    ----------
    lk : a :class:`~bayes_u1x.likelihood.CompositeLikelihood` (anything with ``delta_chi2`` and
        ``terms_theta`` over θ arrays of shape (n, 3)).
    bounds : dict parameter -> (lo, hi) overriding :data:`DEFAULT_BOUNDS`.
    fixed_mass : m_X in GeV to profile at fixed mass (the paper uses 0.2 GeV); None frees it.
    grid_shape : coarse seeding grid (log10 g, eps ratio, log10 m); the mass axis is ignored at
        fixed mass.
    polish_above : skip MIGRAD for basins whose zoom-refined minimum already exceeds this Δχ²
        (used by model-space scans: a Δχ² of 10 does not become < 4 by polishing within its
        basin). Such results carry ``method="grid-zoom"`` and ``is_valid=False``.
    seeds : extra θ points (n, 3) to start from — prior draws, posterior samples; the best of
        every basin among them is polished.
    physics_seeds : also start from the g−2 sheet, refined in the uncovered mass windows
        (:func:`~.basins.sheet_points`); False gives the grid-only profile.
    """
    from .basins import best_distinct, canonical, is_degenerate, sheet_points

    b = _bounds(bounds)
    if fixed_mass is not None:
        if not (M_X_MIN <= fixed_mass <= M_X_MAX):
            raise ParameterError(f"m_X = {fixed_mass} GeV is outside the supported range "
                               f"[{M_X_MIN}, {M_X_MAX}] GeV")
        lm = math.log10(fixed_mass)
        b["log10_m"] = (min(lm, b["log10_m"][0]), max(lm, b["log10_m"][1]))
        axes = [np.linspace(*b["log10_g"], grid_shape[0]), np.linspace(*b["eps_ratio"], grid_shape[1]),
                np.array([lm])]
    else:
        axes = [np.linspace(*b[k], n) for k, n in zip(PARAM_NAMES, grid_shape)]
    mesh = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1)
    vals = lk.delta_chi2(mesh.reshape(-1, 3)).reshape(mesh.shape[:-1])
    grid_vals = vals[..., 0] if fixed_mass is not None else vals
    cand = [mesh[i + (0,)] if fixed_mass is not None else mesh[i] for i in _grid_local_minima(grid_vals, max_seeds)]
    clouds = []
    if physics_seeds:
        clouds.append(sheet_points(lk, b, fixed_mass))
    if seeds is not None:
        pts = np.atleast_2d(np.asarray(seeds, dtype=float))
        pts = pts[np.all(np.isfinite(pts), axis=1)]
        lo = np.array([b[k][0] for k in PARAM_NAMES])
        hi = np.array([b[k][1] for k in PARAM_NAMES])
        pts = np.clip(pts, lo, hi)
        if fixed_mass is not None:
            pts[:, 2] = math.log10(fixed_mass)
        clouds.append(pts)
    for pts in clouds:
        if len(pts):
            cand.extend(best_distinct(pts, lk.delta_chi2(pts), max_seeds))
    if not cand:
        raise ParameterError("the likelihood is not finite anywhere on the seeding grid")
    degenerate = is_degenerate(lk)
    cand = np.array(cand)
    if degenerate:
        cand = canonical(cand, b)
    cval = lk.delta_chi2(cand)
    seeds_ = best_distinct(cand, cval, max_seeds + 2 * len(clouds))
    if not seeds_:
        raise ParameterError("the likelihood is not finite anywhere on the seeding grid")
    # 1) vectorised zoom from every seed; 2) MIGRAD only from zoomed points that can matter
    free = [0, 1] if fixed_mass is not None else [0, 1, 2]
    if degenerate:
        free = [i for i in free if i != 1]
    spacing = np.array([a[1] - a[0] if len(a) > 1 else 0.0 for a in axes])
    zoomed = [_zoom(lk, s, b, free, 1.5 * spacing) for s in seeds_]
    best_zoom = min(v for _, v in zoomed)
    results: list[ProfileResult] = []
    for z, zval in zoomed:
        if zval > best_zoom + within + 1.0:
            continue
        if polish_above is not None and zval > polish_above:
            results.append(_seed_result(lk, z, fixed_mass is not None))
            continue
        step = np.maximum(spacing / 20, 1e-3)
        kw = dict(simplex=False, fix_eps=degenerate)
        m = _minimise_from(lk, z, b, fixed_mass is not None, tol, step=tuple(step), **kw)
        if not np.all(np.isfinite(np.array(m.values))):
            results.append(_seed_result(lk, z, fixed_mass is not None))
            continue
        if not m.valid:
            # restart once from where it stopped with 10x larger steps: a kink (the NSI floor of
            # App. B) or the resonance step can spoil the EDM estimate from very small steps
            m2 = _minimise_from(lk, np.array(m.values), b, fixed_mass is not None, tol,
                                step=tuple(10 * step), **kw)
            if m2.valid and np.all(np.isfinite(np.array(m2.values))) and m2.fval <= m.fval + 1e-6:
                m = m2
        res = _result(lk, m, fixed_mass is not None)
        if zval < res.delta_chi2 - 1e-6:
            # MIGRAD moved uphill (discontinuous resonance step, or a kink): keep the zoomed point,
            # flagged as not a valid Minuit minimum
            res = _seed_result(lk, z, fixed_mass is not None)
        results.append(res)
    results.sort(key=lambda r: r.delta_chi2)
    distinct: list[ProfileResult] = []
    scale = np.array([0.05, 0.1, 0.02])
    for r in results:
        if all(np.any(np.abs(r.theta - d.theta) > scale) for d in distinct):
            distinct.append(r)
    best = distinct[0].delta_chi2
    return [r for r in distinct if r.delta_chi2 <= best + within]


def _seed_result(lk, s, fixed) -> ProfileResult:
    theta = np.asarray(s, dtype=float)
    per = {k: float(v[0]) for k, v in lk.terms_theta(theta[None, :]).items()}
    return ProfileResult(theta=theta, delta_chi2=float(sum(per.values())), terms=per, is_valid=False,
                         at_limit=(), edm=float("nan"), nfcn=0, fixed_mass=fixed, method="grid-zoom")


def best_fit(lk, **kw) -> ProfileResult:
    """The global minimum (first of :func:`find_minima`)."""
    return find_minima(lk, **kw)[0]


def _minuit_at(lk, result: ProfileResult, bounds=None):
    b = _bounds(bounds)
    lm = result.theta[2]
    b["log10_m"] = (min(lm, b["log10_m"][0]), max(lm, b["log10_m"][1]))
    from .basins import is_degenerate

    return _minimise_from(lk, result.theta, b, result.fixed_mass, 0.01, fix_eps=is_degenerate(lk))


def minos_intervals(lk, result: ProfileResult, cl: float = 0.6827, bounds=None) -> dict:
    """MINOS intervals of every free parameter around a minimum at confidence level ``cl``.

    Returns {param: {"lower": .., "upper": .., "is_valid": bool}} in θ units.
    """
    m = _minuit_at(lk, result, bounds)
    out = {}
    with quiet_minuit():
        for k in PARAM_NAMES:
            if m.fixed[k]:
                continue
            try:
                m.minos(k, cl=cl)
                me = m.merrors[k]
                out[k] = {"lower": float(m.values[k] + me.lower), "upper": float(m.values[k] + me.upper),
                          "is_valid": bool(me.is_valid), "at_lower_limit": bool(me.at_lower_limit),
                          "at_upper_limit": bool(me.at_upper_limit)}
            except RuntimeError as exc:  # pragma: no cover - reported, not raised
                out[k] = {"lower": None, "upper": None, "is_valid": False, "error": str(exc)}
    return out


def profile_curve(lk, result: ProfileResult, param: str, size: int = 40, bound=None, bounds=None):
    """Profile Δχ² along one parameter (Minuit ``mnprofile``): (x, Δχ²(x), ok)."""
    if param not in PARAM_NAMES:
        raise ParameterError(f"unknown parameter {param!r}; use one of {PARAM_NAMES}")
    m = _minuit_at(lk, result, bounds)
    if m.fixed[param]:
        raise ParameterError(f"parameter {param} is fixed in this profile")
    with quiet_minuit():
        x, y, ok = m.mnprofile(param, size=size, bound=bound if bound is not None else 2, subtract_min=False)
    return x, y, ok
