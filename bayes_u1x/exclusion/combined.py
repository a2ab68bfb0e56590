"""Combined upper limits on g_X(m_X) from the default likelihood, and where g−2 is still explained.

Definition (the one every number in ``docs/limits.md`` uses)
-------------------------------------------------------------
At each mass the test statistic is the likelihood's Δχ² relative to the SM,

    q(g) = Σ_t [Δχ²_t(g, r, m) − Δχ²_t(0)],

summed over the **constraint** terms of the preset (``default``: Borexino, NSI, COHERENT, the
resonance searches as the smooth one-sided Gaussian, CCFR, T; the chiral terms for chiral models).
The upper limit g_CL(m) is the smallest g > 0 at which q crosses the CL threshold from below
(scanned on a log grid, then bisected in ln g). The thresholds are **one-sided** by default,
q = 2.71 at 95 % CL and 1.64 at 90 % CL: g_X ≥ 0 and the effects grow with g, so the test of an
upper limit has the half-χ²₁ distribution of a parameter on its boundary (Chernoff; the q_μ of
Cowan, Cranmer, Gross, Vitells, arXiv:1007.1727). With these the smooth resonance term of a single
search reproduces that search's published 90 % CL limit exactly (it is calibrated to
Δχ² = z_CL² = 1.64 at R = 1), so the combination is consistent with the inputs it combines.
``convention="two-sided"`` uses the χ²₁ quantiles 3.84 / 2.71 instead.

Why the g−2 term is left out of the limit: with the 2021 inputs Δχ²_amu falls from 17.8 (SM) to 0
inside the band, so "Δχ² − Δχ²_SM" including it is negative there and only turns positive far
above the band: it would measure *worse than the SM*, not *excluded*, and a limit that an anomaly
weakens is no exclusion. ``include_amu=True`` adds the g−2 term and then measures q from the best fit
in g at that mass (the profile-likelihood upper limit; q = 0 below the best fit), which is
the correct one-sided upper limit when the data prefer g > 0 and equals the SM-referenced one when
they do not (the 2025 inputs, where Δa_μ = 38 ± 64 × 10⁻¹¹).

εe/g_X: ``eps_ratio`` a number (fixed; **default 0**, as ``bayes-u1x limits``), ``"loop"`` (the
model's one-loop value from its own fermions between 1 TeV and 10 MeV,
:func:`~bayes_u1x.physics.kinetic_mixing.one_loop_eps_ratio`) or ``"profiled"`` (q minimised over
εe/g_X ∈ [−15, 15] at every (g, m): the weakest limit over all kinetic mixings; single-term limits
and the band are then not defined, since both depend on εe/g_X).

Where g−2 is explained (``windows``): ``band_below_limit`` — masses where the lower 2σ edge of the
Δa_μ band (of the data set used) lies below the 95 % limit, so part of the band survives every
constraint; ``central_below_limit`` — the same for the central line; ``viable`` — the paper's
criterion of Sec. 4.2 / Table 1, min over g (and εe/g_X if profiled) of the *total* Δχ² including
g−2 ≤ 4 (``delta_chi2_min``). Intervals have ends interpolated between masses. Windows are only
given where there is an anomaly to explain (the SM's total Δχ² > 4: the 2021 inputs, 18.3; with
the 2025 inputs the SM has 1.3 and ``windows`` is empty).
"""
from __future__ import annotations

import numpy as np

from ..constants import M_X_MAX, M_X_MIN
from ..errors import ParameterError
from ..likelihood import CompositeLikelihood
from ..measurements import DEFAULT_SET
from ..models import get_model
from ..observables import TERMS
from ..observables.amu import coupling_band
from ..parameters import DEFAULT_BOUNDS, check_eps_ratio
from ..physics.kinetic_mixing import one_loop_eps_ratio
from ._vector_min import minimise
from .planes import _check_grid

#: Δχ² thresholds of an upper limit at each CL: one-sided (χ²₁ at 2 CL − 1) and two-sided (χ²₁ at CL)
THRESHOLDS = {"one-sided": {0.95: 2.705543454095404, 0.90: 1.642374415149818},
              "two-sided": {0.95: 3.841458820694124, 0.90: 2.705543454095404}}
#: the paper's viability criterion (Sec. 4.2): total Δχ²_min ≤ 4
VIABLE_DELTA_CHI2 = 4.0
_BISECTIONS = 30  # ln g bracket of one grid step (≤ 0.2) / 2^30: relative precision 2e-10


def resolve_eps(model, eps_ratio) -> tuple[str, float | None]:
    """("fixed", r) for a number, ("loop", one-loop r) for "loop", ("profiled", None) for "profiled"."""
    if isinstance(eps_ratio, str):
        key = eps_ratio.strip().lower()
        if key == "loop":
            return "loop", one_loop_eps_ratio(model)
        if key in ("profiled", "profile"):
            return "profiled", None
        try:
            return "fixed", check_eps_ratio(float(key))
        except ValueError:
            raise ParameterError(f"eps_ratio must be a number, 'loop' or 'profiled', got {eps_ratio!r}") from None
    return "fixed", check_eps_ratio(eps_ratio)


class _Problem:
    """Δχ²_t − Δχ²_t(SM) of the selected terms at (g, m), with εe/g_X fixed or profiled."""

    def __init__(self, model, preset, data, term_options, mode, r, n_r):
        self.lk = CompositeLikelihood(model, preset, data=data, term_options=term_options)
        self.sm = self.lk.sm_terms()
        self.constraints = tuple(t for t in self.lk.terms if TERMS[t].constraint)
        self.mode, self.r, self.n_r = mode, r, int(n_r)
        self.r_bounds = DEFAULT_BOUNDS["eps_ratio"]

    def terms(self, g, r, m) -> dict:
        vals = self.lk.terms_physical(g, r, m)
        return {t: v - self.sm[t] for t, v in vals.items()}

    def _sum(self, g, r, m, terms):
        vals = self.terms(g, r, m)
        return sum(vals[t] for t in terms)

    def q(self, g, m, terms) -> tuple[np.ndarray, np.ndarray]:
        """(Σ_terms, r used) at paired 1-d arrays g, m (εe/g_X profiled if the mode says so)."""
        g, m = np.asarray(g, dtype=float), np.asarray(m, dtype=float)
        if self.mode != "profiled":
            r = np.full(g.shape, self.r)
            return self._sum(g, r, m, terms), r
        G, Mm = g[:, None], m[:, None]
        return minimise(lambda R: self._sum(np.broadcast_to(G, R.shape), R, np.broadcast_to(Mm, R.shape), terms),
                        *self.r_bounds, g.size, n_grid=self.n_r)


def _first_crossing(lng, Q, thr, start):
    """Per column: index i ≥ start+1 of the first grid row with Q ≥ thr after a row below it (−1: none)."""
    n_g, n_m = Q.shape
    out = np.full(n_m, -1)
    for j in range(n_m):
        for i in range(max(start[j], 0) + 1, n_g):
            if Q[i, j] >= thr and Q[i - 1, j] < thr:
                out[j] = i
                break
    return out


def _bisect(fun, lo, hi, m, thr):
    """ln g in [lo, hi] (arrays) with fun(g, m) crossing thr (fun(lo) < thr <= fun(hi))."""
    for _ in range(_BISECTIONS):
        mid = 0.5 * (lo + hi)
        above = fun(np.exp(mid), m) >= thr
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, mid)
    return np.exp(0.5 * (lo + hi))


def _limit(prob, terms, masses, g_grid, Q, thr, start, ref):
    """g at which q − ref crosses thr from below, per mass (inf: not below the grid's top)."""
    lng = np.log(g_grid)
    idx = _first_crossing(lng, Q - ref[None, :], thr, start)
    out = np.full(masses.size, np.inf)
    sel = idx > 0
    if sel.any():
        fun = lambda g, m: prob.q(g, m, terms)[0] - ref[sel]  # noqa: E731
        out[sel] = _bisect(fun, lng[idx[sel] - 1], lng[idx[sel]], masses[sel], thr)
    return out


def _intervals(m, h):
    """Runs of h > 0 over increasing masses, ends interpolated in ln m: [(lo, hi)]."""
    h = np.where(np.isfinite(h), h, -np.inf)
    out, i, n = [], 0, m.size
    lm = np.log(m)

    def cross(a, b):
        if not (np.isfinite(h[a]) and np.isfinite(h[b])):
            return float(m[b] if h[b] > 0 else m[a])
        return float(np.exp(lm[a] + h[a] / (h[a] - h[b]) * (lm[b] - lm[a])))

    while i < n:
        if h[i] > 0:
            j = i
            while j + 1 < n and h[j + 1] > 0:
                j += 1
            lo = float(m[0]) if i == 0 else cross(i - 1, i)
            hi = float(m[-1]) if j == n - 1 else cross(j, j + 1)
            out.append((lo, hi))
            i = j + 1
        else:
            i += 1
    return out


def _min_over_g(prob, masses, g_grid, Qtot):
    """min over ln g (grid, then zoom) of the total Δχ² at each mass -> (values, g, r)."""
    lng = np.log(g_grid)
    i0 = np.argmin(np.where(np.isfinite(Qtot), Qtot, np.inf), axis=0)
    step = lng[1] - lng[0]
    lo, hi = lng[np.maximum(i0 - 1, 0)], lng[np.minimum(i0 + 1, lng.size - 1)]
    x = lng[i0]
    v = Qtot[i0, np.arange(masses.size)]
    offsets = np.linspace(-1.0, 1.0, 9)
    for _ in range(5):
        X = np.clip(x[:, None] + step * offsets, lo[:, None], hi[:, None])
        V = prob.q(np.exp(X).ravel(), np.repeat(masses, X.shape[1]), prob.lk.terms)[0].reshape(X.shape)
        j = np.argmin(V, axis=1)
        vj = V[np.arange(masses.size), j]
        better = vj < v
        v, x = np.where(better, vj, v), np.where(better, X[np.arange(masses.size), j], x)
        step /= 4
    r = prob.q(np.exp(x), masses, prob.lk.terms)[1]
    return v, np.exp(x), r


def combined_limits(model, masses=None, eps_ratio=0.0, data=DEFAULT_SET, cls=(0.95, 0.90), preset="default",
                    include_amu: bool = False, convention: str = "one-sided", per_term: bool = True,
                    g_range=(1e-7, 1.0), n_g: int | None = None, n_r: int = 241, term_options=None) -> dict:
    """Combined upper limits on g_X vs m_X (definition in the module docstring).

    Parameters: ``masses`` [GeV] (default 60 log-spaced in 10 MeV – 4 GeV); ``eps_ratio`` a number,
    "loop" or "profiled"; ``data`` "2021" or "2025"; ``cls`` confidence levels among 0.95, 0.90;
    ``preset`` the likelihood (default "default"); ``include_amu`` add the g−2 term (q from the best
    fit then); ``per_term`` also the single-term limits (fixed εe/g_X only); ``n_g`` scan points
    (default 120, 60 when profiled); ``n_r`` εe/g_X grid of the profile.

    Returns a dict: ``masses``, ``limits`` {cl: g (n_m,); inf = none below g_range[1]},
    ``single`` {term: {cl: g}}, ``dominant`` {cl: [term]} (largest share of q at the limit, fixed
    εe/g_X), ``band`` (Δa_μ 2σ band, fixed εe/g_X), ``windows``, ``delta_chi2_min``, ``best_g``,
    ``best_eps_ratio``, ``q_min`` (min over the g grid of the constraints' q: < 0 where they prefer
    X), and the settings (model, data, eps mode and value, thresholds, terms, definition).
    """
    model = get_model(model)
    mode, r = resolve_eps(model, eps_ratio)
    masses = np.geomspace(M_X_MIN, M_X_MAX, 60) if masses is None else \
        _check_grid(masses, "masses", M_X_MIN, M_X_MAX)
    if convention not in THRESHOLDS:
        raise ParameterError(f"convention must be one of {tuple(THRESHOLDS)}, got {convention!r}")
    cls = tuple(float(c) for c in cls)
    bad = [c for c in cls if c not in THRESHOLDS[convention]]
    if bad or not cls:
        raise ParameterError(f"confidence levels must be among {tuple(THRESHOLDS[convention])}, got {cls}")
    lo_g, hi_g = (float(x) for x in g_range)
    if not (0 < lo_g < hi_g):
        raise ParameterError(f"need 0 < g_range[0] < g_range[1], got {g_range}")
    n_g = int(n_g or (60 if mode == "profiled" else 120))
    if n_g < 10:
        raise ParameterError("n_g must be at least 10")
    prob = _Problem(model, preset, data, term_options, mode, r, n_r)
    used = prob.constraints + (("amu",) if include_amu and "amu" in prob.lk.terms else ())
    g_grid = np.geomspace(lo_g, hi_g, n_g)
    G, M = np.meshgrid(g_grid, masses, indexing="ij")
    shape = G.shape
    if mode == "profiled":
        Q = prob.q(G.ravel(), M.ravel(), used)[0].reshape(shape)
        Qtot = prob.q(G.ravel(), M.ravel(), prob.lk.terms)[0].reshape(shape)
        per = {}
    else:
        per = {t: v.reshape(shape) for t, v in prob.terms(G.ravel(), np.full(G.size, r), M.ravel()).items()}
        Q = sum(per[t] for t in used)
        Qtot = sum(per.values())
    zero = np.zeros(masses.size, dtype=int)
    if include_amu:
        start = np.argmin(Q, axis=0)                       # the best fit in g at each mass
        ref = np.minimum(Q[start, np.arange(masses.size)], 0.0)
    else:
        start, ref = zero, np.zeros(masses.size)
    thr = THRESHOLDS[convention]
    limits = {c: _limit(prob, used, masses, g_grid, Q, thr[c], start, ref) for c in cls}
    single = {}
    if per_term and mode != "profiled":
        for t in prob.constraints:
            single[t] = {c: _limit(prob, (t,), masses, g_grid, per[t], thr[c], zero, np.zeros(masses.size))
                         for c in cls}
    dominant = {}
    if mode != "profiled":
        for c in cls:
            g = limits[c]
            fin = np.isfinite(g)
            names = [""] * masses.size
            if fin.any():
                vals = prob.terms(g[fin], np.full(fin.sum(), r), masses[fin])
                arr = np.stack([vals[t] for t in used])
                for k, j in enumerate(np.flatnonzero(fin)):
                    names[j] = used[int(np.argmax(arr[:, k]))]
            dominant[c] = names
    dmin, best_g, best_r = _min_over_g(prob, masses, g_grid, Qtot)
    dmin = dmin + sum(prob.sm.values())                    # back to the likelihood's own scale
    band = coupling_band(model, r, masses, data=data) if mode != "profiled" else None
    g95 = limits[cls[0]]
    anomaly = sum(prob.sm.values()) > VIABLE_DELTA_CHI2      # the SM itself is not viable
    windows = {"viable": _intervals(masses, VIABLE_DELTA_CHI2 - dmin)} if anomaly else {}
    if band is not None and anomaly:
        with np.errstate(invalid="ignore", divide="ignore"):
            windows["band_below_limit"] = _intervals(masses, np.log(g95 / band["g_low"]))
            windows["central_below_limit"] = _intervals(masses, np.log(g95 / band["g_central"]))
    return {
        "model": model.name, "model_label": model.label(), "model_display": model.display, "data": str(data), "preset": str(preset),
        "eps_mode": mode, "eps_ratio": r, "include_amu": bool(include_amu), "convention": convention,
        "thresholds": {c: thr[c] for c in cls}, "terms": list(used), "masses": masses, "g_grid": g_grid,
        "limits": limits, "single": single, "dominant": dominant, "band": band, "windows": windows,
        "windows_cl": cls[0], "anomaly": bool(anomaly), "sm_delta_chi2": float(sum(prob.sm.values())),
        "delta_chi2_min": dmin, "best_g": best_g, "best_eps_ratio": best_r,
        "q_min": np.min(Q - ref[None, :], axis=0),
        "definition": (f"smallest g_X > 0 where the sum of {', '.join(used)} Delta chi2 minus "
                       + ("its best-fit value in g_X" if include_amu else "the SM value")
                       + f" crosses {', '.join(f'{thr[c]:.2f} ({100 * c:.0f}% CL)' for c in cls)} from below "
                       f"({convention}); eps e/g_X {mode}" + (f" = {r:.4g}" if r is not None else "")),
    }
