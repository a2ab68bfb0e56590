"""Registry of the DarkCast-2023 dark-photon limits (package data ``data/resonance_limits_2023/``;
provenance, citations and conventions in its README and ``limits_2023.toml``).

Three kinds of limit (``format``):

* ``two_sided`` -- beam dumps (and FASER, NA64 visible, NA62 dump): the dark photon is excluded
  between eps_lower(m) and eps_upper(m). Both edges are interpolated linearly in mass in log(eps)
  between neighbouring rows (the convention of the 2020 registry, :mod:`.registry`); a repeated
  mass is a step (the interval to its right starts at the later row); outside the first and last
  rows there is no limit.
* ``one_sided`` -- excluded above eps_lower(m) (LEP electroweak; the neutrino-scattering recasts,
  kept as data only: ``recastable = false``).
* ``r_values`` -- LHCb displaced: a rectangular grid of r(m, eps) stored as ``.npz``. **Convention of
  the stored numbers:** r = (signal excluded at 90 % CL)/(signal predicted), i.e. r < 1 is excluded
  (DarkCast's ``limit.recast`` treats ``r < 1`` as excluded, and the r < 1 cells form the published
  islands, 0.22-0.31 GeV and eps ~ 1.2e-5 - 6.6e-5). The source README's "r >= 1 excluded" describes
  the inverse; this module only hands out r as stored and the recast uses R = 1/r (R >= 1 excluded).

Couplings handed out are the *physical* reference couplings g_ref = e * eps (dark photon) or g
(B-L), in GeV-free units, like :meth:`bayes_u1x.physics.resonances.registry.Search.reference_coupling`.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np

from ...constants import E_CHARGE
from ...errors import DataError, LikelihoodError
from ...package_data import data_file, load_toml

DATA_DIR = "resonance_limits_2023"
FORMATS = ("two_sided", "one_sided", "r_values")
#: production mechanisms the 2023 recipes name (keys of :func:`.recast_2023.production_2023`)
MECHANISMS = ("e_brem", "p_brem", "pi0_to_gamma_X", "eta_to_gamma_X", "etaprime_to_gamma_X",
              "ee_to_gamma_X")
DECAYS = ("e_e", "mu_mu", "invisible")
REFERENCE_BR = ("dark_photon_full_width", "invisible_0.99", "none")




def _interp_loglinear(mass, logv, m):
    """log-value linear in mass within the interval containing m (right-continuous at steps, the
    last row included); NaN outside [mass[0], mass[-1]]."""
    n = mass.size
    m = np.asarray(m, dtype=float)
    i = np.searchsorted(mass, m, side="right") - 1
    last = m == mass[-1]
    i = np.where(last, n - 2, i)
    inside = (i >= 0) & (i <= n - 2)
    ic = np.clip(i, 0, n - 2)
    m0, m1 = mass[ic], mass[ic + 1]
    width = np.where(m1 > m0, m1 - m0, 1.0)
    t = np.where(last, 1.0, (m - m0) / width)
    return np.where(inside, logv[ic] + t * (logv[ic + 1] - logv[ic]), np.nan)


#: |log eps - grid edge| below which a coupling is taken to lie on the r-grid's edge
EDGE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class RGrid:
    """LHCb displaced r-value grid: r[i, j] at (mass[i], eps[j]); r < 1 excluded (stored convention)."""

    mass: np.ndarray
    log_eps: np.ndarray
    log_r: np.ndarray

    def log_r_at(self, m, log_eps) -> np.ndarray:
        """Bilinear interpolation of log r in (m, log eps); NaN outside the grid. Couplings within
        EDGE_TOLERANCE of the first / last grid coupling (in log eps) count as on the edge, so that
        the ~1e-7 rounding of a tabulated width cannot push a grid point just outside."""
        m, log_eps = np.broadcast_arrays(np.asarray(m, dtype=float), np.asarray(log_eps, dtype=float))
        M, E = self.mass, self.log_eps
        log_eps = np.where(np.abs(log_eps - E[0]) < EDGE_TOLERANCE, E[0],
                           np.where(np.abs(log_eps - E[-1]) < EDGE_TOLERANCE, E[-1], log_eps))
        i = np.clip(np.searchsorted(M, m, side="right") - 1, 0, M.size - 2)
        j = np.clip(np.searchsorted(E, log_eps, side="right") - 1, 0, E.size - 2)
        inside = (m >= M[0]) & (m <= M[-1]) & (log_eps >= E[0]) & (log_eps <= E[-1])
        tm = (m - M[i]) / (M[i + 1] - M[i])
        te = (log_eps - E[j]) / (E[j + 1] - E[j])
        L = self.log_r
        val = ((1 - tm) * ((1 - te) * L[i, j] + te * L[i, j + 1])
               + tm * ((1 - te) * L[i + 1, j] + te * L[i + 1, j + 1]))
        return np.where(inside, val, np.nan)


@dataclass(frozen=True)
class Limit2023:
    key: str
    darkcast_name: str
    experiment: str
    arxiv: str
    citation: str
    format: str
    limit_on: str
    reference_model: str
    production: object                  # tuple of mechanism dicts, or a string (see limits_2023.toml)
    decay: tuple[str, ...]
    reference_br: str
    efficiency: dict
    cl: float
    cl_checked: bool
    dataset: str
    in_default: bool
    recastable: bool = True
    superseded_by: str | None = None
    beam_energy_gev: float | None = None
    flag: str = ""
    notes: str = ""
    mass: np.ndarray = field(default=None, repr=False, compare=False)
    log_lower: np.ndarray = field(default=None, repr=False, compare=False)   # log eps (or g)
    log_upper: np.ndarray = field(default=None, repr=False, compare=False)
    grid: RGrid | None = field(default=None, repr=False, compare=False)

    @property
    def scale(self) -> float:
        """g_ref / (tabulated coupling): e for eps, 1 for g."""
        return E_CHARGE if self.limit_on == "eps" else 1.0

    @property
    def lratio(self) -> float:
        """L_decay / L_shield of a beam dump."""
        eff = self.efficiency
        return eff["l_decay"] / eff["l_shield"]

    @cached_property
    def cl_z(self) -> float:
        from scipy.stats import norm
        return float(norm.ppf(self.cl))

    @property
    def mass_span(self) -> tuple[float, float]:
        m = self.grid.mass if self.format == "r_values" else self.mass
        return float(m[0]), float(m[-1])

    def edges(self, m) -> tuple[np.ndarray, np.ndarray]:
        """Published (g_lower, g_upper) at masses m [GeV] as physical couplings (e*eps or g); NaN
        where there is no limit; g_upper is +inf for one-sided limits."""
        if self.format == "r_values":
            raise LikelihoodError(f"limit {self.key} is an r-value grid: use its .grid, not edges()")
        lo = self.scale * np.exp(_interp_loglinear(self.mass, self.log_lower, m))
        if self.log_upper is None:
            up = np.where(np.isfinite(lo), np.inf, np.nan)
        else:
            up = self.scale * np.exp(_interp_loglinear(self.mass, self.log_upper, m))
        return lo, up

    def describe(self) -> dict:
        return {"limit": self.key, "darkcast_name": self.darkcast_name, "experiment": self.experiment,
                "arxiv": self.arxiv, "format": self.format, "reference_model": self.reference_model,
                "production": self.production, "decay": list(self.decay), "cl": self.cl,
                "cl_checked": self.cl_checked, "dataset": self.dataset, "in_default": self.in_default,
                "recastable": self.recastable, "superseded_by": self.superseded_by, "flag": self.flag,
                "mass_range_gev": list(self.mass_span)}


def _open(name: str):
    return data_file(DATA_DIR, name)


def _read_curve(key: str, name: str, limit_on: str, two_sided: bool):
    try:
        with _open(name).open("r", newline="") as fh:
            rows = [r for r in csv.reader(fh) if r]
    except (FileNotFoundError, OSError) as exc:
        raise DataError(f"cannot read data/{DATA_DIR}/{name}: {exc}") from exc
    want = ["mass_gev", f"{limit_on}_lower"] + ([f"{limit_on}_upper"] if two_sided else [])
    if rows[0] != want:
        raise DataError(f"limit {key}: {name} must have columns {','.join(want)}, got {rows[0]}")
    a = np.array([[float(x) for x in r] for r in rows[1:]], dtype=float)
    if a.shape[0] < 2 or np.any(np.diff(a[:, 0]) < 0) or np.any(a[:, 1:] <= 0) or not np.all(np.isfinite(a)):
        raise DataError(f"limit {key}: {name} needs >= 2 rows, non-decreasing masses, positive couplings")
    if two_sided and np.any(a[:, 2] < a[:, 1]):
        raise DataError(f"limit {key}: {name} has an upper edge below the lower edge")
    return a


def _read_grid(key: str, name: str) -> RGrid:
    try:
        with _open(name).open("rb") as fh:
            z = np.load(fh)
            m, eps, r = z["mass_gev"].astype(float), z["eps"].astype(float), z["r_value"].astype(float)
    except (FileNotFoundError, OSError, KeyError, ValueError) as exc:
        raise DataError(f"cannot read r-value grid data/{DATA_DIR}/{name}: {exc}") from exc
    if r.shape != (m.size, eps.size) or np.any(np.diff(m) <= 0) or np.any(np.diff(eps) <= 0) or np.any(r <= 0):
        raise DataError(f"limit {key}: malformed r-value grid {name}")
    for a in (m, eps, r):
        a.flags.writeable = False
    return RGrid(mass=m, log_eps=np.log(eps), log_r=np.log(r))


def _production(key: str, p):
    if isinstance(p, str):
        if p not in ("lhcb_mixture", "neutrino_electron_scattering"):
            raise DataError(f"limit {key}: unknown production {p!r}")
        return p
    out = []
    for d in p:
        if d.get("mechanism") not in MECHANISMS:
            raise DataError(f"limit {key}: unknown production mechanism {d.get('mechanism')!r}")
        out.append({"mechanism": d["mechanism"], "fraction": float(d.get("fraction", 1.0)),
                    "m_min_gev": float(d.get("m_min_gev", 0.0)),
                    "m_max_gev": float(d.get("m_max_gev", np.inf))})
    if not out or all(d["fraction"] == 0 for d in out):
        raise DataError(f"limit {key}: production needs a mechanism with a non-zero fraction")
    return tuple(out)


def _build(key: str, d: dict) -> Limit2023:
    fmt = d["format"]
    if fmt not in FORMATS:
        raise DataError(f"limit {key}: unknown format {fmt!r}")
    if d["reference_br"] not in REFERENCE_BR or any(c not in DECAYS for c in d["decay"]):
        raise DataError(f"limit {key}: unknown decay {d['decay']} or reference_br {d['reference_br']!r}")
    eff = dict(d["efficiency"])
    if fmt == "two_sided" and not (eff.get("kind") == "beam_dump" and eff.get("l_decay", 0) > 0
                                   and eff.get("l_shield", 0) > 0):
        raise DataError(f"limit {key}: a two-sided limit needs a beam_dump efficiency with lengths > 0")
    mass = lo = up = grid = None
    if fmt == "r_values":
        grid = _read_grid(key, d["data_file"])
    else:
        a = _read_curve(key, d["data_file"], d["limit_on"], fmt == "two_sided")
        mass, lo = a[:, 0], np.log(a[:, 1])
        up = np.log(a[:, 2]) if fmt == "two_sided" else None
        for x in (mass, lo, up):
            if x is not None:
                x.flags.writeable = False
    return Limit2023(key=key, darkcast_name=d["darkcast_name"], experiment=d["experiment"],
                     arxiv=d.get("arxiv", ""), citation=d.get("citation", ""), format=fmt,
                     limit_on=d["limit_on"], reference_model=d["reference_model"],
                     production=_production(key, d["production"]), decay=tuple(d["decay"]),
                     reference_br=d["reference_br"], efficiency=eff, cl=float(d["cl"]),
                     cl_checked=bool(d.get("cl_checked", False)), dataset=d["dataset"],
                     in_default=bool(d["in_default"]), recastable=bool(d.get("recastable", True)),
                     superseded_by=d.get("superseded_by"), beam_energy_gev=d.get("beam_energy_gev"),
                     flag=d.get("flag", ""),
                     notes=d.get("notes", ""), mass=mass, log_lower=lo, log_upper=up, grid=grid)


@lru_cache(maxsize=1)
def load_registry_2023() -> dict[str, Limit2023]:
    """Every 2023 limit keyed by its ``limits_2023.toml`` name (read once)."""
    raw = load_toml(DATA_DIR, "limits_2023.toml")
    return {k: _build(k, d) for k, d in raw["limits"].items()}


def get_limit_2023(key: str) -> Limit2023:
    reg = load_registry_2023()
    if key not in reg:
        raise LikelihoodError(f"unknown 2023 limit {key!r}; known: {', '.join(reg)}")
    return reg[key]


def default_limits_2023() -> tuple[str, ...]:
    """The default set: recastable limits not flagged (not superseded, recipe valid in its range)."""
    return tuple(k for k, s in load_registry_2023().items() if s.in_default and s.recastable)


def resolve_limits_2023(spec=None) -> tuple[str, ...]:
    """None | 'default' | 'all' (every recastable limit, flagged ones included) | 'a,b' | sequence."""
    if spec is None or spec == "default":
        return default_limits_2023()
    if spec == "all":
        return tuple(k for k, s in load_registry_2023().items() if s.recastable)
    names = [s.strip() for s in spec.split(",") if s.strip()] if isinstance(spec, str) else list(spec)
    if not names:
        raise LikelihoodError("no 2023 limit selected")
    for k in names:
        if not isinstance(k, str):
            raise LikelihoodError(f"2023 limit names must be strings, got {k!r}")
        s = get_limit_2023(k)
        if not s.recastable:
            raise LikelihoodError(f"limit {k} is kept as data only and cannot be recast: {s.flag}")
    return tuple(names)


def datasets_2023(keys=None) -> dict[str, tuple[str, ...]]:
    """dataset -> the limits (of ``keys``, default: the default set) that share it."""
    out: dict[str, list[str]] = {}
    for k in resolve_limits_2023(keys):
        out.setdefault(get_limit_2023(k).dataset, []).append(k)
    return {d: tuple(v) for d, v in out.items()}
