"""Recast of the DarkCast-2023 limits (:mod:`.registry_2023`) to any U(1)_X model.

For every limit the target model X (couplings g_X q_f, at the points of a :class:`Couplings`) gets

    R = [signal of X at g_X] / [signal excluded by the search],      R >= 1 excluded (at its CL),

with the signal = production x BR(F) x acceptance, all per the limit's recipe:

* production factor Pi relative to the dark photon (1 for it): e_brem (q_e,V^2 + q_e,A^2), p_brem
  (q_p^2 = (2 q_u + q_d)^2, the proton's vector charge; DarkCast's proton form-factor term for *axial*
  quark couplings is not included, as everywhere in this package), pi0 / eta / eta' -> gamma X (U(3)
  vector-meson dominance with running-width Breit-Wigners, :mod:`.production`), mixtures (fractions,
  normalised by their sum, optionally in mass windows) and the LHCb mixture of
  ``../resonance_limits/production_fractions_lhcb.csv``;
* BR_X(F) and the total width from :mod:`bayes_u1x.physics.widths` / :mod:`bayes_u1x.physics.hadrons` (with an optional
  dark-sector branching fraction ``br_dark``); the reference is the dark photon (couplings e eps Q_f);
* acceptance: beam dumps / two-sided limits :mod:`.beam_dump` (the effective boost implied by the
  published band), r-value grids :mod:`.displaced` (same-lifetime dark photon), prompt (E = 1) for
  the one-sided LEP bound.

:func:`exclusion_ratios_2023` is the vectorised function for the likelihood: what depends on the mass
only (the reference signal S(m) and t0(m)/hbar of each beam dump, the dark-photon width and BR for the
r-value grids) is tabulated once per process on nodes = every digitised mass (steps kept) plus 2000
log-uniform nodes per decade plus geometric refinement above the 2 m_e, 2 m_mu and 2 m_pi thresholds
plus the VMD hadronic-data grid subdivided by 4 (the narrow omega and phi); log S
and log T are linear in m between nodes. ``exact=True`` evaluates the same quantities at the points'
own masses (the reference implementation; :func:`limit_curve_2023` always uses it).
"""
from __future__ import annotations

import dataclasses
from functools import lru_cache

import numpy as np

from .. import hadrons, widths
from ...constants import M_E, M_MU, M_PI_CHARGED
from ...couplings import Couplings, effective_couplings
from ...models import get_model
from . import beam_dump, displaced
from .production import breit_wigner, production_factor
from ...errors import LikelihoodError, ParameterError
from ...package_data import read_csv_rows
from ...parameters import check_eps_ratio
from .registry_2023 import Limit2023, get_limit_2023, resolve_limits_2023

INVISIBLE_CONVENTIONS = ("physical", "darkcast")
REFERENCE_BR_INVISIBLE = 0.99
NODES_PER_DECADE = 2000
R_GRID_NODES = 20001
_THRESHOLDS = (2 * M_E, 2 * M_MU, 2 * M_PI_CHARGED)
#: geometric nodes per decade of (m - T)/T in [1e-8, 0.1] above each threshold T (BR, width ~ beta)
THRESHOLD_NODES_PER_DECADE = 50
_CHANNEL = {"e_e": ("e",), "mu_mu": ("mu",), "invisible": ("nu_e", "nu_mu", "nu_tau")}


# --- production -------------------------------------------------------------------------------
def production_factor_2023(mechanism: str, q: dict, m, bw: dict | None = None) -> np.ndarray:
    """Pi(m) of one mechanism; ``q`` as for :func:`.production.production_factor` plus 'p' (the
    proton's vector charge 2 q_u + q_d). eta' -> gamma X: U(3) traces with T_eta' = diag(1,1,2)/(2 sqrt 3)
    give the amplitude 3 (q_u - q_d) B_rho + (q_u + q_d) B_omega - 4 q_s B_phi (photon: 14/3 at low m)."""
    m = np.asarray(m, dtype=float)
    if mechanism == "p_brem":
        return q["p"] ** 2 + 0.0 * m
    if mechanism == "etaprime_to_gamma_X":
        bw = {} if bw is None else bw
        for v in ("rho0", "omega", "phi"):
            if v not in bw:
                bw[v] = breit_wigner(v, m)
        br, bo, bp = bw["rho0"], bw["omega"], bw["phi"]
        num = 3 * (q["u"] - q["d"]) * br + (q["u"] + q["d"]) * bo - 4 * q["s"] * bp
        return np.abs(num) ** 2 / np.abs(3 * br + bo / 3 + 4 * bp / 3) ** 2
    return production_factor(mechanism, q, m, bw)


@lru_cache(maxsize=1)
def lhcb_fractions() -> dict:
    """LHCb production fractions (the file the 2020 LHCb searches use; DarkCast's LHCb_Aaij2017rft.prd)."""
    header, rows = read_csv_rows("resonance_limits", "production_fractions_lhcb.csv")
    a = np.array(rows, dtype=float)
    return {"mass": a[:, 0], **{name: a[:, j] for j, name in enumerate(header) if j > 0}}


@lru_cache(maxsize=None)
def _lhcb_mechanisms(lo: float, hi: float) -> tuple[str, ...]:
    """LHCb mechanisms with a non-zero fraction somewhere in [lo, hi] (np.interp clamps outside)."""
    fr = lhcb_fractions()
    m = fr["mass"]
    sel = (m >= lo) & (m <= hi)
    sel |= np.isin(np.arange(m.size), [max(np.searchsorted(m, lo) - 1, 0), min(np.searchsorted(m, hi), m.size - 1)])
    return tuple(k for k in fr if k != "mass" and np.any(fr[k][sel] != 0))


def _charges(cp: Couplings) -> dict:
    shape = cp.shape
    flat = lambda v: np.broadcast_to(v, shape).ravel()  # noqa: E731
    q = {"e2": flat(cp.qV["e"] ** 2 + cp.qA["e"] ** 2), "mu2": flat(cp.qV["mu"] ** 2 + cp.qA["mu"] ** 2)}
    for f in ("u", "d", "s", "c", "p"):
        q[f] = flat(cp.qV[f])
    q["b"] = q["d"]  # flavour-universal quark charges: b carries the d-type charge
    return q


# --- decays per unit coupling^2 -------------------------------------------------------------------
def _unit_widths(cp: Couplings):
    cp1 = dataclasses.replace(cp, g=np.ones_like(np.asarray(cp.g, dtype=float)))
    pw = {k: np.broadcast_to(v, cp.shape).ravel() for k, v in widths.partial_widths(cp1).items()}
    return pw, sum(pw.values())


@lru_cache(maxsize=1)
def _dark_photon():
    return get_model("dark-photon")


def dark_photon_decays(m):
    """(partial widths dict, total) per unit g^2 of the reference dark photon (couplings e eps Q_f, so
    g = e eps) at masses m [GeV]."""
    m = np.asarray(m, dtype=float).ravel()
    return _unit_widths(effective_couplings(_dark_photon(), 1.0, 1.0, m, check_mass_range=False))


def _br(pw, total, decay):
    num = sum(pw[c] for d in decay for c in _CHANNEL[d])
    return np.where(total > 0, num / np.where(total > 0, total, 1.0), 0.0)


def reference_br(lim: Limit2023, m) -> np.ndarray:
    """BR_ref(F) of the limit's reference dark photon at masses m."""
    if lim.reference_br == "invisible_0.99":
        return np.full(np.asarray(m).size, REFERENCE_BR_INVISIBLE)
    pw, total = dark_photon_decays(m)
    return _br(pw, total, lim.decay)


# --- reference quantities (mass only) -------------------------------------------------------------
def reference_quantities(lim: Limit2023, m) -> dict:
    """The mass-only side of the recast at masses m (exact): two_sided: S, T (:mod:`.beam_dump`);
    one_sided: S = g_ref^2 BR_ref; r_values: width1 and br of the dark photon."""
    m = np.asarray(m, dtype=float).ravel()
    if lim.format == "r_values":
        pw, total = dark_photon_decays(m)
        return {"width1": total, "br": _br(pw, total, lim.decay)}
    g_lo, g_up = lim.edges(m)
    if lim.format == "one_sided":
        return {"S": g_lo ** 2 * reference_br(lim, m)}
    pw, total = dark_photon_decays(m)
    S, T = beam_dump.reference_tables(g_lo, g_up, total, _br(pw, total, lim.decay), lim.lratio)
    return {"S": S, "T": T}


def _nodes(lim: Limit2023):
    """Digitised masses (steps kept, in file order) and extra nodes strictly between them."""
    mass = lim.mass
    lo, hi = mass[0], mass[-1]
    n = int(np.ceil(np.log10(hi / lo) * NODES_PER_DECADE)) + 1
    extra = [np.geomspace(lo, hi, n)]
    refine = np.concatenate([[0.0], np.logspace(-8, -1, 7 * THRESHOLD_NODES_PER_DECADE + 1)])
    extra += [t * (1 + refine) for t in _THRESHOLDS if t < hi]  # nodes outside the span are dropped
    vmd = hadrons.vmd_table()["mass_gev"]  # hadronic widths are linear on this 0.5 MeV grid (omega, phi)
    extra.append(vmd[0] + (vmd[1] - vmd[0]) * np.arange(4 * (vmd.size - 1) + 1) / 4.0)
    extra = np.unique(np.concatenate(extra))
    extra = extra[(extra > lo) & (extra < hi) & ~np.isin(extra, mass)]
    return mass, extra


@lru_cache(maxsize=None)
def reference_table(key: str) -> dict:
    """Tabulated mass-only side of one limit (read-only arrays; built once per process)."""
    lim = get_limit_2023(key)
    if lim.format == "r_values":
        lo, hi = lim.mass_span  # linear nodes, plus geometric ones above 2 m_mu (BR ~ beta there)
        thr = 2 * M_MU * (1 + np.logspace(-8, 0, 8 * THRESHOLD_NODES_PER_DECADE + 1))
        nodes = np.unique(np.concatenate([np.linspace(lo, hi, R_GRID_NODES), thr[(thr > lo) & (thr < hi)]]))
        ref = reference_quantities(lim, nodes)
        tab = {"nodes": nodes, "log_width1": np.log(ref["width1"]), "log_br": np.log(ref["br"])}
    else:
        mass, extra = _nodes(lim)
        nodes = np.concatenate([mass, extra])
        order = np.argsort(nodes, kind="stable")
        ref = reference_quantities(lim, extra)
        with np.errstate(divide="ignore"):  # S = 0 below the e+e- threshold: log 0 = -inf, no limit
            tab = {k: np.log(np.concatenate([v, ref[k[4:]]]))[order]
                   for k, v in _row_values(lim, mass).items()}
        tab["nodes"] = nodes[order]
    for a in tab.values():
        a.flags.writeable = False
    return tab


def _row_values(lim: Limit2023, mass) -> dict:
    """S (and T) at the digitised rows from each row's own edges (a repeated mass keeps both rows)."""
    lo = np.exp(lim.log_lower) * lim.scale
    if lim.format == "one_sided":
        return {"log_S": lo ** 2 * reference_br(lim, mass)}
    pw, total = dark_photon_decays(mass)
    S, T = beam_dump.reference_tables(lo, np.exp(lim.log_upper) * lim.scale, total,
                                      _br(pw, total, lim.decay), lim.lratio)
    return {"log_S": S, "log_T": T}


def _interp_table(tab: dict, names, m):
    nodes = tab["nodes"]
    n = nodes.size
    i = np.searchsorted(nodes, m, side="right") - 1
    last = m == nodes[-1]
    i = np.where(last, n - 2, i)
    inside = (i >= 0) & (i <= n - 2)
    ic = np.clip(i, 0, n - 2)
    m0, m1 = nodes[ic], nodes[ic + 1]
    t = np.where(last, 1.0, (m - m0) / np.where(m1 > m0, m1 - m0, 1.0))
    out = []
    with np.errstate(invalid="ignore"):  # an interval ending at S = 0 (-inf): no limit inside it
        for k in names:
            v = np.exp(tab[k][ic] + t * (tab[k][ic + 1] - tab[k][ic]))
            out.append(np.where(inside & np.isfinite(v), v, np.nan))
    return out


# --- the target ------------------------------------------------------------------------------------
class _Target:
    """Target model at a batch of points, flattened: widths and BR per unit g^2, production factors
    (memoised per mechanism), the coupling^2 u."""

    def __init__(self, cp: Couplings, invisible: str = "physical", br_dark: float = 0.0):
        if invisible not in INVISIBLE_CONVENTIONS:
            raise LikelihoodError(f"invisible convention must be one of {INVISIBLE_CONVENTIONS}, got {invisible!r}")
        br_dark = float(br_dark)
        if not 0.0 <= br_dark < 1.0:
            raise LikelihoodError(f"br_dark (dark-sector branching fraction) must be in [0, 1), got {br_dark}")
        self.shape = cp.shape
        self.m = np.broadcast_to(cp.m, cp.shape).ravel()
        self.u = np.broadcast_to(cp.g, cp.shape).ravel() ** 2
        self.pw, sm_total = _unit_widths(cp)
        total = sm_total / (1.0 - br_dark)
        if br_dark > 0:  # below every SM threshold a dark sector is the only decay
            total = np.where(sm_total > 0, total, 1.0)
        self.total = total
        self.pw = dict(self.pw, dark=total - sm_total)
        self.invisible = invisible
        self.q = _charges(cp)
        self._mech, self._br, self._bw = {}, {}, {}

    def mechanism(self, name):
        if name not in self._mech:
            self._mech[name] = production_factor_2023(name, self.q, self.m, self._bw)
        return self._mech[name]

    def production(self, lim: Limit2023, idx):
        m = self.m[idx]
        if lim.production == "lhcb_mixture":  # = mixture_factor(lhcb_fractions(), q, m), memoised
            fr = lhcb_fractions()
            num, den = np.zeros(m.shape), np.zeros(m.shape)
            for mech in _lhcb_mechanisms(*lim.mass_span):
                f = np.interp(m, fr["mass"], fr[mech])
                num = num + f * self.mechanism(mech)[idx]
                den = den + f
            return np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)
        num, den = np.zeros(m.shape), np.zeros(m.shape)
        for d in lim.production:
            if d["fraction"] == 0:
                continue
            w = d["fraction"] * ((m >= d["m_min_gev"]) & (m < d["m_max_gev"]))
            num = num + w * self.mechanism(d["mechanism"])[idx]
            den = den + w
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)

    def br(self, lim: Limit2023):
        if lim.decay == ("invisible",) and self.invisible == "darkcast":
            return np.full(self.m.shape, REFERENCE_BR_INVISIBLE)
        if lim.decay not in self._br:
            pw = self.pw
            num = sum(pw[c] for d in lim.decay for c in _CHANNEL[d])
            if "invisible" in lim.decay:
                num = num + pw["dark"]
            tot = self.total
            self._br[lim.decay] = np.where(tot > 0, num / np.where(tot > 0, tot, 1.0), 0.0)
        return self._br[lim.decay]


def _ratio(lim: Limit2023, tg: _Target, exact: bool) -> np.ndarray:
    lo, hi = lim.mass_span
    idx = np.flatnonzero((tg.m >= lo) & (tg.m <= hi))
    out = np.zeros(tg.m.size)
    if idx.size == 0:
        return out.reshape(tg.shape)
    m, u, wx = tg.m[idx], tg.u[idx], tg.total[idx]
    A = tg.production(lim, idx) * tg.br(lim)[idx]
    if lim.format == "r_values":
        if exact:
            ref = reference_quantities(lim, m)
            w_ref, br_ref = ref["width1"], ref["br"]
        else:
            w_ref, br_ref = _interp_table(reference_table(lim.key), ("log_width1", "log_br"), m)
        R = displaced.ratio(lim.grid, m, u, A, wx, br_ref, w_ref)
    elif lim.format == "one_sided":
        S = reference_quantities(lim, m)["S"] if exact else _interp_table(reference_table(lim.key), ("log_S",), m)[0]
        ok = np.isfinite(S) & (S > 0)
        R = np.where(ok, u * A / np.where(ok, S, 1.0), 0.0)
    else:
        if exact:
            ref = reference_quantities(lim, m)
            S, T = ref["S"], ref["T"]
        else:
            S, T = _interp_table(reference_table(lim.key), ("log_S", "log_T"), m)
        R = beam_dump.ratio(u, A, wx, S, T, lim.lratio)
    out[idx] = R
    return out.reshape(tg.shape)


# --- public API ------------------------------------------------------------------------------------
def exclusion_ratios_2023(cp: Couplings, keys=None, invisible: str = "physical", br_dark: float = 0.0,
                          exact: bool = False) -> dict[str, np.ndarray]:
    """R per 2023 limit at the points of ``cp`` (shape cp.shape; R >= 1 excluded at the limit's CL,
    0 where the limit has no reach). ``keys``: None / 'default' (the default set), 'all' (every
    recastable limit, flagged ones included), or names. Limits that share a data set are listed
    separately: use :func:`combine_by_dataset` before summing them in a likelihood."""
    if not isinstance(cp, Couplings):
        raise LikelihoodError(f"exclusion_ratios_2023 needs a Couplings object, got {type(cp).__name__}")
    names = resolve_limits_2023(keys)
    tg = _Target(cp, invisible=invisible, br_dark=br_dark)
    return {k: _ratio(get_limit_2023(k), tg, exact) for k in names}


def combine_by_dataset(ratios: dict) -> dict[str, np.ndarray]:
    """dataset -> max R over the limits of ``ratios`` that analyse the same data (the union of their
    exclusions; summing them would count one data set twice)."""
    out = {}
    for k, r in ratios.items():
        d = get_limit_2023(k).dataset
        out[d] = r if d not in out else np.maximum(out[d], r)
    return out


def limit_curve_2023(model, eps_ratio, key: str, masses=None, invisible: str = "physical",
                     br_dark: float = 0.0) -> dict:
    """Excluded g_X interval(s) of ``model`` at eps e/g_X = ``eps_ratio`` for limit ``key``.

    ``masses=None``: the limit's digitised masses (unique) or its r-grid masses. Returns
    {'limit', 'mass_gev', 'intervals' (per mass a (k, 2) array of [g_minus, g_plus]), 'g_lower'
    (lowest excluded g), 'g_upper' (highest; inf for a one-sided limit), 'n_intervals'}; NaN / 0
    where nothing is excluded. Exact reference quantities at each mass (no tabulation)."""
    lim = get_limit_2023(resolve_limits_2023([key])[0])
    r = check_eps_ratio(eps_ratio)
    if masses is None:
        m = lim.grid.mass if lim.format == "r_values" else np.unique(lim.mass)
    else:
        m = np.atleast_1d(np.asarray(masses, dtype=float)).ravel()
        if m.size == 0 or np.any(~np.isfinite(m)) or np.any(m <= 0):
            raise ParameterError("masses must be a non-empty array of positive, finite values [GeV]")
    cp = effective_couplings(model, np.ones_like(m), r, m, check_mass_range=False)
    tg = _Target(cp, invisible=invisible, br_dark=br_dark)
    idx = np.arange(m.size)
    A = tg.production(lim, idx) * tg.br(lim)
    lo_m, hi_m = lim.mass_span
    A = np.where((m >= lo_m) & (m <= hi_m), A, 0.0)
    ref = reference_quantities(lim, m)
    if lim.format == "r_values":
        intervals = displaced.bands(lim.grid, m, A, tg.total, ref["br"], ref["width1"])
    elif lim.format == "one_sided":
        ok = np.isfinite(ref["S"]) & (A > 0)
        g = np.sqrt(np.where(ok, ref["S"], np.nan) / np.where(ok, A, 1.0))
        intervals = [np.array([[gi, np.inf]]) if np.isfinite(gi) else np.empty((0, 2)) for gi in g]
    else:
        gm, gp = beam_dump.band(A, tg.total, ref["S"], ref["T"], lim.lratio)
        intervals = [np.array([[a, b]]) if np.isfinite(a) else np.empty((0, 2)) for a, b in zip(gm, gp)]
    n = np.array([iv.shape[0] for iv in intervals])
    g_lower = np.array([iv[0, 0] if iv.size else np.nan for iv in intervals])
    g_upper = np.array([iv[-1, 1] if iv.size else np.nan for iv in intervals])
    return {"limit": key, "mass_gev": m, "intervals": intervals, "g_lower": g_lower,
            "g_upper": g_upper, "n_intervals": n}
