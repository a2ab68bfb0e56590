"""Tabulated reference rates of every search, for fast exclusion ratios R in the likelihood term.

Everything that depends only on the mass and the search is tabulated once per process.

The reference rate of a search, S(m) = g_ref(m)^2 BR_ref(F; m) E_ref(m) (:meth:`Recaster.reference_rate`),
depends on m_X alone. It is evaluated once (lazily, on first use) on one common mass grid shared by
all searches: the union of every search's digitised masses, the production-fraction masses, the VMD
data grid, the two-body thresholds and a uniform log-mass grid (2000 nodes per decade). A call then
needs only the target's side (production factor x BR_X x lifetime acceptance, vectorised over points
and searches) divided by S interpolated on that grid:

* log S is interpolated linearly in m between neighbouring grid nodes -- the convention of
  :meth:`Search.reference_coupling` (log limit linear in mass), so g_ref is reproduced to rounding
  and only BR_ref E_ref (smooth between nodes) is approximated;
* each interval stores its own one-sided end values, so steps of a digitised curve, vetoed (inf)
  rows and the no-limit gaps behave exactly as in :class:`Recaster`; at a grid node (in particular
  at every digitised mass) the stored value is the exact one :class:`Recaster` computes there;
* where an interval ends at S = 0 (a decay threshold) S itself is interpolated linearly.

:class:`bayes_u1x.physics.resonances.recast.Recaster` stays the reference implementation (limit curves,
g_X limits); :func:`fast_ratios` agrees with ``Recaster.ratio`` to rounding at the digitised masses
and to < 1e-3 relative elsewhere (``benchmarks/bench_resonances.py`` prints the measured maximum).
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from .. import hadrons, widths
from ...constants import HBAR_GEV_S, M_E, M_MU, M_PI_CHARGED, M_TAU
from ...couplings import Couplings, effective_couplings
from .production import production_factor
from ...errors import DataError, LikelihoodError
from .recast import (INVISIBLE_CONVENTIONS, REFERENCE_BR_INVISIBLE, _Decays,
                     _reference_model, _unit, window_t1)
from .registry import E_CHARGE, Search, get_search, interpolate_log_limit, load_registry

#: uniform log-mass nodes per decade added to the common grid
NODES_PER_DECADE = 2000
#: nodes per decade of (m - T)/T above each decay threshold T (1e-8 ... 0.1)
THRESHOLD_NODES_PER_DECADE = 100


@lru_cache(maxsize=1)
def common_grid() -> np.ndarray:
    """Sorted unique masses [GeV] on which every reference rate is tabulated."""
    parts = []
    lo, hi = np.inf, -np.inf
    for s in load_registry().values():
        if not s.available:
            continue
        parts.append(s.mass[s.mass >= 0])
        a, b = s._finite_span
        lo, hi = min(lo, a), max(hi, b)
        if s.fractions is not None:
            parts.append(s.fractions["mass"][s.fractions["mass"] > 0])
    vmd = hadrons.vmd_table()["mass_gev"]  # R(m) is linear between these; S is not: subdivide by 4
    parts.append(vmd[0] + (vmd[1] - vmd[0]) * np.arange(4 * (vmd.size - 1) + 1) / 4.0)
    # decay thresholds, where BR_ref ~ beta is not smooth: geometric refinement in (m - T)/T
    x = np.concatenate([[0.0], np.logspace(-8, -1, 7 * THRESHOLD_NODES_PER_DECADE + 1)])
    for thr in (2 * M_E, 2 * M_MU, 2 * M_PI_CHARGED, 2 * M_TAU, 2 * hadrons.M_C_PERTURBATIVE,
                2 * hadrons.M_B_PERTURBATIVE):
        parts.append(thr * (1.0 + x))
    positive = np.concatenate(parts)
    d0 = np.floor(np.log10(positive[positive > 0].min()))
    d1 = np.ceil(np.log10(hi))
    parts.append(np.logspace(d0, d1, int(round((d1 - d0) * NODES_PER_DECADE)) + 1))
    g = np.unique(np.concatenate(parts))
    g = g[(g >= lo) & (g <= hi)]
    g.flags.writeable = False
    return g


def _one_sided_coupling(search: Search, m_end, m_mid) -> np.ndarray:
    """g_ref at the interval ends m_end, continued from the interval containing m_mid (the same
    formula as :meth:`Search._interpolate`; NaN if that interval has no limit)."""
    _, val = interpolate_log_limit(search.mass, search.log_limit, m_end, m_mid)
    scale = E_CHARGE if search.limit_on == "eps" else 1.0
    return scale * np.exp(val)


def _log(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(x)


def _reference_br_width(search: Search, ref: _Decays | None):
    """(BR_ref(F), width entering E_ref) per unit g^2 -- the factors of
    :meth:`Recaster.reference_rate` other than g_ref^2 (width None for the invisible convention)."""
    kind = search.reference_br
    if kind == "invisible_0.99":
        return REFERENCE_BR_INVISIBLE, None
    if kind == "leptons_only":
        width = ref.width("e_e") + ref.width("mu_mu")
        return ref.br(search.decay, total=width), width
    return ref.br(search.decay), ref.total


@lru_cache(maxsize=None)
def _reference_decays(name: str) -> _Decays:
    """Reference-model decays per unit g^2 at the grid nodes."""
    model, r_eps = _reference_model(name)
    G = common_grid()
    # widths are only needed where a curve has a limit (m > 0); the m = 0 node gets a stand-in
    mw = np.where(G > 0, G, G[G > 0][0])
    return _Decays(effective_couplings(model, 1.0, r_eps, mw, check_mass_range=False))


def _search_table(key: str) -> dict:
    """Per-search tables on the common grid (read-only arrays): log g_ref^2 at the nodes and at the
    left / right ends of each interval, log BR_ref at the nodes, log width_ref at the nodes.
    Not cached itself: :func:`search_set` keeps only the stacked copies (~1.5 MB per search)."""
    with np.errstate(all="ignore"):  # m = 0 node (Belle II's curve starts there): no widths needed
        s = get_search(key)
        G = common_grid()
        ref = None if s.reference_br == "invisible_0.99" else _reference_decays(s.reference_model)
        br, width = _reference_br_width(s, ref)
        mid = 0.5 * (G[:-1] + G[1:])
        out = {"g2_node": _log(s.reference_coupling(G) ** 2),
               "g2_left": _log(_one_sided_coupling(s, G[:-1], mid) ** 2),
               "g2_right": _log(_one_sided_coupling(s, G[1:], mid) ** 2),
               "br": _log(np.broadcast_to(br, G.shape).astype(float)),
               "width": None if width is None else _log(np.broadcast_to(width, G.shape).astype(float))}
    for a in out.values():
        if a is not None:
            a.flags.writeable = False
    return out


def _interp_log(tab, ic, t):
    """exp of tab linearly interpolated (rows of tab = nodes, columns = searches; t (n, 1)); where
    an end is log 0 = -inf, the value itself is interpolated linearly."""
    lo, hi = tab[ic], tab[ic + 1]
    with np.errstate(invalid="ignore"):
        val = np.exp(lo + t * (hi - lo))
    bad = np.isnan(val)
    if bad.any():
        r, c = np.nonzero(bad)
        tt = np.broadcast_to(t, val.shape)[r, c]
        val[r, c] = np.exp(lo[r, c]) * (1.0 - tt) + np.exp(hi[r, c]) * tt
    return val


class _SearchSet:
    """Stacked tables and per-search metadata for one tuple of searches (built once)."""

    def __init__(self, keys: tuple[str, ...]):
        G = common_grid()
        self.searches = tuple(get_search(k) for k in keys)
        tabs = [_search_table(k) for k in keys]

        def stack(name, rows):
            # node- (interval-) major: the searches of one node are contiguous, so reading the
            # tables at a batch of masses gathers whole rows instead of one value per search
            a = np.stack([tabs[j][name] for j in rows], axis=1) if rows else np.empty((G.size, 0))
            a = np.ascontiguousarray(a)
            a.flags.writeable = False
            return a

        every = list(range(len(keys)))
        self.g2_node, self.g2_left, self.g2_right, self.br = (stack(k, every) for k in
                                                              ("g2_node", "g2_left", "g2_right", "br"))
        self.lifetime = [j for j, s in enumerate(self.searches) if not s.is_prompt]
        for j in self.lifetime:
            if tabs[j]["width"] is None:
                raise DataError(f"search {keys[j]}: lifetime window needs a reference width")
        self.width = stack("width", self.lifetime)
        self.z = np.array([s.cl_z for s in self.searches])
        self.mechanisms = sorted({s.production for s in self.searches if s.production != "mixture"})
        self.decays = sorted({s.decay for s in self.searches})
        # production fractions of mixture searches at the nodes (np.interp clamps outside, as
        # mixture_factor does); linear in m between nodes reproduces np.interp on their own grid
        self.fractions = {}
        self.fraction_tables = {}       # j -> (mechanism names, (nodes, mechanisms) array)
        for j, s in enumerate(self.searches):
            if s.production == "mixture":
                self.fractions[j] = {k: np.interp(G, s.fractions["mass"], v)
                                     for k, v in s.fractions.items() if k != "mass" and np.any(v)}
                names = tuple(self.fractions[j])
                self.fraction_tables[j] = (names, np.ascontiguousarray(
                    np.stack([self.fractions[j][k] for k in names], axis=1)))


@lru_cache(maxsize=64)
def search_set(keys: tuple[str, ...]) -> _SearchSet:
    """Tables for a tuple of search names (cached per process)."""
    return _SearchSet(tuple(keys))


def _target_widths(cp1: Couplings, br_dark: float, need_pipi: bool):
    """Partial widths per unit g^2 at the points: e_e, mu_mu, invisible, pi+_pi- and the total."""
    pw = widths.partial_widths(cp1)
    sm_total = sum(pw.values())
    total = sm_total / (1.0 - br_dark)
    if br_dark > 0:
        total = np.where(sm_total > 0, total, 1.0)
    dark = total - sm_total
    out = {"e_e": pw["e"], "mu_mu": pw["mu"],
           "invisible": pw["nu_e"] + pw["nu_mu"] + pw["nu_tau"] + dark}
    if need_pipi:
        out["pi+_pi-"] = hadrons.hadronic_channel_width(cp1, "pi+_pi-")
    return out, total


def _production_charges(cp: Couplings) -> dict:
    q = {"e2": cp.qV["e"] ** 2 + cp.qA["e"] ** 2, "mu2": cp.qV["mu"] ** 2 + cp.qA["mu"] ** 2}
    for f in ("u", "d", "s", "c"):
        q[f] = cp.qV[f]
    q["b"] = cp.qV["d"]
    return q


def fast_ratios(cp: Couplings, keys: tuple[str, ...], invisible: str = "physical",
                br_dark: float = 0.0) -> np.ndarray:
    """R (shape (len(keys),) + cp.shape) for the searches ``keys`` at the points of ``cp``.

    Same quantity as :meth:`Recaster.ratio` (R >= 1: excluded), with the reference rates read from
    the per-process tables."""
    if invisible not in INVISIBLE_CONVENTIONS:
        raise LikelihoodError(f"invisible convention must be one of {INVISIBLE_CONVENTIONS}, got {invisible!r}")
    br_dark = float(br_dark)
    if not 0.0 <= br_dark < 1.0:
        raise LikelihoodError(f"br_dark (dark-sector branching fraction) must be in [0, 1), got {br_dark}")
    ss = search_set(tuple(keys))
    shape = cp.shape
    ns = len(ss.searches)
    if ns == 0:
        return np.zeros((0,) + shape)
    m = np.broadcast_to(cp.m, shape).ravel()
    n = m.size
    G = common_grid()
    nG = G.size
    # --- reference rates S = g_ref^2 BR_ref E_ref on the common grid ------------------------
    i = np.searchsorted(G, m, side="right") - 1
    inside = (i >= 0) & ((i < nG - 1) | (m == G[-1]))
    ic = np.minimum(np.maximum(i, 0), nG - 2)
    ie = np.minimum(np.maximum(i, 0), nG - 1)
    g0 = G[ic]
    t = (m - g0) / (G[ic + 1] - g0)
    tc = t[:, None]
    lo = ss.g2_left[ic]                                          # (n, searches)
    lg2 = lo + tc * (ss.g2_right[ic] - lo)  # exact: log g_ref is linear in m inside an interval
    exact = inside & (G[ie] == m)
    if exact.any():  # at a node: the curve's own value (the weaker one at a step)
        lg2 = np.where(exact[:, None], ss.g2_node[ie], lg2)
    g2 = np.exp(np.where(inside[:, None], lg2, np.nan))
    S = g2 * _interp_log(ss.br, ic, tc)
    life = ss.lifetime
    if life:  # E_ref = acceptance(t1, g_ref^2 width_ref) (E = 1 if t1 = inf and the width > 0)
        T1 = np.stack([window_t1(ss.searches[j], m) for j in life], axis=1)
        prompt = np.isinf(T1)
        T1f = np.where(prompt, 0.0, T1)
        gam = g2[:, life] * _interp_log(ss.width, ic, tc)
        S[:, life] = S[:, life] * np.where(prompt, np.where(gam > 0, 1.0, 0.0), -np.expm1(-(T1f * gam / HBAR_GEV_S)))
        T1 = T1.T
    S = S.T                                                      # (searches, n)
    # --- target: production x BR x acceptance ------------------------------------------------
    cp1 = _unit(cp)
    need_pipi = any("pi+_pi-" in d for d in ss.decays)
    tw, total = _target_widths(cp1, br_dark, need_pipi)
    tot_ok = total > 0
    tot_safe = np.where(tot_ok, total, 1.0)
    br = {}
    for d in ss.decays:
        num = tw[d[0]]
        for c in d[1:]:
            num = num + tw[c]
        br[d] = np.broadcast_to(np.where(tot_ok, num / tot_safe, 0.0), shape).ravel()
    q = {k: np.broadcast_to(v, shape).ravel() for k, v in _production_charges(cp).items()}
    bw = {}  # Breit-Wigners at these masses, shared by the pi0 / eta mechanisms
    mech = {k: production_factor(k, q, m, bw) for k in ss.mechanisms}
    A = np.empty((ns, n))
    for j, s in enumerate(ss.searches):
        if s.production == "mixture":
            names, F = ss.fraction_tables[j]
            f0 = F[ic]
            fi_all = f0 + tc * (F[ic + 1] - f0)                  # (n, mechanisms)
            num = np.zeros(n)
            norm = np.zeros(n)
            for c, k in enumerate(names):
                fi = fi_all[:, c]
                norm = norm + fi
                if k not in mech:
                    mech[k] = production_factor(k, q, m, bw)
                num = num + fi * mech[k]
            pi = np.where(norm > 0, num / np.where(norm > 0, norm, 1.0), 0.0)
        else:
            pi = mech[s.production]
        if s.is_invisible and invisible == "darkcast":
            A[j] = pi * REFERENCE_BR_INVISIBLE
        else:
            A[j] = pi * br[s.decay]
    u = np.broadcast_to(cp.g, shape).ravel() ** 2
    E = np.broadcast_to(np.where(u > 0, 1.0, 0.0), (ns, n)).copy()
    if life:  # target: E = 1 - exp(-t1 Gamma_X/hbar); no acceptance where t1 = inf (Recaster.ratio)
        tot = np.broadcast_to(total, shape).ravel()
        # t1 = inf marks "no acceptance"; inf * 0 (a model with zero width) must not produce NaN
        fin = np.isfinite(T1) & (tot > 0)
        a = np.where(fin, np.where(np.isfinite(T1), T1, 0.0) * tot / HBAR_GEV_S, 0.0)
        E[life] = -np.expm1(-a * u)
    ok = np.isfinite(S) & (S > 0)
    out = np.where(ok, u * A * E / np.where(ok, S, 1.0), 0.0)
    return out.reshape((ns,) + shape)
