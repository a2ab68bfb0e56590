"""Recast of published resonance-search limits to any U(1)_X model (production x BR x acceptance).

A search that excluded its reference model (dark photon A' with couplings e eps Q_f, or the
L_mu - L_tau boson with coupling g') at coupling g_ref(m) saw at most the signal that model gives
there. A target X with couplings g_X q_f gives, in the same production mechanism P and final
states F,

    rate_X / rate_ref = (g_X^2 Pi_P(m) BR_X(F) E(tau_X)) / (g_ref^2 BR_ref(F) E(tau_ref))  =: R,

and is excluded (at the search's CL) where R >= 1 (README of ``data/resonance_limits``; the method
of Ilten, Soreq, Williams, Xue, arXiv:1801.04847, used through DarkCast in arXiv:2203.13731, Sec. 3.5).
Pi_P is the production factor (:mod:`.production`), BR from :mod:`bayes_u1x.physics.widths` and
:mod:`bayes_u1x.physics.hadrons`, E(tau) = 1 - exp(-t1/tau) the fraction of decays within the search's
proper-lifetime window [0, t1].

* **Prompt searches** (``efficiency.kind = "unity"``, E = 1): NA64, BaBar 2014/2016/2017, Belle II,
  BESIII, NA62, A1, APEX, HPS. Closed form g_X^lim = g_ref sqrt(BR_ref/(Pi BR_X)).
* **Lifetime window** (visible final states with a decay-length / proper-time cut): KLOE (8 cm),
  NA48/2 (1 m at 50 GeV), LHCb (t1 = 0.004 ps/(m - 2 m_mu) + 0.1 ps), CMS. tau_X = hbar/Gamma_X
  depends on g_X, so the limit solves R(g_X) = 1 (R rises monotonically; Newton in log g^2).
* **Invisible searches** (NA64, BaBar 2017, Belle II, NA62): the reference assumed
  BR_A'(invisible) = 0.99. By default the target uses its *physical* invisible branching ratio
  (neutrinos, plus an optional dark-sector branching fraction ``br_dark``): a model without
  neutrino couplings and without a dark sector is not constrained by them at all.
  ``invisible="darkcast"`` instead sets BR_X(invisible) = 0.99 as DarkCast (and hence the
  reference paper) does; the two differ by sqrt(0.99/BR_X(inv)) in g.

All quantities are computed per unit g_X^2 at each point's (r_eps, m_X); the point's own g_X
enters only R and the lifetime.
"""
from __future__ import annotations

import dataclasses
from functools import lru_cache

import numpy as np

from .. import hadrons, widths
from ...constants import HBAR_GEV_S
from ...couplings import Couplings, effective_couplings
from ...errors import DataError, LikelihoodError, ParameterError
from ...models import get_model
from ...parameters import check_eps_ratio
from .production import mixture_factor, production_factor
from .registry import (Search, get_search, load_registry, registry_constant,
                       resolve_searches)

INVISIBLE_CONVENTIONS = ("physical", "darkcast")
#: BR(invisible) the published invisible limits assume for the reference dark photon
REFERENCE_BR_INVISIBLE = 0.99
C_M_PER_S = 2.99792458e8




# --- lifetime windows ------------------------------------------------------------------------------
def _boost(kind: str, m):
    m_phi, m_eta = registry_constant("m_phi_gev"), registry_constant("m_eta_gev")
    if kind == "ee_to_gamma_X_at_phi":
        return (m_phi ** 2 + m ** 2) / (2 * m_phi * m)
    if kind == "phi_to_eta_X":
        return (m_phi ** 2 + m ** 2 - m_eta ** 2) / (2 * m_phi * m)
    if kind == "fixed_energy_50GeV":
        return 50.0 / m
    raise DataError(f"unknown boost kind {kind!r}")


def window_t1(search: Search, m) -> np.ndarray:
    """Upper edge t1 [s] of the proper-lifetime acceptance window (inf for prompt searches)."""
    m = np.asarray(m, dtype=float)
    eff = search.efficiency
    kind = eff.get("kind")
    if kind == "unity":
        return np.full(m.shape, np.inf)
    if kind == "decay_length":
        gamma = np.maximum(_boost(eff["boost"], m), 1.0)  # at threshold the boost formula gives 1
        return eff["max_length_m"] / (gamma * C_M_PER_S)
    if kind == "proper_time":  # LHCb: t1 = [0.004/(m - 2 m_mu) + 0.1] ps
        if eff.get("t1_ps", "").replace(" ", "") != "0.004/(m-2*m_mu)+0.1":
            raise DataError(f"search {search.key}: unsupported proper-time window {eff}")
        dm = m - 2 * registry_constant("m_mu_gev")
        return np.where(dm > 0, (0.004 / np.where(dm > 0, dm, 1.0) + 0.1) * 1e-12, np.inf)
    if kind == "proper_time_piecewise":  # CMS dimuon scouting
        return np.where(m < 45.0, np.inf, np.where(m < 130.0, 5e-12, -3.66e-11 + 3.12e-13 * m))
    raise DataError(f"search {search.key}: unknown efficiency kind {kind!r}")


def acceptance(t1, gamma_total):
    """E = 1 - exp(-t1 Gamma/hbar): fraction of decays before proper time t1 (1 if t1 = inf)."""
    t1, gamma_total = np.broadcast_arrays(np.asarray(t1, dtype=float), np.asarray(gamma_total, dtype=float))
    prompt = np.isinf(t1)
    x = np.where(prompt, 0.0, t1) * gamma_total / HBAR_GEV_S
    return np.where(prompt, np.where(gamma_total > 0, 1.0, 0.0), -np.expm1(-x))


# --- decay tables per unit coupling^2 ----------------------------------------------------------
class _Decays:
    """Partial widths per unit g^2 at the points (lazy pi+pi-), with an optional dark width."""

    def __init__(self, cp1: Couplings, br_dark: float = 0.0):
        self.cp1 = cp1
        self.pw = widths.partial_widths(cp1)
        self.sm_total = sum(self.pw.values())
        self.total = self.sm_total / (1.0 - br_dark)
        if br_dark > 0:  # below every SM threshold a dark sector is the only decay: BR(dark) = 1
            self.total = np.where(self.sm_total > 0, self.total, 1.0)
        self.dark = self.total - self.sm_total
        self._pipi = None
        self._br = {}

    def width(self, channel: str):
        if channel == "e_e":
            return self.pw["e"]
        if channel == "mu_mu":
            return self.pw["mu"]
        if channel == "invisible":
            return self.pw["nu_e"] + self.pw["nu_mu"] + self.pw["nu_tau"] + self.dark
        if channel == "pi+_pi-":
            if self._pipi is None:
                self._pipi = hadrons.hadronic_channel_widths(self.cp1)["pi+_pi-"]
            return self._pipi
        raise DataError(f"unknown decay channel {channel!r}")

    def br(self, channels, total=None):
        key = (tuple(channels), total is None)
        if total is None and key in self._br:
            return self._br[key]
        tot = self.total if total is None else total
        num = sum(self.width(c) for c in channels)
        out = np.where(tot > 0, num / np.where(tot > 0, tot, 1.0), 0.0)
        if total is None:
            self._br[key] = out
        return out


def _unit(cp: Couplings) -> Couplings:
    return dataclasses.replace(cp, g=np.ones_like(cp.g))


def _production_charges(cp: Couplings) -> dict:
    q = {"e2": cp.qV["e"] ** 2 + cp.qA["e"] ** 2, "mu2": cp.qV["mu"] ** 2 + cp.qA["mu"] ** 2}
    for f in ("u", "d", "s", "c"):
        q[f] = cp.qV[f]
    q["b"] = cp.qV["d"]  # flavour-universal quark charges: b carries the d-type charge
    return q


#: reference models of the registry: (package model name, eps e/g) -- the dark photon's couplings
#: are e eps Q_f, i.e. g = e eps with r_eps = 1; the L_mu - L_tau boson has no kinetic mixing
_REFERENCE_SPEC = {"dark_photon": ("dark-photon", 1.0), "Lmu_minus_Ltau": ("Lmu-Ltau", 0.0)}


@lru_cache(maxsize=None)
def _reference_model(name: str):
    model_name, r_eps = _REFERENCE_SPEC[name]
    return get_model(model_name), r_eps


class Recaster:
    """Recast machinery at a batch of points (the :class:`Couplings` of the target model).

    Target decays and reference-model decays are computed once per batch and shared by all
    searches. ``invisible`` picks the target's BR(invisible) convention ("physical" or
    "darkcast"), ``br_dark`` adds a dark-sector branching fraction to the target.
    """

    def __init__(self, cp: Couplings, invisible: str = "physical", br_dark: float = 0.0):
        if invisible not in INVISIBLE_CONVENTIONS:
            raise LikelihoodError(f"invisible convention must be one of {INVISIBLE_CONVENTIONS}, got {invisible!r}")
        br_dark = float(br_dark)
        if not 0.0 <= br_dark < 1.0:
            raise LikelihoodError(f"br_dark (dark-sector branching fraction) must be in [0, 1), got {br_dark}")
        self.cp = cp
        self.m = cp.m
        self.invisible = invisible
        self.target = _Decays(_unit(cp), br_dark)
        self.q = _production_charges(cp)
        self._refs = {}

    # --- reference models ------------------------------------------------------------------
    def _reference(self, name: str) -> _Decays:
        if name not in self._refs:
            if name not in _REFERENCE_SPEC:
                raise DataError(f"unknown reference model {name!r}")
            model, r_eps = _reference_model(name)
            self._refs[name] = _Decays(effective_couplings(model, 1.0, r_eps, self.m, check_mass_range=False))
        return self._refs[name]

    def _subset(self, search: Search):
        """Flat indices of the points inside the search's finite mass span (None: all points)."""
        lo, hi = search._finite_span
        m = self.m.ravel()
        sel = (m >= lo) & (m <= hi)
        if sel.all():
            return None
        return np.flatnonzero(sel)

    def _take(self, arr, idx):
        arr = np.asarray(arr)
        if arr.shape != self.m.shape:
            arr = np.broadcast_to(arr, self.m.shape)
        arr = arr.ravel()
        return arr if idx is None else arr[idx]

    def reference_rate(self, search: Search, idx=None) -> np.ndarray:
        """g_ref^2 BR_ref(F) E_ref at the points' masses (flat, restricted to ``idx``; NaN where
        the search has no limit)."""
        m = self._take(self.m, idx)
        g_ref = search.reference_coupling(m)
        if not np.any(np.isfinite(g_ref)):
            return g_ref  # no point inside the search's mass range
        kind = search.reference_br
        if kind == "invisible_0.99":
            br, width = REFERENCE_BR_INVISIBLE, None
        else:
            ref = self._reference(search.reference_model)
            if kind == "leptons_only":
                width = ref.width("e_e") + ref.width("mu_mu")
                br = ref.br(search.decay, total=width)
            else:  # full width of the reference model
                width = ref.total
                br = ref.br(search.decay)
            br, width = self._take(br, idx), self._take(width, idx)
        if search.is_prompt:
            eff = 1.0
        else:
            if width is None:
                raise DataError(f"search {search.key}: lifetime window needs a reference width")
            eff = acceptance(window_t1(search, m), g_ref ** 2 * width)
        return g_ref ** 2 * br * eff

    # --- target -----------------------------------------------------------------------------
    def production(self, search: Search, idx=None) -> np.ndarray:
        """Production factor Pi_P at the points (flat, restricted to ``idx``)."""
        m = self._take(self.m, idx)
        q = {k: self._take(v, idx) for k, v in self.q.items()}
        if search.production == "mixture":
            return mixture_factor(search.fractions, q, m)
        return production_factor(search.production, q, m)

    def target_br(self, search: Search, idx=None) -> np.ndarray:
        if search.is_invisible and self.invisible == "darkcast":
            return np.full(self._take(self.m, idx).shape, REFERENCE_BR_INVISIBLE)
        return self._take(self.target.br(search.decay), idx)

    def _pieces(self, search: Search):
        """(idx, A, a, S) on the points inside the search's mass span: rate per g^2 without
        acceptance A = Pi BR_X, lifetime exponent per g^2 a = t1 Gamma_X/(g^2 hbar) (inf if
        prompt), and the reference rate S (NaN where no limit)."""
        if not search.available:
            raise LikelihoodError(f"search {search.key!r} is registered without data (unavailable)")
        idx = self._subset(search)
        if idx is not None and idx.size == 0:  # no point in the search's mass range
            empty = np.empty(0)
            return idx, empty, empty, empty
        S = self.reference_rate(search, idx)
        if not np.any(np.isfinite(S)):
            return idx, np.zeros(S.shape), np.full(S.shape, np.inf), S
        A = self.production(search, idx) * self.target_br(search, idx)
        if search.is_prompt:
            a = np.full(S.shape, np.inf)
        else:
            a = window_t1(search, self._take(self.m, idx)) * self._take(self.target.total, idx) / HBAR_GEV_S
        return idx, A, a, S

    def _scatter(self, idx, values, fill):
        if idx is None:
            return values.reshape(self.m.shape)
        out = np.full(self.m.size, fill)
        out[idx] = values
        return out.reshape(self.m.shape)

    def ratio(self, search: Search | str) -> np.ndarray:
        """R = rate_X(g_X)/rate_ref(g_ref) at each point (0 where the search has no reach);
        R >= 1 means excluded at the search's CL."""
        search = get_search(search) if isinstance(search, str) else search
        idx, A, a, S = self._pieces(search)
        if idx is not None and idx.size == 0:  # no point in the search's mass span
            return np.zeros(self.m.shape)
        u = self._take(self.cp.g, idx) ** 2
        if search.is_prompt:
            E = np.where(u > 0, 1.0, 0.0)
        else:
            E = -np.expm1(-np.where(np.isfinite(a), a, 0.0) * u)
        ok = np.isfinite(S) & (S > 0)
        return self._scatter(idx, np.where(ok, u * A * E / np.where(ok, S, 1.0), 0.0), 0.0)

    def g_limit(self, search: Search | str) -> np.ndarray:
        """Upper limit on g_X at each point's (r_eps, m_X); NaN where the search has no reach."""
        search = get_search(search) if isinstance(search, str) else search
        idx, A, a, S = self._pieces(search)
        ok = np.isfinite(S) & (S > 0) & (A > 0)
        u0 = np.where(ok, S / np.where(A > 0, A, 1.0), np.nan)
        u = u0 if search.is_prompt else _solve_window(u0, a)
        return self._scatter(idx, np.where(ok, np.sqrt(u), np.nan), np.nan)


def _solve_window(u0, a, iterations: int = 60):
    """Solve u (1 - exp(-a u)) = u0 for u > 0 (vectorised Newton in log u).

    h(L) = L + log(1 - exp(-a e^L)) - log u0 is increasing and concave, so Newton started at
    L = log u0 (where h <= 0) climbs monotonically to the root without overshooting."""
    u0 = np.asarray(u0, dtype=float)
    a = np.broadcast_to(np.asarray(a, dtype=float), u0.shape)
    good = np.isfinite(u0) & (u0 > 0) & (a > 0)
    out = np.where(good, u0, np.nan)
    if not np.any(good):
        return out
    L0 = np.log(u0[good])
    A = a[good]
    L = L0.copy()
    for _ in range(iterations):
        x = A * np.exp(L)
        E = -np.expm1(-x)
        h = L + np.log(E) - L0
        # d/dL log(1 - e^-x) = x e^-x / (1 - e^-x) = x / expm1(x)
        d = 1.0 + np.where(x > 700, 0.0, x / np.expm1(np.minimum(x, 700)))
        step = h / d
        L = L - step
        if np.all(np.abs(step) < 1e-15):
            break
    out[good] = np.exp(L)
    return out


# --- convenience -------------------------------------------------------------------------------
def exclusion_ratios(cp: Couplings, searches="default", invisible: str = "physical",
                     br_dark: float = 0.0) -> dict[str, np.ndarray]:
    """R per search at the points of ``cp`` (unavailable searches are skipped)."""
    rc = Recaster(cp, invisible=invisible, br_dark=br_dark)
    out = {}
    for name in resolve_searches(searches):
        s = get_search(name)
        if s.available:
            out[name] = rc.ratio(s)
    return out


def g_limits(model, r_eps, m, searches="default", invisible: str = "physical",
             br_dark: float = 0.0) -> dict[str, np.ndarray]:
    """g_X upper limit per search at masses m [GeV] for ``model`` at eps e/g_X = r_eps (NaN = no
    reach; unavailable searches give all-NaN)."""
    m = np.asarray(m, dtype=float)
    cp = effective_couplings(model, np.ones_like(m), r_eps, m, check_mass_range=False)
    rc = Recaster(cp, invisible=invisible, br_dark=br_dark)
    out = {}
    for name in resolve_searches(searches):
        s = get_search(name)
        out[name] = rc.g_limit(s) if s.available else np.full(cp.shape, np.nan)
    return out


def limit_curves(model, r_eps: float, searches="default", masses=None, invisible: str = "physical",
                 br_dark: float = 0.0) -> list[dict]:
    """One entry per search: {'search', 'available', 'mass_gev', 'g_limit', 'signature', 'cl'}.

    ``masses=None`` evaluates each search on its own digitised masses (the published points);
    otherwise on the given grid. Unavailable searches (CMS Z -> 4 mu) appear with empty arrays,
    also in the 'default' selection.
    """
    model = get_model(model)
    r_eps = check_eps_ratio(r_eps)
    names = resolve_searches(searches)
    if searches in (None, "default"):  # show registered-but-unavailable searches rather than hide them
        names = names + tuple(k for k, s in load_registry().items()
                              if not s.available and not s.superseded_by and k not in names)
    out = []
    for name in names:
        s = get_search(name)
        entry = {"search": name, "experiment": s.experiment, "arxiv": s.arxiv,
                 "signature": s.signature, "cl": s.cl, "available": s.available}
        if not s.available:
            entry.update(mass_gev=np.array([]), g_limit=np.array([]),
                         note="registered without data (no digitised curve): unavailable")
            out.append(entry)
            continue
        m = np.unique(s.mass[s.mass > 0]) if masses is None else np.asarray(masses, dtype=float)
        if np.any(~np.isfinite(m)) or np.any(m <= 0):
            raise ParameterError("masses must be positive and finite")
        cp = effective_couplings(model, np.ones_like(m), r_eps, m, check_mass_range=False)
        entry.update(mass_gev=m, g_limit=Recaster(cp, invisible, br_dark).g_limit(s))
        out.append(entry)
    return out
