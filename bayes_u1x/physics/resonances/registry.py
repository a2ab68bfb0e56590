"""Registry of published resonance searches and their limit curves (package data
``data/resonance_limits/``; provenance and citations in its README and in ``searches.toml``).

Each :class:`Search` holds the facts needed to recast its limit (reference model, production
mechanism, searched final states, reference branching-ratio convention, proper-lifetime window,
confidence level) and the digitised curve. :meth:`Search.reference_coupling` interpolates the curve:
log(limit) linearly in mass between neighbouring finite rows; a mass whose bracketing interval
touches an ``inf`` row (vetoed windows) or lies outside the finite range has no limit (NaN). At a
tabulated mass the stored value is returned unchanged (the weaker one at a step).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np

from ...constants import E_CHARGE
from ...errors import DataError, LikelihoodError
from ...package_data import load_toml, read_csv_rows

DATA_DIR = "resonance_limits"

#: the two searches the paper's Table-1 term uses (arXiv:2203.13731, App. B)
PAPER_SEARCHES = ("na64_2019_invisible", "babar_2014_ee_mumu")

#: combined results and the individual results they contain (never use both in one likelihood)
COMBINATIONS = {"kloe_2018_mumu_pipi": ("kloe_2018_mumu", "kloe_2016_pipi")}

KNOWN_DECAYS = ("e_e", "mu_mu", "invisible", "pi+_pi-")
KNOWN_REFERENCE_BR = ("dark_photon_full_width", "leptons_only", "Lmu_minus_Ltau_full_width",
                      "invisible_0.99")


def interpolate_log_limit(grid, logl, m_eval, m_locate):
    """Linear-in-mass interpolation of a log-limit table, evaluated at ``m_eval`` using the interval
    that contains ``m_locate`` (NaN where that interval has no finite limit).

    Returns (interval index, interpolated log-limit). With m_eval = m_locate this is the ordinary
    interpolation; the fast path uses m_locate inside an interval to continue it to its ends.
    """
    n = grid.size
    i = np.searchsorted(grid, m_locate, side="right") - 1
    inside = (i >= 0) & (i < n - 1)
    ic = np.clip(i, 0, n - 2)
    lo, hi = logl[ic], logl[ic + 1]
    m0, m1 = grid[ic], grid[ic + 1]
    ok = inside & np.isfinite(lo) & np.isfinite(hi) & (m1 > m0)
    t = np.where(ok, (m_eval - m0) / np.where(m1 > m0, m1 - m0, 1.0), 0.0)
    val = np.where(ok, lo + t * (np.where(np.isfinite(hi), hi, 0.0) - np.where(np.isfinite(lo), lo, 0.0)), np.nan)
    return i, val




@dataclass(frozen=True)
class Search:
    key: str
    experiment: str
    title: str
    arxiv: str
    journal: str
    limit_on: str                      # "eps" (dark photon) or "g" (L_mu - L_tau)
    reference_model: str               # "dark_photon" | "Lmu_minus_Ltau"
    production: str                    # key of [production_mechanisms] or "mixture"
    decay: tuple[str, ...]
    reference_br: str
    efficiency: dict
    cl: float
    cl_checked: bool
    mass_range_gev: tuple[float, float]
    available: bool = True
    superseded_by: str | None = None
    used_in_paper_table1: bool = False
    notes: str = ""
    mass: np.ndarray = field(default=None, repr=False, compare=False)
    log_limit: np.ndarray = field(default=None, repr=False, compare=False)   # +inf = no limit
    exact_log_limit: np.ndarray = field(default=None, repr=False, compare=False)
    fractions: dict | None = field(default=None, repr=False, compare=False)

    # --- classification ---------------------------------------------------------------------
    @property
    def is_invisible(self) -> bool:
        return self.decay == ("invisible",)

    @property
    def is_prompt(self) -> bool:
        return self.efficiency.get("kind") == "unity"

    @property
    def signature(self) -> str:
        """'invisible', 'prompt' (no lifetime cut) or 'lifetime window' (visible, decay-length /
        proper-time acceptance applied)."""
        if self.is_invisible:
            return "invisible"
        return "prompt" if self.is_prompt else "lifetime window"

    @cached_property
    def cl_z(self) -> float:
        """One-sided Gaussian quantile of the CL: Phi^-1(CL) (1.2816 at 90 %, 1.6449 at 95 %);
        computed once per search (scipy's ppf costs ~0.1 ms per call)."""
        from scipy.stats import norm
        return float(norm.ppf(self.cl))

    @property
    def finite_mass_range(self) -> tuple[float, float] | None:
        if not self.available:
            return None
        ok = np.isfinite(self.log_limit)
        return (float(self.mass[ok].min()), float(self.mass[ok].max()))

    def describe(self) -> dict:
        return {"search": self.key, "experiment": self.experiment, "arxiv": self.arxiv,
                "journal": self.journal, "reference_model": self.reference_model,
                "production": self.production, "decay": list(self.decay),
                "signature": self.signature, "cl": self.cl, "cl_checked": self.cl_checked,
                "available": self.available, "superseded_by": self.superseded_by,
                "mass_range_gev": list(self.mass_range_gev)}

    # --- the published curve ----------------------------------------------------------------
    def reference_coupling(self, m) -> np.ndarray:
        """g_ref(m) of the published limit (e*eps or g'), NaN where the search has no limit."""
        if not self.available:
            raise LikelihoodError(f"search {self.key!r} has no data (unavailable): "
                              "its limit curve is not in the registry")
        m = np.asarray(m, dtype=float)
        lo_m, hi_m = self._finite_span
        inside = (m >= lo_m) & (m <= hi_m)
        out = np.full(m.shape, np.nan)
        if np.any(inside):
            out[inside] = self._interpolate(m[inside])
        return out

    @cached_property
    def _finite_span(self):
        if not self.available:
            return (np.inf, -np.inf)
        ok = np.isfinite(self.log_limit)
        return (self.mass[ok][0], self.mass[ok][-1]) if np.any(ok) else (np.inf, -np.inf)

    def _interpolate(self, m):
        grid = self.mass
        n = grid.size
        i, val = interpolate_log_limit(grid, self.log_limit, m, m)
        # tabulated masses: the stored value itself
        ie = np.clip(i, 0, n - 1)
        exact = (i >= 0) & (grid[ie] == m) & np.isfinite(self.exact_log_limit[ie])
        val = np.where(exact, self.exact_log_limit[ie], val)
        scale = E_CHARGE if self.limit_on == "eps" else 1.0
        return scale * np.exp(val)


def _read_csv(name: str) -> tuple[list[str], np.ndarray]:
    header, rows = read_csv_rows(DATA_DIR, name)
    try:
        return header, np.array([[float(x) for x in r] for r in rows], dtype=float)
    except ValueError as exc:
        raise DataError(f"data/{DATA_DIR}/{name}: non-numeric entry ({exc})") from exc


def _exact_table(mass, log_limit):
    """Per row: the weakest finite log-limit among rows at the same mass (+inf if none)."""
    out = np.full_like(log_limit, np.inf)
    for mval in np.unique(mass):
        sel = mass == mval
        fin = log_limit[sel][np.isfinite(log_limit[sel])]
        if fin.size:
            out[sel] = fin.max()
    return out


def _raw_registry() -> dict:
    return load_toml(DATA_DIR, "searches.toml")


def _build(key: str, d: dict) -> Search:
    for dec in d["decay"]:
        if dec not in KNOWN_DECAYS:
            raise DataError(f"search {key}: unknown decay channel {dec!r}")
    if d["reference_br"] not in KNOWN_REFERENCE_BR:
        raise DataError(f"search {key}: unknown reference_br {d['reference_br']!r}")
    available = bool(d.get("data_available", True)) and bool(d.get("data_file"))
    mass = log_limit = exact = fractions = None
    if available:
        header, arr = _read_csv(d["data_file"])
        col = f"{d['limit_on']}_lower"
        if header[0] != "mass_gev" or col not in header:
            raise DataError(f"search {key}: {d['data_file']} must have columns mass_gev,{col}")
        if "upper" in "".join(header):  # no two-sided curve is in the registry
            raise DataError(f"search {key}: two-sided (displaced) limits are not supported")
        mass = arr[:, 0]
        if np.any(np.diff(mass) < 0):
            raise DataError(f"search {key}: masses must be non-decreasing")
        with np.errstate(divide="ignore"):
            log_limit = np.log(arr[:, header.index(col)])
        exact = _exact_table(mass, log_limit)
        if d["production"] == "mixture":
            fh, fa = _read_csv(d["production_fractions_file"])
            fractions = {"mass": fa[:, 0], **{name: fa[:, j] for j, name in enumerate(fh) if j > 0}}
    return Search(key=key, experiment=d["experiment"], title=d.get("title", ""), arxiv=d.get("arxiv", ""),
                  journal=d.get("journal", ""), limit_on=d["limit_on"],
                  reference_model=d["reference_model"], production=d["production"],
                  decay=tuple(d["decay"]), reference_br=d["reference_br"],
                  efficiency=dict(d["efficiency"]), cl=float(d["cl"]),
                  cl_checked=bool(d.get("cl_checked", True)),
                  mass_range_gev=tuple(d["mass_range_gev"]), available=available,
                  superseded_by=d.get("superseded_by"),
                  used_in_paper_table1=bool(d.get("used_in_paper_table1", False)),
                  notes=d.get("notes", ""), mass=mass, log_limit=log_limit, exact_log_limit=exact,
                  fractions=fractions)


@lru_cache(maxsize=1)
def load_registry() -> dict[str, Search]:
    """All registered searches, keyed by their ``searches.toml`` name (read once)."""
    raw = _raw_registry()
    return {k: _build(k, d) for k, d in raw["searches"].items()}


def production_mechanisms() -> dict:
    return dict(_raw_registry()["production_mechanisms"])


def get_search(name: str) -> Search:
    reg = load_registry()
    if name not in reg:
        raise LikelihoodError(f"unknown search {name!r}; known: {', '.join(reg)}")
    return reg[name]


def default_searches() -> tuple[str, ...]:
    """Searches for the full likelihood: with data, not superseded, and combined results used
    instead of their components (so that no data set is counted twice)."""
    reg = load_registry()
    parts = {p for comps in COMBINATIONS.values() for p in comps}
    return tuple(k for k, s in reg.items()
                 if s.available and not s.superseded_by and k not in parts)


def resolve_searches(spec) -> tuple[str, ...]:
    """'default' | 'all' | 'paper' | 'name' | 'a,b' | sequence -> tuple of search names.

    'all' lists every registered search, including superseded and unavailable ones."""
    if spec is None or spec == "default":
        return default_searches()
    if spec == "all":
        return tuple(load_registry())
    if spec == "paper":
        return PAPER_SEARCHES
    if isinstance(spec, str):
        spec = [s.strip() for s in spec.split(",") if s.strip()]
    out = tuple(spec)
    for s in out:
        get_search(s)
    if not out:
        raise LikelihoodError("no search selected")
    return out


def registry_constant(name: str) -> float:
    v = _raw_registry()["constants"][name]
    return float(v) if not isinstance(v, float) else v

