"""Priors over θ = (log10 g_X, εe/g_X, log10 m_X/GeV), read from TOML files in ``priors/``.

A prior is a product of independent one-dimensional distributions, one per parameter:

========================  ==========================================  =========================
``distribution``          density on the support                       keys
========================  ==========================================  =========================
``uniform``               1/(hi − lo) on [lo, hi]                       ``bounds = [lo, hi]``
``log-uniform``           1/(x ln(hi/lo)) on [lo, hi], 0 < lo < hi      ``bounds = [lo, hi]``
``normal``                N(mean, sigma) on the real line               ``mean``, ``sigma``
``truncated-normal``      N(mean, sigma) renormalised to [lo, hi]       ``mean``, ``sigma``, ``bounds``
========================  ==========================================  =========================

File format (every parameter must appear exactly once, nothing else is allowed)::

    description = "free text"            # optional
    [log10_g]
    distribution = "uniform"
    bounds = [-6.0, -1.0]
    [eps_ratio]
    ...

The default prior (``priors/default.toml``) is uniform in log10 g_X ∈ [−6, −1],
εe/g_X ∈ [−15, 15] and log10 m_X/GeV ∈ [−2, log10 4]: the lower mass edge is the BBN bound
m_X ≳ 10 MeV (arXiv:2203.13731, Sec. 2.5), the upper edge the trident + T bound m_X ≲ 4 GeV
(Sec. 4.1, Eq. 4.2).

The unit-cube transform :meth:`Prior.ppf` makes a prior usable by nested samplers; random draws
use it too, so a draw depends only on the generator's uniforms.
"""
from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import special, stats

from ..errors import BayesU1XError

#: parameter names, in the order of the last axis of θ
PARAMETER_NAMES = ("log10_g", "eps_ratio", "log10_m")

#: physical axis labels (matplotlib mathtext)
PARAMETER_LABELS = {
    "log10_g": r"$\log_{10} g_X$",
    "eps_ratio": r"$\varepsilon e / g_X$",
    "log10_m": r"$\log_{10}(m_X/\mathrm{GeV})$",
}

#: the repository's prior folder (resolved relative to the package source tree)
PRIOR_DIR = Path(__file__).resolve().parents[2] / "priors"


class PriorError(BayesU1XError):
    """A prior file or prior specification is malformed."""


# --- one-dimensional distributions -------------------------------------------------------------
@dataclass(frozen=True)
class Distribution1D:
    """Base class: subclasses implement ``logpdf``, ``ppf`` and carry ``lo``/``hi``."""

    lo: float
    hi: float

    kind = "base"

    def logpdf(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def ppf(self, u):  # pragma: no cover - abstract
        raise NotImplementedError

    def spec(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def _inside(self, x):
        return (x >= self.lo) & (x <= self.hi)


@dataclass(frozen=True)
class Uniform(Distribution1D):
    kind = "uniform"

    def logpdf(self, x):
        x = np.asarray(x, dtype=float)
        return np.where(self._inside(x), -math.log(self.hi - self.lo), -np.inf)

    def ppf(self, u):
        return self.lo + np.asarray(u, dtype=float) * (self.hi - self.lo)

    def spec(self):
        return {"distribution": self.kind, "bounds": [self.lo, self.hi]}


@dataclass(frozen=True)
class LogUniform(Distribution1D):
    kind = "log-uniform"

    def logpdf(self, x):
        x = np.asarray(x, dtype=float)
        inside = self._inside(x)
        safe = np.where(inside, x, 1.0)
        return np.where(inside, -np.log(safe) - math.log(math.log(self.hi / self.lo)), -np.inf)

    def ppf(self, u):
        u = np.asarray(u, dtype=float)
        return self.lo * (self.hi / self.lo) ** u

    def spec(self):
        return {"distribution": self.kind, "bounds": [self.lo, self.hi]}


@dataclass(frozen=True)
class TruncatedNormal(Distribution1D):
    """N(mean, sigma) restricted to [lo, hi] (lo = −inf, hi = +inf gives the plain normal)."""

    mean: float = 0.0
    sigma: float = 1.0
    _log_norm: float = field(default=0.0, repr=False, compare=False)

    @property
    def kind(self):
        return "normal" if math.isinf(self.lo) and math.isinf(self.hi) else "truncated-normal"

    def __post_init__(self):
        a, b = (self.lo - self.mean) / self.sigma, (self.hi - self.mean) / self.sigma
        # log of the probability mass inside [lo, hi], stable in the tails
        mass = special.log_ndtr(b) + np.log1p(-np.exp(special.log_ndtr(a) - special.log_ndtr(b)))
        object.__setattr__(self, "_log_norm", float(mass))

    def logpdf(self, x):
        x = np.asarray(x, dtype=float)
        z = (x - self.mean) / self.sigma
        val = -0.5 * z ** 2 - 0.5 * math.log(2 * math.pi) - math.log(self.sigma) - self._log_norm
        return np.where(self._inside(x), val, -np.inf)

    def ppf(self, u):
        a, b = (self.lo - self.mean) / self.sigma, (self.hi - self.mean) / self.sigma
        return stats.truncnorm.ppf(np.asarray(u, dtype=float), a, b, loc=self.mean, scale=self.sigma)

    def spec(self):
        d = {"distribution": self.kind, "mean": self.mean, "sigma": self.sigma}
        if self.kind != "normal":
            d["bounds"] = [self.lo, self.hi]
        return d


_ALIASES = {
    "uniform": "uniform", "flat": "uniform",
    "log-uniform": "log-uniform", "loguniform": "log-uniform", "log_uniform": "log-uniform",
    "normal": "normal", "gaussian": "normal",
    "truncated-normal": "truncated-normal", "truncnormal": "truncated-normal",
    "truncated_normal": "truncated-normal", "truncated": "truncated-normal",
}
_ALLOWED_KEYS = {
    "uniform": {"distribution", "bounds"},
    "log-uniform": {"distribution", "bounds"},
    "normal": {"distribution", "mean", "sigma"},
    "truncated-normal": {"distribution", "mean", "sigma", "bounds"},
}


def _number(value, where: str, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise PriorError(f"{where}: key {key!r} must be a number, got {value!r}")
    v = float(value)
    if not math.isfinite(v):
        raise PriorError(f"{where}: key {key!r} must be finite, got {value!r}")
    return v


def make_distribution(spec: dict, where: str = "prior") -> Distribution1D:
    """Build a 1-D distribution from a spec mapping (one ``[parameter]`` table of a prior file).

    ``where`` names the file and parameter in error messages.
    """
    if not isinstance(spec, dict):
        raise PriorError(f"{where}: expected a table with 'distribution' and its parameters, "
                         f"got {spec!r}")
    if "distribution" not in spec:
        raise PriorError(f"{where}: missing key 'distribution' "
                         f"(one of {', '.join(sorted(_ALLOWED_KEYS))})")
    raw = spec["distribution"]
    kind = _ALIASES.get(str(raw).strip().lower()) if isinstance(raw, str) else None
    if kind is None:
        raise PriorError(f"{where}: key 'distribution': unknown distribution {raw!r} "
                         f"(known: {', '.join(sorted(_ALLOWED_KEYS))})")
    extra = set(spec) - _ALLOWED_KEYS[kind]
    if extra:
        raise PriorError(f"{where}: key {sorted(extra)[0]!r} is not allowed for a {kind} prior "
                         f"(allowed: {', '.join(sorted(_ALLOWED_KEYS[kind]))})")
    missing = _ALLOWED_KEYS[kind] - set(spec)
    if missing:
        raise PriorError(f"{where}: missing key {sorted(missing)[0]!r} for a {kind} prior")
    lo, hi = -math.inf, math.inf
    if "bounds" in spec:
        b = spec["bounds"]
        if not isinstance(b, (list, tuple)) or len(b) != 2:
            raise PriorError(f"{where}: key 'bounds' must be a list [lo, hi], got {b!r}")
        lo, hi = (_number(x, where, "bounds") for x in b)
        if not lo < hi:
            raise PriorError(f"{where}: key 'bounds': lower bound {lo} is not below upper bound {hi}")
    if kind == "uniform":
        return Uniform(lo, hi)
    if kind == "log-uniform":
        if lo <= 0:
            raise PriorError(f"{where}: key 'bounds': a log-uniform prior needs 0 < lo, got lo = {lo}")
        return LogUniform(lo, hi)
    mean = _number(spec["mean"], where, "mean")
    sigma = _number(spec["sigma"], where, "sigma")
    if sigma <= 0:
        raise PriorError(f"{where}: key 'sigma' must be positive, got {sigma}")
    dist = TruncatedNormal(lo, hi, mean=mean, sigma=sigma)
    if dist._log_norm < -700:
        raise PriorError(f"{where}: key 'bounds': [{lo}, {hi}] holds no probability of N({mean}, {sigma})")
    return dist


# --- the joint prior ---------------------------------------------------------------------------
class Prior:
    """Product prior over θ = (log10_g, eps_ratio, log10_m).

    Attributes: ``names`` (tuple), ``bounds`` (ndarray (d, 2), ±inf where unbounded),
    ``distributions`` (tuple of 1-D distributions), ``source`` (file path or None),
    ``text`` (the file's text, for provenance), ``description``.
    """

    def __init__(self, distributions: dict, source: str | None = None, text: str | None = None,
                 description: str = ""):
        missing = [n for n in PARAMETER_NAMES if n not in distributions]
        extra = [n for n in distributions if n not in PARAMETER_NAMES]
        if missing or extra:
            raise PriorError(f"{source or 'prior'}: parameters must be exactly "
                             f"{', '.join(PARAMETER_NAMES)} (missing {missing}, unknown {extra})")
        self.names = PARAMETER_NAMES
        self.distributions = tuple(distributions[n] for n in self.names)
        self.bounds = np.array([[d.lo, d.hi] for d in self.distributions], dtype=float)
        self.source = source
        self.text = text
        self.description = description

    @property
    def ndim(self) -> int:
        return len(self.names)

    def _theta(self, theta) -> np.ndarray:
        theta = np.asarray(theta, dtype=float)
        if theta.shape[-1:] != (self.ndim,):
            raise PriorError(f"theta must have last dimension {self.ndim} ({', '.join(self.names)}), "
                             f"got shape {theta.shape}")
        return theta

    def log_prob(self, theta) -> np.ndarray:
        """ln π(θ) for θ of shape (..., d) -> (...); −inf outside the support (and for NaN)."""
        theta = self._theta(theta)
        out = np.zeros(theta.shape[:-1])
        for i, d in enumerate(self.distributions):
            out = out + d.logpdf(theta[..., i])
        return np.where(np.isnan(out), -np.inf, out)

    def in_support(self, theta) -> np.ndarray:
        return np.isfinite(self.log_prob(theta))

    def ppf(self, u) -> np.ndarray:
        """Unit-cube transform: u ∈ [0, 1]^d (shape (..., d)) -> θ distributed as the prior."""
        u = np.asarray(u, dtype=float)
        if u.shape[-1:] != (self.ndim,):
            raise PriorError(f"u must have last dimension {self.ndim}, got shape {u.shape}")
        if np.any((u < 0) | (u > 1)) or not np.all(np.isfinite(u)):
            raise PriorError("unit-cube coordinates must lie in [0, 1]")
        return np.stack([d.ppf(u[..., i]) for i, d in enumerate(self.distributions)], axis=-1)

    def sample(self, n: int, rng=None) -> np.ndarray:
        """n independent draws, shape (n, d). ``rng``: a numpy Generator, a seed, or None."""
        rng = np.random.default_rng(rng)
        n = int(n)
        if n < 0:
            raise PriorError(f"number of prior draws must be non-negative, got {n}")
        return self.ppf(rng.random((n, self.ndim)))

    @property
    def log_volume(self) -> float | None:
        """ln of the support volume Π(hi − lo); for an all-uniform prior the density is
        exp(−log_volume). None when a parameter is unbounded."""
        widths = self.bounds[:, 1] - self.bounds[:, 0]
        if not np.all(np.isfinite(widths)):
            return None
        return float(np.sum(np.log(widths)))

    @property
    def is_uniform(self) -> bool:
        return all(d.kind == "uniform" for d in self.distributions)

    def spec(self) -> dict:
        """The prior as a plain mapping (same layout as the file)."""
        return {n: d.spec() for n, d in zip(self.names, self.distributions)}

    def __repr__(self) -> str:
        parts = ", ".join(f"{n}~{d.kind}[{d.lo:g},{d.hi:g}]" for n, d in zip(self.names, self.distributions))
        return f"Prior({parts})"


def prior_from_dict(data: dict, source: str = "prior", text: str | None = None) -> Prior:
    """Build a :class:`Prior` from a parsed mapping (file layout); errors name ``source``."""
    if not isinstance(data, dict):
        raise PriorError(f"{source}: expected a table of parameters, got {type(data).__name__}")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise PriorError(f"{source}: key 'description' must be a string")
    dists = {}
    for key, value in data.items():
        if key == "description":
            continue
        if key not in PARAMETER_NAMES:
            raise PriorError(f"{source}: key {key!r}: unknown parameter "
                             f"(expected {', '.join(PARAMETER_NAMES)})")
        dists[key] = make_distribution(value, where=f"{source}: [{key}]")
    missing = [n for n in PARAMETER_NAMES if n not in dists]
    if missing:
        raise PriorError(f"{source}: key {missing[0]!r}: parameter missing (every one of "
                         f"{', '.join(PARAMETER_NAMES)} needs a prior)")
    return Prior(dists, source=source, text=text, description=description)


def resolve_prior_path(ref, relative_to: Path | None = None) -> Path:
    """A prior reference is a path (relative to ``relative_to``, else the working directory) or a
    bare name such as ``"default"`` looked up in the repository's ``priors/`` folder."""
    ref = str(ref)
    p = Path(ref).expanduser()
    candidates = []
    if p.is_absolute():
        candidates.append(p)
    else:
        if relative_to is not None:
            candidates.append(Path(relative_to) / p)
        candidates.append(Path.cwd() / p)
        if p.suffix == "" and len(p.parts) == 1:
            candidates.append(PRIOR_DIR / f"{ref}.toml")
        candidates.append(PRIOR_DIR / p.name)
    for c in candidates:
        if c.is_file():
            return c.resolve()
    raise PriorError(f"prior file {ref!r} not found (looked in: {', '.join(str(c) for c in candidates)})")


def load_prior(path, model=None) -> Prior:
    """Read a prior TOML file; a malformed file is refused with file, key and reason.

    A file with a ``[loop]`` table and ``"model_loop"`` entries (the loop-induced kinetic-mixing
    prior) depends on the model: pass ``model`` to resolve it.
    """
    path = Path(path)
    if not path.is_file():
        path = resolve_prior_path(path)
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PriorError(f"{path}: not valid TOML: {exc}") from exc
    if "loop" in data:
        if model is None:
            raise PriorError(f"{path}: this prior depends on the model (key 'loop', 'model_loop' "
                             "entries): load it together with a model")
        from .evidence_scan import resolve_prior

        return resolve_prior(path, model)
    return prior_from_dict(data, source=str(path), text=text)


def default_prior() -> Prior:
    """``priors/default.toml`` (uniform; see the module docstring)."""
    return load_prior(PRIOR_DIR / "default.toml")
